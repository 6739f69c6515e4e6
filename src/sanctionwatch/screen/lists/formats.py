"""The list formats SanctionWatch reads, by their command-line name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.derived_json import DerivedJsonLoader
from sanctionwatch.screen.lists.eu_journal_csv import EuJournalCsvLoader
from sanctionwatch.screen.lists.eu_xml import EuXmlLoader
from sanctionwatch.screen.lists.ftm_json import FtmJsonLoader
from sanctionwatch.screen.lists.ofac_advanced import OfacAdvancedXmlLoader
from sanctionwatch.screen.lists.ofac_csv import COMPANION_FILES, OfacCsvLoader
from sanctionwatch.screen.lists.ofac_xml import OfacXmlLoader
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.screen.lists.uk_csv import UkCsvLoader
from sanctionwatch.screen.lists.un_xml import UnXmlLoader

SOURCE_IDS = ("un_sc", "us_ofac_sdn", "us_ofac_cons", "eu_fsf", "gb_hmt", "opensanctions")
"""Source ids of the official lists (dataset of their statements, origin ``list:<id>``)."""


class SourcedLoader(Protocol):
    """A :class:`~sanctionwatch.screen.lists.types.ListLoader` that knows its usual source."""

    format: str
    default_source: str

    def load(self, path: Path) -> Iterator[EntityProxy]: ...


def _loaders() -> dict[str, SourcedLoader]:
    loaders: list[SourcedLoader] = [
        UnXmlLoader(),
        OfacCsvLoader(),
        OfacXmlLoader(),
        OfacAdvancedXmlLoader(),
        EuXmlLoader(),
        UkCsvLoader(),
        FtmJsonLoader(),
        EuJournalCsvLoader(),
        DerivedJsonLoader(),
    ]
    return {loader.format: loader for loader in loaders}


LOADERS = _loaders()
FORMATS = tuple(LOADERS)


def get_loader(fmt: str) -> SourcedLoader:
    """The loader for ``fmt`` (e.g. ``un-xml``) or a clear error naming the known formats."""
    try:
        return LOADERS[fmt]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ListFormatError(f"unknown list format {fmt!r}; known formats: {known}") from None


def companion_files(path: Path, fmt: str) -> list[Path]:
    """Files read together with ``path`` (OFAC ``add.csv``/``alt.csv`` beside ``sdn.csv``)."""
    if fmt != "ofac-csv":
        return []
    return [path.parent / name for name in COMPANION_FILES if (path.parent / name).is_file()]


def source_for(loader: SourcedLoader, path: Path) -> str:
    """The source a file belongs to when none is given (some formats serve two lists)."""
    detect = getattr(loader, "detect_source", None)
    if callable(detect):
        return str(detect(path))
    return loader.default_source


_XML_ROOTS = {
    "CONSOLIDATED_LIST": "un-xml",
    "sdnList": "ofac-xml",
    "Sanctions": "ofac-advanced-xml",
    "export": "eu-xml",
}


def detect_format(path: Path) -> str | None:
    """Guess a list file's format from its first bytes (None when unsure)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        for root, fmt in _XML_ROOTS.items():
            if f"<{root}" in text or f":{root}" in text:
                return fmt
        return None
    if text.startswith("{"):
        if '"entities"' in text and '"metadata"' in text:
            return "derived-json"
        return "ftm-json" if '"schema"' in text else None
    first_lines = text.splitlines()[:3]
    if any("Name 6" in line and "Group ID" in line for line in first_lines):
        return "uk-csv"
    if first_lines and first_lines[0].startswith("celex,"):
        return "eu-journal-csv"
    if first_lines and first_lines[0].split(",", 1)[0].isdigit() and ',"' in first_lines[0]:
        return "ofac-csv"
    return None
