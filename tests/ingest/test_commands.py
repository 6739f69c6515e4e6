from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctionwatch.cli import app

runner = CliRunner()


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "one.txt").write_text(
        "Workers abroad\n\nThe firm sent 40 workers to Khabarovsk in May 2018.\n", encoding="utf-8"
    )
    (folder / "two.md").write_text(
        "---\ntitle: Front companies\ndate: 2019-06-01\n---\n\nTwo firms share an address.\n",
        encoding="utf-8",
    )
    return folder


def test_ingest_then_list_then_show(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    corpus = _corpus(tmp_path / "corpus")

    first = runner.invoke(app, ["ingest", str(corpus), "--db", db])
    assert first.exit_code == 0, first.output
    assert "added" in first.stdout

    again = runner.invoke(app, ["ingest", str(corpus), "--db", db, "--json"])
    assert again.exit_code == 0
    lines = [json.loads(line) for line in again.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["unchanged", "unchanged"]

    listed = runner.invoke(app, ["documents", "--db", db, "--json"])
    rows = {row["title"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert rows["Front companies"]["published_at"] == "2019-06-01"
    assert rows["Front companies"]["date_kind"] == "given"
    assert rows["Workers abroad"]["published_at"] == "2018-05"
    assert rows["Workers abroad"]["date_kind"] == "inferred"

    limited = runner.invoke(app, ["documents", "--db", db, "--json", "--limit", "1"])
    assert len(limited.stdout.splitlines()) == 1

    doc_id = rows["Front companies"]["id"]
    shown = runner.invoke(app, ["document", doc_id[:8], "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    details = json.loads(shown.stdout)
    assert details["text"] == "Two firms share an address."
    assert details["sources"] == [str((corpus / "two.md").resolve())]
    original = runner.invoke(app, ["document", doc_id, "--db", db, "--text", "original"])
    assert "title: Front companies" in original.stdout
    removed = runner.invoke(app, ["document", doc_id, "--db", db, "--text", "removed", "--json"])
    cuts = json.loads(removed.stdout)["removed"]
    assert [cut["rule"] for cut in cuts] == ["front-matter"]
    assert cuts[0]["text"].startswith("---\ntitle: Front companies")


def test_failures_are_one_line_each_and_exit_non_zero(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    corpus = _corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_bytes(b"")
    missing = tmp_path / "no-such-file.txt"

    result = runner.invoke(app, ["ingest", str(corpus), str(missing), "--db", db, "--json"])

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {(corpus / 'empty.txt').resolve()}: file is empty",
        f"error: {missing}: path does not exist; check the spelling",
    ]
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses.count("added") == 2
    assert statuses.count("failed") == 2


def test_document_id_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner.invoke(app, ["ingest", str(_corpus(tmp_path / "corpus")), "--db", db])
    missing = runner.invoke(app, ["document", "ffffffff", "--db", db])
    assert missing.exit_code == 1
    assert "no document with id ffffffff" in missing.stderr
    ambiguous = runner.invoke(app, ["document", "", "--db", db])
    assert ambiguous.exit_code == 1
    bad_text = runner.invoke(app, ["document", "ab", "--db", db, "--text", "html"])
    assert "--text must be one of clean, original, removed" in bad_text.stderr


def test_run_ingests_the_given_paths_and_prints_a_summary(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(
        app, ["run", "--no-serve", str(_corpus(tmp_path / "corpus")), "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert "documents" in result.stdout
    stats = runner.invoke(app, ["stats", "--db", db, "--json"])
    assert json.loads(stats.stdout)["documents"] == 2
