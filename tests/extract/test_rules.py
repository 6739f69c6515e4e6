"""The rules file loader: validation errors name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sanctionwatch.extract.entities import extractor_version
from sanctionwatch.extract.rules import (
    RULES_PATH,
    RulesError,
    load_entity_rules,
    load_places_file,
    load_rules_file,
)


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_packaged_rules_load_and_version_the_extractor() -> None:
    rules = load_entity_rules()
    assert ("ltd",) in rules.legal_forms and ("ооо",) in rules.legal_forms
    assert rules.organisation_heads["ministry"] == "Organization"
    assert rules.places["vladivostok"] == "ru"
    assert rules.version in extractor_version()


def test_missing_key_names_the_file_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    del data["role_nouns"]
    path = _write(tmp_path, data)
    with pytest.raises(RulesError, match=r"rules\.yaml: 'role_nouns'"):
        load_rules_file(path)


def test_unknown_schema_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["appositive_heads"]["lagoon"] = "Lagoon"
    with pytest.raises(RulesError, match="unknown schema 'Lagoon'"):
        load_rules_file(_write(tmp_path, data))


def test_bad_instrument_pattern_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["instruments"].append({"id": "x", "pattern": "Order (\\d+)", "canonical": "O {number}"})
    with pytest.raises(RulesError, match="lacks a"):
        load_rules_file(_write(tmp_path, data))


def test_yaml_booleans_in_word_lists_are_caught(tmp_path: Path) -> None:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    path = _write(tmp_path, data)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace("- ltd\n", "- ltd\n- no\n", 1)
    text = text.replace("legal_forms:\n", "legal_forms:\n- no\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match="legal_forms"):
        load_rules_file(path)


def test_places_file_needs_lists_of_names(tmp_path: Path) -> None:
    path = tmp_path / "places.yaml"
    path.write_text("version: 1\nplaces:\n  ru: Moscow\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"places\.yaml: 'ru'"):
        load_places_file(path)


def test_entity_and_vocabulary_errors_are_rule_file_errors(tmp_path: Path) -> None:
    """`sanctionwatch extract` turns a RuleFileError into one line; a broken entity rules
    file or claims vocabulary must be one too, not a traceback."""
    from sanctionwatch.extract.claimkit.vocabulary import VocabularyError, load_vocabulary
    from sanctionwatch.extract.rulefile import RuleFileError

    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [unclosed", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"broken\.yaml"):
        load_rules_file(broken)
    with pytest.raises(VocabularyError) as raised:
        load_vocabulary(broken)
    assert isinstance(raised.value, RuleFileError)
    from sanctionwatch.extract.claimkit.figures import FigureModelError, load_model

    with pytest.raises(FigureModelError) as model_error:
        load_model(broken)
    assert isinstance(model_error.value, RuleFileError)
