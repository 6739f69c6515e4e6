from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.screen.data import (
    ScreenDataError,
    data_versions,
    load_cyrillic,
    load_hangul,
    load_legal_forms,
)
from sanctionwatch.screen.matcher import MATCHER_VERSION, load_weights


def test_every_table_has_a_version_in_the_matcher_version() -> None:
    versions = data_versions()
    assert set(versions) >= {"legal_forms", "cyrillic", "hangul", "korean_names"}
    for name, version in versions.items():
        assert f"{name}={version}" in MATCHER_VERSION
    assert load_weights().version in MATCHER_VERSION


def test_hangul_tables_spell_kim_jong_un() -> None:
    hangul = load_hangul()
    spelled = [hangul.spell(ord(c) - 0xAC00, "rr") for c in "김정은"]
    assert spelled == ["gim", "jeong", "eun"]


def test_loader_rejects_a_file_without_version(tmp_path: Path) -> None:
    bad = tmp_path / "legal.yaml"
    bad.write_text("forms:\n  llc: [ooo]\n", encoding="utf-8")
    with pytest.raises(ScreenDataError, match="version"):
        load_legal_forms(bad)


def test_loader_rejects_bad_cyrillic_entry(tmp_path: Path) -> None:
    bad = tmp_path / "cyr.yaml"
    bad.write_text('version: "1"\nletters:\n  аб: ab\n', encoding="utf-8")
    with pytest.raises(ScreenDataError, match="bad entry"):
        load_cyrillic(bad)


def test_weights_must_cover_every_feature(tmp_path: Path) -> None:
    bad = tmp_path / "weights.yaml"
    bad.write_text(
        'version: "x"\nthreshold: 0.5\nbias: 0\nname_weights: {name_exact: 1}\n'
        "evidence_weights: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScreenDataError, match="name_weights"):
        load_weights(bad)
