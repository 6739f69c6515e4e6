"""The learned attribute tagger: its candidates and features on sentences of varied forms,
model file checks, statements with provenance, the on/off setting (off = the rules' output),
and what it must never state (a country inside a name, a state body's country)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from sanctionwatch.extract import relation_attribute_features, relation_attributes
from sanctionwatch.extract.relation_attribute_features import (
    AttributeCandidate,
    sentence_candidates,
)
from sanctionwatch.extract.relation_attributes import (
    MODEL_FILE,
    SETTING,
    AttributeModelError,
    active_model,
    allowed_kinds,
    candidate_kinds,
    model_version,
    parse_spec,
    read_model,
)
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_parse import MentionIndex
from sanctionwatch.extract.relation_rules import default_rules
from sanctionwatch.extract.relations import extract_relations, extractor_version
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import Statement

SPEC = {
    "version": "1",
    "max_gap": 25,
    "trigger_classes": {
        "national": ["national", "citizen", "passport"],
        "firm": ["company", "shipyard", "firm"],
        "place": ["home", "office"],
        "sanction": ["sanction", "designate"],
    },
}


def _candidates(nlp: Language, text: str, names: dict[str, str]) -> list[AttributeCandidate]:
    doc = nlp(text)
    index = MentionIndex(doc, mentions_for_names(doc, names))
    spec = parse_spec(Path("spec.json"), SPEC)
    return [
        candidate
        for sentence in doc.sents
        for candidate in sentence_candidates(index, sentence, spec, default_rules())
    ]


def _one(candidates: list[AttributeCandidate], party: str, word: str) -> AttributeCandidate:
    found = [c for c in candidates if c.party.text == party and c.attribute.text == word]
    assert len(found) == 1, [(c.party.text, c.attribute.text) for c in candidates]
    return found[0]


# -- candidates and features ---------------------------------------------------------------


def test_a_demonym_apposed_as_a_nationality_noun(nlp: Language) -> None:
    candidates = _candidates(
        nlp, "Anna Quist, a Chilean national, was questioned on Monday.", {"Anna Quist": "Person"}
    )
    candidate = _one(candidates, "Anna Quist", "Chilean")
    assert candidate.attribute.word_class == "demonym" and candidate.attribute.country == "cl"
    assert {"ahead:national", "ahcls:national", "schema:Person"} <= set(candidate.features)
    assert "order:party-first|demonym" in candidate.features
    assert set(allowed_kinds(candidate.attribute)) == {"nationality", "registration", "location"}


def test_a_demonym_on_a_company_noun_before_the_name(nlp: Language) -> None:
    candidates = _candidates(
        nlp,
        "The order went to the Norwegian shipyard Velkor Marine last spring.",
        {"Velkor Marine": "Company"},
    )
    candidate = _one(candidates, "Velkor Marine", "Norwegian")
    assert candidate.attribute.country == "no"
    assert "ahcls:firm" in candidate.features
    assert "order:attr-first|demonym" in candidate.features


def test_a_place_on_a_possessed_home_noun(nlp: Language) -> None:
    candidates = _candidates(
        nlp, "Agents searched Anna Quist's Ohio home on Tuesday.", {"Anna Quist": "Person"}
    )
    candidate = _one(candidates, "Anna Quist", "Ohio")
    assert candidate.attribute.word_class == "place" and candidate.attribute.place == "Ohio"
    assert allowed_kinds(candidate.attribute) == ("location",)
    assert "ahcls:place" in candidate.features


def test_a_designating_authority_as_agent(nlp: Language) -> None:
    candidates = _candidates(
        nlp, "Oristan Holdings was designated by OFAC in May.", {"Oristan Holdings": "Company"}
    )
    candidate = _one(candidates, "Oristan Holdings", "OFAC")
    assert candidate.attribute.authority == "United States"
    assert "sanction" in allowed_kinds(candidate.attribute)
    assert "can:authority" in candidate.features


def test_a_list_of_nationals_gives_every_member_a_candidate(nlp: Language) -> None:
    names = {"Anna Quist": "Person", "Bo Lind": "Person", "Cy Marr": "Person"}
    candidates = _candidates(
        nlp, "Prosecutors charged nationals of Peru Anna Quist, Bo Lind and Cy Marr.", names
    )
    peru = [c for c in candidates if c.attribute.country == "pe"]
    assert {c.party.text for c in peru} == set(names)
    assert any("party:listed" in c.features for c in peru)


def test_a_country_word_inside_a_name_is_no_attribute(nlp: Language) -> None:
    candidates = _candidates(
        nlp,
        "Peru Fishing Company hired Anna Quist last year.",
        {"Peru Fishing Company": "Company", "Anna Quist": "Person"},
    )
    assert not [c for c in candidates if c.attribute.text == "Peru"]


# -- the model file --------------------------------------------------------------------------


def _tiny(**changes: Any) -> dict[str, Any]:
    """A hand-written model: a nationality noun over a demonym makes a nationality, an
    authority word a designation; anything else stays ``none``."""
    data: dict[str, Any] = {
        "version": "t1",
        "enabled": True,
        "training": {"sets": ["invented"], "date": "2026-11-29"},
        "feature_spec": SPEC,
        "threshold": 0.5,
        "classes": ["none", "nationality", "location", "registration", "sanction"],
        "bias": {
            "none": 3.0,
            "nationality": 0.0,
            "location": 0.0,
            "registration": 0.0,
            "sanction": 0.0,
        },
        "weights": {
            "ahcls:national": {"nationality": 6.0},
            "cls:demonym": {"nationality": 2.0},
            "can:authority": {"sanction": 5.0},
        },
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, data: Any, name: str = "attributes.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_the_shipped_model_loads_and_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    model = read_model(MODEL_FILE)
    assert model.version and model.threshold <= 1.0
    assert "real9" in model.training["sets"] and model.training["date"]
    assert set(model.classes) == {"none", "nationality", "location", "registration", "sanction"}
    assert model.enabled is False
    monkeypatch.delenv(SETTING, raising=False)
    assert active_model() is None and model_version() == "0"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"version": 3}, "'version'"),
        ({"classes": ["nationality"]}, "'classes'"),
        ({"classes": ["none", "citizenship"]}, "'citizenship'"),
        ({"bias": {"none": 1.0}}, "'bias'"),
        ({"threshold": 1.5}, "'threshold'"),
        ({"weights": {"cls:place": {"address": 1.0}}}, "cls:place"),
        ({"weights": {"cls:place": {"location": "high"}}}, "weights.cls:place"),
        ({"feature_spec": {"max_gap": 0, "trigger_classes": {}}}, "max_gap"),
        ({"feature_spec": {"max_gap": 9, "trigger_classes": {"x": "home"}}}, "trigger_classes.x"),
        ({"training": {"date": "2026"}}, "'training'"),
        ({"enabled": "yes"}, "'enabled'"),
    ],
)
def test_a_bad_model_file_fails_in_one_line_naming_it(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    path = _write(tmp_path, _tiny(**changes))
    with pytest.raises(AttributeModelError) as caught:
        read_model(path)
    message = str(caught.value)
    assert isinstance(caught.value, RuleFileError)
    assert str(path) in message and problem in message and "\n" not in message


def test_an_unreadable_or_invalid_json_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(AttributeModelError, match="not valid JSON"):
        read_model(_write(tmp_path, "{not json"))
    with pytest.raises(AttributeModelError, match="cannot read"):
        read_model(tmp_path / "absent.json")


def test_the_setting_switches_the_tagger_and_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTING, "off")
    off_version = extractor_version()
    assert active_model() is None
    assert "+a" not in off_version  # an off tagger adds nothing to the version
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(version="t9"))))
    model = active_model()
    assert model is not None and model.version == "t9" and model_version() == "t9"
    assert extractor_version() != off_version
    monkeypatch.setenv(SETTING, "on")
    assert active_model() is not None


# -- statements --------------------------------------------------------------------------------

NAMES = {"Anna Quist": "Person", "Oristan Holdings": "Company", "Ministry of Mines": "PublicBody"}
TEXT = (
    "Oristan Holdings hired Anna Quist, whom officials described as a Chilean passport holder "
    "and long-time Chilean national. "
    "Oristan Holdings was designated by OFAC in May. "
    "The Chilean Ministry of Mines declined to comment."
)


def _context(text: str) -> DocumentContext:
    return DocumentContext("e" * 64, text, OffsetMap.identity(len(text)), date(2026, 1, 5))


def _statements(nlp: Language, text: str = TEXT) -> list[Statement]:
    doc = nlp(text)
    return extract_relations(doc, _context(text), mentions_for_names(doc, NAMES))


def _facts(statements: list[Statement]) -> set[tuple[str, str, str]]:
    return {(s.entity_id, s.prop, s.value) for s in statements}


def test_off_gives_the_rules_output_and_on_only_adds(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTING, "off")
    rules_only = _statements(nlp)
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(threshold=1.0), "silent.json")))
    silent = _statements(nlp)
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(), "eager.json")))
    eager = _statements(nlp)
    assert _facts(silent) == _facts(rules_only)
    assert {s.origin_version for s in silent} != {s.origin_version for s in rules_only}
    assert _facts(rules_only) <= _facts(eager)
    added = _facts(eager) - _facts(rules_only)
    assert ("nationality", "cl") in {(prop, value) for _, prop, value in added}
    # a state body gets no country from the tagger, whatever the weights say
    doc = nlp(TEXT)
    ministry = {m.entity_id for m in mentions_for_names(doc, NAMES) if m.schema == "PublicBody"}
    assert ministry and not [s for s in eager if s.entity_id in ministry]


def test_tagged_statements_carry_sentence_span_and_confidence(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Oristan Holdings met Anna Quist, a Chilean national, in Lima."
    monkeypatch.setenv(SETTING, "off")
    rules_only = _statements(nlp, text)
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(), "eager.json")))
    known = _facts(rules_only)
    tagged = [s for s in _statements(nlp, text) if (s.entity_id, s.prop, s.value) not in known]
    nationality = [s for s in tagged if s.prop == "nationality" and s.value == "cl"]
    if not nationality:  # the rules read this apposition already: the tagger must not repeat
        assert [s for s in rules_only if s.prop == "nationality" and s.value == "cl"]
        return
    for statement in nationality:
        assert statement.origin == "extract:relations"
        assert statement.origin_version == extractor_version()
        assert statement.sentence == text
        assert statement.start is not None and statement.end is not None
        assert text[statement.start : statement.end].startswith("Anna Quist")
        assert text[statement.start : statement.end].endswith("Chilean")
        assert 0.5 <= statement.confidence < 1.0


def test_the_tagger_states_a_designation_with_its_authority(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Officials said Oristan Holdings, long watched by OFAC, moved its ships in May."
    monkeypatch.setenv(SETTING, "off")
    assert not [s for s in _statements(nlp, text) if s.schema == "Sanction"]
    monkeypatch.setenv(SETTING, str(_write(tmp_path, _tiny(), "eager.json")))
    sanctions = [s for s in _statements(nlp, text) if s.schema == "Sanction"]
    assert {s.value for s in sanctions if s.prop == "authority"} == {"United States"}
    entity = [s for s in sanctions if s.prop == "entity"]
    assert entity and entity[0].original_value == "Oristan Holdings"
    assert all(s.sentence == text and 0.5 <= s.confidence < 1.0 for s in sanctions)


def test_extraction_with_a_bad_model_file_fails_in_one_line(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = _write(tmp_path, _tiny(threshold=0), "bad.json")
    monkeypatch.setenv(SETTING, str(bad))
    with pytest.raises(RuleFileError, match="'threshold'"):
        _statements(nlp)


def test_a_switched_off_packaged_file_is_only_read_for_its_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = _write(tmp_path, {"version": "z", "enabled": False, "weights": 7}, "off.json")
    monkeypatch.delenv(SETTING, raising=False)
    monkeypatch.setattr(relation_attributes, "MODEL_FILE", broken)
    relation_attributes._cached_switch.cache_clear()
    try:
        assert active_model() is None and model_version() == "0"
    finally:
        relation_attributes._cached_switch.cache_clear()


def test_a_state_body_may_only_be_designated(nlp: Language) -> None:
    candidates = _candidates(
        nlp,
        "The Ministry of Mines, a Chilean national agency, and Velkor Marine, a Chilean "
        "company, were designated by OFAC.",
        {"Ministry of Mines": "PublicBody", "Velkor Marine": "Company"},
    )
    ministry = [c for c in candidates if c.party.text == "Ministry of Mines"]
    company = [c for c in candidates if c.party.text == "Velkor Marine" and c.attribute.country]
    assert [candidate_kinds(c) for c in ministry if c.attribute.country] == [(), ()]
    assert company and "nationality" in candidate_kinds(company[0])
    assert candidate_kinds(_one(candidates, "Ministry of Mines", "OFAC")) == ("sanction",)


# -- off costs nothing; no state between documents ---------------------------------------------


def _refuse(*args: object, **kwargs: object) -> Any:
    raise AssertionError("the tagger built candidates while it is off")


@pytest.mark.parametrize("setting", ["off", None])
def test_off_builds_no_candidate_or_feature(
    nlp: Language, monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    if setting is None:
        monkeypatch.delenv(SETTING, raising=False)  # the packaged file, switched off
    else:
        monkeypatch.setenv(SETTING, setting)
    monkeypatch.setattr(relation_attributes, "sentence_candidates", _refuse)
    monkeypatch.setattr(relation_attributes, "document_entities", _refuse)
    monkeypatch.setattr(relation_attributes, "AttributeTagger", _refuse)
    monkeypatch.setattr(relation_attributes, "_cached_model", _refuse)
    assert _statements(nlp)  # the rules still run, the tagger never does


def test_candidates_hold_no_state_between_documents(nlp: Language) -> None:
    """Each call reads its own document's entities: a second document between two reads of
    the first changes nothing, and nothing is kept at module level."""
    first = nlp("Anna Quist, a Chilean national, met officials in Lima on Monday.")
    second = nlp("Velkor Marine, a Peruvian company, was fined in Quito.")
    names = {"Anna Quist": "Person", "Velkor Marine": "Company"}
    spec = parse_spec(Path("spec.json"), SPEC)

    def pairs(doc: Any) -> list[tuple[str, str]]:
        index = MentionIndex(doc, mentions_for_names(doc, names))
        return [
            (c.party.text, c.attribute.text)
            for sentence in doc.sents
            for c in sentence_candidates(index, sentence, spec, default_rules())
        ]

    alone = pairs(first)
    other = pairs(second)
    assert alone == pairs(first) and ("Anna Quist", "Chilean") in alone
    assert ("Velkor Marine", "Peruvian") in other
    assert not {text for _, text in alone} & {text for _, text in other}
    kept = {
        name
        for name, value in vars(relation_attribute_features).items()
        if not name.startswith("__") and isinstance(value, list | dict | set) and value
    }
    assert not kept  # no document (or its entities) outlives the call
