"""An analyst's publication date: `ingest --published`, `set-date` and the Python API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.ingest.redate import (
    DateValueError,
    parse_user_date,
    reinfer_dates,
    set_publication_date,
)
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

runner = CliRunner()
TEXT = "Crews were hired in October 2020, a broker said. On March 2, the port closed.\n"


def _write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "note.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_set_publication_date_keeps_what_was_replaced(database: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "in")
    (outcome,) = ingest_paths(database, [path]).outcomes
    assert outcome.document_id is not None
    with database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None and (row.published_at, row.date_kind) == ("2021-03-02", "inferred")
    assert set_publication_date(database, [outcome.document_id], "2021-04-20", reason="header")
    assert set_publication_date(database, [outcome.document_id], "2021-04-20") == 0
    with database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None
        assert (row.published_at, row.date_kind) == ("2021-04-20", "given")
        evidence = json.loads(row.date_evidence or "{}")
    assert evidence["method"] == "user" and evidence["phrase"] == "header"
    assert evidence["replaced"]["value"] == "2021-03-02"
    assert evidence["replaced"]["method"] == "year-less-event"


@pytest.mark.parametrize("value", ["next week", "2021-13-01", "2021-02-30", "2999"])
def test_bad_user_dates_are_refused(value: str) -> None:
    with pytest.raises(DateValueError, match=r"YYYY|not a date|future"):
        parse_user_date(value)


def test_ingest_published_and_set_date_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    path = _write(tmp_path / "in")
    first = runner.invoke(app, ["ingest", str(path), "--db", db, "--published", "2021-05"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["ingest", str(path), "--db", db, "--published", "2021-06-01"])
    assert again.exit_code == 0, again.output
    database = Database(db)
    with database.session() as session:
        row = session.scalars(select(DocumentRow)).one()
        assert (row.published_at, row.date_kind) == ("2021-06-01", "given")
        document_id = row.id
    changed = runner.invoke(app, ["set-date", document_id[:10], "2021-06-02", "--db", db])
    assert changed.exit_code == 0 and "2021-06-02 set" in changed.output
    bad = runner.invoke(app, ["set-date", document_id[:10], "soon", "--db", db])
    assert bad.exit_code == 1 and "not a date" in bad.output
    refused = runner.invoke(app, ["ingest", str(path), "--db", db, "--published", "May"])
    assert refused.exit_code == 1 and "--published" in refused.output
    database.dispose()


def test_redate_reinfers_only_inferred_dates(database: Database, tmp_path: Path) -> None:
    inferred = _write(tmp_path / "a")
    declared = tmp_path / "b" / "dated.txt"
    declared.parent.mkdir()
    declared.write_text("Brokers fined\nPublished: 3 March 2021\n\nA court fined them.\n")
    outcomes = ingest_paths(database, [inferred, declared]).outcomes
    ids = {Path(o.source).name: o.document_id for o in outcomes}
    with database.session() as session:  # as an older rule set would have left them
        for row in session.scalars(select(DocumentRow)):
            row.published_at = "1999"
    assert reinfer_dates(database, dry_run=True)[0].after == "2021-03-02"
    changes = reinfer_dates(database)
    assert [(c.document_id, c.before, c.after) for c in changes] == [
        (ids["note.txt"], "1999", "2021-03-02")
    ]
    assert reinfer_dates(database) == []
    with database.session() as session:
        dated = session.get(DocumentRow, ids["dated.txt"])
        assert dated is not None and dated.published_at == "1999"  # given: left alone
    result = runner.invoke(app, ["redate", "--db", database.url, "--json"])
    assert result.exit_code == 0 and result.output.strip() == ""
