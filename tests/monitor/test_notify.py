"""The Atom feed of alerts and the signed webhook (against the local server)."""

from __future__ import annotations

import json

import feedparser
from lxml import etree
from tests.monitor.conftest import LocalServer

from sanctionwatch.monitor.alerts import Evidence, raise_alert
from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.notify import (
    SIGNATURE_HEADER,
    alerts_atom,
    post_webhook,
    verify,
    webhook_body,
)
from sanctionwatch.monitor.tables import AlertRow
from sanctionwatch.store import Database


def _alerts(database: Database) -> None:
    with database.session() as session:
        for number in range(3):
            raise_alert(
                session,
                fingerprint=f"test:{number}",
                kind="screening_hit",
                title=f"Company {number} & Co <Ltd> matches a listed company",
                entity_ids=[f"e{number}"],
                evidence=Evidence(text="seen in a port record"),
                score=0.9,
                list_version="v3",
            )


def test_alerts_atom_is_valid_atom_newest_first(sqlite_database: Database) -> None:
    _alerts(sqlite_database)
    with sqlite_database.session() as session:
        text = alerts_atom(session, "https://sw.example.org/")
    etree.fromstring(text.encode())  # well-formed despite & and < in titles
    parsed = feedparser.parse(text)
    assert parsed.version == "atom10" and not parsed.bozo
    assert [e.title.split(" ")[0] for e in parsed.entries] == ["#3", "#2", "#1"]
    assert parsed.entries[0].title.startswith("#3 [screening_hit, open] Company 2 & Co <Ltd>")
    assert parsed.entries[0].link == "https://sw.example.org/alerts/3"
    assert "score 0.90" in parsed.entries[0].summary and "list v3" in parsed.entries[0].summary


def test_webhook_signed_and_retried(sqlite_database: Database, local_server: LocalServer) -> None:
    _alerts(sqlite_database)
    with sqlite_database.session() as session:
        body = webhook_body(list(session.query(AlertRow)))
    local_server.post_statuses = [503, 500]
    waits: list[float] = []
    delivery = post_webhook(
        local_server.url("/hook"),
        body,
        "s3cret",
        fetcher=Fetcher(allow_private=True, host_delay=0),
        sleep=waits.append,
    )
    assert delivery.ok and delivery.attempts == 3
    assert waits == [1.0, 2.0]
    path, headers, received = local_server.posts[-1]
    assert path == "/hook" and received == body
    assert verify(received, "s3cret", headers[SIGNATURE_HEADER])
    assert not verify(received, "wrong", headers[SIGNATURE_HEADER])
    assert len(json.loads(received)["alerts"]) == 3


def test_webhook_gives_up_and_refuses_private(local_server: LocalServer) -> None:
    local_server.post_statuses = [503] * 5
    delivery = post_webhook(
        local_server.url("/hook"),
        b"{}",
        "k",
        fetcher=Fetcher(allow_private=True, host_delay=0),
        attempts=3,
        sleep=lambda _s: None,
    )
    assert not delivery.ok and delivery.attempts == 3 and "gave up" in (delivery.error or "")
    local_server.post_statuses = [400]
    assert (
        post_webhook(
            local_server.url("/hook"), b"{}", "k", fetcher=Fetcher(allow_private=True, host_delay=0)
        ).attempts
        == 1
    )
    refused = post_webhook(
        local_server.url("/hook"), b"{}", "k", fetcher=Fetcher(allow_private=False)
    )
    assert not refused.ok and refused.attempts == 0 and "127.0.0.1" in (refused.error or "")
