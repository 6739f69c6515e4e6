"""Network view and search on a large store: indexed walks and name search vs the old scans.

Builds a synthetic store (default 100,000 entities: companies and people, ownerships,
directorships, a sanction for one entity in fifty) on SQLite or PostgreSQL, then times, on the
same store and the same random entities:

* the network view's neighbourhood (``readmodel.neighbourhood``, depth 1-3: walk, captions,
  designations), and the depth-2 walk alone (``resolve.neighbours``) against the recursive SQL
  over every statement that it replaced (reach only; ``--legacy`` walks: each takes seconds);
* name search (``store.search.entities_named``) through the trigram index vs a scan.

    python bench/graph_search.py                       # 100,000 entities, SQLite
    python bench/graph_search.py --entities 10000 --db postgresql://postgres@127.0.0.1:54329/x
    python bench/graph_search.py --db sqlite:////tmp/seeds.db --no-build   # an existing store

Targets (issue 5): a 2-hop neighbourhood < 100 ms on the seeds store, and still fast at 100k.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import func, insert, select, text

from sanctionwatch.api import readmodel
from sanctionwatch.resolve.graph import neighbours
from sanctionwatch.store import Database, Statement
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.search import entities_named
from sanctionwatch.store.tables import StatementRow

WORDS = [
    "amber",
    "baltic",
    "cedar",
    "delta",
    "eastern",
    "falcon",
    "granite",
    "harbour",
    "iris",
    "jade",
    "korea",
    "lotus",
    "meridian",
    "north",
    "ocean",
    "pacific",
    "quartz",
    "river",
    "sun",
    "tiger",
    "union",
    "vega",
    "western",
    "yalu",
    "zenith",
]
FORMS = ("Trading", "Shipping", "Holdings", "Import Export", "General Trading", "Logistics")


def _statement(entity_id: str, schema: str, prop: str, value: str) -> Statement:
    return Statement(
        entity_id=entity_id,
        schema=schema,
        prop=prop,
        value=value,
        dataset="documents",
        origin="bench:graph",
        origin_version="1",
    )


def synthetic_statements(count: int, rng: random.Random) -> list[Statement]:
    """``count`` entities (3 companies to 1 person) with about 1.5 links per entity."""
    out: list[Statement] = []
    ids = []
    for number in range(count):
        if number % 4 == 3:
            entity_id, schema = f"per-{number}", "Person"
            name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {number}"
        else:
            entity_id, schema = f"org-{number}", "Company"
            name = f"{rng.choice(WORDS).title()} {rng.choice(FORMS)} {number} Co"
        ids.append(entity_id)
        out.append(_statement(entity_id, schema, "name", name))
        out.append(_statement(entity_id, schema, "country", rng.choice(["kp", "ru", "cn", "ae"])))
    for number in range(count):
        owner, asset = rng.choice(ids), rng.choice(ids)
        link = f"own-{number}"
        out.append(_statement(link, "Ownership", "owner", owner))
        out.append(_statement(link, "Ownership", "asset", asset))
        if number % 2 == 0:
            director, organization = rng.choice(ids), rng.choice(ids)
            link = f"dir-{number}"
            out.append(_statement(link, "Directorship", "director", director))
            out.append(_statement(link, "Directorship", "organization", organization))
        if number % 50 == 0:
            out.append(_statement(f"san-{number}", "Sanction", "entity", rng.choice(ids)))
            out.append(_statement(f"san-{number}", "Sanction", "authority", "Bench"))
    return out


def build(database: Database, count: int) -> None:
    rows = [s.to_row() for s in synthetic_statements(count, random.Random(11))]
    started = time.perf_counter()
    table = StatementRow.__table__
    columns = [c.name for c in table.columns]
    now = utcnow()
    with database.session() as session:
        for start in range(0, len(rows), 5000):
            values = [
                {name: getattr(row, name) for name in columns} for row in rows[start : start + 5000]
            ]
            for value in values:
                value["first_seen"] = value["last_seen"] = now
                value["confidence"] = value["confidence"] or 1.0
            session.execute(insert(table), values)
    if database.dialect == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE statements"))
    spent = time.perf_counter() - started
    print(f"built {count:,} entities, {len(rows):,} statements in {spent:.0f} s")


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def line(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{label:<34} median {statistics.median(ordered):8.1f} ms  p95 {p95:8.1f} ms  "
        f"n={len(ordered)}"
    )


def legacy_neighbourhood(session: object, entity_id: str, depth: int) -> int:
    """The recursive SQL the walk replaced (every edge of the store derived per query)."""
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    node_props = "'entity', 'addressEntity', 'parent', 'owner', 'operator', 'holder', 'issuer', 'involved', 'organizer', 'bank', 'organization'"  # noqa: E501
    sql = f"""
    WITH RECURSIVE edge_raw AS (
        SELECT s.value AS src, t.value AS dst FROM statements s
        JOIN statements t ON t.entity_id = s.entity_id
        WHERE (s.schema = 'Ownership' AND s.prop = 'owner' AND t.prop = 'asset')
           OR (s.schema = 'Directorship' AND s.prop = 'director' AND t.prop = 'organization')
        UNION
        SELECT s.entity_id, s.value FROM statements s
        WHERE s.prop IN ({node_props}) AND s.schema NOT IN ('Ownership', 'Directorship')
    ),
    undirected AS (SELECT src AS a, dst AS b FROM edge_raw UNION SELECT dst, src FROM edge_raw),
    reach(node, depth) AS (
        SELECT CAST(:start AS TEXT), 0
        UNION
        SELECT CAST(u.b AS TEXT), r.depth + 1 FROM reach r JOIN undirected u ON u.a = r.node
        WHERE r.depth < :depth
    )
    SELECT count(DISTINCT node) FROM reach"""
    return int(session.execute(text(sql), {"start": entity_id, "depth": depth}).scalar() or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--no-build", action="store_true", help="use the store as it is")
    parser.add_argument("--walks", type=int, default=30, help="random entities per depth")
    parser.add_argument("--legacy", type=int, default=3, help="walks timed with the old SQL")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='sw-graph-')) / 'graph.db'}"
    database = Database(url)
    database.migrate()
    if not args.no_build:
        build(database, args.entities)
    rng = random.Random(5)
    with database.session() as session:
        entity_ids = sorted(
            set(
                session.scalars(
                    select(StatementRow.entity_id).where(StatementRow.prop == "name").limit(50_000)
                )
            )
        )
        names = list(
            session.scalars(
                select(StatementRow.value).where(StatementRow.prop == "name").limit(5000)
            )
        )
        total = session.scalar(select(func.count(func.distinct(StatementRow.entity_id))))
    picked = rng.sample(entity_ids, min(args.walks, len(entity_ids)))
    needles = [rng.choice(names)[1:9].lower() for _ in range(args.walks)]
    results: list[str] = []
    with database.session() as session:
        for depth in (1, 2, 3):
            walks = iter(picked * 2)

            def walk(depth: int = depth, walks: Iterator[str] = walks) -> object:
                return readmodel.neighbourhood(session, next(walks), depth)

            times = timed(walk, len(picked))
            results.append(line(f"network view depth {depth} (indexed)", times))
        walks_only = iter(picked)
        times = timed(lambda: neighbours(session, next(walks_only), 2), len(picked))
        results.append(line("walk depth 2 (indexed, nodes+edges)", times))
        legacy_walks = iter(picked)
        times = timed(lambda: legacy_neighbourhood(session, next(legacy_walks), 2), args.legacy)
        results.append(line("walk depth 2 (old recursive SQL)", times))
        it = iter(needles * 2)
        indexed = timed(lambda: entities_named(session, next(it), indexed=True), len(needles))
        it = iter(needles * 2)
        scanned = timed(lambda: entities_named(session, next(it), indexed=False), len(needles))
        results.append(line("name search (trigram index)", indexed))
        results.append(line("name search (scan)", scanned))
    load = os.getloadavg()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, load average {load[0]:.2f} "
        f"(shared machine), Python {platform.python_version()}; store: {database.dialect}, "
        f"{total:,} entities"
    )
    for result in results:
        print(result)
    print(
        f"ratio search scan / index: "
        f"{statistics.median(scanned) / max(statistics.median(indexed), 1e-9):.1f}x"
    )


if __name__ == "__main__":
    main()
