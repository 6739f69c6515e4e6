"""``entities`` and ``entity``: the resolved entities an analyst reads, from the command line.

One row per resolved cluster (read model :mod:`sanctionwatch.api.clusters`, the same clusters
the web and API entity pages show); ``entities --mentions`` keeps the extractor's own view, one
row per mention group of a document, with the cluster each one was resolved into.
"""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy import func, select

from sanctionwatch.api import stages
from sanctionwatch.api.clusters import (
    MENTION_NAME_PROPS,
    MENTION_ORIGIN,
    ClusterRow,
    cluster,
    cluster_statements,
    document_titles,
    list_clusters,
    shown_schema,
    stored_schemata,
)
from sanctionwatch.clikit import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_json_lines,
    print_records,
    print_table,
)
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

OTHER_NAMES_SHOWN = 3


def list_mentions(
    database: Database,
    *,
    schema: str | None = None,
    document: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Extracted entities (one per mention group) with mention and document counts and the
    cluster resolution put each into, most mentioned first."""
    query = (
        select(
            StatementRow.entity_id,
            StatementRow.schema,
            func.max(StatementRow.value),
            func.count(),
            func.count(func.distinct(StatementRow.document_id)),
        )
        .where(StatementRow.origin == MENTION_ORIGIN, StatementRow.prop.in_(MENTION_NAME_PROPS))
        .group_by(StatementRow.entity_id, StatementRow.schema)
        .order_by(func.count().desc(), StatementRow.entity_id)
        .limit(limit)
    )
    if schema:
        query = query.where(StatementRow.schema.in_(stored_schemata(schema)))
    if document:
        query = query.where(StatementRow.document_id.startswith(document))
    rows = []
    with database.session() as session:
        found = list(session.execute(query))
        canonical = stages.canonical_ids(session, [r[0] for r in found])
        for entity_id, stored, caption, mentions, documents in found:
            docs = session.scalars(
                select(StatementRow.document_id)
                .where(StatementRow.entity_id == entity_id, StatementRow.origin == MENTION_ORIGIN)
                .distinct()
            )
            rows.append(
                {
                    "id": entity_id,
                    "cluster_id": canonical.get(entity_id, entity_id),
                    "schema": shown_schema(stored),
                    "caption": caption,
                    "mentions": mentions,
                    "documents": documents,
                    "document_ids": sorted(d for d in docs if d),
                }
            )
    return rows


def _others(row: dict[str, Any]) -> str:
    names: list[str] = row["other_names"]
    shown = "; ".join(names[:OTHER_NAMES_SHOWN])
    return shown + (
        f" (+{len(names) - OTHER_NAMES_SHOWN})" if len(names) > OTHER_NAMES_SHOWN else ""
    )


def _sanctions(row: dict[str, Any]) -> str:
    parts = []
    if row["listed"]:
        parts.append("listed: " + ", ".join(row["listed"]))
    if row["matches"]:
        parts.append(f"{row['matches']} screening match{'es' if row['matches'] > 1 else ''}")
    return "; ".join(parts)


def entities(
    schema: str | None = typer.Option(
        None,
        "--schema",
        help="Person, Company, Organization, LegalEntity, Place, LegalInstrument (or any FtM "
        "schema: Organization includes Companies).",
    ),
    document: str | None = typer.Option(
        None, "--document", help="Only entities of this document (id or id prefix)."
    ),
    mentions: bool = typer.Option(
        False,
        "--mentions",
        "--unresolved",
        help="One row per extracted mention group, as extraction stored it, with its cluster id.",
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most N entities."),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List the resolved entities the reports mention, most mentioned first.

    One row per cluster (mentions and list entries resolved together by `sanctionwatch resolve`):
    canonical id, best name, schema, other names, mentions and documents, the lists of resolved
    entries (listed), screening matches and active red flags. --mentions shows the extractor's
    rows instead (one per mention group of a document).

    Example:

        sanctionwatch entities --schema Company --limit 20
        sanctionwatch entities --json | jq -r 'select(.flags > 0) | .name'
        sanctionwatch entities --mentions --document 3fa2
    """
    database = open_database(db)
    if mentions:
        rows = list_mentions(database, schema=schema, document=document, limit=limit)
        columns: list[Any] = ["id", "cluster_id", "schema", "caption", "mentions", "documents"]
    else:
        with database.session() as session:
            found = list_clusters(session, schema=schema, document=document, limit=limit)
        rows = [row.as_dict() for row in found]
        columns = [
            "id",
            "schema",
            "name",
            ("other names", _others),
            "mentions",
            "documents",
            ("sanctions", _sanctions),
            "flags",
        ]
    if not rows and not as_json:
        err_console.print("no entities; run `sanctionwatch extract` first", highlight=False)
        return
    print_records("Mentions" if mentions else "Entities", rows, columns, as_json)


def _statement_record(
    statement: Any, sources: dict[str, str], titles: dict[str, str]
) -> dict[str, Any]:
    return {
        "cluster_id": "",
        "entity_id": statement.entity_id,
        "member_source": sources.get(statement.entity_id, ""),
        "schema": shown_schema(statement.schema)
        if statement.dataset == "documents"
        else statement.schema,
        "prop": statement.prop,
        "value": statement.value,
        "original_value": statement.original_value,
        "dataset": statement.dataset,
        "document_id": statement.document_id,
        "document_title": titles.get(statement.document_id or ""),
        "start": statement.start,
        "end": statement.end,
        "sentence": statement.sentence,
        "origin": statement.origin,
        "origin_version": statement.origin_version,
        "confidence": statement.confidence,
    }


def entity(
    entity_id: str = typer.Argument(
        ..., help="A canonical id or any member id (from `sanctionwatch entities`)."
    ),
    summary: bool = typer.Option(
        False, "--summary", help="With --json: print the cluster's row, not its statements."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Show a resolved entity: members, their sources, every statement with its evidence.

    Each statement comes with its document, span, sentence and origin.

    Any member id leads to the whole cluster (an article's mention, a list entry, a retired
    canonical id). --json prints one line per statement (with the member it belongs to);
    --json --summary prints the cluster's row as `sanctionwatch entities --json` does.

    Example:

        sanctionwatch entity com-0123456789abcdef0123
        sanctionwatch entity ofac-19612 --json --summary
    """
    database = open_database(db)
    with database.session() as session:
        row = cluster(session, entity_id)
        if row is None:
            fail(f"entity {entity_id}: not found", "list entity ids with `sanctionwatch entities`")
        statements = cluster_statements(session, row)
        titles = document_titles(session, {s.document_id for s in statements if s.document_id})
    if as_json and summary:
        print_json_lines([row.as_dict()])
        return
    sources = {member.id: member.source for member in row.members}
    records = [_statement_record(s, sources, titles) for s in statements]
    for record in records:
        record["cluster_id"] = row.id
    if as_json:
        print_json_lines(records)
        return
    _print_cluster(row, titles)
    print_table(
        "Statements",
        ["member", "property", "value", "document", "span", "sentence", "origin"],
        (
            (
                r["entity_id"],
                r["prop"],
                r["value"] if not r["original_value"] else f"{r['value']} ({r['original_value']})",
                (r["document_id"] or "")[:12],
                "" if r["start"] is None else f"{r['start']}-{r['end']}",
                _short(r["sentence"]),
                f"{r['origin']} {r['origin_version']}",
            )
            for r in records
        ),
    )


def _print_cluster(row: ClusterRow, titles: dict[str, str]) -> None:
    console.print(f"[bold]{row.name}[/] ({row.schema}) {row.id}", highlight=False)
    if row.other_names:
        console.print("also: " + "; ".join(row.other_names), highlight=False)
    facts = [f"{row.mentions} mentions in {row.documents} documents"]
    if row.listed:
        facts.append("listed: " + ", ".join(row.listed))
    if row.matches:
        facts.append("screening matches: " + ", ".join(row.matches))
    if row.flags:
        facts.append(f"{len(row.flags)} red flags: " + ", ".join(row.flags))
    console.print("; ".join(facts), highlight=False)
    print_table(
        "Members",
        ["id", "schema", "name", "source", "mentions", "documents"],
        (
            (
                m.id,
                m.schema,
                m.name,
                m.source,
                m.mentions,
                "; ".join(_short(titles.get(d, d), 40) for d in m.document_ids),
            )
            for m in row.members
        ),
    )


def _short(text: str | None, width: int = 80) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def register(app: typer.Typer) -> None:
    """Add ``entities`` and ``entity`` to ``app``."""
    app.command()(entities)
    app.command()(entity)
