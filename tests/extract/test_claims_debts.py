"""Session 6 (`figures2`): the claims code debts, behaviour unchanged. One as-of rewrite for
the three redating paths, one deadline word and one reading of ``date_evidence`` for ingest and
extract, word lists moved to the vocabulary with loader checks, restated totals by index."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from spacy.language import Language
from test_claims import read

from sanctionwatch import textdates
from sanctionwatch.extract import claims as claims_module
from sanctionwatch.extract.claimkit import dates as claim_dates
from sanctionwatch.extract.claimkit.dates import DateExpression, DocumentDate
from sanctionwatch.extract.claimkit.model import Claim
from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    load_vocabulary,
)
from sanctionwatch.extract.claims import find_claims, publication_date_of
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.ingest import dates as ingest_dates
from sanctionwatch.ingest.metadata import RULE_CONFIDENCE
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.tables import DocumentRow


def _claim(**fields: Any) -> Claim:
    base: dict[str, Any] = {
        "id": "claim-x",
        "document_id": "d" * 64,
        "measure": "dprk_workers_in:russia",
        "measure_label": "North Korean workers in Russia",
        "value": 100.0,
        "value_low": None,
        "value_high": None,
        "unit": "persons",
        "qualifier": "exact",
        "period": None,
        "as_of": "2019-06-14",
        "as_of_kind": "document-date",
        "as_of_phrase": None,
        "as_of_rule": "document-date",
        "as_of_note": "no date in the text",
        "subject_entity_id": None,
        "subject_name": None,
        "asserted_by": None,
        "asserter_entity_id": None,
        "start": 0,
        "end": 3,
        "text": "100",
        "sentence": "100 workers.",
        "extractor_version": "test",
        "confidence": 0.8,
    }
    base.update(fields)
    return Claim(**base)


def test_one_helper_rewrites_the_five_as_of_fields_from_a_date() -> None:
    framing = DateExpression(0, 17, " as of March 2019", "2019-03", "stated", "as_of")
    redated = claims_module._redated(_claim(), framing, "as-of-before", "frame “{phrase}”")
    assert (
        redated.as_of,
        redated.as_of_kind,
        redated.as_of_phrase,
        redated.as_of_rule,
        redated.as_of_note,
    ) == ("2019-03", "stated", "as of March 2019", "as-of-before", "frame “as of March 2019”")
    assert (redated.value, redated.measure) == (100.0, "dprk_workers_in:russia")


def test_one_helper_rewrites_the_five_as_of_fields_from_a_claim() -> None:
    source = _claim(
        as_of="2018",
        as_of_kind="relative-resolved",
        as_of_phrase="last year",
        as_of_rule="relative",
    )
    redated = claims_module._redated(_claim(value=7.0), source, "continuation", "by “{phrase}”")
    assert (redated.as_of, redated.as_of_kind, redated.as_of_phrase) == (
        "2018",
        "relative-resolved",
        "last year",
    )
    assert (redated.as_of_rule, redated.as_of_note, redated.value) == (
        "continuation",
        "by “last year”",
        7.0,
    )


def test_the_three_redating_paths_still_date_figures(nlp: Language) -> None:
    # continuation from a dated figure, from a dated sentence without one, and an as-of frame
    continued = read(
        nlp,
        "About 650 North Korean workers were in Poland in 2018. This labour export earns an "
        "estimated $2 million a year for the regime.",
    )
    assert [(c.as_of, c.as_of_rule) for c in continued] == [
        ("2018", "stated"),
        ("2018", "continuation"),
    ]
    framed = read(
        nlp,
        "As of March 1, 2019, inspections had ended in Laos, officials said. Inspectors found "
        "140 North Korean workers at two building sites.",
    )
    workers = [c for c in framed if c.unit == "persons"]
    assert [(c.as_of, c.as_of_rule) for c in workers] == [("2019-03-01", "as-of-before")]


def test_one_deadline_word_for_ingest_and_extract() -> None:
    assert ingest_dates.DEADLINE_WORD is textdates.DEADLINE_WORD
    assert claim_dates.DEADLINE_WORD is textdates.DEADLINE_WORD
    assert textdates.DEADLINE_WORD.search("the two deadlines passed")
    assert not textdates.DEADLINE_WORD.search("a deadlined project")


def test_the_imminent_deadline_rule_has_one_name() -> None:
    assert textdates.IMMINENT_DEADLINE_RULE in RULE_CONFIDENCE
    assert not hasattr(claims_module, "IMMINENT_DEADLINE_RULE") or (
        claims_module.IMMINENT_DEADLINE_RULE is textdates.IMMINENT_DEADLINE_RULE
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, {}),
        ("", {}),
        ("{not json", {}),
        ("[1, 2]", {}),
        ('{"method": "user", "phrase": "x"}', {"method": "user", "phrase": "x"}),
    ],
)
def test_date_evidence_is_read_in_one_place(raw: str | None, expected: dict[str, Any]) -> None:
    assert textdates.read_date_evidence(raw) == expected
    assert textdates.date_method(raw) == expected.get("method")


def test_an_unreadable_date_evidence_costs_only_the_note() -> None:
    row = DocumentRow(published_at="2019-12", date_kind="inferred", date_evidence="{oops")
    published = publication_date_of(row)
    assert published == DocumentDate("2019-12", inferred=True, note="")
    moved = DocumentRow(
        published_at="2019-12",
        date_kind="inferred",
        date_evidence=json.dumps(
            {"method": textdates.IMMINENT_DEADLINE_RULE, "phrase": "within 24 months"}
        ),
    )
    note = publication_date_of(moved)
    assert note is not None and "imminent deadline 2019-12" in note.note


def _broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("copula_subjects"), "copula_subjects"),
        (lambda d: d.update(as_of_frames=[]), "as_of_frames"),
        (lambda d: d.update(as_of_frames="as of"), "as_of_frames"),
        (lambda d: d.update(restated_total_units=["persons", "vessels"]), "vessels"),
        (lambda d: d.pop("restated_total_units"), "restated_total_units"),
    ],
)
def test_word_lists_moved_to_the_vocabulary_are_checked(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(VocabularyError, match=message) as raised:
        load_vocabulary(_broken(tmp_path, change))
    assert "vocabulary.yaml" in str(raised.value)


def test_the_moved_word_lists_are_what_the_code_used() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.copula_subjects == {"number", "total", "tally", "count"}
    assert vocabulary.restated_total_units == {"persons", "companies", "entities"}
    frames = vocabulary.as_of_frames
    assert frames is not None
    assert frames.match("As of March 2019") and frames.match("as at  1 June")
    assert not frames.match("in March 2019") and not frames.match("as often")


def test_an_edited_copula_subject_is_used(nlp: Language, tmp_path: Path) -> None:
    text = "The count of repatriated North Korean workers this year is about 2,000 people."
    shipped = [(c.measure, c.value) for c in read(nlp, text)]
    assert shipped == [("dprk_workers_repatriated", 2000)]
    path = _broken(tmp_path, lambda d: d.update(copula_subjects=["number", "total"]))
    vocabulary = load_vocabulary(path)
    context = DocumentContext("d" * 64, text, OffsetMap.identity(len(text)), None)
    doc = nlp(text)
    edited = find_claims(doc, context, find_mentions(doc, context), vocabulary=vocabulary)
    assert [(c.measure, c.value) for c in edited] != shipped


def _count(value: float, unit: str, ident: str) -> Claim:
    return _claim(id=ident, value=value, unit=unit)


def test_a_total_of_counts_given_apart_is_dropped() -> None:
    units = frozenset({"persons", "companies", "entities"})
    parts = [_count(7, "persons", "a"), _count(3, "companies", "b")]
    total = _count(10, "entities", "t")
    kept = claims_module._drop_restated_totals([*parts, total], {"t"}, units)
    assert [c.id for c in kept] == ["a", "b"]
    # Two counts of one unit do not make a total of different kinds; nor do other units.
    same = [_count(5, "persons", "a"), _count(5, "persons", "b"), total]
    assert len(claims_module._drop_restated_totals(same, {"t"}, units)) == 3
    visas = [_count(7, "visas", "a"), _count(3, "persons", "b"), total]
    assert len(claims_module._drop_restated_totals(visas, {"t"}, units)) == 3
    halves = [_count(5, "persons", "a"), _count(5, "companies", "b"), total]
    assert [c.id for c in claims_module._drop_restated_totals(halves, {"t"}, units)] == ["a", "b"]


def test_restated_totals_among_many_counts() -> None:
    units = frozenset({"persons", "companies"})
    counts = [_count(float(i), "persons", f"p{i}") for i in range(0, 3000, 2)]
    counts.append(_count(5.0, "companies", "c"))
    totals = [_count(1e9, "entities", "far"), _count(2005.0, "entities", "sum")]
    kept = claims_module._drop_restated_totals([*counts, *totals], {"far", "sum"}, units)
    assert [c.id for c in kept if c.unit == "entities"] == ["far"]
    assert len(kept) == len(counts) + 1
