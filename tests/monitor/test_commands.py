"""The monitor commands end to end: a local feed, the whole pipeline, alerts, review, audit."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.monitor.conftest import LocalServer, Page
from tests.monitor.feeds import article, rss
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.monitor import commands
from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.notify import SIGNATURE_HEADER, verify
from sanctionwatch.monitor.run import MonitorRun, StopFlag, parse_interval, run_forever
from sanctionwatch.monitor.sources import add_source
from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.store import Database

runner = CliRunner()
COMPANY = "Chongbong Maritime Trading Corporation"


def _invoke(db_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db_url], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_every_command_has_an_example() -> None:
    functions = [
        commands.sources_add,
        commands.sources_list,
        commands.sources_remove,
        commands.monitor_command,
        commands.alerts_command,
        commands.review_command,
        commands.audit_export,
    ]
    for function in functions:
        assert "Example:" in (function.__doc__ or ""), function.__name__


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("1h", 3600), ("90", 90)])
def test_parse_interval(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["fast", "1s", "15 minutes"])
def test_parse_interval_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def test_monitor_once_runs_pipeline_and_raises_one_alert(
    sqlite_database: Database,
    local_server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_ALLOW_PRIVATE", "1")
    db_url = sqlite_database.url
    listing = tmp_path / "list.json"
    entities = [
        {"id": "cb", "schema": "Company", "properties": {"name": [COMPANY], "country": ["kp"]}},
        {"id": "cb-s", "schema": "Sanction", "properties": {"entity": ["cb"]}},
    ]
    listing.write_text("".join(json.dumps(e) + "\n" for e in entities))
    load_list_file(sqlite_database, listing, "ftm-json", source="opensanctions")
    local_server.routes["/news/1"] = Page(
        article(
            "Coal shipments continue",
            [
                f"The {COMPANY}, a company based in Pyongyang, shipped coal to Nakhodka in "
                "March 2026, according to port records seen by reporters.",
                "Port officials declined to comment on the shipments.",
            ],
        )
    )
    local_server.routes["/rss"] = Page(rss(local_server.base, [("/news/1", "Coal")]))
    local_server.routes["/broken"] = Page(b"not a feed at all", "text/plain")

    assert _invoke(db_url, "sources", "add", local_server.url("/rss"), "--name", "Watch")[0] == 0
    assert _invoke(db_url, "sources", "add", local_server.url("/broken"))[0] == 0
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_SECRET", "hook-secret")
    hook = ["--webhook", local_server.url("/hook")]
    code, out = _invoke(db_url, "monitor", "--once", "--host-delay", "0", "--json", *hook)
    run = json.loads(out)
    assert code == 1  # the broken feed is reported in the exit code ...
    assert len(run["new_documents"]) == 1  # ... and the good one went on
    assert any("not a readable RSS" in e for s in run["sources"] for e in s["errors"])

    code, out = _invoke(db_url, "alerts", "--status", "open", "--json")
    alerts = [json.loads(line) for line in out.splitlines()]
    screening = [a for a in alerts if a["kind"] == "screening_hit"]
    assert code == 0 and len(screening) == 1
    assert screening[0]["document_id"] == run["new_documents"][0]
    assert screening[0]["matcher_version"] and screening[0]["list_version"]
    _path, headers, body = local_server.posts[0]
    assert verify(body, "hook-secret", headers[SIGNATURE_HEADER])
    assert screening[0]["id"] in [alert["id"] for alert in json.loads(body)["alerts"]]

    code, out = _invoke(db_url, "monitor", "--once", "--host-delay", "0", "--json")
    assert json.loads(out)["new_documents"] == []

    alert_id = str(screening[0]["id"])
    assert (
        _invoke(db_url, "review", alert_id, "--clear", "--note", "not them", "--user", "ana")[0]
        == 0
    )
    code, out = _invoke(db_url, "alerts", "--status", "cleared", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [screening[0]["id"]]
    code, out = _invoke(db_url, "audit", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    decision = [row for row in rows if row["event"] == "decision"]
    assert decision[0]["actor"] == "ana" and decision[0]["matcher_version"]
    assert {"screening_run", "alert_raised"} <= {row["event"] for row in rows}
    code, out = _invoke(db_url, "audit", "export", "--since", "2999-01-01")
    assert code == 0 and out == ""

    code, out = _invoke(db_url, "sources", "list", "--json")
    listed = {row["name"]: row for row in map(json.loads, out.splitlines())}
    assert listed["Watch"]["items"] == 1 and listed["Watch"]["status"] == "not modified"
    assert listed["127.0.0.1"]["status"].startswith("error: ")
    assert _invoke(db_url, "sources", "remove", str(listed["127.0.0.1"]["id"]))[0] == 0
    assert len(_invoke(db_url, "sources", "list", "--json")[1].splitlines()) == 1


def test_monitor_needs_once_or_every(sqlite_database: Database) -> None:
    result = runner.invoke(app, ["monitor", "--db", sqlite_database.url])
    assert result.exit_code == 1 and "exactly one of --once or --every" in result.output
    result = runner.invoke(app, ["monitor", "--every", "2s", "--db", sqlite_database.url])
    assert result.exit_code == 1 and "shorter than 10 seconds" in result.output


def test_review_errors_are_one_line(sqlite_database: Database) -> None:
    result = runner.invoke(
        app, ["review", "99", "--confirm", "--note", "x", "--db", sqlite_database.url]
    )
    assert result.exit_code == 1 and "no alert 99" in result.output
    result = runner.invoke(app, ["review", "1", "--note", "x", "--db", sqlite_database.url])
    assert result.exit_code == 1 and "exactly one of" in result.output


def test_run_forever_stops_cleanly_on_request(
    sqlite_database: Database, local_server: LocalServer
) -> None:
    local_server.routes["/rss"] = Page(rss(local_server.base, []))
    with sqlite_database.session() as session:
        add_source(session, local_server.url("/rss"))
    stop = StopFlag()
    runs: list[MonitorRun] = []

    def on_run(run: MonitorRun) -> None:
        runs.append(run)
        stop.set()  # what the SIGTERM handler does

    worker = threading.Thread(
        target=run_forever,
        args=(sqlite_database, Fetcher(allow_private=True, host_delay=0), 3600.0, stop, on_run),
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert len(runs) == 1 and runs[0].ok


def test_sigterm_stops_monitor_every_cleanly(
    sqlite_database: Database, local_server: LocalServer
) -> None:
    local_server.routes["/rss"] = Page(rss(local_server.base, []))
    with sqlite_database.session() as session:
        add_source(session, local_server.url("/rss"))
    env = {**os.environ, "SANCTIONWATCH_ALLOW_PRIVATE": "1", "PYTHONPATH": "src"}
    command = ["monitor", "--every", "1h", "--host-delay", "0", "--db", sqlite_database.url]
    process = subprocess.Popen(
        [sys.executable, "-m", "sanctionwatch.cli", *command],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    seen = ""
    while "monitor: 1 sources" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    remaining = process.communicate(timeout=30)[1]
    assert "monitor: 1 sources" in seen
    assert process.returncode == 0 and "stopped cleanly" in remaining


def test_once_exits_1_when_the_webhook_was_not_delivered(
    sqlite_database: Database, local_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cron job running ``monitor --once --webhook`` must notice alerts nobody was told of."""
    monkeypatch.setattr(commands, "run_once", lambda *_a, **_k: MonitorRun(alerts=[1]))
    monkeypatch.setenv("SANCTIONWATCH_ALLOW_PRIVATE", "1")
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_SECRET", "hook-secret")
    hook = ["--webhook", local_server.url("/hook")]
    local_server.post_statuses = [204, 400]
    assert _invoke(sqlite_database.url, "monitor", "--once", "--json", *hook)[0] == 0
    result = runner.invoke(app, ["monitor", "--once", *hook, "--db", sqlite_database.url])
    assert result.exit_code == 1 and len(local_server.posts) == 2
    assert "webhook http://127.0.0.1:" in result.stderr and "HTTP 400" in result.stderr
