"""Read extracted relations back from the store as rows an analyst (or a benchmark) can read.

Relations are statements (origin ``extract:relations``); this module regroups them into one
row per relation with both ends' names, the properties, the document and the sentence. Names
come from any ``name`` statement of the end's entity (the entity extractor writes those) and
fall back to the name the relation extractor recorded as the statement's original value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from followthemoney import registry
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.extract.relations import ORIGIN
from sanctionwatch.store.statements import Statement
from sanctionwatch.store.tables import StatementRow

LINK_ENDS: dict[str, tuple[str, str]] = {
    "Ownership": ("owner", "asset"),
    "Directorship": ("director", "organization"),
    "Employment": ("employee", "employer"),
    "Membership": ("member", "organization"),
    "Associate": ("person", "associate"),
    "UnknownLink": ("subject", "object"),
    "Sanction": ("entity", "authority"),
    "Family": ("person", "relative"),
}
"""(source property, target property) of each link schema the extractor writes."""

PROPERTY_KINDS = {
    "jurisdiction": "registration",
    "country": "location",
    "address": "location",
    "nationality": "nationality",
    "mainCountry": "nationality",
}
_SKIP_PROPS = frozenset({"notes", "addressEntity"})
_ENTITY_PROPS = frozenset(prop for ends in LINK_ENDS.values() for prop in ends) - {"authority"}


@dataclass(slots=True)
class RelationRow:
    """One relation: kind, both ends, properties and where it was read."""

    kind: str
    schema: str
    id: str
    source_id: str | None
    source: str
    target_id: str | None
    target: str
    properties: dict[str, list[str]] = field(default_factory=dict)
    document_id: str | None = None
    sentence: str | None = None
    confidence: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "schema": self.schema,
            "id": self.id,
            "source_id": self.source_id,
            "source": self.source,
            "target_id": self.target_id,
            "target": self.target,
            "properties": self.properties,
            "document_id": self.document_id,
            "sentence": self.sentence,
            "confidence": self.confidence,
        }


def _caption(prop: str, value: str) -> str:
    if prop in ("jurisdiction", "country", "nationality", "mainCountry"):
        return str(registry.country.caption(value) or value)
    return value


def _names(session: Session, entity_ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    ids = sorted(entity_ids)
    for offset in range(0, len(ids), 500):
        chunk = ids[offset : offset + 500]
        query = select(StatementRow.entity_id, StatementRow.value).where(
            StatementRow.entity_id.in_(chunk), StatementRow.prop == "name"
        )
        for entity_id, value in session.execute(query):
            current = names.get(entity_id)
            if current is None or len(value) > len(current):
                names[entity_id] = value
    return names


def _values_by_prop(stmts: list[Statement]) -> dict[str, list[str]]:
    """Each property's distinct values, in statement order."""
    props: dict[str, list[str]] = defaultdict(list)
    for stmt in stmts:
        if stmt.value not in props[stmt.prop]:
            props[stmt.prop].append(stmt.value)
    return props


def _read_row(
    kind: str,
    schema: str,
    entity_id: str,
    source: tuple[str | None, str],
    target: tuple[str | None, str],
    props: dict[str, list[str]],
    stmts: list[Statement],
) -> RelationRow:
    """A relation read from ``stmts``: the first one's document and sentence, the best
    confidence of them all; ``source`` and ``target`` are (entity id or None, label)."""
    return RelationRow(
        kind,
        schema,
        entity_id,
        *source,
        *target,
        dict(props),
        stmts[0].document_id,
        stmts[0].sentence,
        max(stmt.confidence for stmt in stmts),
    )


