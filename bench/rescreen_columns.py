"""What the delta re-screen's candidate read costs with full statement rows vs four columns.

Run: PYTHONPATH=src python bench/rescreen_columns.py [--entities 30000] [--rounds 3]

A store with every shared list loaded (``load_list_folder`` on ``../shared/data/sanctions``:
the two UN snapshots become two versions of one source, their diff is the update) and a graph
written as extraction writes it: every statement carries its document, span, original value
and a sentence of about 200 characters (``bench/rescreen.py``'s graph has bare names). Then,
side by side and interleaved round by round (best of ``--rounds``):

1. the read alone, over every candidate of the UN update and over every graph entity: the
   full-row query the re-screen used before (``select`` of every ``statements`` column) vs the
   four columns it reads now;
2. the whole ``delta_rescreen`` with each read, and whether both stored the same matches (the
   old code also assembled statement objects for the few entities it stored to: not counted).

SQLite runs in this process, so CPU seconds include the database's work; on a shared box the
wall times are pessimistic and the load average is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rescreen import SHARED, UN_NEW, UN_OLD, changed_names, graph_names, listed_names, machine

from sanctionwatch.monitor import rescreen
from sanctionwatch.screen.graphkeys import refresh_graph_keys
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import load_list_folder
from sanctionwatch.screen.screening import (
    LIST_ORIGIN_PREFIX,
    SCREEN_ORIGIN,
    build_list_index,
    rescreen_targets,
)
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.statements import Statement
from sanctionwatch.store.tables import DocumentRow, StatementRow

OPENINGS = (
    "Port records reviewed for this report show that",
    "According to two people familiar with the shipments,",
    "Customs filings obtained by the research group indicate that",
    "A registry search conducted in the spring suggests that",
)
MIDDLES = (
    "arranged several transfers through an intermediary bank",
    "leased a bulk carrier that later switched off its transponder",
    "listed a trading office that shares an address with other firms",
    "signed supply contracts for machinery and spare parts",
)
CLOSINGS = (
    "before the authorities opened an inquiry into the payments.",
    "although the company denied any involvement when contacted.",
    "in the months after the most recent round of designations.",
    "while the vessel remained anchored outside the harbour.",
)
COUNTRIES = ("kp", "cn", "ru", "ae", "sg", "my", "hk")
PER_ARTICLE = 20


def sentence(rng: random.Random, name: str) -> str:
    """About 200 characters of report prose naming ``name`` (written for this benchmark)."""
    return f"{rng.choice(OPENINGS)} {name} {rng.choice(MIDDLES)}, {rng.choice(CLOSINGS)}"


def extracted(
    entity_id: str, schema: str, name: str, document: str, rng: random.Random
) -> list[Statement]:
    """The statements extraction writes for one entity mentioned in one article."""
    text = sentence(rng, name)
    start = rng.randrange(200, 20_000)
    facts = [("name", name, name), ("country", rng.choice(COUNTRIES), "North Korean")]
    facts.append(("address", f"{rng.randrange(1, 300)} Harbour Road, Nampho", "Nampho"))
    return [
        Statement(
            entity_id=entity_id,
            schema=schema,
            prop=prop,
            value=value,
            dataset="documents",
            origin="extract:entities",
            origin_version="bench",
            document_id=document,
            start=start,
            end=start + len(original),
            sentence=text,
            original_value=original,
            confidence=0.9,
            lang="eng",
        )
        for prop, value, original in facts
        if prop != "address" or schema != "Person"
    ]


def document_row(number: int) -> dict[str, object]:
    """A stand-in article for the statements to cite (the re-screen never reads documents)."""
    text = f"Article {number} of the benchmark."
    return {
        "id": hashlib.sha256(text.encode()).hexdigest(),
        "source": f"https://news.example.org/{number}",
        "media_type": "text/plain",
        "byte_size": len(text),
        "original_text": text,
        "clean_text": text,
        "offset_map": [],
        "authors": [],
    }


def write_graph(database: Database, names: Iterator[tuple[str, str]]) -> int:
    """Statements of entities mentioned ``PER_ARTICLE`` to an article, in bulk."""
    rng = random.Random(21)
    now = utcnow()
    rows = []
    documents: list[dict[str, object]] = []
    for number, (schema, name) in enumerate(names):
        if number % PER_ARTICLE == 0:
            documents.append(document_row(number // PER_ARTICLE))
        document = str(documents[-1]["id"])
        for statement in extracted(f"g{number}", schema, name, document, rng):
            row = statement.to_row()
            values = {c.key: getattr(row, c.key) for c in StatementRow.__table__.columns}
            rows.append(values | {"first_seen": now, "last_seen": now})
    with database.session() as session:
        session.execute(insert(DocumentRow), documents)
        for start in range(0, len(rows), 20_000):
            session.execute(insert(StatementRow), rows[start : start + 20_000])
    return len(rows)


def full_rows(session: Session, entity_ids: Sequence[str]) -> dict[str, list[Row[Any]]]:
    """The read as it was before: every column of every candidate statement."""
    rows = session.execute(
        select(*StatementRow.__table__.columns)
        .where(StatementRow.entity_id.in_(list(entity_ids)))
        .where(~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.origin != SCREEN_ORIGIN)
        .order_by(StatementRow.entity_id, StatementRow.id)
    )
    return {key: list(group) for key, group in groupby(rows, key=lambda r: r.entity_id)}


Reader = Callable[[Session, Sequence[str]], dict[str, list[Any]]]
READERS: dict[str, Reader] = {"full rows": full_rows, "four columns": rescreen._graph_statements}


def timed(action: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def read_all(database: Database, reader: Reader, ids: Sequence[str]) -> None:
    for start in range(0, len(ids), rescreen.BATCH):
        with database.session() as session:
            reader(session, ids[start : start + rescreen.BATCH])


def delta_with(database: Database, reader: Reader, ids: Sequence[str]) -> set[tuple[str, str]]:
    """``delta_rescreen`` with ``reader`` as its candidate read; the pairs it left stored."""
    original = rescreen._graph_statements
    rescreen._graph_statements = reader  # type: ignore[assignment]
    try:
        rescreen.delta_rescreen(database, ids)
    finally:
        rescreen._graph_statements = original
    with database.session() as session:
        query = select(ScreenMatchRow.graph_entity_id, ScreenMatchRow.list_entity_id)
        return {(graph, listed) for graph, listed in session.execute(query)}


def compare(label: str, rounds: int, runs: dict[str, Callable[[], object]]) -> None:
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        for name, action in runs.items():  # interleaved: both see the same load
            wall, cpu = timed(action)
            previous = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(previous[0], wall), min(previous[1], cpu))
    for name, (wall, cpu) in best.items():
        print(f"  {label:<30} {name:<13} {wall:7.2f} s wall {cpu:7.2f} s CPU")
    (old_wall, old_cpu), (new_wall, new_cpu) = best.values()
    ratio = f"{new_wall / old_wall:7.2f}   wall {new_cpu / old_cpu:7.2f}   CPU"
    print(f"  {label:<30} {'new / old':<13} {ratio}")


def reads(database: Database, ids: Sequence[str]) -> dict[str, Callable[[], object]]:
    def run(reader: Reader) -> Callable[[], object]:
        return lambda: read_all(database, reader, ids)

    return {name: run(reader) for name, reader in READERS.items()}


def deltas(
    database: Database, changed: Sequence[str], pairs: dict[str, set[tuple[str, str]]]
) -> dict[str, Callable[[], object]]:
    def run(name: str, reader: Reader) -> Callable[[], object]:
        return lambda: pairs.__setitem__(name, delta_with(database, reader, changed))

    return {name: run(name, reader) for name, reader in READERS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (SHARED / UN_NEW).is_file():
        sys.exit(f"{SHARED / UN_NEW}: not found; set SANCTIONWATCH_SHARED_DIR to the shared folder")
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'columns.db'}")
        database.migrate()
        started = time.perf_counter()
        results = load_list_folder(database, SHARED / "data" / "sanctions")
        print(f"lists loaded in {time.perf_counter() - started:.0f} s: {len(results)} files")
        un = [r for r in results if r.source == "un_sc"]
        old, new = SHARED / UN_OLD, SHARED / UN_NEW
        near = [(schema, name) for schema, name, _ in listed_names(new, "un-xml")]
        names = graph_names(args.entities, near, changed_names(old, new, "un-xml"))
        written = write_graph(database, names)
        refresh_graph_keys(database, rebuild=True)
        with database.session() as session:
            diff = diff_versions(session, un[0].version_id, un[-1].version_id)
        changed = sorted(e.entity_id for e in (*diff.added, *diff.removed, *diff.changed))
        targets = rescreen_targets(database, build_list_index(database, changed), changed, False)
        every = [f"g{number}" for number in range(args.entities)]
        print(
            f"graph: {args.entities} entities, {written} statements with sentences; "
            f"UN update {diff.summary()}; {len(targets.ids)} candidates"
        )
        print(f"best of {args.rounds}, interleaved:")
        compare("read, delta candidates", args.rounds, reads(database, targets.ids))
        compare("read, every graph entity", args.rounds, reads(database, every))
        pairs: dict[str, set[tuple[str, str]]] = {}
        compare("delta_rescreen (UN update)", args.rounds, deltas(database, changed, pairs))
        verdict = "EQUAL" if pairs["full rows"] == pairs["four columns"] else "DIFFER"
        print(f"  stored matches: {len(pairs['four columns'])} pairs, {verdict}")
        database.dispose()


if __name__ == "__main__":
    main()
