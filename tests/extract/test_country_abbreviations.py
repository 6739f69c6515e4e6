"""Capitals count as a country only where pages write them for one ("US", not "IT")."""

from pathlib import Path

import pytest

from sanctionwatch.extract.relation_finders import country_abbreviations, country_of_place


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US", "us"),
        ("U.S.", "us"),
        ("USA", "us"),
        ("UK", "gb"),
        ("DPRK", "kp"),
        ("UAE", "ae"),
        ("IT", None),
        ("SA", None),
        ("TV", None),
        ("AI", None),
        ("TO", None),
        ("Italy", "it"),
        ("Saudi Arabia", "sa"),
        ("Vladivostok", None),
    ],
)
def test_country_of_place_table(text: str, expected: str | None) -> None:
    assert country_of_place(text) == expected


def test_abbreviation_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "abbreviations.yaml"
    bad.write_text("version: 1\nabbreviations: [us]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbreviations\.yaml"):
        country_abbreviations.__wrapped__(bad)


def test_abbreviation_file_with_bad_yaml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "abbreviations.yaml"
    bad.write_text("version: 1\nabbreviations: [US\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbreviations\.yaml: cannot read country abbreviations"):
        country_abbreviations.__wrapped__(bad)
