"""The learned entity typer: its features on sentences written for these tests, its model
file's checks, the decision rule, and that switched off it leaves the rules' output alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.extract import entity_typer
from sanctionwatch.extract.entities import extractor_version, find_mentions
from sanctionwatch.extract.entity_typer import (
    NOT_ENTITY,
    SETTING,
    TYPER_FILE,
    EntityTyperError,
    active_typer,
    decide,
    entity_groups,
    group_features,
    name_features,
    parse_typer,
    read_typer,
    retype_mentions,
)
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.extract.rules import load_entity_rules
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store import Database
from sanctionwatch.store.offsets import OffsetMap
from storekit import text_document


def _context(text: str) -> DocumentContext:
    return DocumentContext("doc", text, OffsetMap.identity(len(text)))


def _features_of(nlp: Language, text: str, name: str) -> frozenset[str]:
    doc = nlp(text)
    mentions = find_mentions(doc, _context(text))
    for group in entity_groups(mentions).values():
        if any(m.text == name for m in group):
            return group_features(doc, group, load_entity_rules())
    raise AssertionError(f"{name!r} not found in {[m.text for m in mentions]}")


def _model(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": "7",
        "enabled": True,
        "feature_version": entity_typer.FEATURE_VERSION,
        "training": {"sets": ["invented"]},
        "classes": ["Company", "Organization", "Person", "Place", "none"],
        "bias": {"Company": 0, "Organization": 0, "Person": 0, "Place": 0, "none": 0},
        "retype_threshold": 0.6,
        "drop_threshold": 0.9,
        "weights": {},
    }
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _typer_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTING, "off")


# ---------------------------------------------------------------- features


def test_name_features_read_the_head_word_legal_form_and_shape() -> None:
    rules = load_entity_rules()
    firm = name_features("Songbong Shipping Co., Ltd.", rules)
    assert "legal_form" in firm and "words=4+" in firm
    assert not [f for f in firm if "songbong" in f or "shipping" in f]  # no name words
    ministry = name_features("Ministry of Fisheries", rules)
    assert "head=Organization" in ministry and "legal_form" not in ministry
    assert "shape=caps" in name_features("KOSCO", rules)
    assert "shape=title" in name_features("Harbin Pine", rules)
    assert "digit" in name_features("Unit 180", rules)
    assert "nonascii" in name_features("ООО Восток", rules)


def test_an_apposition_gives_its_noun(nlp: Language) -> None:
    features = _features_of(
        nlp,
        "Workers were sent by Tonghae Sangsa, a fishing company based in Wonsan.",
        "Tonghae Sangsa",
    )
    assert "appos=company" in features


def test_a_copula_gives_its_noun(nlp: Language) -> None:
    features = _features_of(
        nlp, "Ryongbong Hoesa is a shipping firm that leases vessels.", "Ryongbong Hoesa"
    )
    assert "attr=firm" in features and "subj_of=be" in features


def test_the_governing_verb_and_preposition_are_features(nlp: Language) -> None:
    features = _features_of(
        nlp,
        "The welders were employed by Kangson Pyoljin in two cities last year.",
        "Kangson Pyoljin",
    )
    assert "pobj=by_employ" in features
    assert "ctx=employ" in features


def test_a_title_before_a_person_is_context(nlp: Language) -> None:
    features = _features_of(
        nlp, "Finance minister Olga Varanova met the envoys on Tuesday.", "Olga Varanova"
    )
    assert "prev=minister" in features and "ner=PERSON" in features


def test_every_mention_of_the_entity_adds_its_context(nlp: Language) -> None:
    text = (
        "Hwasong Tonghap hired forty welders. Later Hwasong Tonghap said it paid them "
        "late. Hwasong Tonghap denies the claims."
    )
    features = _features_of(nlp, text, "Hwasong Tonghap")
    assert "count=2-3" in features
    assert "subj_of=hire" in features and "subj_of=deny" in features


def test_a_heading_line_is_a_feature(nlp: Language) -> None:
    text = "Harbour Deals Under Review\n\nThe port of Rason reopened on Monday after repairs."
    doc = nlp(text)
    rules = load_entity_rules()
    groups = entity_groups(find_mentions(doc, _context(text)))
    for group in groups.values():
        features = group_features(doc, group, rules)
        assert ("heading_line" in features) == (group[0].start < text.index("\n"))


# ---------------------------------------------------------------- decision rule


def test_decide_retypes_and_drops_only_above_the_thresholds() -> None:
    assert decide("Organization", "Company", 0.7, 0.6, 0.9) == "Company"
    assert decide("Organization", "Company", 0.5, 0.6, 0.9) == "Organization"
    assert decide("Organization", NOT_ENTITY, 0.95, 0.6, 0.9) is None
    assert decide("Organization", NOT_ENTITY, 0.85, 0.6, 0.9) == "Organization"
    assert decide("LegalInstrument", NOT_ENTITY, 0.99, 0.6, 0.9) == "LegalInstrument"
    assert decide("LegalInstrument", "Company", 0.99, 0.6, 0.9) == "LegalInstrument"
    assert decide("Person", "Company", 1.0, 1.0, 1.0) == "Person"  # 1 = never
    assert decide("Person", NOT_ENTITY, 1.0, 1.0, 1.0) == "Person"


# ---------------------------------------------------------------- model file


def test_the_packaged_model_file_loads() -> None:
    model = read_typer(TYPER_FILE)
    assert set(model.classes) <= {"Company", "Organization", "Person", "Place", NOT_ENTITY}
    assert 0 < model.retype_threshold <= 1 and 0 < model.drop_threshold <= 1


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"version": 3}, "'version'"),
        ({"enabled": "yes"}, "'enabled'"),
        ({"feature_version": "0"}, "'feature_version'"),
        ({"classes": ["Company", "Vessel"]}, "'classes'"),
        ({"bias": {"Company": 1}}, "'bias'"),
        ({"retype_threshold": 1.5}, "'retype_threshold'"),
        ({"drop_threshold": "high"}, "'drop_threshold'"),
        ({"weights": {"legal_form": {"Vessel": 1.0}}}, "legal_form"),
        ({"weights": {"legal_form": {"Company": "big"}}}, "weights.legal_form"),
        ({"training": {}}, "'training'"),
    ],
)
def test_a_bad_model_file_is_one_line_naming_it(
    tmp_path: Path, changes: dict[str, Any], problem: str
) -> None:
    path = tmp_path / "typer.json"
    with pytest.raises(EntityTyperError) as raised:
        parse_typer(path, _model(**changes))
    message = str(raised.value)
    assert str(path) in message and problem in message and "\n" not in message
    assert isinstance(raised.value, RuleFileError)


def test_unreadable_and_broken_json_files_are_errors_too(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    with pytest.raises(EntityTyperError, match="not valid JSON"):
        read_typer(broken)
    with pytest.raises(EntityTyperError, match="cannot read"):
        read_typer(tmp_path / "missing.json")


def test_a_bad_file_named_by_the_setting_stops_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_model(classes="Company")), "utf-8")
    monkeypatch.setenv(SETTING, str(path))
    with pytest.raises(RuleFileError, match=r"bad\.json"):
        active_typer()


# ---------------------------------------------------------------- on and off

TEXT = (
    "Pyolbit Sangsa sent 30 bricklayers to Tula last spring. "
    "The Ministry of Fisheries denied that Pyolbit Sangsa was involved."
)


def _write(tmp_path: Path, name: str = "typer.json", **changes: Any) -> Path:
    """A model file (a new ``name`` per content: loaded models are cached by path)."""
    path = tmp_path / name
    path.write_text(json.dumps(_model(**changes)), "utf-8")
    return path


def test_off_gives_the_rules_output(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = nlp(TEXT)
    rules_only = find_mentions(doc, _context(TEXT))
    assert retype_mentions(doc, rules_only, lambda schema, name: "x") == rules_only
    monkeypatch.setenv(SETTING, "0")
    assert find_mentions(nlp(TEXT), _context(TEXT)) == rules_only
    assert ".m" not in extractor_version()


def test_a_model_retypes_a_whole_entity_and_gives_it_a_new_id(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    off = {m.text: m for m in find_mentions(nlp(TEXT), _context(TEXT))}
    ministry = off["Ministry of Fisheries"]
    assert ministry.schema == "Organization"
    weights = {"head=Organization": {"Company": 5.0}}
    monkeypatch.setenv(SETTING, str(_write(tmp_path, weights=weights)))
    on = {m.text: m for m in find_mentions(nlp(TEXT), _context(TEXT))}
    assert on["Ministry of Fisheries"].schema == "Company"
    assert on["Ministry of Fisheries"].entity_id.startswith("com-")
    assert on["Ministry of Fisheries"].entity_id != ministry.entity_id
    assert on["Tula"] == off["Tula"]  # no feature pushed it: the rules' type stays
    assert ".m7." in extractor_version()


def test_a_model_drops_only_what_it_calls_no_entity_above_the_threshold(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = {"src=model": {"none": 3.0}}
    monkeypatch.setenv(SETTING, str(_write(tmp_path, weights=weights, drop_threshold=0.9)))
    kept = {m.text for m in find_mentions(nlp(TEXT), _context(TEXT))}
    monkeypatch.setenv(
        SETTING, str(_write(tmp_path, "low.json", weights=weights, drop_threshold=0.5))
    )
    dropped = {m.text for m in find_mentions(nlp(TEXT), _context(TEXT))}
    assert "Ministry of Fisheries" in kept and "Ministry of Fisheries" in dropped
    assert dropped < kept  # what the model alone found went, the rule-found name stayed


def test_mentions_keep_their_spans_when_retyped(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = find_mentions(nlp(TEXT), _context(TEXT))
    monkeypatch.setenv(SETTING, str(_write(tmp_path, weights={"count=2-3": {"Place": 9.0}})))
    after = find_mentions(nlp(TEXT), _context(TEXT))
    assert [(m.start, m.end) for m in before] == [(m.start, m.end) for m in after]
    changed = [m for m, old in zip(after, before, strict=True) if m.schema != old.schema]
    assert changed and all(isinstance(m, Mention) for m in changed)
    assert {m.canonical for m in changed} == {"Pyolbit Sangsa"}  # the one entity named twice
    assert {m.schema for m in changed} == {"Place"}


def test_extract_with_a_bad_typer_file_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database = Database(url)
    database.migrate()
    with database.session() as session:
        session.add(text_document("Velkor Shipping employs Anna Quist.", doc_id="f" * 64))
    database.dispose()
    monkeypatch.setenv(SETTING, str(_write(tmp_path, "bad-typer.json", drop_threshold=3)))
    result = CliRunner().invoke(app, ["extract", "--db", url])
    assert result.exit_code == 1
    assert "'drop_threshold' must be in (0, 1]" in result.output
    assert "bad-typer.json" in result.output and "Traceback" not in result.output
    assert f"{SETTING}=off" in result.output  # the hint names this model's own switch


def test_a_switched_off_packaged_file_is_read_only_for_its_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off by the file, a model whose weights are broken never stops extraction."""
    path = tmp_path / "off.json"
    path.write_text(json.dumps(_model(enabled=False, weights=[1, 2])), "utf-8")
    monkeypatch.setattr(entity_typer, "TYPER_FILE", path)
    monkeypatch.delenv(SETTING)
    assert active_typer() is None
    monkeypatch.setenv(SETTING, "on")
    with pytest.raises(EntityTyperError, match="'weights'"):
        active_typer()


def _refuse(*args: object, **kwargs: object) -> Any:
    raise AssertionError("the typer built features while it is off")


@pytest.mark.parametrize("setting", ["off", None])
def test_off_builds_no_feature_and_reads_no_weights(
    nlp: Language, monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    if setting is None:
        monkeypatch.delenv(SETTING)  # the packaged file, switched off
    for name in ("group_features", "entity_groups", "load_entity_rules", "_cached_typer"):
        monkeypatch.setattr(entity_typer, name, _refuse)
    mentions = find_mentions(nlp(TEXT), _context(TEXT))
    assert {"Pyolbit Sangsa", "Ministry of Fisheries"} <= {m.text for m in mentions}
    assert ".m" not in extractor_version()
