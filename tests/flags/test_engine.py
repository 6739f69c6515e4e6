"""Stable ids across re-runs, review history, dismissal persistence and the CLI."""

from __future__ import annotations

import json

import pytest
from graphkit import GraphBuilder
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.flags.engine import (
    FlagError,
    evaluate_flags,
    flag_detail,
    list_flags,
    review_flag,
)
from sanctionwatch.store import Database


def small_graph() -> GraphBuilder:
    builder = GraphBuilder()
    builder.company("ar", "Arrowcrest Limited", jurisdiction="cy")
    builder.company("rg", "Rungrado Trading")
    builder.own("ar", "rg", "49")
    builder.sanction("rg")
    return builder


def test_ids_are_stable_across_reruns_and_dismissal_persists(database: Database) -> None:
    small_graph().save(database)
    first = evaluate_flags(database)
    assert first.new >= 2
    with database.session() as session:
        ids = sorted(f.id for f in list_flags(session))
        offshore = list_flags(session, rule="offshore_shareholder")[0]
        review_flag(session, offshore.id, "dismissed", "analyst", "registry agent, known")
    second = evaluate_flags(database)
    assert second.new == 0 and second.kept == first.new
    with database.session() as session:
        assert sorted(f.id for f in list_flags(session)) == ids
        detail = flag_detail(session, offshore.id)
        assert detail.status == "dismissed"
        assert detail.reviews[-1].user == "analyst"
        assert [f.id for f in list_flags(session, status="dismissed")] == [offshore.id]
        assert offshore.id not in {f.id for f in list_flags(session, status="open")}
        review_flag(session, offshore.id, "open", "lead", "reopened")
        assert flag_detail(session, offshore.id).status == "open"
        assert len(flag_detail(session, offshore.id).reviews) == 2


def test_evidence_cites_statement_document_span_and_sentence(database: Database) -> None:
    small_graph().save(database)
    evaluate_flags(database)
    with database.session() as session:
        flag = list_flags(session, rule="designated_party")[0]
        detail = flag_detail(session, flag.id)
    assert detail.evidence
    assert all(e.document_id and e.start is not None and e.sentence for e in detail.evidence)
    assert any("sanctioned" in (e.sentence or "") for e in detail.evidence)


def test_a_flag_no_longer_found_is_retired_not_deleted(database: Database) -> None:
    builder = small_graph()
    builder.save(database)
    evaluate_flags(database)
    with database.session() as session:
        from sanctionwatch.store.tables import StatementRow

        session.query(StatementRow).filter(StatementRow.entity_id.like("rel-sanction-%")).delete(
            synchronize_session=False
        )
    report = evaluate_flags(database)
    assert report.retired >= 1
    with database.session() as session:
        assert not list_flags(session, rule="designated_party")
        assert list_flags(session, rule="designated_party", include_retired=True)


def test_bad_review_input_is_refused(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        with pytest.raises(FlagError, match="no flag"):
            review_flag(session, "flag-nope", "dismissed", "me")
        with pytest.raises(FlagError, match="unknown status"):
            list_flags(session, status="closed")


def test_cli_run_list_show_review(sqlite_database: Database) -> None:
    small_graph().save(sqlite_database)
    url = str(sqlite_database.engine.url)
    runner = CliRunner()
    result = runner.invoke(app, ["flags", "run", "--db", url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["flags", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["rule_id"] for row in rows} >= {"designated_party", "offshore_shareholder"}
    flag_id = rows[0]["id"]
    assert all(row["evidence_count"] > 0 for row in rows)
    result = runner.invoke(app, ["flags", "show", flag_id, "--db", url, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["evidence"]
    result = runner.invoke(
        app,
        [
            "flags",
            "review",
            flag_id,
            "--status",
            "dismissed",
            "--note",
            "ok",
            "--user",
            "u1",
            "--db",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["flags", "--db", url, "--status", "dismissed", "--json"])
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [flag_id]
    result = runner.invoke(app, ["flags", "show", "flag-missing", "--db", url])
    assert result.exit_code == 1 and "no flag" in result.output


def test_a_dismissal_follows_its_flag_when_resolution_merges_the_entity(
    database: Database,
) -> None:
    from sanctionwatch.resolve.resolver import merge

    builder = small_graph()
    builder.company("aa-arrowcrest", "Arrowcrest Ltd")
    builder.save(database)
    evaluate_flags(database)
    with database.session() as session:
        before = list_flags(session, rule="offshore_shareholder")[0]
        review_flag(session, before.id, "dismissed", "anna", "nominee, known")
        merge(session, "ar", "aa-arrowcrest", user="anna")
    evaluate_flags(database)
    with database.session() as session:
        after = list_flags(session, rule="offshore_shareholder")
        assert [f.entity_ids for f in after] == [["aa-arrowcrest", "rg"]]
        assert after[0].id != before.id
        assert after[0].status == "dismissed"
        assert after[0].reviews[-1].user == "anna"
        assert before.id in (after[0].reviews[-1].note or "")
        assert not flag_detail(session, before.id).active
