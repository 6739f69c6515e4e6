"""The ``extract``, ``entities`` and ``entity`` commands and ``run`` extracting after ingest."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.extract.commands import rule_file_hint
from sanctionwatch.extract.entity_typer import EntityTyperError
from sanctionwatch.extract.relation_attributes import AttributeModelError
from sanctionwatch.extract.relation_model import RelationModelError
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.store import Database
from storekit import text_document

runner = CliRunner()
TEXT = (
    "Brightwater Holdings Limited, a company registered in Cyprus, pays Oleg Petrenko. "
    "Petrenko, a director of the firm, declined to comment."
)


def _store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = Database(url)
    database.migrate()
    with database.session() as session:
        session.add(text_document(TEXT, doc_id="c" * 64, source="memo.txt"))
    database.dispose()
    return url


def test_extract_then_list_and_show(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["extract", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["documents"] == 1 and summary["failed"] == 0

    again = runner.invoke(app, ["extract", "--db", url, "--json"])
    assert json.loads(again.stdout.strip().splitlines()[-1])["skipped"] == 1

    listed = runner.invoke(app, ["entities", "--db", url, "--json", "--schema", "Person"])
    assert listed.exit_code == 0, listed.output
    people = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    assert [p["caption"] for p in people] == ["Oleg Petrenko"]
    assert people[0]["mentions"] == 2 and people[0]["documents"] == 1

    shown = runner.invoke(app, ["entity", people[0]["id"], "--db", url, "--json"])
    assert shown.exit_code == 0, shown.output
    rows = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    spans = {(r["start"], r["end"]) for r in rows if r["prop"] == "name"}
    assert {TEXT[s:e] for s, e in spans} == {"Oleg Petrenko", "Petrenko"}
    assert any(r["prop"] == "position" for r in rows)
    assert all(r["origin"] == "extract:entities" and r["sentence"] for r in rows)

    table = runner.invoke(app, ["entities", "--db", url, "--schema", "Place"])
    assert table.exit_code == 0 and "Cyprus" in table.stdout


def test_unknown_entity_is_a_clear_error(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["entity", "per-missing", "--db", url])
    assert result.exit_code == 1
    assert "per-missing" in result.output and "not found" in result.output


def test_run_extracts_after_ingest(tmp_path: Path) -> None:
    url = _store(tmp_path)
    result = runner.invoke(app, ["run", "--no-serve", "--db", url])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["entities", "--db", url, "--json", "--document", "cccc"])
    assert "Brightwater Holdings Limited" in listed.stdout


def test_a_bad_model_file_hint_names_that_models_own_switch() -> None:
    assert "SANCTIONWATCH_ENTITY_TYPER=off" in rule_file_hint(EntityTyperError("x"))
    assert "SANCTIONWATCH_ATTRIBUTE_MODEL=off" in rule_file_hint(AttributeModelError("x"))
    assert "SANCTIONWATCH_RELATION_MODEL=off" in rule_file_hint(RelationModelError("x"))
    assert "=off" not in rule_file_hint(RuleFileError("rules.yaml: bad"))
