"""Figures of pages whose date ingest only inferred: no invented day, a lower confidence and
the clue in the note (texts written for these tests)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from spacy.language import Language
from sqlalchemy import select

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.extract.claimkit.dates import DocumentDate, find_dates
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.extract.claims import _page_date_doubt, publication_date_of
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_bytes
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow


def _as_of(text: str, published: str, *, inferred: bool = False) -> str | None:
    document = DocumentDate(published, inferred)
    precision = min(len(published), 7) if inferred else len(published)
    (found,) = find_dates(
        text,
        document.reference,
        default_vocabulary(),
        published_inferred=inferred,
        published_precision=precision,
    )
    return found.as_of


@pytest.mark.parametrize(
    ("text", "published", "inferred", "as_of"),
    [
        ("last week", "2021-05-14", False, "2021-05-07"),
        ("last week", "2021-05-14", True, "2021-05"),  # an inferred day is no known day
        ("last week", "2021-05", False, "2021-05"),
        ("two months ago", "2021", False, "2021"),
        ("last month", "2021", False, "2021"),
        ("by the end of this year", "2021", False, "2021-12"),  # the text gives the month
        ("last year", "2021", True, "2020"),
    ],
)
def test_dates_counted_from_the_page_date_are_no_finer_than_it(
    text: str, published: str, inferred: bool, as_of: str
) -> None:
    assert _as_of(text, published, inferred=inferred) == as_of


def _row(evidence: dict[str, object], kind: str = "inferred") -> DocumentRow:
    return DocumentRow(published_at="2022-03", date_kind=kind, date_evidence=json.dumps(evidence))


def test_an_inferred_page_date_names_its_clue() -> None:
    published = publication_date_of(
        _row({"method": "latest-event", "phrase": "March 2022", "confidence": 0.35})
    )
    assert published is not None and published.inferred
    note = published.describe()
    assert "latest event the text reports" in note
    assert "“March 2022”" in note
    assert "lower bound" in note


def test_a_given_page_date_has_no_inference_note() -> None:
    published = publication_date_of(_row({"method": "dateline", "phrase": "x"}, kind="given"))
    assert published is not None
    assert published.describe() == "publication date 2022-03"


def test_figures_of_an_undated_page_carry_the_clue_and_less_confidence(
    sqlite_database: Database, nlp: Language
) -> None:
    body = (
        "Border officials said in September 2021 that 600 North Korean workers were in Russia."
        "\n\nAbout 350 North Korean workers remain in Poland, the labour inspectors said."
    )
    dated = "Published: 2 October 2021\n\n" + body.replace("350", "360")
    ingest_bytes(sqlite_database, body.encode(), source="undated.txt")
    ingest_bytes(sqlite_database, dated.encode(), source="dated.txt")
    extract_documents(sqlite_database, nlp=nlp)
    with sqlite_database.session() as session:
        rows = {row.value: row for row in session.scalars(select(ClaimRow))}
        kinds = {row.source: row.date_kind for row in session.scalars(select(DocumentRow))}
    assert kinds == {"undated.txt": "inferred", "dated.txt": "given"}
    undated, dated_claim = rows[350], rows[360]
    assert (undated.as_of, undated.as_of_kind) == ("2021-09", "document-date-inferred")
    assert "inferred by ingest" in (undated.as_of_note or "")
    assert "September 2021" in (undated.as_of_note or "")
    assert (dated_claim.as_of, dated_claim.as_of_kind) == ("2021-10-02", "document-date")
    assert undated.confidence < dated_claim.confidence


def test_the_reference_date_is_inside_the_known_month() -> None:
    assert DocumentDate("2021-05", inferred=True).reference == date(2021, 5, 28)


def test_a_weak_page_date_costs_a_figure_more_confidence_than_a_strong_one() -> None:
    weak = publication_date_of(_row({"method": "latest-event", "confidence": 0.35}))
    strong = publication_date_of(_row({"method": "imminent-deadline", "confidence": 0.45}))
    old = publication_date_of(DocumentRow(published_at="2022-03", date_kind="inferred"))
    assert weak is not None and strong is not None and old is not None
    assert (weak.confidence, strong.confidence, old.confidence) == (0.35, 0.45, 1.0)
    assert _page_date_doubt("document-date-inferred", weak) > 0
    assert _page_date_doubt("document-date-inferred", strong) == 0
    assert _page_date_doubt("stated", weak) == 0


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        ("the embassy asked last November", "2020-11"),  # published January 2021
        ("inspectors came back last January", "2020-01"),  # the month of publication: a year ago
        ("the port reopens this March", "2021-03"),
        ("the crews return next January", "2022-01"),
    ],
)
def test_months_named_relative_to_the_publication_month(text: str, as_of: str) -> None:
    assert _as_of(text, "2021-01-20") == as_of


def test_lower_case_may_after_last_is_not_a_month() -> None:
    found = find_dates("the last may be the largest", date(2021, 1, 20), default_vocabulary())
    assert found == []


@pytest.mark.parametrize(
    "text", ["crews built the World Cup 2022 stadiums", "crews built the 2022 World Cup stadiums"]
)
def test_a_year_that_names_an_event_dates_no_figure(text: str) -> None:
    assert find_dates(text, date(2017, 5, 1), default_vocabulary()) == []
