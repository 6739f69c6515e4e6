"""Document metadata: what the format declared, completed from the text itself.

Precedence for the publication date: a date the format declares (HTML metadata, Markdown front
matter), then a dateline at the top of the text, then a date in the document's URL, then a PDF's
creation date, and only then the latest event the text reports (marked ``inferred``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sanctionwatch.ingest import dates
from sanctionwatch.ingest.clean import Cleaned
from sanctionwatch.ingest.dates import DateFinding, DateMention
from sanctionwatch.ingest.formats import PDF, Parsed

SOURCE_LINE = re.compile(
    r"^\s*(?:source|original(?:ly published)?|via|link)\s*:\s*<?(?P<url>https?://[^\s<>]+)>?",
    re.I | re.M,
)
TITLE_MAX = 200
NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|van|von|de|al|bin))*"
BYLINE = re.compile(rf"^(?:[Bb]y\s+)?(?P<names>{NAME}(?:\s*(?:,|\band\b|&)\s*{NAME})*)\s*$")


@dataclass(slots=True)
class Metadata:
    """What is known about a document beyond its text."""

    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    date: DateFinding = field(default_factory=lambda: DateFinding("", dates.NONE, "none"))


def describe(parsed: Parsed, cleaned: Cleaned, *, url: str | None = None) -> Metadata:
    """Metadata for one parsed and cleaned document; ``url`` is where the caller fetched it."""
    found_url = url or parsed.url or _source_line_url(parsed.text)
    dateline = dates.find_dateline(cleaned.text)
    return Metadata(
        title=parsed.title or _title_from_text(cleaned.text),
        url=found_url,
        publisher=parsed.publisher or _host(found_url),
        authors=list(parsed.authors) or _byline(cleaned.text, dateline),
        date=publication_date(parsed, cleaned, found_url, dateline),
    )


def publication_date(
    parsed: Parsed, cleaned: Cleaned, url: str | None, dateline: DateMention | None
) -> DateFinding:
    """The best-supported publication date (see the module docstring for the precedence)."""
    declared = dates.normalise_date(parsed.date) if parsed.date else None
    method = parsed.date_method or "metadata"
    if declared and parsed.media_type != PDF:
        return DateFinding(declared, dates.GIVEN, method, parsed.date or "")
    if dateline is not None:
        offset = cleaned.offsets.to_original(dateline.start)
        return DateFinding(dateline.value, dates.GIVEN, "dateline", dateline.text, offset)
    from_url = dates.date_from_url(url)
    if from_url is not None:
        return DateFinding(from_url.value, dates.GIVEN, "url-path", url or "")
    if declared:
        return DateFinding(declared, dates.GIVEN, method, parsed.date or "")
    return inferred_date(parsed.text, cleaned)


def inferred_date(original: str, cleaned: Cleaned) -> DateFinding:
    """The latest event in the cleaned text; failing that, in removed photo captions."""
    event = dates.latest_event(cleaned.text)
    if event is not None:
        offset = cleaned.offsets.to_original(event.start)
        return DateFinding(event.value, dates.INFERRED, "latest-event", event.text, offset)
    best: tuple[DateMention, int] | None = None
    for removal in cleaned.removals:
        if "caption" not in removal.rule:
            continue
        found = dates.latest_event(original[removal.start : removal.end])
        if found is not None and (best is None or found.sort_key > best[0].sort_key):
            best = (found, removal.start + found.start)
    if best is not None:
        mention, offset = best
        return DateFinding(
            mention.value, dates.INFERRED, "latest-event-in-caption", mention.text, offset
        )
    return DateFinding("", dates.NONE, "none")


def _source_line_url(text: str) -> str | None:
    match = SOURCE_LINE.search(text)
    return match.group("url").rstrip(".,;>") if match else None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _title_from_text(text: str) -> str | None:
    """The first line, when it is short and reads like a headline rather than a paragraph."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if not first or len(first) > TITLE_MAX:
        return None
    if first.endswith((".", ",", ";", ":")) and not first.endswith("..."):
        return None
    return first


def _byline(text: str, dateline: DateMention | None) -> list[str]:
    """Authors from a "By ..." line near the top, or a names-only line touching the dateline."""
    lines = text[:1500].split("\n")[:15]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    dateline_index = None
    if dateline is not None:
        dateline_index = next(
            (i for i in range(len(lines)) if starts[i] <= dateline.start < starts[i + 1]), None
        )
    for index, line in enumerate(lines):
        stripped = line.strip()
        match = BYLINE.match(stripped) if len(stripped) <= 120 else None
        if match is None:
            continue
        touching = dateline_index is not None and abs(index - dateline_index) == 1
        if stripped[:3].lower() == "by " or touching:
            return _names(match.group("names"))
    return []


def _names(text: str) -> list[str]:
    return [part.strip() for part in re.split(r",|\band\b|&", text) if part.strip()]
