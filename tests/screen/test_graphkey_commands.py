"""``sanctionwatch screen-keys``: refresh, rebuild and the candidates of a list entity."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements

runner = CliRunner()


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    database = Database(url)
    database.migrate()
    listed = [("un-pugang", "Company", "name", "KOREA PUGANG TRADING CORPORATION")]
    graph = [
        ("doc-pugang", "Company", "name", "Korea Pugang Trading Corp."),
        ("doc-other", "Company", "name", "Baltic Timber Export LLC"),
        ("doc-person", "Person", "name", "Hanna Lindqvist"),
    ]
    with database.session() as session:
        add_statements(
            session,
            [Statement(e, s, p, v, "un_sc", "list:un_sc", "v1") for e, s, p, v in listed]
            + [Statement(e, s, p, v, "documents", "extract:x", "1") for e, s, p, v in graph],
        )
    database.dispose()
    return url


def _json(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_screen_keys_refreshes_then_has_nothing_to_do(tmp_path: Path) -> None:
    url = _store(tmp_path)
    first = runner.invoke(app, ["screen-keys", "--db", url, "--json"])
    assert first.exit_code == 0, first.output
    assert _json(first.output)[0]["rekeyed"] == 3
    second = runner.invoke(app, ["screen-keys", "--db", url, "--json"])
    assert _json(second.output)[0]["rekeyed"] == 0
    rebuilt = runner.invoke(app, ["screen-keys", "--db", url, "--rebuild", "--json"])
    assert _json(rebuilt.output)[0]["rekeyed"] == 3


def test_screen_keys_candidates_of_a_list_entity(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["screen-keys", "--db", url, "--candidates", "un-pugang", "--json"])
    assert result.exit_code == 0, result.output
    found = [row["entity_id"] for row in _json(result.output)]
    assert "doc-pugang" in found and "doc-person" not in found


def test_screen_keys_unknown_list_entity_fails_in_one_line(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["screen-keys", "--db", url, "--candidates", "nope"])
    assert result.exit_code == 1
    assert "nope" in result.output
