"""What screening needs to know about FollowTheMoney schemata, without importing FtM.

Importing ``followthemoney`` and building its model costs about half a second, more than the
rest of ``sanctionwatch screen NAME`` on a stored index. Screening a typed name needs only
three facts per schema: that it exists, which schemata it may match (a Person never matches a
Vessel), and which of the properties a query fills (``name``, ``country`` or ``nationality``,
``birthDate``) it has. Those facts are written once from the installed model into
``data/screen/schemata.json`` and read from there; ``tests/screen/test_schema_table.py`` checks
that the file still equals what the installed model says. After upgrading FollowTheMoney,
regenerate it (``--check`` only says whether it is stale, and which schemata differ):

    PYTHONPATH=src python -m sanctionwatch.screen.schemata --write
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
            f"{path}: unreadable schema table ({exc}); regenerate it with {WRITE_COMMAND}"
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


WRITE_COMMAND = "PYTHONPATH=src python -m sanctionwatch.screen.schemata --write"
"""What regenerates the table (named by every message about a stale one)."""


def write_table(path: Path = SCHEMATA_FILE) -> None:
    """Write the table from the installed model (after a FollowTheMoney upgrade)."""
    path.write_text(json.dumps(facts_from_model(), indent=1) + "\n", encoding="utf-8")
    _table.cache_clear()


def stale_schemata(path: Path = SCHEMATA_FILE) -> list[str]:
    """The schemata whose facts in the table at ``path`` differ from the installed model's
    (added, removed or changed), sorted; empty when the table is up to date. Only the facts
    count: a FollowTheMoney upgrade that changes no schema leaves the table valid."""
    return _stale_in(_stored_table(path))


def _stored_table(path: Path) -> Any:
    """The table file as JSON, or None when it cannot be read or parsed."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _stale_in(table: Any) -> list[str]:
    try:
        stored = table["schemata"]
    except (KeyError, TypeError):
        return ["(unreadable table)"]
    current = facts_from_model()["schemata"]
    names = set(stored) | set(current)
    return sorted(name for name in names if stored.get(name) != current.get(name))


def stale_message(path: Path = SCHEMATA_FILE) -> str | None:
    """One line saying the table is stale, which schemata differ and what to run; or None."""
    table = _stored_table(path)  # read once: the stale names and the version come from it
    stale = _stale_in(table)
    if not stale:
        return None
    from importlib.metadata import version

    written = table.get("followthemoney", "?") if isinstance(table, dict) else "?"
    shown = ", ".join(stale[:5]) + (f" and {len(stale) - 5} more" if len(stale) > 5 else "")
    return (
        f"{path}: written from followthemoney {written}, but the installed "
        f"{version('followthemoney')} differs on {len(stale)} schemata ({shown}); "
        f"regenerate it: {WRITE_COMMAND}"
    )


def main(argv: list[str] | None = None) -> int:
    """``--write`` (also the default) writes the table; ``--check`` exits 1 when it is stale."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m sanctionwatch.screen.schemata",
        description="Write or check data/screen/schemata.json against the installed "
        "FollowTheMoney model.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the table (default)")
    action.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    parser.add_argument("--path", type=Path, default=SCHEMATA_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        message = stale_message(args.path)
        print(message or f"{args.path}: up to date with the installed FollowTheMoney")
        return 1 if message else 0
    write_table(args.path)
    print(f"wrote {args.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
