from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.screen.lists.formats import SOURCE_IDS
from sanctionwatch.screen.lists.sources import SourcesConfigError, load_sources

BASE = "version: 1\nsources:\n  - id: x1\n    format: un-xml\n    url: https://a/b\n"


def test_packaged_sources_cover_the_official_lists() -> None:
    sources = {source.id: source for source in load_sources()}
    assert set(SOURCE_IDS) <= set(sources)
    assert sources["un_sc"].url.startswith("https://scsanctions.un.org/")
    assert sources["un_sc"].format == "un-xml"
    assert not sources["opensanctions"].enabled  # CC BY-NC: opt in explicitly
    assert all(source.max_bytes > 0 and source.timeout > 0 for source in sources.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: []", "'version' key"),
        ("version: 2\nsources: []", "version: 1"),
        ("version: 1\nsources: []", "non-empty list"),
        (
            "version: 1\nsources:\n  - id: x1\n    format: pdf\n    url: https://a.b/c",
            "unknown format",
        ),
        ("version: 1\nsources:\n  - id: x1\n    format: un-xml\n    url: ftp://a.b/c", "http"),
        (
            BASE + "    max_bytes: -1",
            "max_bytes",
        ),
        (
            BASE + "    sha256: abc",
            "sha256",
        ),
        (
            BASE + "    colour: red",
            "unknown keys colour",
        ),
        (
            "version: 1\nsources:\n  - {id: x1, format: un-xml, url: 'https://a/b'}\n"
            "  - {id: x1, format: un-xml, url: 'https://a/c'}",
            "duplicate source ids: x1",
        ),
        ("version: 1\nsources: [: bad", r"cannot read list sources: line 2, column \d+: "),
    ],
)
def test_invalid_sources_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesConfigError, match=message):
        load_sources(path)
