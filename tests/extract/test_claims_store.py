"""Storing claims, reading them back, series and conflicts, and the ``claims`` commands
(SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json

from spacy.language import Language
from typer.testing import CliRunner

from sanctionwatch.api.stages import list_claims as api_claims
from sanctionwatch.cli import app
from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.extract.claims import claim_series, extract_claims, list_claims
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.pipeline import document_context
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow
from storekit import text_document

runner = CliRunner()

FIRST = (
    "The State Department estimated that 30,000 North Korean workers were in Russia in 2018. "
    "Trade between North Korea and Russia was $34 million in 2018."
)
SECOND = (
    "There were still some 13,000 North Korean workers in Russia by October, according to "
    "the national statistical agency."
)
THIRD = "In 2020, about 500 North Korean workers remained in Russia, the ministry said."


def store(
    database: Database,
    nlp: Language,
    text: str,
    published: str | None = "2019-02-03",
    date_kind: str = "given",
    original: str | None = None,
) -> str:
    """Store a document and extract its claims the way the pipeline does."""
    original = original if original is not None else text
    document_id = hashlib.sha256(original.encode()).hexdigest()
    with database.session() as session:
        if session.get(DocumentRow, document_id) is None:
            start = original.index(text)
            session.add(
                text_document(
                    text,
                    original=original,
                    offsets=[[0, start, len(text)]],
                    source=f"report-{document_id[:6]}.txt",
                    title=f"Report {document_id[:6]}",
                    published_at=published,
                    date_kind=date_kind,
                )
            )
            session.flush()
        row = session.get(DocumentRow, document_id)
        assert row is not None
        context = document_context(row)
        doc = nlp(text)
        extract_claims(session, doc, context, find_mentions(doc, context))
    return document_id


def test_claims_are_stored_with_provenance_and_replaced_on_rerun(
    database: Database, nlp: Language
) -> None:
    original = "SPONSORED LINK\n" + FIRST
    document_id = store(database, nlp, FIRST, original=original)
    with database.session() as session:
        claims = list_claims(session)
    assert [(c.measure, c.value, c.unit, c.as_of) for c in claims] == [
        ("dprk_trade_with:russia", 34_000_000, "USD", "2018"),
        ("dprk_workers_in:russia", 30_000, "persons", "2018"),
    ]
    workers = claims[1]
    assert original[workers.start : workers.end] == "30,000"
    assert workers.asserted_by == "State Department"
    assert workers.document_id == document_id
    assert workers.extractor_version.startswith("0.")
    first_ids = sorted(c.id for c in claims)
    store(database, nlp, FIRST, original=original)
    with database.session() as session:
        again = list_claims(session)
        assert session.query(ClaimRow).count() == 2
    assert sorted(c.id for c in again) == first_ids


def test_filters_by_measure_stem_key_and_document_prefix(database: Database, nlp: Language) -> None:
    first = store(database, nlp, FIRST)
    store(database, nlp, SECOND)
    with database.session() as session:
        assert len(list_claims(session, measure="dprk_workers_in")) == 2
        assert len(list_claims(session, measure="dprk_workers_in:russia")) == 2
        assert list_claims(session, measure="dprk_workers") == []  # a stem is a whole key part
        assert len(list_claims(session, document_id=first[:8])) == 2
        assert list_claims(session, measure="dprk_workers_in", document_id=first[:8])[0].value == (
            30_000
        )


def test_series_show_conflicting_estimates_side_by_side(database: Database, nlp: Language) -> None:
    store(database, nlp, FIRST)
    store(database, nlp, SECOND)
    store(database, nlp, THIRD, published="2021")
    with database.session() as session:
        series = claim_series(session, measure="dprk_workers_in:russia")
    assert len(series) == 1
    workers = series[0]
    assert [e.claim.value for e in workers.estimates] == [30_000, 13_000, 500]
    assert [e.claim.as_of for e in workers.estimates] == ["2018", "2018-10", "2020"]
    assert workers.distinct_values == 3
    assert workers.spread == 60
    assert workers.status == "conflicting"
    assert len(workers.conflicts) == 1  # 30,000 vs ~13,000 in 2018; 2020 is another year
    assert workers.estimates[0].document_title is not None
    as_dict = workers.as_dict()
    assert as_dict["status"] == "conflicting"
    assert as_dict["estimates"][1]["asserted_by"] == "national statistical agency"


def test_estimates_of_different_years_change_over_time(database: Database, nlp: Language) -> None:
    store(database, nlp, SECOND)
    store(database, nlp, THIRD, published="2021")
    with database.session() as session:
        (series,) = claim_series(session, measure="dprk_workers_in:russia")
    assert (series.status, series.conflicts) == ("changes over time", [])


def test_inferred_publication_dates_are_marked(database: Database, nlp: Language) -> None:
    store(database, nlp, "Some 700 North Korean workers are in Poland.", "2018-11", "inferred")
    with database.session() as session:
        (claim,) = list_claims(session)
    assert (claim.as_of, claim.as_of_kind) == ("2018-11", "document-date-inferred")


def test_as_of_evidence_is_stored_and_printed(database: Database, nlp: Language) -> None:
    store(database, nlp, SECOND)
    with database.session() as session:
        (claim,) = list_claims(session)
    assert (claim.as_of, claim.as_of_phrase, claim.as_of_rule) == (
        "2018-10",
        "by October",
        "month-latest",
    )
    result = runner.invoke(app, ["claims", "--json", "--db", database.url])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in result.output.splitlines()]
    assert row["as_of_phrase"] == "by October"
    assert row["as_of_note"] == "the latest October not after the publication date 2019-02-03"
    with database.session() as session:
        (point,), _total = api_claims(session, 10, 0)
    assert (point.as_of, point.as_of_phrase, point.as_of_rule) == (
        "2018-10",
        "by October",
        "month-latest",
    )


def test_claims_command_lists_and_filters(database: Database, nlp: Language) -> None:
    first = store(database, nlp, FIRST)
    store(database, nlp, SECOND)
    result = runner.invoke(app, ["claims", "--json", "--db", database.url])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {row["measure"] for row in rows} == {"dprk_trade_with:russia", "dprk_workers_in:russia"}
    assert {"value", "unit", "qualifier", "as_of", "asserted_by", "document_id"} <= set(rows[0])
    result = runner.invoke(
        app, ["claims", "--document", first[:10], "--measure", "dprk_trade_with", "--json",
              "--db", database.url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["value"] for line in result.output.splitlines()] == [34_000_000]
    table = runner.invoke(app, ["claims", "--db", database.url])
    assert table.exit_code == 0 and "~13,000" in table.output


def test_claims_series_command(database: Database, nlp: Language) -> None:
    store(database, nlp, FIRST)
    store(database, nlp, SECOND)
    result = runner.invoke(
        app, ["claims", "series", "--measure", "dprk_workers_in", "--json", "--db", database.url]
    )
    assert result.exit_code == 0, result.output
    (series,) = [json.loads(line) for line in result.output.splitlines()]
    assert series["status"] == "conflicting"
    assert [e["value"] for e in series["estimates"]] == [30_000, 13_000]
    table = runner.invoke(app, ["claims", "series", "--db", database.url])
    assert table.exit_code == 0 and "CONFLICTING" in table.output


def test_unknown_measure_is_an_error_with_a_hint(database: Database, nlp: Language) -> None:
    store(database, nlp, FIRST)
    result = runner.invoke(app, ["claims", "--measure", "nothing_here", "--db", database.url])
    assert result.exit_code == 1
    assert "no claims for measure 'nothing_here'" in result.output
    assert "dprk_workers_in:russia" in result.output


def test_empty_store_says_what_to_do(database: Database) -> None:
    result = runner.invoke(app, ["claims", "--db", database.url])
    assert result.exit_code == 0
    assert "sanctionwatch extract" in result.output
