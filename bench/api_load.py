"""Bounded load test of the HTTP API on loopback: /match and entity pages.

Starts ``uvicorn`` in a separate process over a store with the sanctions lists loaded, then
drives it with N concurrent httpx clients for a fixed time per scenario and prints requests/s,
p50/p95/p99 latency and errors, side by side, with the machine noted.

    python bench/api_load.py --db sqlite:///sanctionwatch.db            # 50 clients, 60 s each
    python bench/api_load.py --seconds 10 --clients 20                  # quick run
    python bench/api_load.py                                            # builds a store from
                                                                        # ../shared (OFAC SDN)

Targets (issue 5): /match p95 <= 50 ms for single queries at >= 200 requests/s on 2 cores.
The load generator shares the machine with the server, so numbers are a lower bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        count = len(self.latencies)
        if not count:
            return f"{self.name:<14} no successful requests, {self.errors} errors"
        ordered = sorted(self.latencies)
        pick = lambda q: ordered[min(count - 1, int(q * count))] * 1000  # noqa: E731
        return (
            f"{self.name:<14} {count / self.seconds:8.1f} req/s  p50 {pick(0.50):6.1f} ms  "
            f"p95 {pick(0.95):6.1f} ms  p99 {pick(0.99):6.1f} ms  "
            f"mean {statistics.fmean(ordered) * 1000:6.1f} ms  n={count}  errors={self.errors}"
            + (f" {self.error_kinds}" if self.error_kinds else "")
        )

    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else float("inf")

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(shared: Path) -> str:
    """A store with the OFAC SDN snapshot loaded (about a minute)."""
    from sanctionwatch.screen.lists.formats import detect_format
    from sanctionwatch.screen.lists.store import load_list_file

    sdn = shared / "data" / "sanctions" / "ofac_sdn_2024-05-03.csv"
    if not sdn.is_file():
        sys.exit(f"error: {sdn} not found; pass --db with a store that has lists loaded")
    folder = Path(tempfile.mkdtemp(prefix="sw-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    database = Database(url)
    database.migrate()
    fmt = detect_format(sdn)
    assert fmt is not None
    print(f"building a store with {sdn.name} in {folder} ...", flush=True)
    load_list_file(database, sdn, fmt)
    database.dispose()
    return url


def sample_store(url: str, size: int) -> tuple[list[tuple[str, str]], list[str]]:
    """(schema, name) queries from the lists and entity ids to open, sampled at random."""
    database = Database(url)
    with database.session() as session:
        rows = session.execute(
            select(StatementRow.schema, StatementRow.value, StatementRow.entity_id).where(
                StatementRow.prop == "name",
                StatementRow.schema.in_(["Person", "Company", "Organization", "LegalEntity"]),
            )
        ).all()
    database.dispose()
    if not rows:
        sys.exit(f"error: {url} holds no named entities; load a sanctions list first")
    rng = random.Random(7)
    picked = rng.sample(rows, min(size, len(rows)))
    return [(schema, name) for schema, name, _ in picked], [eid for _, _, eid in picked]


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SANCTIONWATCH_DB=url, PYTHONPATH=str(ROOT / "src"))
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "sanctionwatch.api.app:app_from_env",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--workers", str(workers),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


async def wait_ready(base: str, timeout: float = 300.0) -> None:
    """Wait until the server answers and its screening index is built (first /match)."""
    deadline = time.monotonic() + timeout
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["warm up"]}}}}
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as client:
        while True:
            try:
                response = await client.post("/match/default", json=body)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                sys.exit("error: the server did not become ready")
            await asyncio.sleep(0.5)


async def run_scenario(
    base: str, name: str, clients: int, seconds: float, make_request: object
) -> Result:
    result = Result(name)
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(client: httpx.AsyncClient, rng: random.Random) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                response = await make_request(client, rng)  # type: ignore[operator]
                kind = "" if response.status_code == 200 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            if not kind:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.errors += 1
                result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1

    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as client:
        began = time.monotonic()
        await asyncio.gather(*(worker(client, random.Random(i)) for i in range(clients)))
        result.seconds = time.monotonic() - began
    return result


async def main_async(args: argparse.Namespace, url: str) -> None:
    queries, entity_ids = sample_store(url, 500)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, port, args.workers)
    try:
        await wait_ready(base)

        async def match(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
            schema, name = rng.choice(queries)
            body = {"queries": {"q": {"schema": schema, "properties": {"name": [name.lower()]}}}}
            return await client.post("/match/default", json=body)

        async def entity(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
            return await client.get(f"/entities/{rng.choice(entity_ids)}")

        async def page(client: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
            return await client.get(f"/ui/entities/{rng.choice(entity_ids)}")

        results = []
        for name, function in (
            ("/match", match),
            ("/entities/{id}", entity),
            ("entity page", page),
        ):
            results.append(await run_scenario(base, name, args.clients, args.seconds, function))
            print(results[-1].line(), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print_report(args, results)


def print_report(args: argparse.Namespace, results: list[Result]) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print()
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} (shared machine), "
        f"Python {platform.python_version()}"
    )
    print(
        f"setup: {args.clients} concurrent clients, {args.seconds:.0f} s per scenario, "
        f"{args.workers} uvicorn worker(s), client and server on the same cores"
    )
    for result in results:
        print(result.line())
    match = results[0]
    for other in results[1:]:
        if other.rate():
            print(f"ratio /match : {other.name} throughput = {match.rate() / other.rate():.2f}")
    verdict = "met" if match.p95_ms() <= 50 and match.rate() >= 200 else "NOT met"
    print(
        f"target /match p95 <= 50 ms at >= 200 req/s: {verdict} "
        f"(p95 {match.p95_ms():.1f} ms, {match.rate():.0f} req/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="store with lists loaded (default: build one from shared)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", ROOT.parent / "shared")),
    )
    args = parser.parse_args()
    url = args.db or build_store(args.shared)
    asyncio.run(main_async(args, url))


if __name__ == "__main__":
    main()
