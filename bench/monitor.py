"""Monitor throughput and list-update re-screening, measured side by side in one run.

Run: PYTHONPATH=src python bench/monitor.py [--items 1000] [--entities 100000] [--update un]

1. ``--items`` generated articles behind one RSS feed on a local HTTP server go through
   ``monitor --once`` (fetch, ingest, extract, resolve, screen, alerts): documents per minute
   and the peak resident memory of the process.
2. The list-update re-screen of ``bench/rescreen.py`` (see there): a realistic synthetic graph
   of ``--entities`` entities, a full screen, a typical list update (``--update un`` or
   ``synthetic``), the delta re-screen through the graph-side name-key index, and the same
   re-screen over every entity for agreement. Target in the issue: delta re-screen of
   100,000 entities <= 10 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import rescreen

from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.run import run_once
from sanctionwatch.monitor.sources import add_source
from sanctionwatch.screen.lists.store import load_list_folder
from sanctionwatch.store import Database

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--update", choices=("un", "synthetic"), default=rescreen.default_update())
    parser.add_argument("--skip-monitor", action="store_true")
    parser.add_argument("--no-reference", action="store_true", help="skip the every-entity run")
    args = parser.parse_args()
    print(f"machine: {rescreen.machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_monitor:
            database = Database(f"sqlite:///{folder / 'monitor.db'}")
            database.migrate()
            bench_monitor(database, args.items)
            database.dispose()
        database = Database(f"sqlite:///{folder / 'rescreen.db'}")
        database.migrate()
        rescreen.run(database, args.entities, args.update, folder, reference=not args.no_reference)
        database.dispose()


if __name__ == "__main__":
    main()
