"""The monitor's delta re-screen stores exactly what the screen stage's re-screen stores."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, select
from tests.monitor.test_alerts import (
    THRESHOLD,
    _designated,
    _graph_entity,
    _list_file,
    _load,
    _other,
)

from sanctionwatch.ingest.pipeline import ingest_bytes
from sanctionwatch.monitor.rescreen import delta_rescreen
from sanctionwatch.monitor.run import MonitorRun, process_documents
from sanctionwatch.screen.graphkeys import names_fingerprint, refresh_graph_keys
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.screening import rescreen_changed, screen_all
from sanctionwatch.screen.tables import GraphKeyStateRow, GraphNameRow, ScreenMatchRow
from sanctionwatch.store import Database


def _matches(database: Database) -> list[tuple[str, str, float]]:
    with database.session() as session:
        rows = session.scalars(select(ScreenMatchRow).order_by(ScreenMatchRow.id))
        return [(r.graph_entity_id, r.list_entity_id, round(r.score, 6)) for r in rows]


def test_delta_rescreen_matches_stage_rescreen(database: Database, tmp_path: Path) -> None:
    _graph_entity(database)
    v1 = _load(database, _list_file(tmp_path, "v1.json", [_other()]))
    screen_all(database, threshold=THRESHOLD)
    assert _matches(database) == []
    v2 = _load(database, _list_file(tmp_path, "v2.json", _designated(["Chongbong Lines"])))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    changed = [e.entity_id for e in (*diff.added, *diff.removed, *diff.changed)]
    summary = delta_rescreen(database, changed, THRESHOLD)
    after_delta = _matches(database)
    assert summary.matches == 1 and [m[:2] for m in after_delta] == [
        ("org-chongbong-test", "os-chongbong")
    ]
    rescreen_changed(database, changed, threshold=THRESHOLD)
    assert _matches(database) == after_delta
    v3 = _load(database, _list_file(tmp_path, "v3.json", [_other()]))
    with database.session() as session:
        diff = diff_versions(session, v2, v3)
    delta_rescreen(database, [e.entity_id for e in diff.removed], THRESHOLD)
    assert _matches(database) == []


def test_monitor_keys_new_names_so_a_delta_only_looks_up(database: Database) -> None:
    text = (
        "<html><body><p>Investigators said Korea Ryonbong General Corporation shipped machine "
        "parts through Dalian, where Pak Chol Su managed its accounts.</p></body></html>"
    )
    outcome = ingest_bytes(database, text.encode(), source="https://news.example.org/ryonbong")
    assert outcome.document_id
    run = MonitorRun()
    process_documents(database, [outcome.document_id], run)
    assert run.entities_rekeyed > 0
    with database.session() as session:
        state = session.get(GraphKeyStateRow, 1)
        assert state is not None and state.fingerprint == names_fingerprint(session)
        keyed = set(session.scalars(select(GraphNameRow.entity_id)))
    assert len(keyed) == run.entities_rekeyed
    again = refresh_graph_keys(database)  # what the next delta re-screen does first
    assert (again.rekeyed, again.removed, again.entities) == (0, 0, len(keyed))


def test_delta_rescreen_reads_each_candidate_once(database: Database, tmp_path: Path) -> None:
    """One query for the entities with a stored match, one statement read per batch."""
    _graph_entity(database)
    v1 = _load(database, _list_file(tmp_path, "v1.json", [_other()]))
    v2 = _load(database, _list_file(tmp_path, "v2.json", _designated(["Chongbong Lines"])))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    changed = [e.entity_id for e in (*diff.added, *diff.removed, *diff.changed)]
    refresh_graph_keys(database)
    executed: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        executed.append(" ".join(statement.split()).lower())

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        summary = delta_rescreen(database, changed, THRESHOLD)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert summary.matches == 1
    affected = [
        sql
        for sql in executed
        if sql.startswith("select screen_matches.graph_entity_id")
        and "screen_matches.list_entity_id in" in sql
    ]
    candidate_reads = [
        sql
        for sql in executed
        if sql.startswith("select statements.")
        and "statements.entity_id in" in sql
        and "not like" in sql
    ]
    assert len(affected) == 1
    assert len(candidate_reads) == 1
    # Only the columns scoring uses: no sentences, spans or provenance of every candidate.
    columns = candidate_reads[0].split(" from ", 1)[0].removeprefix("select ").split(", ")
    assert columns == [
        "statements.entity_id",
        "statements.schema",
        "statements.prop",
        "statements.value",
    ]
