"""Benchmark: ingest a synthetic corpus into SQLite and into PostgreSQL, side by side.

Generates ``--count`` documents (default 10,000; a mix of .txt and .html of varied sizes, some
with reader-comment tails and run-in captions so cleaning has work to do) into a temporary
folder, ingests them with :func:`sanctionwatch.ingest.ingest_paths` into a fresh SQLite file and
a fresh PostgreSQL schema, then re-ingests (every file unchanged). Prints documents/s and MB/s for
each backend, their ratio, and the machine.

With ``--index`` it instead measures what the document search index costs the ingest, side by
side on fresh stores of each backend: no index work at all, SQLite's old per-row FTS5 triggers
(revision 0013), and the batch refresh at the end of the run (revision 0016, the default); on
PostgreSQL with and without the ``pg_trgm`` GIN indexes.

    PYTHONPATH=src python bench/ingest.py --count 500
    PYTHONPATH=src python bench/ingest.py --index --count 300 --repeat 3
    PYTHONPATH=src python bench/ingest.py --pg-url postgresql://postgres@127.0.0.1:54329/db
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlalchemy import create_engine, func, select, text

from sanctionwatch.ingest import IngestReport, ingest_paths
from sanctionwatch.ingest import pipeline as ingest_pipeline
from sanctionwatch.store import Database, normalise_url
from sanctionwatch.store.search import (
    FTS_DOCUMENTS,
    INDEX_STATE,
    TRGM_DOCUMENT_INDEXES,
    TRIGGER_SUFFIXES,
    document_condition,
    per_row_document_index,
)
from sanctionwatch.store.tables import DocumentRow

PEOPLE = ["Kim Tong-chol", "Jong Song Hwa", "Han Jang Su", "Ri Myong Su", "Pak Chol Ho", "Choe Un"]
FIRMS = [
    "Korea Rungrado General Trading Corporation",
    "Mekhyansan LLC",
    "Arrowcrest Limited",
    "Volasys Silver Star",
    "Korea Namgang Trading Corporation",
    "Vostok-Stroy Service LLC",
    "Qingdao Construction (Namibia) CC",
]
PLACES = ["Vladivostok", "Khabarovsk", "Irkutsk", "Moscow", "Yanji", "Dandong", "Windhoek"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
TEMPLATES = [
    "{firm} sent {n} workers to {place} in {month} {year}, according to {person}.",
    "Registry records show that {firm} shares an address in {place} with {m} other companies.",
    "{person} was listed as director of {firm} until {month} {year}.",
    "Investigators said {firm} paid wages in roubles through a subcontractor in {place}.",
    "The workers entered on student visas issued in {place}, {person} told reporters.",
    "In {year}, {firm} registered a subsidiary in {place} under a new name.",
]
COMMENT_TAIL = (
    "\n\n3 Comments\n\nreader_{n} says:\nMarch 4, 2019 at 9:12 pm\nGreat post, thanks for sharing "
    "https://spam.example/{n}\nReply\n"
)
CAPTION = " FILE – Workers stand at a building site in {place}, Russia, Oct. 2, 2018.The report"


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(
        rng.choice(TEMPLATES).format(
            firm=rng.choice(FIRMS),
            person=rng.choice(PEOPLE),
            place=rng.choice(PLACES),
            month=rng.choice(MONTHS),
            year=rng.randint(2012, 2020),
            n=rng.randint(5, 400),
            m=rng.randint(2, 12),
        )
        for _ in range(sentences)
    )


def body(rng: random.Random, number: int) -> tuple[str, list[str]]:
    """A title and paragraphs whose total size is log-uniform between ~0.5 and ~60 KB."""
    target = int(2 ** rng.uniform(9, 16))
    paragraphs: list[str] = []
    size = 0
    while size < target:
        text = paragraph(rng, rng.randint(2, 7))
        if rng.random() < 0.05:
            text += CAPTION.format(place=rng.choice(PLACES)) + " continued."
        paragraphs.append(text)
        size += len(text)
    return f"Field report {number}: {rng.choice(FIRMS)}", paragraphs


def write_corpus(folder: Path, count: int, seed: int = 2019) -> int:
    """Write ``count`` documents (about 70% .txt, 30% .html); return the bytes written."""
    rng = random.Random(seed)
    total = 0
    for number in range(count):
        title, paragraphs = body(rng, number)
        if rng.random() < 0.3:
            path = folder / f"{number:06d}.html"
            content = (
                f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
                f"<meta property='article:published_time' content='2019-{1 + number % 12:02d}-15'>"
                "</head><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
                f"<article><h1>{title}</h1>"
                + "".join(f"<p>{p}</p>" for p in paragraphs)
                + "</article><footer>Copyright 2019 Example</footer></body></html>"
            )
        else:
            path = folder / f"{number:06d}.txt"
            content = f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"
            if rng.random() < 0.1:
                content += COMMENT_TAIL.format(n=number)
        data = content.encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


@dataclass(frozen=True)
class Run:
    backend: str
    seconds: float
    rerun_seconds: float
    report: IngestReport

    @property
    def documents(self) -> int:
        return self.report.counts["added"] + self.report.counts["new_version"]


def timed_ingest(database: Database, folder: Path, workers: int) -> tuple[float, IngestReport]:
    started = time.perf_counter()
    report = ingest_paths(database, [folder], workers=workers)
    return time.perf_counter() - started, report


def bench(backend: str, database: Database, folder: Path, workers: int) -> Run:
    database.migrate()
    seconds, report = timed_ingest(database, folder, workers)
    rerun_seconds, rerun = timed_ingest(database, folder, workers)
    if report.failures or rerun.counts["unchanged"] != len(rerun.outcomes):
        failure = report.failures[0] if report.failures else None
        sys.exit(f"{backend}: ingest did not complete cleanly (first failure: {failure})")
    return Run(backend, seconds, rerun_seconds, report)


@contextmanager
def postgres_schema(url: str) -> Iterator[Database]:
    """A fresh schema on the server at ``url``, dropped afterwards."""
    schema = f"sw_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    database = Database(f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def machine() -> str:
    return (
        f"{platform.platform()}; {platform.processor() or platform.machine()}; "
        f"{os.cpu_count()} logical cores; Python {platform.python_version()}"
    )


def print_results(runs: list[Run], megabytes: float, count: int, workers: int) -> None:
    print(f"corpus: {count:,} documents, {megabytes:.1f} MB (txt and html); workers: {workers}")
    print(f"machine: {machine()}")
    print(f"{'backend':<12}{'seconds':>10}{'docs/s':>10}{'MB/s':>8}{'re-run docs/s':>16}")
    for run in runs:
        print(
            f"{run.backend:<12}{run.seconds:>10.1f}{run.documents / run.seconds:>10.1f}"
            f"{megabytes / run.seconds:>8.2f}{count / run.rerun_seconds:>16.1f}"
        )
    if len(runs) == 2:
        sqlite, postgres = runs
        print(
            f"ratio PostgreSQL/SQLite (docs/s): {sqlite.seconds / postgres.seconds:.2f}; "
            f"re-run: {sqlite.rerun_seconds / postgres.rerun_seconds:.2f}"
        )


# ---------------------------------------------------------------- --index: the index's cost

INDEX_MODES = {
    "sqlite": ("no index", "per-row triggers", "batch at end"),
    "postgresql": ("no index", "GIN indexes"),
}


def set_index_mode(database: Database, mode: str) -> None:
    """Make a freshly migrated store do the document-index work of ``mode``."""
    with database.engine.begin() as connection:
        if mode == "no index" and database.is_sqlite:
            for suffix in TRIGGER_SUFFIXES:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {FTS_DOCUMENTS}_{suffix}"))
            connection.execute(text(f"DROP TABLE IF EXISTS {INDEX_STATE}"))
            connection.execute(text(f"DROP TABLE IF EXISTS {FTS_DOCUMENTS}"))
        elif mode == "no index":
            for name in TRGM_DOCUMENT_INDEXES:
                connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        elif mode == "per-row triggers":
            per_row_document_index(connection)


def search_seconds(database: Database, needles: list[str]) -> float:
    """Seconds for a document search per needle (through the index where there is one)."""
    started = time.perf_counter()
    with database.session() as session:
        for needle in needles:
            query = select(func.count()).where(document_condition(session, needle))
            session.scalar(query.select_from(DocumentRow))
    return (time.perf_counter() - started) / len(needles)


@dataclass(frozen=True)
class IndexRun:
    backend: str
    mode: str
    seconds: float
    cpu_seconds: float
    """This process's CPU plus, on PostgreSQL, its server backend's: less disturbed by other
    work on a shared machine than wall time."""
    server_cpu_counted: bool
    index_seconds: float
    """Of ``seconds``: the batch refresh at the end of the run."""
    search_ms: float


def bench_index_mode(
    backend: str, database: Database, mode: str, folder: Path, workers: int
) -> IndexRun:
    database.migrate()
    set_index_mode(database, mode)
    server = server_process(database)
    server_before = cpu_seconds(server)
    cpu_before = time.process_time()
    with timed_refreshes() as refresh_seconds:
        seconds, report = timed_ingest(database, folder, workers)
    cpu = time.process_time() - cpu_before + cpu_seconds(server) - server_before
    if report.failures:
        sys.exit(f"{backend} ({mode}): ingest failed: {report.failures[0]}")
    search_ms = 1000 * search_seconds(database, SEARCH_NEEDLES)
    index_seconds = sum(refresh_seconds)
    return IndexRun(backend, mode, seconds, cpu, server is not None, index_seconds, search_ms)


@contextmanager
def timed_refreshes() -> Iterator[list[float]]:
    """Times the batch index refresh that ``ingest_paths`` makes at the end of its run."""
    original = ingest_pipeline.refresh_document_index
    spent: list[float] = []

    def timed(database: Database) -> int:
        started = time.perf_counter()
        try:
            return original(database)
        finally:
            spent.append(time.perf_counter() - started)

    ingest_pipeline.refresh_document_index = timed
    try:
        yield spent
    finally:
        ingest_pipeline.refresh_document_index = original


def server_process(database: Database) -> psutil.Process | None:
    """The PostgreSQL backend serving this engine's (single, reused) pooled connection, when
    the server runs on this machine and its CPU time is readable; None for SQLite."""
    if database.is_sqlite:
        return None
    with database.engine.connect() as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    try:
        process = psutil.Process(int(pid or 0))
        process.cpu_times()
    except (psutil.Error, ValueError):
        return None
    return process


def cpu_seconds(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


SEARCH_NEEDLES = ["field report 12:", "reader_4", "spam.example/3", "vostok-stroy", "mekhyansan"]
"""Rare and common needles: a search cost after each kind of ingest."""


def index_runs(args: argparse.Namespace, workdir: Path, corpus: Path) -> list[IndexRun]:
    """Every mode of each backend, interleaved ``--repeat`` times; the run of each with the
    least CPU (the least disturbed by other work on a shared machine) is kept."""
    best: dict[tuple[str, str], IndexRun] = {}
    backends = ["sqlite", "postgresql"] if args.pg_url else ["sqlite"]
    if not args.pg_url:
        print("PostgreSQL: skipped (no --pg-url and SANCTIONWATCH_TEST_PG_URL is not set)")
    warm = Database(f"sqlite:///{workdir / 'warm-up.db'}")
    warm.migrate()
    ingest_paths(warm, sorted(corpus.iterdir())[:20])  # imports and caches, outside the runs
    warm.dispose()
    for round_ in range(args.repeat):
        for backend in backends:
            for mode in INDEX_MODES[backend]:
                run = index_run(
                    args, workdir / f"{round_}-{mode.replace(' ', '-')}.db", backend, mode, corpus
                )
                kept = best.get((backend, mode))
                if kept is None or run.cpu_seconds < kept.cpu_seconds:
                    best[(backend, mode)] = run
    return list(best.values())


def index_run(
    args: argparse.Namespace, path: Path, backend: str, mode: str, corpus: Path
) -> IndexRun:
    if backend == "sqlite":
        database = Database(f"sqlite:///{path}")
        try:
            return bench_index_mode(backend, database, mode, corpus, args.workers)
        finally:
            database.dispose()
    with postgres_schema(args.pg_url) as database:
        return bench_index_mode(backend, database, mode, corpus, args.workers)


def print_index_results(runs: list[IndexRun], megabytes: float, count: int) -> None:
    print(f"corpus: {count:,} documents, {megabytes:.1f} MB; load average {os.getloadavg()[0]:.1f}")
    print(f"machine: {machine()}")
    print(
        f"{'backend':<12}{'document index':<20}{'wall s':>8}{'docs/s':>8}{'vs none':>8}"
        f"{'CPU s':>8}{'vs none':>8}{'batch s':>9}{'search ms':>11}"
    )
    wall = {run.backend: run.seconds for run in runs if run.mode == "no index"}
    cpu = {run.backend: run.cpu_seconds for run in runs if run.mode == "no index"}
    for run in runs:
        print(
            f"{run.backend:<12}{run.mode:<20}{run.seconds:>8.2f}{count / run.seconds:>8.1f}"
            f"{run.seconds / wall[run.backend]:>8.2f}{run.cpu_seconds:>8.2f}"
            f"{run.cpu_seconds / cpu[run.backend]:>8.2f}{run.index_seconds:>9.2f}"
            f"{run.search_ms:>11.1f}"
        )
    if any(run.backend == "postgresql" and not run.server_cpu_counted for run in runs):
        print("(PostgreSQL CPU: this process only; the server's backend was not readable)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count", type=int, help="documents to generate (default 10,000; 1,000 with --index)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="parsing processes (writing stays in one)"
    )
    parser.add_argument(
        "--index",
        action="store_true",
        help="measure the document search index's share of the ingest instead",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="with --index: rounds, the fastest of each kept"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("SANCTIONWATCH_TEST_PG_URL"),
        help="PostgreSQL server URL (default: $SANCTIONWATCH_TEST_PG_URL)",
    )
    args = parser.parse_args()
    if args.count is None:
        args.count = 1_000 if args.index else 10_000
    workdir = Path(tempfile.mkdtemp(prefix="sw-bench-ingest-"))
    try:
        corpus = workdir / "corpus"
        corpus.mkdir()
        started = time.perf_counter()
        size = write_corpus(corpus, args.count)
        print(f"generated {args.count:,} documents in {time.perf_counter() - started:.1f} s")
        if args.index:
            print_index_results(index_runs(args, workdir, corpus), size / 1_048_576, args.count)
            return
        sqlite = Database(f"sqlite:///{workdir / 'bench.db'}")
        runs = [bench("sqlite", sqlite, corpus, args.workers)]
        if args.pg_url:
            with postgres_schema(args.pg_url) as database:
                runs.append(bench("postgresql", database, corpus, args.workers))
        else:
            print("PostgreSQL: skipped (no --pg-url and SANCTIONWATCH_TEST_PG_URL is not set)")
        print_results(runs, size / 1_048_576, args.count, args.workers)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
