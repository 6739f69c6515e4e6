from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.rules import RULES_PATH, RulesError, load_rules, parse_rules


def _shipped() -> dict[str, Any]:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_shipped_rules_load_with_a_version() -> None:
    rules = load_rules()
    assert rules.version
    assert {rule.name for rule in rules.line_rules} >= {"copyright", "disclaimer", "photo-caption"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("version"), "'version' is required"),
        (lambda d: d["line_rules"][0]["patterns"].append("(unclosed"), "bad pattern"),
        (lambda d: d["line_rules"][0].update(scope="page"), "scope must be one of"),
        (lambda d: d["spam"]["scores"].pop("url"), "integer scores required for url"),
        (lambda d: d["run_in_captions"].update(max_length=0), "positive integer"),
    ],
)
def test_malformed_rules_name_the_entry(change: Any, message: str) -> None:
    data = _shipped()
    change(data)
    with pytest.raises(RulesError, match=message):
        parse_rules(data)


def test_edited_rules_change_cleaning(tmp_path: Path) -> None:
    data = _shipped()
    data["line_rules"].append({"name": "house-ad", "patterns": ["^buy our annual report"]})
    path = tmp_path / "cleaning.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = "The firm closed.\nBuy our annual report today\nIt reopened later.\n"
    assert "annual report" in clean_text(text).text
    assert clean_text(text, load_rules(path)).text == "The firm closed.\nIt reopened later."
