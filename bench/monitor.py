"""Monitor throughput and list-update re-screening, measured side by side in one run.

Run: PYTHONPATH=src python bench/monitor.py [--items 1000] [--entities 100000] [--list 2000]

1. ``--items`` generated articles behind one RSS feed on a local HTTP server go through
   ``monitor --once`` (fetch, ingest, extract, resolve, screen, alerts): documents per minute
   and the peak resident memory of the process.
2. A graph of ``--entities`` companies and people (statements written directly) is screened
   in full against a generated list of ``--list`` designations; then a list update changes
   ten entries and adds ten, and the delta re-screen (``rescreen_changed``) is timed against
   a second full screen. Target in the issue: delta re-screen of 100,000 entities <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.rescreen import delta_rescreen
from sanctionwatch.monitor.run import run_once
from sanctionwatch.monitor.sources import add_source
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import load_list_file, load_list_folder
from sanctionwatch.screen.screening import rescreen_changed, screen_all
from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements

EXAMPLE_LISTS = Path(__file__).resolve().parents[1] / "examples" / "lists"
SYLLABLES = [
    "ryong",
    "kang",
    "chol",
    "song",
    "myong",
    "hwa",
    "kum",
    "san",
    "pyong",
    "sin",
    "il",
    "jin",
    "hae",
    "nam",
    "bok",
    "gwang",
]
KINDS = ("Trading", "Shipping", "Mining", "Textile", "Fishery", "Machinery", "Investment")
FORMS = ("Corporation", "Company", "Co Ltd", "General Corporation")
PLACES = ("Nampo", "Dandong", "Vladivostok", "Yanji", "Hunchun", "Rason", "Shenyang")


def company(rng: random.Random) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(2)).title()
    return f"{stem} {rng.choice(KINDS)} {rng.choice(FORMS)}"


def person(rng: random.Random) -> str:
    return " ".join(rng.choice(SYLLABLES).title() for _ in range(3))


def article(rng: random.Random, number: int) -> bytes:
    firm, other, who = company(rng), company(rng), person(rng)
    place = rng.choice(PLACES)
    paragraphs = [
        f"Investigators say {firm} shipped goods through {place} in {2020 + number % 6}.",
        f"{who}, a director of {firm}, also signed contracts with {other}.",
        f"About {rng.randint(100, 9000)} workers were employed by {other} near {place}.",
        "Port records and customs filings were reviewed for this report.",
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"<html><head><title>Report {number}</title></head><body>{body}</body></html>".encode()


class Server:
    """Serves /feed.xml (an RSS feed of every article) and /a/<n>."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = outer.pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"


def feed(base: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>Report {n}</title><link>{base}/a/{n}</link></item>" for n in range(count)
    )
    return f'<rss version="2.0"><channel><title>bench</title>{items}</channel></rss>'.encode()


def bench_monitor(database: Database, items: int) -> None:
    lists = load_list_folder(database, EXAMPLE_LISTS) if EXAMPLE_LISTS.is_dir() else []
    print(f"lists screened against: {', '.join(f'{r.source} {r.entity_count}' for r in lists)}")
    rng = random.Random(1)
    pages = {f"/a/{n}": article(rng, n) for n in range(items)}
    server = Server(pages)
    pages["/feed.xml"] = feed(server.base, items)
    with database.session() as session:
        add_source(session, server.base + "/feed.xml")
    started = time.perf_counter()
    with Fetcher(allow_private=True, host_delay=0) as fetcher:
        run = run_once(database, fetcher)
    seconds = time.perf_counter() - started
    server.httpd.shutdown()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    documents = len(run.new_documents)
    print(f"monitor --once: {documents} new documents of {items} items in {seconds:.1f} s")
    print(f"  {documents / seconds * 60:.0f} documents/min, peak RSS {peak_mb:.0f} MB")
    print(f"  {run.entities_screened} entities screened, {len(run.alerts)} alerts")


def list_entities(rng: random.Random, count: int, changed: int = 0) -> Iterator[dict[str, object]]:
    for n in range(count):
        name = company(rng)
        aliases = [f"{name} (branch {n})"] if n < changed else []
        yield {"id": f"c{n}", "schema": "Company", "properties": {"name": [name], "alias": aliases}}
        yield {"id": f"c{n}-s", "schema": "Sanction", "properties": {"entity": [f"c{n}"]}}


def write_list(path: Path, seed: int, count: int, changed: int, added: int) -> Path:
    entities = list(list_entities(random.Random(seed), count, changed))
    entities += [
        {"id": f"new{n}", "schema": "Company", "properties": {"name": [f"Newly Listed {n} Co"]}}
        for n in range(added)
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def build_graph(database: Database, count: int) -> None:
    rng = random.Random(7)
    batch: list[Statement] = []
    for n in range(count):
        schema, name = ("Person", person(rng)) if n % 3 else ("Company", company(rng))
        if n % 5000 == 0:
            name = f"Newly Listed {n % 10} Co"  # a few graph entities the update designates
        batch.append(
            Statement(
                entity_id=f"g{n}",
                schema=schema,
                prop="name",
                value=name,
                dataset="documents",
                origin="extract:entities",
                origin_version="bench",
            )
        )
        if len(batch) == 5000:
            with database.session() as session:
                add_statements(session, batch)
            batch = []
    if batch:
        with database.session() as session:
            add_statements(session, batch)


def bench_rescreen(database: Database, entities: int, listed: int, folder: Path) -> None:
    started = time.perf_counter()
    build_graph(database, entities)
    print(f"graph: {entities} entities written in {time.perf_counter() - started:.1f} s")
    v1 = load_list_file(database, write_list(folder / "v1.json", 3, listed, 0, 0), "ftm-json")
    started = time.perf_counter()
    full = screen_all(database)
    full_seconds = time.perf_counter() - started
    v2 = load_list_file(database, write_list(folder / "v2.json", 3, listed, 10, 10), "ftm-json")
    with database.session() as session:
        diff = diff_versions(session, v1.version_id, v2.version_id)
    changed = [e.entity_id for e in (*diff.added, *diff.removed, *diff.changed)]
    started = time.perf_counter()
    delta = delta_rescreen(database, changed)
    delta_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stage = rescreen_changed(database, changed)
    stage_seconds = time.perf_counter() - started
    assert (delta.matches, delta.matched_entities) == (stage.matches, stage.matched_entities)
    print(f"list: {listed} designations; update: {diff.summary()}")
    print(f"full re-screen:                 {full.screened} entities in {full_seconds:.1f} s")
    print(f"delta, monitor.delta_rescreen:  {delta.screened} entities in {delta_seconds:.1f} s")
    print(f"delta, screen.rescreen_changed: {stage.screened} entities in {stage_seconds:.1f} s")
    print(
        f"  delta / full = {delta_seconds / full_seconds:.3f}, "
        f"rescreen_changed / full = {stage_seconds / full_seconds:.3f} "
        "(target: delta <= 10 s at 100,000 entities)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--list", type=int, default=2000, dest="listed")
    parser.add_argument("--skip-monitor", action="store_true")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_monitor:
            database = Database(f"sqlite:///{folder / 'monitor.db'}")
            database.migrate()
            bench_monitor(database, args.items)
            database.dispose()
        database = Database(f"sqlite:///{folder / 'rescreen.db'}")
        database.migrate()
        bench_rescreen(database, args.entities, args.listed, folder)
        database.dispose()


if __name__ == "__main__":
    main()
