"""What screening needs to know about FollowTheMoney schemata, without importing FtM.

Importing ``followthemoney`` and building its model costs about half a second, more than the
rest of ``sanctionwatch screen NAME`` on a stored index. Screening a typed name needs only
three facts per schema: that it exists, which schemata it may match (a Person never matches a
Vessel), and which of the properties a query fills (``name``, ``country`` or ``nationality``,
``birthDate``) it has. Those facts are written once from the installed model into
``data/screen/schemata.json`` and read from there; ``tests/screen/test_schema_table.py`` checks
that the file still equals what the installed model says. After upgrading FollowTheMoney,
regenerate it:

    PYTHONPATH=src python -m sanctionwatch.screen.schemata
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sanctionwatch.screen.data import SCREEN_DATA_DIR, ScreenDataError

SCHEMATA_FILE = SCREEN_DATA_DIR / "schemata.json"
QUERY_PROPS = ("name", "nationality", "country", "birthDate")
"""The properties a typed query may fill (``screen NAME --country .. --birth-date ..``)."""


@dataclass(frozen=True)
class SchemaFacts:
    """One schema as screening sees it."""

    name: str
    person: bool
    """The schema is a Person (or a descendant): a query's country is its nationality, and
    a birth date counts."""
    props: frozenset[str]
    """Which of :data:`QUERY_PROPS` the schema has (and may be set)."""
    compatible: frozenset[str]
    """Schemata whose entities could be the same thing as this one's."""


def _ftm_compatible(left: Any, right: Any) -> bool:
    """The rule of :func:`sanctionwatch.screen.matcher.schemata_compatible` on FtM schemata."""
    if left.name == right.name or left.name == "Thing" or right.name == "Thing":
        return True
    return bool(left.is_a(right) or right.is_a(left) or left.can_match(right))


def facts_from_model() -> dict[str, Any]:
    """The table as the installed FollowTheMoney model gives it (JSON-ready)."""
    from importlib.metadata import version

    from followthemoney import model

    schemata = sorted(model.schemata.values(), key=lambda schema: schema.name)
    table: dict[str, Any] = {}
    for schema in schemata:
        props = [
            name
            for name in QUERY_PROPS
            if name in schema.properties and not schema.properties[name].stub
        ]
        table[schema.name] = {
            "person": schema.is_a("Person"),
            "props": props,
            "compatible": [other.name for other in schemata if _ftm_compatible(schema, other)],
        }
    return {"followthemoney": version("followthemoney"), "schemata": table}


@cache
def _table(path: Path = SCHEMATA_FILE) -> dict[str, SchemaFacts]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: SchemaFacts(
                name,
                bool(entry["person"]),
                frozenset(entry["props"]),
                frozenset(entry["compatible"]),
            )
            for name, entry in data["schemata"].items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ScreenDataError(
            f"{path}: unreadable schema table ({exc}); regenerate it with "
            "python -m sanctionwatch.screen.schemata"
        ) from exc


def schema_facts(name: str) -> SchemaFacts | None:
    """The facts of schema ``name``, or ``None`` when FollowTheMoney has no such schema."""
    return _table().get(name)


def schema_exists(name: str) -> bool:
    return name in _table()


def compatible(left: str, right: str) -> bool:
    """Could entities of these schemata be one thing? Unknown names never rule a match out."""
    if left == right:
        return True
    facts = _table().get(left)
    if facts is None or right not in _table():
        return True
    return right in facts.compatible


def write_table(path: Path = SCHEMATA_FILE) -> None:
    """Write the table from the installed model (after a FollowTheMoney upgrade)."""
    path.write_text(json.dumps(facts_from_model(), indent=1) + "\n", encoding="utf-8")
    _table.cache_clear()


if __name__ == "__main__":
    write_table()
    print(f"wrote {SCHEMATA_FILE}")
