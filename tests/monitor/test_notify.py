"""The Atom feed of alerts and the signed webhook (against the local server)."""

from __future__ import annotations

import base64
import json

import feedparser
import pytest
from lxml import etree
from tests.monitor.conftest import LocalServer

from sanctionwatch.monitor.alerts import Evidence, raise_alert
from sanctionwatch.monitor.fetch import Fetcher
from sanctionwatch.monitor.notify import (
    SIGNATURE_HEADER,
    alerts_atom,
    hook_name,
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


HOOK_HOST = "hooks.internal.test"


class CountingResolver:
    """Answers ``first`` to the first lookup and ``then`` to every later one (a rebinding DNS)."""

    def __init__(self, first: str, then: str) -> None:
        self.first, self.then = first, then
        self.calls: list[str] = []

    def __call__(self, host: str, _port: int) -> list[str]:
        self.calls.append(host)
        return [self.first if len(self.calls) == 1 else self.then]


def _named_hook(local_server: LocalServer, path: str = "/hook/T0/s3cr3t-path") -> str:
    return local_server.url(path).replace("127.0.0.1", HOOK_HOST)


def test_webhook_to_an_allow_listed_internal_host_is_pinned(local_server: LocalServer) -> None:
    """The name does not exist in DNS: the POST arrives only because each attempt connects to
    the address checked once, before the first (the second lookup would say 10.255.255.1)."""
    local_server.post_statuses = [503]
    resolver = CountingResolver("127.0.0.1", "10.255.255.1")
    strict = Fetcher(allow_private=False, host_delay=0, timeout=5, resolver=resolver)
    delivery = post_webhook(
        _named_hook(local_server),
        b'{"alerts": []}',
        "k",
        fetcher=strict,
        allow_hosts=frozenset({HOOK_HOST}),
        sleep=lambda _s: None,
    )
    assert delivery.ok and delivery.attempts == 2
    assert resolver.calls == [HOOK_HOST]
    assert [(path, headers["Host"]) for path, headers, _body in local_server.posts] == [
        ("/hook/T0/s3cr3t-path", f"{HOOK_HOST}:{local_server.httpd.server_address[1]}")
    ] * 2


def test_webhook_to_a_private_host_not_allow_listed_is_refused(local_server: LocalServer) -> None:
    strict = Fetcher(allow_private=False, host_delay=0, resolver=lambda *_: ["127.0.0.1"])
    other = frozenset({"hooks.elsewhere.test"})
    refused = post_webhook(_named_hook(local_server), b"{}", "k", fetcher=strict, allow_hosts=other)
    assert not refused.ok and refused.attempts == 0 and local_server.posts == []
    error = refused.error or ""
    assert error.startswith(f"webhook http://{HOOK_HOST}:")
    assert "127.0.0.1, a loopback address" in error
    assert f"add {HOOK_HOST} to SANCTIONWATCH_WEBHOOK_ALLOW_HOSTS" in error
    assert "s3cr3t" not in error  # a hook's path is often its credential
    assert "\n" not in error


def test_allow_listed_host_never_reaches_a_metadata_address(local_server: LocalServer) -> None:
    strict = Fetcher(allow_private=False, host_delay=0, resolver=lambda *_: ["169.254.169.254"])
    refused = post_webhook(
        _named_hook(local_server), b"{}", "k", fetcher=strict, allow_hosts=frozenset({HOOK_HOST})
    )
    assert not refused.ok and "a cloud metadata address" in (refused.error or "")
    assert "never reach this kind of address" in (refused.error or "")
    assert local_server.posts == []


def test_webhook_allow_list_is_read_from_the_environment(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = Fetcher(allow_private=False, host_delay=0, resolver=lambda *_: ["127.0.0.1"])
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_ALLOW_HOSTS", f"other.test, {HOOK_HOST.upper()}.")
    assert post_webhook(_named_hook(local_server), b"{}", "k", fetcher=strict).ok
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_ALLOW_HOSTS", "other.test")
    assert not post_webhook(_named_hook(local_server), b"{}", "k", fetcher=strict).ok
    assert len(local_server.posts) == 1


def test_webhook_errors_name_the_hook_without_its_path() -> None:
    assert hook_name("https://user:pw@hooks.example.org/services/T0/B0/xyz?k=1") == (
        "webhook https://hooks.example.org/…"
    )
    assert hook_name("http://[::1]:8080") == "webhook http://[::1]:8080"


def test_credentials_in_the_hook_url_are_sent_as_basic_auth(local_server: LocalServer) -> None:
    """A receiver behind basic auth (``https://user:pass@host/...``) still gets them although
    the POST goes to the pinned address (whose URL has no user part); errors never show them."""
    url = local_server.url("/hook").replace("http://", "http://sw%2Dbot:p%40ss%3Aword@")
    fetcher = Fetcher(allow_private=True, host_delay=0)
    assert post_webhook(url, b"{}", "k", fetcher=fetcher).ok
    local_server.post_statuses = [401]
    failed = post_webhook(url, b"{}", "k", fetcher=fetcher)
    expected = "Basic " + base64.b64encode(b"sw-bot:p@ss:word").decode()
    assert [headers.get("Authorization") for _path, headers, _body in local_server.posts] == [
        expected
    ] * 2
    assert not failed.ok and "HTTP 401" in (failed.error or "")
    assert "p%40ss" not in (failed.error or "") and "sw%2Dbot" not in (failed.error or "")


def test_a_hook_url_without_credentials_sends_no_authorization(local_server: LocalServer) -> None:
    assert post_webhook(
        local_server.url("/hook"), b"{}", "k", fetcher=Fetcher(allow_private=True, host_delay=0)
    ).ok
    assert "Authorization" not in local_server.posts[0][1]


def test_a_hook_resolving_to_a_6to4_loopback_is_never_posted_to(local_server: LocalServer) -> None:
    """The hook's name answers with 127.0.0.1 wrapped in a 6to4 address, which Python alone
    would call global: refused before any connection, even for an allow-listed name."""
    strict = Fetcher(allow_private=False, host_delay=0, resolver=lambda *_: ["2002:7f00:1::1"])
    for allowed in (frozenset(), frozenset({HOOK_HOST})):
        refused = post_webhook(
            _named_hook(local_server), b"{}", "k", fetcher=strict, allow_hosts=allowed
        )
        assert not refused.ok and refused.attempts == 0
        assert "a 6to4 address of 127.0.0.1, a loopback address" in (refused.error or "")
    assert local_server.posts == []


def test_an_unparsable_hook_url_is_a_failed_delivery_without_its_path() -> None:
    delivery = post_webhook("https://[hooks.example.org/T0/s3cr3t", b"{}", "k")
    assert not delivery.ok and delivery.attempts == 0
    assert (delivery.error or "").startswith("webhook: not a valid URL (")
    assert "s3cr3t" not in (delivery.error or "")


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0.0.0.0"])
def test_loopback_spelt_another_way_is_refused_before_posting(
    local_server: LocalServer, host: str
) -> None:
    """Decimal, hex, octal and short IPv4 forms reach the system resolver as names and come
    back as 127.0.0.1 (or 0.0.0.0, this machine): refused with the real resolver, so the
    real server on 127.0.0.1 never sees the signed POST."""
    url = local_server.url("/hook").replace("127.0.0.1", host)
    refused = post_webhook(url, b"{}", "k", fetcher=Fetcher(allow_private=False, host_delay=0))
    assert not refused.ok and refused.attempts == 0, refused
    assert "a loopback address" in (refused.error or "") or "unspecified" in (refused.error or "")
    assert local_server.posts == []


def test_a_mixed_public_and_private_dns_answer_is_refused(local_server: LocalServer) -> None:
    """One public address among the answers does not vouch for the others."""
    mixed = Fetcher(
        allow_private=False, host_delay=0, resolver=lambda *_: ["93.184.216.34", "127.0.0.1"]
    )
    refused = post_webhook(_named_hook(local_server), b"{}", "k", fetcher=mixed)
    assert not refused.ok and "resolves to 127.0.0.1, a loopback address" in (refused.error or "")
    assert local_server.posts == []
