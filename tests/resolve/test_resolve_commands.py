from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import add_statements

runner = CliRunner()


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.migrate()

    def stmt(
        entity: str, schema: str, prop: str, value: str, dataset: str = "documents"
    ) -> Statement:
        origin = "extract:entities" if dataset == "documents" else f"list:{dataset}"
        return Statement(entity, schema, prop, value, dataset, origin, "1")

    with database.session() as session:
        add_statements(
            session,
            [
                stmt("a", "Company", "name", "Korea Pugang Trading Corp."),
                stmt("b", "Company", "name", "KOREA PUGANG TRADING CORPORATION", "us_ofac_sdn"),
                stmt("p1", "Person", "name", "Grove"),
                stmt("p2", "Person", "name", "Thomas Grove"),
                stmt("o1", "Ownership", "owner", "p2"),
                stmt("o1", "Ownership", "asset", "a"),
                stmt("o1", "Ownership", "percentage", "75"),
            ],
        )
    database.dispose()
    return url


def test_resolve_runs_and_summarises(db_url: str) -> None:
    result = runner.invoke(app, ["resolve", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    summary = _lines(result.output)[0]
    assert summary["machine_same"] == 1 and summary["queued_for_review"] == 1


def test_review_lists_and_takes_answers(db_url: str) -> None:
    runner.invoke(app, ["resolve", "--db", db_url, "--json"])
    listed = runner.invoke(app, ["resolve", "review", "--db", db_url, "--json"])
    assert listed.exit_code == 0, listed.output
    queue = _lines(listed.output)
    assert [(q["left"]["id"], q["right"]["id"]) for q in queue] == [("p1", "p2")]
    assert queue[0]["right"]["props"]["name"] == ["Thomas Grove"]

    answered = runner.invoke(
        app, ["resolve", "review", "--db", db_url, "--user", "ana"], input="n\n"
    )
    assert answered.exit_code == 0, answered.output
    assert "1 judgment(s) recorded" in answered.output
    again = runner.invoke(app, ["resolve", "review", "--db", db_url, "--json"])
    assert _lines(again.output) == []


def test_merge_split_and_history(db_url: str) -> None:
    merged = runner.invoke(
        app, ["resolve", "merge", "p1", "p2", "--db", db_url, "--user", "ana", "--note", "same"]
    )
    assert merged.exit_code == 0, merged.output
    assert "2 members" in merged.output
    owners = runner.invoke(app, ["graph", "owners", "a", "--db", db_url, "--json"])
    assert _lines(owners.output)[0]["entity_id"] == "p1"
    assert _lines(owners.output)[0]["share"] == pytest.approx(0.75)

    split = runner.invoke(app, ["resolve", "split", "p2", "--db", db_url, "--user", "bo"])
    assert split.exit_code == 0, split.output
    history = runner.invoke(app, ["resolve", "judgments", "--db", db_url, "--json", "--human"])
    rows = _lines(history.output)
    assert [(r["judgment"], r["user"], r["note"]) for r in rows] == [
        ("same", "ana", "same"),
        ("not_same", "bo", None),
    ]
    again = runner.invoke(app, ["resolve", "split", "p2", "--db", db_url])
    assert again.exit_code == 1
    assert "not merged" in again.output


def test_contradicting_merge_fails_loudly(db_url: str) -> None:
    runner.invoke(app, ["resolve", "merge", "a", "b", "--db", db_url])
    runner.invoke(app, ["resolve", "split", "b", "--db", db_url])
    runner.invoke(app, ["resolve", "merge", "a", "p1", "--db", db_url])
    result = runner.invoke(app, ["resolve", "merge", "p1", "b", "--db", db_url])
    assert result.exit_code == 1
    assert "contradict" in result.output
    history = runner.invoke(app, ["resolve", "judgments", "--db", db_url, "--json"])
    assert any("contradiction" in row for row in _lines(history.output))


def test_merge_of_an_unknown_entity_is_refused(db_url: str) -> None:
    result = runner.invoke(app, ["resolve", "merge", "a", "nope", "--db", db_url])
    assert result.exit_code == 1
    assert "no entity 'nope'" in result.output


def test_graph_neighbours_and_path(db_url: str) -> None:
    result = runner.invoke(app, ["graph", "neighbours", "a", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    nodes = {row["entity_id"] for row in _lines(result.output) if "entity_id" in row}
    assert nodes == {"a", "p2"}
    found = runner.invoke(app, ["graph", "path", "p2", "a", "--db", db_url, "--json"])
    assert _lines(found.output)[0]["kind"] == "Ownership"
    missing = runner.invoke(app, ["graph", "path", "p1", "a", "--db", db_url])
    assert missing.exit_code == 1


def test_link_reports_bad_rows_and_links_the_rest(db_url: str, tmp_path: Path) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(
        "id,name,country\n1,Korea Pugang Trading Corporation,KP\n2,,\n3,Other Firm Ltd,GB\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["link", str(registry), "--db", db_url, "--json"])
    assert result.exit_code == 2, result.output
    assert f"{registry}:3: no company name" in result.output.replace("\n", "")
    rows = {row["id"]: row for row in _lines(result.output)}
    assert {m["entity_id"] for m in rows["1"]["matches"]} == {"a", "b"}
    assert rows["3"]["matches"] == []


def test_link_refuses_a_missing_file_and_a_bad_backend(db_url: str, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["link", str(tmp_path / "none.csv"), "--db", db_url])
    assert missing.exit_code == 1 and "no such file" in missing.output
    bad = runner.invoke(app, ["link", str(tmp_path / "none.csv"), "--backend", "oracle"])
    assert bad.exit_code == 2 and "oracle" in bad.output
