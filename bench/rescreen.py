"""Delta re-screen after a list update against a full screen, on a graph of 100,000 entities.

Run: PYTHONPATH=src python bench/rescreen.py [--entities 100000] [--update un|synthetic]
     [--no-reference] [--no-full] [--verify-full] [--db URL]

1. Writes a synthetic graph (``bench/graphgen.py``: Korean names in several romanisations and
   in Cyrillic, Russian names with patronymics, Chinese and Western names, companies with legal
   forms, vessels) with one bulk statement insert, plus a few hundred entities named like list
   entries as documents write them (case, order, hyphens, a typo, a dropped word).
2. Loads the old list version, builds the graph-side name-key index (timed), then adds 1,000
   entities as a monitor run would and times the incremental key refresh that ``run`` and
   ``monitor`` do after resolution (only the new entities are keyed), and screens the whole
   graph against the lists (the full screen, timed).
3. Applies a typical list update: ``un`` (default when ``../shared`` is present) loads the newer
   of the two real UN snapshots; ``synthetic`` changes 20, adds 20 and removes 10 entries of a
   generated 2,000-entry list with DPRK-style names (a harder case: Korean names share many keys).
4. Times the delta re-screen (``monitor.rescreen.delta_rescreen``: key-index freshness check,
   candidate lookup, scoring, storing) and, unless ``--no-reference``, the same re-screen over
   every graph entity (each one scored as ``screen --all`` scores it: what a full re-screen
   stores against the changed entries), and checks both stored exactly the same matches.
   ``--verify-full`` then runs ``screen --all`` on the updated lists (another full screen) and
   compares its pairs against the changed entries with the delta's.

The box may be shared: the load average is printed; absolute times are then pessimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from followthemoney.proxy import EntityProxy
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphgen import company, graph_name, korean_person, variant

from sanctionwatch.monitor.rescreen import delta_rescreen
from sanctionwatch.screen.graphkeys import refresh_graph_keys
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import load_list_file, read_entities
from sanctionwatch.screen.screening import screen_all
from sanctionwatch.screen.tables import GraphNameKeyRow, ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.statements import Statement
from sanctionwatch.store.tables import StatementRow

SHARED = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", Path(__file__).parents[2] / "shared"))
UN_OLD = "data/sanctions/un_consolidated_2025-11-20.xml"
UN_NEW = "data/sanctions/un_consolidated_2026-02-27.xml"
NEAR_NAMES = 300
LATE_ENTITIES = 1_000


def machine() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{platform.platform()}, {os.cpu_count()} cores, load average {load}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- lists ----------------------------------------------------------------------------------


def generated_list(seed: int, count: int) -> list[dict[str, object]]:
    """A stand-in list when ``../shared`` is absent: names drawn like the graph's."""
    rng = random.Random(seed)
    entries: list[dict[str, object]] = []
    for n in range(count):
        schema, name = graph_name(rng)
        entries.append({"id": f"gen-{n}", "schema": schema, "properties": {"name": [name]}})
        entries.append(
            {"id": f"gen-{n}-s", "schema": "Sanction", "properties": {"entity": [f"gen-{n}"]}}
        )
    return entries


