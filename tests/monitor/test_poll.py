"""Polling team-written feeds from a local server: new items, 304s, duplicates, bad feeds."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.monitor.conftest import LocalServer, Page
from tests.monitor.feeds import article, atom, rss

from sanctionwatch.ingest.tables import DocumentSourceRow
from sanctionwatch.monitor.fetch import Fetcher, refusal
from sanctionwatch.monitor.poll import FeedError, parse_feed, poll_source
from sanctionwatch.monitor.sources import (
    Source,
    SourceError,
    add_source,
    canonical_url,
    list_sources,
    remove_source,
)
from sanctionwatch.monitor.tables import SourceItemRow
from sanctionwatch.store import Database
from sanctionwatch.store.search import document_index_lag
from sanctionwatch.store.tables import DocumentRow

FIRST = article("Tanker seen off Nampo", ["A tanker was photographed near Nampo in April."])
SECOND = article("Workers in Yanji", ["Seamstresses from the DPRK worked in a Yanji factory."])


def _source(database: Database, url: str, kind: str = "rss") -> Source:
    with database.session() as session:
        return add_source(session, url, kind)


def _fresh(database: Database, source_id: int) -> Source:
    with database.session() as session:
        return next(s for s in list_sources(session) if s.id == source_id)


def _documents(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(DocumentRow)) or 0


@pytest.fixture
def fetcher(allow_private: None) -> Fetcher:
    return Fetcher(host_delay=0, timeout=5)


def test_canonical_url_drops_tracking_fragment_and_default_port() -> None:
    assert (
        canonical_url("HTTPS://News.Example.org:443/a?utm_source=x&b=2&a=1#top")
        == "https://news.example.org/a?a=1&b=2"
    )
    assert canonical_url("http://example.org") == "http://example.org/"


def test_parse_rss_and_atom() -> None:
    base = "https://example.org"
    rss_items = parse_feed(rss(base, [("/a", "A"), ("/b", "B")]), base + "/rss")
    atom_items = parse_feed(atom(base, [("news/c", "C")]), base + "/atom")
    assert [i.url for i in rss_items] == [base + "/a", base + "/b"]
    assert [(i.url, i.title) for i in atom_items] == [(base + "/news/c", "C")]


@pytest.mark.parametrize("body", [b"<html><body>not a feed</body></html>", b"\x00\x01garbage"])
def test_malformed_feed_is_a_clear_error(body: bytes) -> None:
    with pytest.raises(FeedError, match="not a readable RSS or Atom feed"):
        parse_feed(body, "https://example.org/feed")


def test_add_list_remove_sources(database: Database) -> None:
    source = _source(database, "https://example.org/feed.xml?utm_medium=rss")
    with pytest.raises(SourceError, match="already watched"):
        _source(database, "https://EXAMPLE.org/feed.xml")
    with pytest.raises(SourceError, match="http"):
        _source(database, "file:///etc/passwd")
    with pytest.raises(SourceError, match="kind"):
        _source(database, "https://example.org/x", kind="email")
    with database.session() as session:
        assert [s.url for s in list_sources(session)] == ["https://example.org/feed.xml"]
        remove_source(session, source.id)
        assert list_sources(session) == []
        with pytest.raises(SourceError, match="no source"):
            remove_source(session, source.id)


def test_new_items_between_polls_and_304(
    database: Database, local_server: LocalServer, fetcher: Fetcher
) -> None:
    base = local_server.base
    local_server.routes["/one"] = Page(FIRST)
    local_server.routes["/two"] = Page(SECOND)
    local_server.routes["/rss"] = Page(rss(base, [("/one", "One")]), "application/rss+xml")
    source = _source(database, local_server.url("/rss"))

    first = poll_source(database, fetcher, _fresh(database, source.id))
    assert len(first.new_documents) == 1 and not first.errors
    second = poll_source(database, fetcher, _fresh(database, source.id))
    assert second.not_modified and second.new_documents == []

    local_server.routes["/rss"] = Page(rss(base, [("/two", "Two"), ("/one", "One")]))
    third = poll_source(database, fetcher, _fresh(database, source.id))
    assert len(third.new_documents) == 1 and third.items == 1
    assert _documents(database) == 2
    with database.engine.connect() as connection:
        assert document_index_lag(connection) == 0  # each poll's new items indexed as one batch
    paths = [path for path, _agent in local_server.requests]
    assert paths.count("/one") == 1 and paths.count("/two") == 1
    assert _fresh(database, source.id).status.startswith("ok")


def test_same_article_in_two_feeds_is_one_document_with_two_sources(
    database: Database, local_server: LocalServer, fetcher: Fetcher
) -> None:
    base = local_server.base
    local_server.routes["/story"] = Page(FIRST)
    local_server.routes["/mirror/story"] = Page(FIRST)
    local_server.routes["/rss"] = Page(rss(base, [("/story?utm_source=rss", "Story")]))
    local_server.routes["/atom"] = Page(atom(base, [("story", "Story"), ("mirror/story", "M")]))
    rss_source = _source(database, local_server.url("/rss"))
    atom_source = _source(database, local_server.url("/atom"))

    from_rss = poll_source(database, fetcher, _fresh(database, rss_source.id))
    from_atom = poll_source(database, fetcher, _fresh(database, atom_source.id))
    assert len(from_rss.new_documents) == 1
    assert from_atom.new_documents == [] and from_atom.linked == 2
    assert _documents(database) == 1
    with database.session() as session:
        items = session.execute(select(SourceItemRow.source_id, SourceItemRow.document_id)).all()
        links = session.scalars(select(DocumentSourceRow.source)).all()
    assert {source_id for source_id, _doc in items} == {rss_source.id, atom_source.id}
    assert len({doc for _source_id, doc in items}) == 1
    assert sorted(links) == [base + "/mirror/story", base + "/story"]
    # the Atom poll reused the document of the canonical URL instead of fetching it again
    assert [p for p, _ in local_server.requests] == ["/rss", "/story", "/atom", "/mirror/story"]


def test_malformed_feed_reported_and_other_sources_go_on(
    database: Database, local_server: LocalServer, fetcher: Fetcher
) -> None:
    local_server.routes["/bad"] = Page(b"<html><p>moved</p></html>", "text/html")
    local_server.routes["/one"] = Page(FIRST)
    local_server.routes["/rss"] = Page(rss(local_server.base, [("/one", "One")]))
    bad = _source(database, local_server.url("/bad"))
    good = _source(database, local_server.url("/rss"))
    bad_poll = poll_source(database, fetcher, _fresh(database, bad.id))
    good_poll = poll_source(database, fetcher, _fresh(database, good.id))
    assert bad_poll.errors and "not a readable RSS or Atom feed" in bad_poll.errors[0]
    assert _fresh(database, bad.id).status.startswith("error:")
    assert len(good_poll.new_documents) == 1


def test_page_source_new_version_on_change(
    database: Database, local_server: LocalServer, fetcher: Fetcher
) -> None:
    local_server.routes["/report"] = Page(FIRST)
    page = _source(database, local_server.url("/report"), kind="page")
    assert len(poll_source(database, fetcher, _fresh(database, page.id)).new_documents) == 1
    assert poll_source(database, fetcher, _fresh(database, page.id)).not_modified
    local_server.routes["/report"] = Page(SECOND)
    changed = poll_source(database, fetcher, _fresh(database, page.id))
    assert len(changed.new_documents) == 1
    with database.session() as session:
        newest = session.get(DocumentRow, changed.new_documents[0])
        assert newest is not None and newest.previous_version_id is not None


def test_item_pointing_inward_is_refused_without_the_setting(
    database: Database, local_server: LocalServer
) -> None:
    """The feed host passes the check (the address policy treats the test server as a public
    site); the item's link to the metadata address is refused before any connection, and the
    poll reports it."""
    local_server.routes["/rss"] = Page(rss("http://169.254.169.254", [("/latest/", "creds")]))

    def local_is_public(address: str) -> str | None:
        return None if address == "127.0.0.1" else refusal(address)

    strict = Fetcher(allow_private=False, host_delay=0, timeout=2, refuse=local_is_public)
    source = _source(database, local_server.url("/rss"))
    poll = poll_source(database, strict, source)
    assert poll.new_documents == []
    assert len(poll.errors) == 1 and "169.254.169.254" in poll.errors[0]
    assert "metadata" in poll.errors[0]
