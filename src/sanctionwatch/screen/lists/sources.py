"""The configured list sources (``data/lists/sources.yaml``), loaded and validated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.screen.lists.formats import FORMATS
from sanctionwatch.settings import DATA_DIR

SOURCES_FILE = DATA_DIR / "lists" / "sources.yaml"
SUPPORTED_VERSION = 1
_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class SourcesConfigError(RuleFileError):
    """The sources file is missing, malformed or names an unknown format (a
    :class:`RuleFileError`: one line, whichever command read it)."""


@dataclass(frozen=True, slots=True)
class ListSource:
    id: str
    format: str
    url: str
    title: str = ""
    sha256: str | None = None
    max_bytes: int = 200_000_000
    timeout: float = 120.0
    enabled: bool = True


def load_sources(path: Path | None = None) -> list[ListSource]:
    """Read and validate the sources file (default: the packaged ``sources.yaml``)."""
    path = path or SOURCES_FILE
    document = read_rule_file(path, "list sources", SourcesConfigError)
    if document.get("version") != SUPPORTED_VERSION:
        raise SourcesConfigError(f"{path}: expected a mapping with version: {SUPPORTED_VERSION}")
    entries = document.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourcesConfigError(f"{path}: 'sources' must be a non-empty list")
    sources = [_source(path, index, entry) for index, entry in enumerate(entries)]
    ids = [source.id for source in sources]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SourcesConfigError(f"{path}: duplicate source ids: {', '.join(duplicates)}")
    return sources


def _source(path: Path, index: int, entry: Any) -> ListSource:
    where = f"{path}: sources[{index}]"
    if not isinstance(entry, dict):
        raise SourcesConfigError(f"{where}: must be a mapping")
    unknown = set(entry) - {f for f in ListSource.__dataclass_fields__}
    if unknown:
        raise SourcesConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    source_id, fmt, url = entry.get("id"), entry.get("format"), entry.get("url")
    if not isinstance(source_id, str) or not _ID.match(source_id):
        raise SourcesConfigError(f"{where}: id must be lower-case letters, digits and _")
    if fmt not in FORMATS:
        raise SourcesConfigError(f"{where} ({source_id}): unknown format {fmt!r}")
    if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https"):
        raise SourcesConfigError(f"{where} ({source_id}): url must be http(s)")
    sha256 = entry.get("sha256")
    if sha256 is not None and (not isinstance(sha256, str) or not _SHA256.match(sha256)):
        raise SourcesConfigError(f"{where} ({source_id}): sha256 must be 64 lower-case hex digits")
    max_bytes, timeout = entry.get("max_bytes", 200_000_000), entry.get("timeout", 120)
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise SourcesConfigError(f"{where} ({source_id}): max_bytes must be a positive integer")
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        raise SourcesConfigError(f"{where} ({source_id}): timeout must be a positive number")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesConfigError(f"{where} ({source_id}): enabled must be true or false")
    return ListSource(
        id=source_id,
        format=str(fmt),
        url=url,
        title=str(entry.get("title") or ""),
        sha256=sha256,
        max_bytes=max_bytes,
        timeout=float(timeout),
        enabled=enabled,
    )
