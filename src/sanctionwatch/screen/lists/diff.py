"""What changed between two versions of a list: designations added, removed and changed.

A designation is a designated party together with its Sanction entities; a change to either
(a new alias, a new programme, an amended reason) shows up as a changed field of that party,
Sanction fields prefixed ``sanction.``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.screen.lists.store import version_entries
from sanctionwatch.screen.lists.tables import ListEntryRow, ListVersionRow

Values = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One designated party that appears in only one of the versions."""

    entity_id: str
    schema: str
    caption: str

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "schema": self.schema, "caption": self.caption}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Values
    new: Values

    @property
    def added(self) -> Values:
        return tuple(value for value in self.new if value not in self.old)

    @property
    def removed(self) -> Values:
        return tuple(value for value in self.old if value not in self.new)


@dataclass(frozen=True, slots=True)
class ChangedEntry:
    """A party in both versions whose record differs, with the fields that changed."""

    entity_id: str
    schema: str
    caption: str
    changes: tuple[FieldChange, ...]

    @property
    def fields(self) -> list[str]:
        return [change.field for change in self.changes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "schema": self.schema,
            "caption": self.caption,
            "changes": {
                change.field: {"added": list(change.added), "removed": list(change.removed)}
                for change in self.changes
            },
        }


@dataclass(slots=True)
class ListDiff:
    source: str
    old_version_id: int
    new_version_id: int
    added: list[DiffEntry] = field(default_factory=list)
    removed: list[DiffEntry] = field(default_factory=list)
    changed: list[ChangedEntry] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        return (
            f"{self.source} v{self.old_version_id} → v{self.new_version_id}: "
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "old_version_id": self.old_version_id,
            "new_version_id": self.new_version_id,
            "added": [entry.to_dict() for entry in self.added],
            "removed": [entry.to_dict() for entry in self.removed],
            "changed": [entry.to_dict() for entry in self.changed],
        }


@dataclass(slots=True)
class _Designation:
    schema: str
    caption: str
    fields: dict[str, Values]


class UnknownVersionError(LookupError):
    """A version id that is not in ``list_versions`` (or two versions of different sources)."""


def designations(entries: dict[str, ListEntryRow]) -> dict[str, _Designation]:
    """Fold each Sanction entry into the party it designates."""
    records: dict[str, _Designation] = {}
    for entity_id, row in entries.items():
        if row.schema != "Sanction":
            props = row.entity.get("properties", {})
            records[entity_id] = _Designation(
                row.schema, row.caption, {key: tuple(sorted(vals)) for key, vals in props.items()}
            )
    for row in entries.values():
        if row.schema != "Sanction":
            continue
        props = row.entity.get("properties", {})
        for target in props.get("entity", []):
            record = records.get(target)
            if record is None:
                continue
            for key, vals in props.items():
                if key == "entity":
                    continue
                name = f"sanction.{key}"
                merged = set(record.fields.get(name, ())) | set(vals)
                record.fields[name] = tuple(sorted(merged))
    return records


def diff_versions(session: Session, old_version_id: int, new_version_id: int) -> ListDiff:
    """Designations added, removed and changed from one stored version to another."""
    old_version = session.get(ListVersionRow, old_version_id)
    new_version = session.get(ListVersionRow, new_version_id)
    for version_id, version in ((old_version_id, old_version), (new_version_id, new_version)):
        if version is None:
            raise UnknownVersionError(f"list version {version_id} does not exist")
    assert old_version is not None and new_version is not None
    if old_version.source != new_version.source:
        raise UnknownVersionError(
            f"versions {old_version_id} ({old_version.source}) and {new_version_id} "
            f"({new_version.source}) belong to different sources"
        )
    old = designations(version_entries(session, old_version_id))
    new = designations(version_entries(session, new_version_id))
    result = ListDiff(new_version.source, old_version_id, new_version_id)
    for entity_id in sorted(new.keys() - old.keys()):
        record = new[entity_id]
        result.added.append(DiffEntry(entity_id, record.schema, record.caption))
    for entity_id in sorted(old.keys() - new.keys()):
        record = old[entity_id]
        result.removed.append(DiffEntry(entity_id, record.schema, record.caption))
    for entity_id in sorted(old.keys() & new.keys()):
        changes = _field_changes(old[entity_id], new[entity_id])
        if changes:
            record = new[entity_id]
            result.changed.append(ChangedEntry(entity_id, record.schema, record.caption, changes))
    return result


def _field_changes(old: _Designation, new: _Designation) -> tuple[FieldChange, ...]:
    changes = []
    if old.schema != new.schema:
        changes.append(FieldChange("schema", (old.schema,), (new.schema,)))
    for name in sorted(old.fields.keys() | new.fields.keys()):
        before, after = old.fields.get(name, ()), new.fields.get(name, ())
        if before != after:
            changes.append(FieldChange(name, before, after))
    return tuple(changes)


def previous_version_ids(session: Session, source: str) -> tuple[int, int] | None:
    """The ids of the last two versions of ``source`` (for ``lists diff --source``)."""
    ids = list(
        session.scalars(
            select(ListVersionRow.id)
            .where(ListVersionRow.source == source)
            .order_by(ListVersionRow.id.desc())
            .limit(2)
        )
    )
    if len(ids) < 2:
        return None
    return ids[1], ids[0]
