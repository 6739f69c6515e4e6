"""``entities`` / ``entity``: one row per resolved cluster, any member id shows the whole cluster
(invented firm; statements, judgments, matches and flags written here)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sanctionwatch.api.clusters import cluster, list_clusters
from sanctionwatch.cli import app
from sanctionwatch.flags.tables import FlagRow
from sanctionwatch.resolve.resolver import merge
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements
from storekit import add_text_document

runner = CliRunner()
FIRST = "Korea Pyoksan Trading Corporation hired 40 workers. Pyoksan paid Oleg Ivanov."
SECOND = "Pyoksan opened an office. Pyoksan later closed it."


def mention(entity_id: str, schema: str, name: str, document: str, text: str) -> Statement:
    start = text.index(name)
    return Statement(
        entity_id=entity_id,
        schema=schema,
        prop="name",
        value=name,
        dataset="documents",
        origin="extract:entities",
        origin_version="1",
        document_id=document,
        start=start,
        end=start + len(name),
        sentence=text.split(". ")[0],
    )


def listed(entity_id: str, name: str) -> Statement:
    return Statement(
        entity_id=entity_id,
        schema="Organization",
        prop="name",
        value=name,
        dataset="us_ofac_sdn",
        origin="list:us_ofac_sdn",
        origin_version="v1",
    )


def build(database: Database) -> None:
    first = add_text_document(database, FIRST)
    second = add_text_document(database, SECOND)
    statements = [
        mention("com-long", "Company", "Korea Pyoksan Trading Corporation", first, FIRST),
        mention("com-long", "Company", "Pyoksan", first, FIRST),
        mention("com-short", "Company", "Pyoksan", second, SECOND),
        mention("per-oleg", "Person", "Oleg Ivanov", first, FIRST),
        listed("ofac-1", "KOREA PYOKSAN TRADING CORP"),
        listed("ofac-2", "PYOKSAN SHIPPING CO"),
    ]
    with database.session() as session:
        add_statements(session, statements)
        merge(session, "com-long", "com-short", user="ana")
        merge(session, "com-short", "ofac-1", user="ana")
        session.add(
            ScreenMatchRow(
                id="m" * 40,
                graph_entity_id="com-short",
                list_entity_id="ofac-2",
                list_source="us_ofac_sdn",
                score=0.81,
                matcher_version="test",
            )
        )
        session.add(
            FlagRow(
                id="flag-pyoksan",
                rule_id="designated_party",
                rule_version="1",
                severity="high",
                explanation="Korea Pyoksan Trading Corporation is designated.",
                entity_ids=["com-long"],
                entity_names=["Korea Pyoksan Trading Corporation"],
            )
        )
        session.add(
            FlagRow(
                id="flag-retired",
                rule_id="name_reuse",
                rule_version="1",
                severity="medium",
                explanation="no longer found",
                entity_ids=["com-long"],
                entity_names=[],
                active=False,
            )
        )


def test_one_row_per_resolved_cluster(database: Database) -> None:
    build(database)
    with database.session() as session:
        rows = list_clusters(session)
    assert [row.id for row in rows] == ["com-long", "per-oleg"]
    firm = rows[0]
    assert firm.name == "Korea Pyoksan Trading Corporation"  # fullest, not most mentioned
    assert firm.schema == "Company"
    assert {m.id for m in firm.members} == {"com-long", "com-short", "ofac-1"}
    assert {m.source for m in firm.members} == {"report", "list:us_ofac_sdn"}
    assert firm.mentions == 3 and firm.documents == 2
    assert "Pyoksan" in firm.other_names and "KOREA PYOKSAN TRADING CORP" in firm.other_names
    assert firm.listed == ["us_ofac_sdn"]
    assert firm.matches == ["ofac-2"]  # screening hit outside the cluster; ofac-1 is a member
    assert firm.flags == ["flag-pyoksan"]  # the retired flag does not count
    assert rows[1].listed == [] and rows[1].flags == []


def test_filters_and_any_member_id(database: Database) -> None:
    build(database)
    with database.session() as session:
        people = list_clusters(session, schema="Person")
        organisations = list_clusters(session, schema="Organization")
        second_document = list_clusters(session, document=add_text_document(database, SECOND))
        by_list_id = cluster(session, "ofac-1")
        by_mention = cluster(session, "com-short")
        missing = cluster(session, "nothing-here")
    assert [row.id for row in people] == ["per-oleg"]
    assert [row.id for row in organisations] == ["com-long"]
    assert [row.id for row in second_document] == ["com-long"]
    assert by_list_id is not None and by_mention is not None and missing is None
    assert by_list_id.id == by_mention.id == "com-long"


def test_cli_lists_clusters_mentions_and_a_whole_cluster(sqlite_database: Database) -> None:
    build(sqlite_database)
    url = sqlite_database.url
    listed_rows = runner.invoke(app, ["entities", "--db", url, "--json"])
    assert listed_rows.exit_code == 0, listed_rows.output
    rows = [json.loads(line) for line in listed_rows.stdout.splitlines()]
    assert [(r["id"], r["members"], r["flags"], r["matches"]) for r in rows] == [
        ("com-long", 3, 1, 1),
        ("per-oleg", 1, 0, 0),
    ]
    mentions = runner.invoke(app, ["entities", "--db", url, "--json", "--mentions"])
    mention_rows = [json.loads(line) for line in mentions.stdout.splitlines()]
    assert {(r["id"], r["cluster_id"]) for r in mention_rows} == {
        ("com-long", "com-long"),
        ("com-short", "com-long"),
        ("per-oleg", "per-oleg"),
    }
    shown = runner.invoke(app, ["entity", "ofac-1", "--db", url, "--json"])
    statements = [json.loads(line) for line in shown.stdout.splitlines()]
    assert {s["entity_id"] for s in statements} == {"com-long", "com-short", "ofac-1"}
    assert {s["cluster_id"] for s in statements} == {"com-long"}
    assert {s["member_source"] for s in statements} == {"report", "list:us_ofac_sdn"}
    summary = runner.invoke(app, ["entity", "com-short", "--db", url, "--json", "--summary"])
    assert json.loads(summary.stdout)["listed"] == ["us_ofac_sdn"]
    table = runner.invoke(app, ["entity", "com-short", "--db", url], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "Korea Pyoksan Trading Corporation" in table.stdout
    assert "list:us_ofac_sdn" in table.stdout and "flag-pyoksan" in table.stdout
