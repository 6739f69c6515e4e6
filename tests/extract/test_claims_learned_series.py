"""Figures only the learned filter kept do not form series or claim alerts across documents."""

from __future__ import annotations

import hashlib
import json

from spacy.language import Language
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.extract.claims import claim_series, extract_claims, list_claims
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.pipeline import document_context
from sanctionwatch.monitor.alerts import claim_alerts
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow
from storekit import text_document

SCHEME = (
    "The indictment says the North Korean scheme took in over $5.5 million from clients in "
    "Europe in 2021."
)
SUPPLIER = (
    "Seoul estimates North Korea needs some $400 million a year to keep its missile "
    "programmes going, officials said in 2021."
)
WORKERS = "The State Department estimated that 30,000 North Korean workers were in Russia in 2021."
FEWER = "Some 13,000 North Korean workers were in Russia in 2021, the statistical agency said."


def _store(database: Database, nlp: Language, text: str) -> str:
    document_id = hashlib.sha256(text.encode()).hexdigest()
    with database.session() as session:
        session.add(text_document(text, published_at="2022-01-10"))
        session.flush()
        row = session.get(DocumentRow, document_id)
        assert row is not None
        context = document_context(row)
        doc = nlp(text)
        extract_claims(session, doc, context, find_mentions(doc, context))
    return document_id


def test_learned_figures_are_listed_but_form_no_series(database: Database, nlp: Language) -> None:
    rule = default_vocabulary().learned_measure
    assert rule is not None
    ids = [_store(database, nlp, text) for text in (SCHEME, SUPPLIER, WORKERS, FEWER)]
    with database.session() as session:
        learned = list_claims(session, measure=rule.key)
        series = claim_series(session)
        alerts = claim_alerts(session, ids, ratio=1.5)
    # both money figures are stored as learned figures in USD, dated to the same year
    assert sorted((c.value, c.unit) for c in learned) == [(5_500_000, "USD"), (400_000_000, "USD")]
    assert all(s.measure != rule.key for s in series)
    # rule-named measures still form series, conflict and alert as before
    workers = [s for s in series if s.measure.startswith("dprk_workers_in")]
    assert [s.status for s in workers] == ["conflicting"]
    assert alerts
    assert all(rule.label not in alert.title for alert in alerts)


def test_series_of_the_learned_measure_says_where_its_figures_are(
    database: Database, nlp: Language
) -> None:
    rule = default_vocabulary().learned_measure
    assert rule is not None
    _store(database, nlp, SCHEME)
    result = CliRunner().invoke(
        app, ["claims", "series", "--measure", rule.key, "--db", database.url]
    )
    assert result.exit_code != 0
    assert f"claims --measure {rule.key}" in result.output
    listed = CliRunner().invoke(
        app, ["claims", "--measure", rule.key, "--json", "--db", database.url]
    )
    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["value"] for line in listed.output.splitlines()] == [5_500_000]
