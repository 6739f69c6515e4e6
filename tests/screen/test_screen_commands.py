from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements

runner = CliRunner()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.migrate()
    rows = [
        ("un-kju", "Person", "name", "KIM JONG UN"),
        ("un-kju", "Person", "nationality", "kp"),
        ("un-pugang", "Organization", "name", "KOREA PUGANG TRADING CORPORATION"),
    ]
    with database.session() as session:
        add_statements(
            session,
            [Statement(e, s, p, v, "us_ofac_sdn", "list:us_ofac_sdn", "v3") for e, s, p, v in rows]
            + [Statement("doc-1", "Person", "name", "Kim Chong-un", "documents", "extract:x", "1")],
        )
    database.dispose()
    return url


def json_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_compare_json() -> None:
    result = runner.invoke(
        app, ["compare", "Kim Jong Un", "김정은", "--schema", "Person", "--json"]
    )
    assert result.exit_code == 0, result.output
    record = json_lines(result.output)[0]
    assert record["match"] is True
    assert "name_romanisation_equivalent" in record["features"]  # type: ignore[operator]


def test_compare_table_names_the_features() -> None:
    result = runner.invoke(app, ["compare", "Kim Jong Un", "Kim Jong Nam", "--schema", "Person"])
    assert result.exit_code == 0
    assert "no match" in result.output and "token_mismatch" in result.output


def test_compare_pairs_prints_one_score_per_line(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "schema,name1,name2\nPerson,Kim Jong Un,KIM JONG-UN\nVessel,Tong San 2,Tong San 3\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["compare", "--pairs", str(pairs)])
    assert result.exit_code == 0, result.output
    scores = [float(line) for line in result.stdout.splitlines()]
    assert len(scores) == 2 and scores[0] > 0.9 > scores[1]


def test_compare_pairs_bad_columns_and_bad_rows(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", "--pairs", str(wrong)])
    assert result.exit_code == 1
    assert "missing column" in result.output and "wrong.csv" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "schema,name1,name2\nPerson,,Kim\nPerson,Kim Il Sung,Ким Ир Сен\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["compare", "--pairs", str(bad)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "nan" and float(lines[1]) > 0.5


@pytest.mark.parametrize("query", ["", "🙂🙂", "!!!...", "x" * 10_000])
def test_absurd_queries_fail_clearly(query: str, db_url: str) -> None:
    result = runner.invoke(app, ["screen", query, "--db", db_url])
    assert result.exit_code == 2
    assert "cannot screen this query" in result.output


def test_screen_finds_kim_jong_un_in_any_spelling(db_url: str) -> None:
    for spelling in ("Kim Chong-un", "KIM JONG-UN", "김정은"):
        result = runner.invoke(
            app, ["screen", spelling, "--schema", "Person", "--json", "--db", db_url]
        )
        assert result.exit_code == 0, result.output
        hits = json_lines(result.output)
        assert hits and hits[0]["id"] == "un-kju", spelling
        assert hits[0]["datasets"] == ["us_ofac_sdn"] and hits[0]["list_version"] == "v3"


def test_screen_unrelated_name_is_empty(db_url: str) -> None:
    result = runner.invoke(app, ["screen", "Jonathan Appleseed", "--json", "--db", db_url])
    assert result.exit_code == 0
    assert json_lines(result.output) == []


def test_screen_file_one_line_per_row_and_errors_continue(db_url: str, tmp_path: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text(
        "name,schema,country\nKorea Pugang Trading,Company,kp\n🙂,Person,\nKim Jong-un,Person,kp\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["screen", "--file", str(queries), "--db", db_url])
    assert result.exit_code == 1
    records = json_lines(result.stdout)
    assert [r["row"] for r in records] == [2, 3, 4]
    assert records[0]["results"][0]["id"] == "un-pugang"  # type: ignore[index]
    assert "error" in records[1]
    assert records[2]["results"][0]["id"] == "un-kju"  # type: ignore[index]


def test_screen_all_then_list_matches(db_url: str) -> None:
    result = runner.invoke(app, ["screen", "--all", "--json", "--db", db_url])
    assert result.exit_code == 0, result.output
    summary = json_lines(result.stdout)[0]
    assert summary["screened"] == 1 and summary["matches"] == 1
    listing = runner.invoke(app, ["screen-matches", "--json", "--db", db_url])
    rows = json_lines(listing.stdout)
    assert rows[0]["graph_entity_id"] == "doc-1" and rows[0]["list_entity_id"] == "un-kju"


def test_screen_without_lists_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", "Kim", "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert result.exit_code == 1
    assert "lists load" in result.output


def test_screen_needs_exactly_one_mode(db_url: str) -> None:
    result = runner.invoke(app, ["screen", "Kim", "--all", "--db", db_url])
    assert result.exit_code == 2