def _link_rows(entity_id: str, stmts: list[Statement], names: dict[str, str]) -> list[RelationRow]:
    schema = stmts[0].schema
    kind = entity_id.split("-")[1] if entity_id.startswith("rel-") else "unknown"
    source_prop, target_prop = LINK_ENDS.get(schema, ("subject", "object"))
    props = _values_by_prop(stmts)
    labels: dict[str, str] = {}
    for stmt in stmts:
        if stmt.prop in _ENTITY_PROPS:
            labels[stmt.value] = names.get(stmt.value) or stmt.original_value or stmt.value
    description = props.get("description", [""])[0]

    def end(prop: str) -> tuple[str | None, str]:
        values = props.get(prop)
        if not values:
            return None, description
        if prop == "authority":
            return None, values[0]
        return values[0], labels.get(values[0], values[0])

    base = _read_row(kind, schema, entity_id, end(source_prop), end(target_prop), props, stmts)
    if kind != "nationality":
        return [base]
    rows = []
    for summary in props.get("summary", []):
        basis, _, code = summary.partition(" as: ")
        rows.append(
            RelationRow(
                "nationality",
                schema,
                entity_id,
                base.target_id,
                base.target,
                None,
                _caption("nationality", code.strip()),
                {"basis": [basis.replace("nationality ", "")], "owners": [base.source]},
                base.document_id,
                base.sentence,
                base.confidence,
            )
        )
    return rows


def _property_rows(stmts: list[Statement], names: dict[str, str]) -> list[RelationRow]:
    rows = []
    for stmt in stmts:
        kind = PROPERTY_KINDS.get(stmt.prop)
        if kind is None:
            continue
        basis = "listed" if (stmt.original_value or "").startswith("listed as") else "reported"
        name = names.get(stmt.entity_id, stmt.entity_id)
        rows.append(
            RelationRow(
                kind,
                stmt.schema,
                stmt.entity_id,
                stmt.entity_id,
                name,
                None,
                _caption(stmt.prop, stmt.value),
                {
                    stmt.prop: [stmt.value],
                    "basis": [basis],
                    "original": [stmt.original_value or ""],
                },
                stmt.document_id,
                stmt.sentence,
                stmt.confidence,
            )
        )
    return rows


def _address_rows(
    address_id: str, stmts: list[Statement], users: list[Statement], names: dict[str, str]
) -> list[RelationRow]:
    sharers: list[tuple[str | None, str]] = []
    for stmt in users:
        label = names.get(stmt.entity_id) or stmt.original_value or stmt.entity_id
        if (stmt.entity_id, label) not in sharers:
            sharers.append((stmt.entity_id, label))
    for stmt in stmts:
        if stmt.prop == "remarks" and (None, stmt.value) not in sharers:
            sharers.append((None, stmt.value))
    props = _values_by_prop(stmts)
    return [
        _read_row("shared_address", "Address", address_id, source, target, props, stmts)
        for index, source in enumerate(sharers)
        for target in sharers[index + 1 :]
    ]


def relation_rows(statements: Iterable[Statement], names: dict[str, str]) -> list[RelationRow]:
    """Regroup the relation extractor's statements into relation rows."""
    by_entity: dict[str, list[Statement]] = defaultdict(list)
    address_users: dict[str, list[Statement]] = defaultdict(list)
    for stmt in statements:
        by_entity[stmt.entity_id].append(stmt)
        if stmt.prop == "addressEntity":
            address_users[stmt.value].append(stmt)
    rows: list[RelationRow] = []
    for entity_id, stmts in by_entity.items():
        if entity_id.startswith("rel-"):
            rows.extend(_link_rows(entity_id, stmts, names))
        elif entity_id.startswith("addr-shared-"):
            rows.extend(_address_rows(entity_id, stmts, address_users.get(entity_id, []), names))
        else:
            rows.extend(_property_rows([s for s in stmts if s.prop not in _SKIP_PROPS], names))
    return rows


def list_relations(
    session: Session,
    kind: str | None = None,
    entity_id: str | None = None,
    document_id: str | None = None,
) -> list[RelationRow]:
    """Relations in the store, optionally of one kind, touching one entity, or in one document."""
    query = select(StatementRow).where(StatementRow.origin == ORIGIN)
    if document_id is not None:
        query = query.where(StatementRow.document_id == document_id)
    statements = [Statement.from_row(row) for row in session.scalars(query)]
    referenced = {s.entity_id for s in statements}
    referenced |= {s.value for s in statements if s.prop in _ENTITY_PROPS | {"addressEntity"}}
    rows = relation_rows(statements, _names(session, referenced))
    if kind is not None:
        rows = [row for row in rows if row.kind == kind]
    if entity_id is not None:
        rows = [row for row in rows if entity_id in (row.source_id, row.target_id, row.id)]
    rows.sort(key=lambda row: (row.kind, row.source.lower(), row.target.lower()))
    return rows
