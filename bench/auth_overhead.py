"""What the role checks cost on the ``/match`` hot path, side by side in one run.

Three servers over one store with a small list loaded, driven in-process (no network, so the
differences are the checks themselves): reads open on loopback (no token), reads needing a
token (a user's token, remembered after the first request), and the legacy
``SANCTIONWATCH_API_TOKEN``. Prints mean and p95 microseconds per request, the ratio to the
open server, and how many SQL statements touched the ``users`` table per request after
the warm-up (0 means no database round trip for the check).

    PYTHONPATH=src python bench/auth_overhead.py              # 2,000 requests per scenario
    PYTHONPATH=src python bench/auth_overhead.py --requests 300
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.screen.lists.store import load_list_folder
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import add_user

ROOT = Path(__file__).resolve().parents[1]
LEGACY = "bench-legacy-token-0123456789"
BODY = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Rungrado Trading"]}}}}


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{platform.platform()}, {os.cpu_count()} cores, load {load:.1f}"


def _run(
    client: TestClient, headers: dict[str, str], requests: int, warm: bool = True
) -> list[float]:
    for _ in range(20 if warm else 0):  # warm up: index built, token remembered
        assert client.post("/match/default", json=BODY, headers=headers).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.post("/match/default", json=BODY, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        database.migrate()
        load_list_folder(database, ROOT / "examples" / "lists")
        with database.session() as session:
            token = add_user(session, "bench", "viewer")[1]
        user_queries = [0]

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if " users" in statement or "web_sessions" in statement:
                user_queries[0] += 1

        event.listen(database.engine, "before_cursor_execute", count)
        scenarios = [
            ("loopback, reads open", ApiSettings(host="127.0.0.1"), {}),
            (
                "token required, user token",
                ApiSettings(host="0.0.0.0"),
                {"Authorization": f"Bearer {token}"},
            ),
            (
                "token required, legacy token",
                ApiSettings(host="0.0.0.0", api_token=LEGACY),
                {"Authorization": f"Bearer {LEGACY}"},
            ),
        ]
        print(f"machine: {_machine()}; {args.requests} POST /match/default per scenario,")
        print("scenarios interleaved request by request so background load hits all alike")
        with contextlib.ExitStack() as stack:
            clients = [
                stack.enter_context(
                    TestClient(create_app(s.with_database(database.url), database=database))
                )
                for _name, s, _headers in scenarios
            ]
            for client, (_name, _s, headers) in zip(clients, scenarios, strict=True):
                _run(client, headers, 0)
            times: list[list[float]] = [[] for _ in scenarios]
            lookups = [0 for _ in scenarios]
            for _ in range(args.requests):
                for index, (_name, _s, headers) in enumerate(scenarios):
                    before = user_queries[0]
                    times[index] += _run(clients[index], headers, 1, warm=False)
                    lookups[index] += user_queries[0] - before
        baseline = statistics.fmean(times[0])
        for index, (name, _s, _headers) in enumerate(scenarios):
            mean = statistics.fmean(times[index])
            p95 = statistics.quantiles(times[index], n=20)[-1]
            print(
                f"{name:30s} mean {mean * 1e6:8.0f} µs  p95 {p95 * 1e6:8.0f} µs  "
                f"ratio {mean / baseline:5.2f}  "
                f"user-table queries/request {lookups[index] / args.requests:.3f}"
            )
        database.dispose()


if __name__ == "__main__":
    main()