def write_jsonl(path: Path, entries: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8")
    return path


def synthetic_update(folder: Path) -> tuple[Path, Path, str]:
    """The newer UN list (or a generated one) as FtM JSON, then 50 entries touched: 20 changed
    (an alias added), 20 DPRK-style designations added, 10 removed."""
    if (SHARED / UN_NEW).is_file():
        old = [entity.to_dict() for entity in read_entities(SHARED / UN_NEW, "un-xml")]
    else:
        old = generated_list(11, 2000)
    rng = random.Random(12)
    listed = [e for e in old if e["schema"] in ("Person", "Company", "LegalEntity", "Vessel")]
    removed = {e["id"] for e in rng.sample(listed, 10)}
    changed = {e["id"] for e in rng.sample([e for e in listed if e["id"] not in removed], 20)}
    new: list[dict[str, object]] = []
    for entry in old:
        if entry["id"] in removed:
            continue
        if entry["id"] in changed:
            properties = dict(entry["properties"])  # type: ignore[call-overload]
            properties["alias"] = [
                *properties.get("alias", []),
                variant(rng, properties["name"][0]),
            ]
            entry = {**entry, "properties": properties}
        new.append(entry)
    for n in range(20):
        schema, name = ("Person", korean_person(rng)) if n % 2 else ("Company", company(rng))
        new.append({"id": f"added-{n}", "schema": schema, "properties": {"name": [name]}})
        new.append(
            {"id": f"added-{n}-s", "schema": "Sanction", "properties": {"entity": [f"added-{n}"]}}
        )
    return write_jsonl(folder / "v1.jsonl", old), write_jsonl(folder / "v2.jsonl", new), "ftm-json"


def listed_names(path: Path, fmt: str) -> list[tuple[str, str, bool]]:
    """(schema, name, is_new_or_changed) of the newer version's matchable entries."""
    return [
        (entity.schema.name, name, False)
        for entity in read_entities(path, fmt)
        if entity.schema.matchable
        for name in entity.get("name")[:1]
    ]


def changed_names(old: Path, new: Path, fmt: str) -> list[tuple[str, str]]:
    def by_id(path: Path) -> dict[str, EntityProxy]:
        return {e.id: e for e in read_entities(path, fmt) if e.schema.matchable and e.id}

    before, after = by_id(old), by_id(new)
    return [
        (entity.schema.name, entity.get("name")[0])
        for entity_id, entity in after.items()
        if entity.get("name")
        and (entity_id not in before or before[entity_id].to_dict() != entity.to_dict())
    ]


# --- graph ----------------------------------------------------------------------------------


def graph_names(
    count: int, near: list[tuple[str, str]], changed: list[tuple[str, str]]
) -> Iterator[tuple[str, str]]:
    rng = random.Random(7)
    names = [graph_name(rng) for _ in range(count)]
    near_rng = random.Random(8)
    for n in range(min(NEAR_NAMES, count)):
        pool = changed if changed and n % 5 == 0 else near
        schema, name = near_rng.choice(pool)
        schema = "Company" if schema in ("LegalEntity", "Organization") else schema
        names[near_rng.randrange(count)] = (schema, variant(near_rng, name))
    yield from names


def write_graph(database: Database, names: Iterator[tuple[str, str]], prefix: str = "g") -> int:
    """One bulk insert of name statements (what extraction would have written)."""
    rows = []
    now = utcnow()
    for n, (schema, name) in enumerate(names):
        statement = Statement(
            entity_id=f"{prefix}{n}",
            schema=schema,
            prop="name",
            value=name,
            dataset="documents",
            origin="extract:entities",
            origin_version="bench",
        )
        row = statement.to_row()
        values = {c.key: getattr(row, c.key) for c in StatementRow.__table__.columns}
        rows.append(values | {"first_seen": now, "last_seen": now, "confidence": 1.0})
    with database.session() as session:
        for start in range(0, len(rows), 20_000):
            session.execute(insert(StatementRow), rows[start : start + 20_000])
    return len(rows)


def stored_pairs(database: Database) -> set[tuple[str, str]]:
    with database.session() as session:
        rows = session.execute(
            select(ScreenMatchRow.graph_entity_id, ScreenMatchRow.list_entity_id)
        )
        return {(graph, listed) for graph, listed in rows}


# --- run ------------------------------------------------------------------------------------


class Clock:
    """Wall and CPU seconds of one step: on a shared box the CPU time is what an idle one
    would take (SQLite runs in this process, so its work is counted too)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self, label: str) -> float:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        print(f"{label:<48} {wall:8.1f} s wall {cpu:8.1f} s CPU", flush=True)
        return wall


def run(
    database: Database,
    entities: int,
    update: str,
    folder: Path,
    reference: bool = True,
    full_screen: bool = True,
    verify_full: bool = False,
) -> None:
    if update == "un":
        old, new, fmt = SHARED / UN_OLD, SHARED / UN_NEW, "un-xml"
    else:
        old, new, fmt = synthetic_update(folder)
    near = [(schema, name) for schema, name, _ in listed_names(new, fmt)]
    changed = changed_names(old, new, fmt)
    print(f"update: {update} ({old.name} → {new.name}); graph: {entities} entities")
    clock = Clock()
    written = write_graph(database, graph_names(entities, near, changed))
    clock.stop(f"graph written ({written} statements, bulk)")
    v1 = load_list_file(database, old, fmt, source="bench")
    clock = Clock()
    keys = refresh_graph_keys(database, rebuild=True)
    build = clock.stop(f"name-key index built ({keys.keys_written} keys)")
    late_rng = random.Random(9)
    write_graph(database, (graph_name(late_rng) for _ in range(LATE_ENTITIES)), prefix="late")
    clock = Clock()
    late = refresh_graph_keys(database)
    clock.stop(f"incremental key refresh ({late.rekeyed} new entities, as run/monitor do)")
    clock = Clock()
    unchanged = refresh_graph_keys(database)
    clock.stop(f"key refresh with nothing changed ({unchanged.rekeyed} re-keyed)")
    full_seconds = None
    if full_screen:
        clock = Clock()
        full = screen_all(database)
        full_seconds = clock.stop(f"full screen ({full.screened} entities)")
    v2 = load_list_file(database, new, fmt, source="bench", force=True)
    with database.session() as session:
        diff = diff_versions(session, v1.version_id, v2.version_id)
        key_rows = session.scalar(select(func.count()).select_from(GraphNameKeyRow))
    ids = [e.entity_id for e in (*diff.added, *diff.removed, *diff.changed)]
    print(f"list update: {diff.summary()}")
    rss_before = peak_rss_mb()
    clock = Clock()
    delta = delta_rescreen(database, ids)
    delta_seconds = clock.stop(f"delta re-screen ({delta.screened} candidates scored)")
    after_delta = stored_pairs(database)
    print(f"  matches stored: {len(after_delta)} pairs; against changed entries: {delta.matches}")
    print(f"  peak RSS {peak_rss_mb():.0f} MB (before the delta: {rss_before:.0f} MB)")
    print(f"  key index: {keys.entities} entities, {key_rows} key rows, built in {build:.1f} s")
    if reference:
        clock = Clock()
        scan = delta_rescreen(database, ids, full_scan=True)
        scan_seconds = clock.stop(f"full re-screen, every entity ({scan.screened})")
        after_scan = stored_pairs(database)
        missed = after_scan - after_delta
        extra = after_delta - after_scan
        print(
            f"  agreement: {len(after_scan & after_delta)} pairs in both, "
            f"{len(missed)} only in the full re-screen, {len(extra)} only in the delta: "
            f"matches {'EQUAL' if not missed and not extra else 'DIFFER'}"
        )
        for graph_id, list_id in sorted(missed)[:10]:
            print(f"    missed by the delta: {graph_id} / {list_id}")
        print(f"  delta / full re-screen = {delta_seconds / scan_seconds:.3f}")
    if full_seconds is not None:
        print(
            f"delta / full screen = {delta_seconds / full_seconds:.3f} "
            f"({delta_seconds:.1f} s vs {full_seconds:.1f} s; target: delta <= 10 s at 100,000)"
        )
    if verify_full:
        verify_against_screen_all(database, set(ids), after_delta)


def verify_against_screen_all(
    database: Database, changed: set[str], after_delta: set[tuple[str, str]]
) -> None:
    """``screen --all`` on the updated lists; its pairs on changed entries vs the delta's."""
    clock = Clock()
    screen_all(database)
    clock.stop("screen --all after the update (verification)")
    full = {pair for pair in stored_pairs(database) if pair[1] in changed}
    delta = {pair for pair in after_delta if pair[1] in changed}
    verdict = "EQUAL" if full == delta else "DIFFER"
    print(
        f"  against changed entries: screen --all {len(full)} pairs, delta {len(delta)}, "
        f"{len(full - delta)} only in screen --all, {len(delta - full)} only in the delta: "
        f"{verdict}"
    )


def default_update() -> str:
    return "un" if (SHARED / UN_NEW).is_file() else "synthetic"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--update", choices=("un", "synthetic"), default=default_update())
    parser.add_argument("--no-reference", action="store_true", help="skip the every-entity run")
    parser.add_argument("--no-full", action="store_true", help="skip the full screen (quick)")
    parser.add_argument(
        "--verify-full", action="store_true", help="screen --all after the update and compare"
    )
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(args.db or f"sqlite:///{Path(tmp) / 'rescreen.db'}")
        database.migrate()
        run(
            database,
            args.entities,
            args.update,
            Path(tmp),
            reference=not args.no_reference,
            full_screen=not args.no_full,
            verify_full=args.verify_full,
        )
        database.dispose()


if __name__ == "__main__":
    main()
