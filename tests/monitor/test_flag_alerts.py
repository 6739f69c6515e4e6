"""``new_flag`` alerts: raised once per new flag or new evidence, never on an unchanged re-run."""

from __future__ import annotations

from sqlalchemy import select

from sanctionwatch.flags.engine import evaluate_flags, list_flags
from sanctionwatch.monitor import audit
from sanctionwatch.monitor.alerts import flag_alerts, list_alerts
from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.run import raise_flag_alerts, run_once
from sanctionwatch.monitor.tables import AlertRow
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements
from sanctionwatch.store.tables import DocumentRow

TEXT = (
    "Arrowcrest Limited is a Cyprus company. Arrowcrest Limited owns 49 percent of Chongbong "
    "Trading. The United States sanctioned Chongbong Trading in 2017. "
    "The European Union sanctioned Chongbong Trading in 2018."
)
DOC = "e" * 64


def _fact(entity_id: str, schema: str, prop: str, value: str, sentence: str) -> Statement:
    start = TEXT.index(sentence)
    return Statement(
        entity_id=entity_id,
        schema=schema,
        prop=prop,
        value=value,
        dataset="documents",
        origin="extract:relations",
        origin_version="1",
        document_id=DOC,
        start=start,
        end=start + len(sentence),
        sentence=sentence,
    )


def _sentence(fragment: str) -> str:
    return next(s.strip() + "." for s in TEXT.split(".") if fragment in s)


def _save(database: Database, statements: list[Statement]) -> None:
    with database.session() as session:
        if session.get(DocumentRow, DOC) is None:
            session.add(
                DocumentRow(
                    id=DOC,
                    source="memo.txt",
                    media_type="text/plain",
                    byte_size=len(TEXT),
                    original_text=TEXT,
                    clean_text=TEXT,
                    offset_map=[],
                    authors=[],
                )
            )
            session.flush()
        add_statements(session, statements)


def _graph() -> list[Statement]:
    cyprus, owns, us = _sentence("Cyprus"), _sentence("49 percent"), _sentence("United States")
    return [
        _fact("co-ar", "Company", "name", "Arrowcrest Limited", cyprus),
        _fact("co-ar", "Company", "jurisdiction", "cy", cyprus),
        _fact("co-cb", "Company", "name", "Chongbong Trading", owns),
        _fact("own-ar-cb", "Ownership", "owner", "co-ar", owns),
        _fact("own-ar-cb", "Ownership", "asset", "co-cb", owns),
        _fact("own-ar-cb", "Ownership", "percentage", "49", owns),
        _fact("own-ar-cb", "Ownership", "role", "shareholder", owns),
        _fact("san-us-cb", "Sanction", "entity", "co-cb", us),
        _fact("san-us-cb", "Sanction", "authority", "United States", us),
    ]


def test_each_new_flag_raises_one_alert_with_entities_document_and_span(
    database: Database,
) -> None:
    _save(database, _graph())
    evaluate_flags(database)
    raised = raise_flag_alerts(database)
    with database.session() as session:
        flags = list_flags(session)
        alerts = [a for a in list_alerts(session) if a.kind == "new_flag"]
        assert len(flags) >= 2 and len(raised) == len(flags) == len(alerts)
        assert {tuple(a.entity_ids) for a in alerts} == {tuple(f.entity_ids) for f in flags}
        for alert in alerts:
            assert alert.document_id == DOC and alert.evidence
            assert alert.span_start is not None and alert.span_end is not None
            assert TEXT[alert.span_start : alert.span_end] == alert.evidence
            assert alert.title.startswith("New red flag")
        events = [e.event for e in audit.entries(session)]
    assert events.count("alert_raised") == len(alerts)


def test_rerun_on_unchanged_data_raises_nothing(database: Database) -> None:
    _save(database, _graph())
    evaluate_flags(database)
    first = raise_flag_alerts(database)
    evaluate_flags(database)
    assert first and raise_flag_alerts(database) == []
    with database.session() as session:
        assert flag_alerts(session) == []


def test_new_evidence_and_new_rule_hits_raise_exactly_one_alert_each(database: Database) -> None:
    _save(database, _graph())
    evaluate_flags(database)
    raise_flag_alerts(database)
    eu = _sentence("European Union")
    _save(
        database,
        [
            _fact("san-eu-cb", "Sanction", "entity", "co-cb", eu),
            _fact("san-eu-cb", "Sanction", "authority", "European Union", eu),
        ],
    )
    evaluate_flags(database)
    raised = raise_flag_alerts(database)
    assert len(raised) == 1
    with database.session() as session:
        alert = session.get(AlertRow, raised[0])
        assert alert is not None and alert.kind == "new_flag"
        assert alert.title.startswith("New evidence (2 statements)")
        assert alert.span_start == TEXT.index(eu) and alert.entity_ids == ["co-cb"]
    evaluate_flags(database)
    assert raise_flag_alerts(database) == []


def test_a_cleared_flag_alert_is_not_raised_again(database: Database) -> None:
    _save(database, _graph())
    evaluate_flags(database)
    raise_flag_alerts(database)
    with database.session() as session:
        rows = list(session.scalars(select(AlertRow)))
        for row in rows:
            row.status = "cleared"
    evaluate_flags(database)
    assert raise_flag_alerts(database) == []
    with database.session() as session:
        assert {row.status for row in session.scalars(select(AlertRow))} == {"cleared"}


def test_a_monitor_run_alerts_on_flags_raised_by_any_flags_run(sqlite_database: Database) -> None:
    _save(sqlite_database, _graph())
    report = evaluate_flags(sqlite_database)  # e.g. `sanctionwatch flags run`
    with Fetcher(allow_private=True, host_delay=0) as fetcher:
        first = run_once(sqlite_database, fetcher)
        second = run_once(sqlite_database, fetcher)
    assert len(first.alerts) == report.new >= 2
    assert second.alerts == []
