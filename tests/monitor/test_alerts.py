"""Alerts from list updates and screening: exactly one per change; cleared stays cleared."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from sanctionwatch.ingest.pipeline import ingest_bytes
from sanctionwatch.monitor import audit
from sanctionwatch.monitor.alerts import list_alerts, list_update_alerts, review, screening_alerts
from sanctionwatch.monitor.run import process_list_updates
from sanctionwatch.monitor.tables import AlertRow
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.screen.screening import screen_all
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements
from sanctionwatch.store.tables import StatementRow

COMPANY = "Chongbong Maritime Trading Corporation"
GRAPH_ID = "org-chongbong-test"
THRESHOLD = 0.7


def _list_file(folder: Path, name: str, entities: list[dict[str, object]]) -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(entity) + "\n" for entity in entities), encoding="utf-8")
    return path


def _other() -> dict[str, object]:
    return {
        "id": "other-person",
        "schema": "Person",
        "properties": {"name": ["Pak Yong Sik"], "nationality": ["kp"]},
    }


def _designated(aliases: list[str]) -> list[dict[str, object]]:
    return [
        {
            "id": "chongbong",
            "schema": "Company",
            "properties": {"name": [COMPANY], "alias": aliases, "country": ["kp"]},
        },
        {
            "id": "chongbong-sanction",
            "schema": "Sanction",
            "properties": {"entity": ["chongbong"], "authority": ["UN Security Council"]},
        },
    ]


def _graph_entity(database: Database) -> str:
    text = f"<html><body><p>Ships of {COMPANY} were seen near Nampo in May.</p></body></html>"
    outcome = ingest_bytes(database, text.encode(), source="https://news.example.org/a")
    assert outcome.document_id
    start = text.index(COMPANY) - text.index("Ships")
    statement = Statement(
        entity_id=GRAPH_ID,
        schema="Company",
        prop="name",
        value=COMPANY,
        dataset="documents",
        origin="extract:entities",
        origin_version="test",
        document_id=outcome.document_id,
        start=start,
        end=start + len(COMPANY),
        sentence=f"Ships of {COMPANY} were seen near Nampo in May.",
    )
    with database.session() as session:
        add_statements(session, [statement])
    return outcome.document_id


def _load(database: Database, path: Path) -> int:
    return load_list_file(database, path, "ftm-json", source="opensanctions", force=True).version_id


def test_list_update_designating_graph_entity_raises_exactly_one_alert(
    database: Database, tmp_path: Path
) -> None:
    _graph_entity(database)
    v1 = _load(database, _list_file(tmp_path, "v1.json", [_other()]))
    screen_all(database, threshold=THRESHOLD)
    v2 = _load(database, _list_file(tmp_path, "v2.json", [_other(), *_designated([])]))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    assert [entry.entity_id for entry in diff.added] == ["os-chongbong"]
    raised = list_update_alerts(database, diff, threshold=THRESHOLD)
    assert len(raised) == 1
    assert list_update_alerts(database, diff, threshold=THRESHOLD) == []
    with database.session() as session:
        alerts = list_alerts(session)
        assert [(a.kind, a.entity_ids) for a in alerts] == [
            ("designation_added", [GRAPH_ID, "os-chongbong"])
        ]
        assert alerts[0].list_version == f"v{v2}" and alerts[0].score >= THRESHOLD  # type: ignore[operator]
        events = [entry.event for entry in audit.entries(session)]
    assert events.count("alert_raised") == 1 and "screening_run" in events


def test_cleared_hit_stays_cleared_until_list_entry_changes(
    database: Database, tmp_path: Path
) -> None:
    document_id = _graph_entity(database)
    v1 = _load(database, _list_file(tmp_path, "v1.json", _designated([])))
    screen_all(database, threshold=THRESHOLD)
    with database.session() as session:
        first = screening_alerts(session, [GRAPH_ID], [document_id], THRESHOLD)
        assert len(first) == 1
        alert_id = first[0].id
        assert first[0].document_id == document_id and first[0].span_start is not None
        review(session, alert_id, "clear", "vessel operator of the same name, not listed", "ana")
        notes = session.scalars(
            select(StatementRow).where(StatementRow.origin == "human:review:ana")
        ).all()
        assert [(n.entity_id, n.prop) for n in notes] == [(GRAPH_ID, "notes")]
        assert "cleared by ana" in notes[0].value and "not listed" in notes[0].value

    screen_all(database, threshold=THRESHOLD)
    with database.session() as session:
        assert screening_alerts(session, [GRAPH_ID], [document_id], THRESHOLD) == []
        row = session.get(AlertRow, alert_id)
        assert row is not None and row.status == "cleared"

    v2 = _load(database, _list_file(tmp_path, "v2.json", _designated(["Chongbong Shipping"])))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    assert list_update_alerts(database, diff, threshold=THRESHOLD) == [alert_id]
    with database.session() as session:
        row = session.get(AlertRow, alert_id)
        assert row is not None and row.status == "open"
        assert row.reopen_reason and "alias" in row.reopen_reason
        assert len(list(session.scalars(select(AlertRow)))) == 1
        decisions = [e for e in audit.entries(session) if e.event == "decision"]
    assert decisions[0].actor == "ana" and decisions[0].list_version == f"v{v1}"
    assert decisions[0].matcher_version and decisions[0].score


def test_removed_designation_alerts_matched_entity(database: Database, tmp_path: Path) -> None:
    _graph_entity(database)
    v1 = _load(database, _list_file(tmp_path, "v1.json", [_other(), *_designated([])]))
    screen_all(database, threshold=THRESHOLD)
    v2 = _load(database, _list_file(tmp_path, "v2.json", [_other()]))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    assert len(list_update_alerts(database, diff, threshold=THRESHOLD)) == 1
    with database.session() as session:
        assert [a.kind for a in list_alerts(session, "open")] == ["designation_removed"]


def test_monitor_run_picks_up_list_updates_once(database: Database, tmp_path: Path) -> None:
    _graph_entity(database)
    _load(database, _list_file(tmp_path, "v1.json", [_other()]))
    screen_all(database, threshold=THRESHOLD)
    assert process_list_updates(database, THRESHOLD) == []  # baseline
    _load(database, _list_file(tmp_path, "v2.json", [_other(), *_designated([])]))
    assert len(process_list_updates(database, THRESHOLD)) == 1
    assert process_list_updates(database, THRESHOLD) == []
