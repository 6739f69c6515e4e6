"""Exports other tools open: FtM JSON lines, GEXF and GraphML (Gephi, networkx), CSV per schema.

Entities are assembled from their statements exactly as the web app shows them. In the graph
formats, things (people, companies, vessels, ...) are nodes marked ``designated`` when a list
names them, and edge entities (Ownership, Directorship, ...) are links.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import networkx as nx  # type: ignore[import-untyped]
from followthemoney import StatementEntity, model
from followthemoney.schema import Schema

from sanctionwatch.api.readmodel import LIST_ORIGIN_PREFIX
from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import assemble_entity, iter_statements

FORMATS = ("ftm", "gexf", "graphml", "csv")


def iter_entities(database: Database) -> Iterator[tuple[StatementEntity, list[Statement]]]:
    """Every entity in the store with its statements (streamed, ordered by id)."""
    with database.session() as session:
        current: list[Statement] = []
        for stmt in iter_statements(session):
            if current and stmt.entity_id != current[0].entity_id:
                yield assemble_entity(current), current
                current = []
            current.append(stmt)
        if current:
            yield assemble_entity(current), current


def entity_json(entity: StatementEntity, statements: list[Statement]) -> dict[str, object]:
    """The FtM JSON of an entity, with the datasets it was read from."""
    data = entity.to_dict()
    data["datasets"] = sorted({s.dataset for s in statements})
    return {key: data[key] for key in ("id", "schema", "properties", "datasets") if key in data}


def write_ftm(database: Database, out: IO[str]) -> int:
    count = 0
    for entity, statements in iter_entities(database):
        out.write(json.dumps(entity_json(entity, statements), ensure_ascii=False) + "\n")
        count += 1
    return count


def _edge_schema(schema: Schema) -> bool:
    return bool(schema.edge and schema.edge_source and schema.edge_target)


def build_graph(database: Database) -> nx.MultiDiGraph:
    """Things as nodes, edge entities as links; Sanctions mark their targets as designated."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    edges: list[StatementEntity] = []
    designated: set[str] = set()
    thing = model.get("Thing")
    for entity, statements in iter_entities(database):
        schema = entity.schema
        if _edge_schema(schema):
            edges.append(entity)
        elif schema.is_a("Sanction"):
            designated.update(entity.get("entity"))
        elif thing is not None and schema.is_a(thing):
            listed = any(s.origin.startswith(LIST_ORIGIN_PREFIX) for s in statements)
            graph.add_node(
                entity.id,
                label=entity.caption,
                schema=schema.name,
                datasets=";".join(sorted({s.dataset for s in statements})),
                designated=listed,
            )
            if listed:
                designated.add(entity.id or "")
    for node_id in designated & set(graph.nodes):
        graph.nodes[node_id]["designated"] = True
    for edge in edges:
        schema = edge.schema
        for source in edge.get(schema.edge_source or ""):
            for target in edge.get(schema.edge_target or ""):
                if source in graph and target in graph:
                    graph.add_edge(
                        source,
                        target,
                        key=edge.id,
                        id=edge.id,
                        label=schema.edge_label or schema.label,
                        schema=schema.name,
                    )
    return graph


def write_graph(database: Database, path: Path, fmt: str) -> tuple[int, int]:
    graph = build_graph(database)
    if fmt == "gexf":
        nx.write_gexf(graph, path)
    else:
        nx.write_graphml(graph, path)
    return graph.number_of_nodes(), graph.number_of_edges()


def write_csv(database: Database, folder: Path) -> dict[str, int]:
    """One ``<Schema>.csv`` per schema: id, caption, datasets, then one column per property."""
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict[str, str]]] = {}
    for entity, statements in iter_entities(database):
        row = {
            "id": entity.id or "",
            "caption": entity.caption,
            "datasets": ";".join(sorted({s.dataset for s in statements})),
        }
        for prop, values in entity.to_dict()["properties"].items():
            row[prop] = ";".join(values)
        rows.setdefault(entity.schema.name, []).append(row)
    counts = {}
    for schema_name, schema_rows in sorted(rows.items()):
        columns = ["id", "caption", "datasets"]
        columns += sorted({key for row in schema_rows for key in row} - set(columns))
        with (folder / f"{schema_name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(schema_rows)
        counts[schema_name] = len(schema_rows)
    return counts
