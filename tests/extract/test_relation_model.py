"""The learned relation component: model file loading and checks, scoring, links with
provenance, the on/off setting and its part in the extractor version."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.extract.relation_finders import SentenceFinder
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_model import (
    MODEL_FILE,
    SETTING,
    ModelFinder,
    RelationModelError,
    active_model,
    model_version,
    parse_model,
    read_model,
    read_switch,
)
from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.relation_rules import default_rules
from sanctionwatch.extract.relations import extract_relations, extractor_version
from sanctionwatch.extract.relations import relation_statements as to_statements
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store import Database
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import Statement
from storekit import text_document

NAMES = {"Anna Quist": "Person", "Velkor Shipping": "Company", "Oristan Holdings": "Company"}
TEXT = (
    "Oristan Holdings employs Anna Quist. "
    "Anna Quist, long close to Velkor Shipping, left the country in May."
)


def _tiny(**changes: Any) -> dict[str, Any]:
    """A hand-written model: "close" between two names makes an UnknownLink, "employ" on the
    path an employment of the second name by the first."""
    data: dict[str, Any] = {
        "version": "t1",
        "enabled": True,
        "training": {"sets": ["invented"], "date": "2026-11-29"},
        "feature_spec": {
            "version": "1",
            "max_gap": 30,
            "trigger_classes": {"employ": ["employ"]},
            "rule_titles": False,
        },
        "threshold": 0.5,
        "classes": ["none", "employment<", "unknown>"],
        "bias": {"none": 2.0, "employment<": 0.0, "unknown>": 0.0},
        "weights": {"bw:close": {"unknown>": 5.0}, "meetcls:employ": {"employment<": 5.0}},
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, data: Any, name: str = "model.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _context(text: str) -> DocumentContext:
    return DocumentContext("d" * 64, text, OffsetMap.identity(len(text)), date(2026, 1, 5))


def _statements(nlp: Language, text: str = TEXT) -> list[Statement]:
    doc = nlp(text)
    return extract_relations(doc, _context(text), mentions_for_names(doc, NAMES))


def test_the_shipped_model_loads_with_its_training_record() -> None:
    model = read_model(MODEL_FILE)
    assert model.version
    written = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["training"]["sets"]
    assert written and model.training["sets"] == written
    assert model.training["date"]
    assert model.spec.max_gap > 0 and "title_directorship" in model.spec.trigger_classes
    assert 0 < model.threshold <= 1
    probabilities = model.probabilities(["schemata:Person|Company", "bias"])
    assert abs(sum(probabilities.values()) - 1.0) < 1e-9


def test_probabilities_follow_the_weights(tmp_path: Path) -> None:
    model = parse_model(tmp_path / "m.json", _tiny(), default_rules())
    assert model.predict([])[1] < 0.5
    label, probability = model.predict(["bw:close", "unknown-feature"])
    assert label == "unknown>" and probability > 0.9


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": 3}, "'version' string"),
        ({"classes": ["employment>"]}, "holding 'none'"),
        ({"classes": ["none", "teleport>"]}, "class 'teleport>'"),
        ({"bias": {"none": 0.0}}, "'bias' must give a number for every class"),
        ({"threshold": 0}, "'threshold' must be in (0, 1]"),
        ({"threshold": "high"}, "'threshold' must be a number"),
        ({"weights": {"bw:x": {"sideways": 1.0}}}, "weights of 'bw:x'"),
        ({"weights": {"bw:x": {"none": "big"}}}, "'weights.bw:x' must be a number"),
        ({"training": {}}, "'training' must be a mapping"),
        ({"enabled": "yes"}, "'enabled' must be true or false"),
        ({"feature_spec": {"max_gap": -1, "trigger_classes": {}}}, "max_gap"),
        ({"feature_spec": {"max_gap": 5, "trigger_classes": {"x": "own"}}}, "trigger_classes.x"),
    ],
)
def test_a_bad_model_file_fails_in_one_line_naming_it(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    path = _write(tmp_path, _tiny(**changes))
    with pytest.raises(RelationModelError) as caught:
        read_model(path)
    text = str(caught.value)
    assert message in text and str(path) in text and "\n" not in text


def test_an_unreadable_or_invalid_model_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(RelationModelError, match="cannot read the relation model"):
        read_model(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": "1",', encoding="utf-8")
    with pytest.raises(RelationModelError, match=r"broken\.json: not valid JSON \(line 1"):
        read_model(broken)


def test_the_setting_switches_the_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTING, "off")
    assert active_model() is None
    assert "+m" not in extractor_version()  # a component that is off is left out
    monkeypatch.setenv(SETTING, "on")
    shipped = active_model()
    assert shipped is not None and shipped.path == MODEL_FILE
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(version="t7"))))
    assert "+mt7+" in extractor_version()


def test_model_links_carry_sentence_span_and_confidence(nlp: Language, tmp_path: Path) -> None:
    doc = nlp(TEXT)
    mentions = mentions_for_names(doc, NAMES)
    context = _context(TEXT)
    finder = SentenceFinder(MentionIndex(doc, mentions), default_rules(), context)
    model = read_model(_write(tmp_path, _tiny()))
    links = list(ModelFinder(finder, model).find(list(doc.sents), set()))
    by_kind = {link.kind: link for link in links}
    assert set(by_kind) == {"employment", "unknown"}
    employment = by_kind["employment"]
    assert employment.parties["employee"].name == "Anna Quist"
    assert employment.parties["employer"].name == "Oristan Holdings"
    unknown = by_kind["unknown"]
    assert unknown.parties["subject"].name == "Anna Quist"
    assert unknown.parties["object"].name == "Velkor Shipping"
    statements = to_statements([unknown], context)
    assert statements and all(s.origin == "extract:relations" for s in statements)
    second_sentence = list(doc.sents)[1].text.strip()
    for statement in statements:
        assert statement.sentence == second_sentence
        assert statement.confidence == unknown.confidence and 0.5 <= unknown.confidence < 1
        assert statement.start is not None and statement.end is not None
        assert TEXT[statement.start : statement.end].startswith("Anna Quist")
        assert TEXT[statement.start : statement.end].endswith("Velkor Shipping")


def test_off_gives_the_rules_output_and_on_only_adds_unlinked_pairs(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTING, "off")
    rules_only = _statements(nlp)
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(threshold=1.0), "silent.json")))
    silent = _statements(nlp)
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(), "eager.json")))
    eager = _statements(nlp)

    def facts(statements: list[Statement]) -> set[tuple[str, str, str]]:
        return {(s.entity_id, s.prop, s.value) for s in statements}

    assert facts(silent) == facts(rules_only)
    assert {s.origin_version for s in rules_only} != {s.origin_version for s in silent}
    assert facts(rules_only) < facts(eager)
    added = {s.entity_id for s in eager} - {s.entity_id for s in rules_only}
    assert added and all(entity_id.startswith("rel-unknown-") for entity_id in added)
    # "Oristan Holdings employs Anna Quist" is the rules' employment: the model adds no other
    employments = {s.entity_id for s in eager if s.entity_id.startswith("rel-employment-")}
    assert employments and employments == {
        s.entity_id for s in rules_only if "employment" in s.entity_id
    }


def test_extract_with_a_bad_model_file_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database = Database(url)
    database.migrate()
    with database.session() as session:
        session.add(text_document("Velkor Shipping employs Anna Quist.", doc_id="e" * 64))
    database.dispose()
    bad = _write(tmp_path, _tiny(threshold=7))
    monkeypatch.setenv(SETTING, str(bad))
    result = CliRunner().invoke(app, ["extract", "--db", url])
    assert result.exit_code == 1
    assert "'threshold' must be in (0, 1]" in result.output
    assert "Traceback" not in result.output


def test_a_switched_off_model_is_not_checked_beyond_its_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off by the file or the setting, a model whose weights are broken never stops extraction
    (its weights are checked only when the model is used)."""
    from sanctionwatch.extract import relation_model

    broken = _write(tmp_path, _tiny(version="b3", enabled=False, weights=["not", "a", "map"]))
    with pytest.raises(RelationModelError, match="'weights' must map"):
        read_model(broken)
    switch = read_switch(broken)
    assert (switch.version, switch.enabled) == ("b3", False)
    monkeypatch.delenv(SETTING, raising=False)
    monkeypatch.setattr(relation_model, "MODEL_FILE", broken)
    relation_model._cached_switch.cache_clear()
    assert active_model() is None and model_version() == "0"
    monkeypatch.setattr(relation_model, "MODEL_FILE", tmp_path / "absent.json")
    monkeypatch.setenv(SETTING, "off")
    assert active_model() is None and model_version() == "0"  # the file is not even read
    monkeypatch.setenv(SETTING, "on")
    with pytest.raises(RelationModelError, match=r"absent\.json: cannot read"):
        active_model()
    relation_model._cached_switch.cache_clear()
