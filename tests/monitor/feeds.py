"""Team-written RSS 2.0 and Atom feeds and article pages for the monitor tests."""

from __future__ import annotations

from collections.abc import Sequence


def article(title: str, paragraphs: Sequence[str]) -> bytes:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>"
        f'<meta name="date" content="2026-05-04"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def rss(base: str, items: Sequence[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<guid>{base}{path}</guid><pubDate>Mon, 04 May 2026 08:00:00 GMT</pubDate></item>"
        for path, title in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Maritime watch</title><link>{base}/</link><description>test</description>"
        f"{entries}</channel></rss>"
    ).encode()


def atom(base: str, items: Sequence[tuple[str, str]]) -> bytes:
    entries = "".join(
        f'<entry><title>{title}</title><link rel="alternate" href="{path}"/>'
        f"<id>tag:example.org,2026:{path}</id><updated>2026-05-04T08:00:00Z</updated></entry>"
        for path, title in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/">'
        "<title>Labour export notes</title><id>tag:example.org,2026:feed</id>"
        f"<updated>2026-05-04T08:00:00Z</updated>{entries}</feed>"
    ).encode()
