"""Document metadata: what the format declared, completed from the text itself.

The publication date is chosen from ranked evidence (``RULE_CONFIDENCE``): a date the format
declares (HTML metadata, JSON-LD, ``<time>``, Markdown front matter), a "Published ..." line or
dateline at the top (a year-less wire dateline takes its year from the URL or the text), a date
in the URL (``/2019/02/03/``, ``/2016/September/``, digits run together: ``/20230309-481516``),
a PDF's creation date, an "Updated ..." line; only then is it inferred (marked ``inferred``) as
a lower bound from the text: the latest dated event it reports as past, the latest landmark
event it mentions (``data/ingest/landmarks.yaml``), and year-less past dates ("on June 28")
placed in the year nearest that bound when it is a dated event of the body, else in the first
year on or after it (one "last year", "by Dec. 22 last year", dates the text to the year after),
and a deadline set "within 24 months" of a dated event
that the text says is close or unlikely to be met (the deadline's month). Every clue weighed is
kept in ``documents.date_evidence`` so an analyst can see why a date was chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlsplit

from sanctionwatch.ingest import dates
from sanctionwatch.ingest.clean import Cleaned
from sanctionwatch.ingest.dates import DateFinding, DateMention, Evidence, date_key
from sanctionwatch.ingest.formats import Parsed
from sanctionwatch.ingest.landmarks import Landmarks, default_landmarks
from sanctionwatch.textdates import IMMINENT_DEADLINE_RULE

SOURCE_LINE = re.compile(
    r"^\s*(?:source|original(?:ly published)?|via|link)\s*:\s*<?(?P<url>https?://[^\s<>]+)>?",
    re.I | re.M,
)
TITLE_MAX = 200
NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|van|von|de|al|bin))*"
BYLINE = re.compile(rf"^(?:[Bb]y\s+)?(?P<names>{NAME}(?:\s*(?:,|\band\b|&)\s*{NAME})*)\s*$")
RULE_CONFIDENCE = {
    "user": 1.0,
    "html-metadata": 0.95,
    "front-matter": 0.95,
    "published-line": 0.9,
    "dateline": 0.9,
    "url-path": 0.8,
    "url-compact-date": 0.7,
    "url-year": 0.5,
    "updated-line": 0.7,
    "dateline-without-year": 0.8,
    "dateline-year-from-text": 0.6,
    "pdf-creation-date": 0.6,
    "metadata": 0.9,
    "year-less-event": 0.4,
    "year-after-last-year": 0.4,
    IMMINENT_DEADLINE_RULE: 0.4,
    "latest-event": 0.35,
    "latest-event-in-caption": 0.3,
    "landmark-event": 0.3,
}
"""How far each rule is trusted; a given date the text contradicts loses ``CONFLICT_PENALTY``."""
CONFLICT_PENALTY = 0.3
YEAR_INFERRED_RULES = frozenset({"dateline-year-from-text"})
"""Rules whose date is partly inferred: the document's date is then marked ``inferred``."""
MAX_CANDIDATES = 8


class _Unread:
    """The text's latest event has not been read yet (None means it has none)."""


UNREAD = _Unread()


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
    """The best-supported publication date (see the module docstring for the ranking)."""
    event = dates.latest_event(cleaned.text)  # read once: every rule below weighs it
    given = given_dates(parsed, cleaned, url, dateline, event=event)
    if not given:
        return inferred_date(parsed.text, cleaned, event=event)
    best = max(given, key=lambda clue: clue.confidence)
    if len(best.value) == 4:
        inferred = inferred_date(parsed.text, cleaned, event=event)
        if inferred.value[:4] == best.value:
            return _within_given_year(inferred, best)
    others = [clue for clue in given if clue is not best]
    note = ""
    confidence = best.confidence
    if event is not None and _before(best.value, event.value):
        offset = cleaned.offsets.to_original(event.start)
        others.append(Evidence("latest-event", event.value, event.text, offset, 0.35))
        note = f"the text reports {event.text!r} after this date: check it"
        confidence = round(max(0.1, confidence - CONFLICT_PENALTY), 2)
    return DateFinding(
        best.value,
        dates.INFERRED if best.rule in YEAR_INFERRED_RULES else dates.GIVEN,
        best.rule,
        best.phrase,
        best.offset,
        confidence,
        (best, *others)[:MAX_CANDIDATES],
        note,
    )


def given_dates(
    parsed: Parsed,
    cleaned: Cleaned,
    url: str | None,
    dateline: DateMention | None,
    *,
    event: DateMention | _Unread | None = UNREAD,
) -> list[Evidence]:
    """Every date the document states as its own, each with its rule's confidence (``event``:
    the text's latest past event when the caller has read it already)."""
    clues: list[Evidence] = []
    declared = dates.normalise_date(parsed.date) if parsed.date else None
    if declared:
        method = parsed.date_method or "metadata"
        clues.append(_clue(method, declared, parsed.date or "", None))
    if dateline is not None:
        rule = _dateline_rule(cleaned.text, dateline)
        offset = cleaned.offsets.to_original(dateline.start)
        clues.append(_clue(rule, dateline.value, dateline.text, offset))
        updated = dates.find_updated_line(cleaned.text)
        if rule != "updated-line" and updated is not None and updated.value != dateline.value:
            offset = cleaned.offsets.to_original(updated.start)
            clues.append(_clue("updated-line", updated.value, updated.text, offset))
    from_url = dates.date_from_url(url)
    if from_url is not None:
        confidence = RULE_CONFIDENCE["url-path"] - (0.05 if from_url.precision == "month" else 0)
        clues.append(Evidence("url-path", from_url.value, url or "", None, confidence))
    else:
        compact = dates.compact_date_from_url(url)
        if compact is not None:
            clues.append(_clue("url-compact-date", compact.value, url or "", None))
            from_url = compact if compact.precision != "year" else None
    if dateline is None:
        yearless = _yearless_dateline(cleaned, from_url, event)
        if yearless is not None:
            clues.append(yearless)
    year = dates.year_from_url(url) if not clues else None
    if year is not None:
        clues.append(_clue("url-year", year.value, url or "", None))
    return clues


def _within_given_year(inferred: DateFinding, year: Evidence) -> DateFinding:
    """A date the text dates to the month or day inside the only year the page gives: the
    text's date (still a lower bound), confirmed in its year."""
    return replace(
        inferred,
        confidence=round(min(year.confidence, inferred.confidence + 0.2), 2),
        candidates=(*inferred.candidates, year)[:MAX_CANDIDATES],
        note=f"{inferred.note} (within {year.value}, the year the {year.rule} clue gives)",
    )


def _clue(rule: str, value: str, phrase: str, offset: int | None) -> Evidence:
    return Evidence(rule, value, phrase, offset, RULE_CONFIDENCE.get(rule, 0.5))


PUBLISHED_LABEL = re.compile(r"\b(?:published|posted|issued|dated?|release[ds]?|publication)\b")


def _dateline_rule(text: str, mention: DateMention) -> str:
    """The label of the date's own part of its line ("First published" after "Last updated ...
    |"), else of the whole line before it ("For Immediate Release | Tuesday, June 4")."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    part = dates.date_label_before(text, mention.start).lower()
    for lead in (part, text[line_start : mention.start].lower()):
        if "updated" in lead:
            return "updated-line"
        if PUBLISHED_LABEL.search(lead):
            return "published-line"
    return "dateline"


def _yearless_dateline(
    cleaned: Cleaned, from_url: DateMention | None, event: DateMention | _Unread | None
) -> Evidence | None:
    """ "MOSCOW, July 19 (Reuters) -": the year from the URL, else the first after the text's
    latest dated event (a wire story reports what just happened)."""
    mention = dates.find_yearless_dateline(cleaned.text)
    if mention is None:
        return None
    if from_url is not None:
        rule, value = (
            "dateline-without-year",
            mention.resolve_after((int(from_url.value[:4]), 0, 0)),
        )
    else:
        bound = _lower_bounds(cleaned, event=event)
        if not bound:
            return None
        rule = "dateline-year-from-text"
        value = mention.resolve_after(date_key(max(bound, key=_rank).value))
        if value > date.today().isoformat():
            return None  # no year puts the dateline between the text's events and today
    offset = cleaned.offsets.to_original(mention.start)
    return _clue(rule, value, mention.text, offset)


def _before(given: str, event: str) -> bool:
    """Whether ``given`` is earlier than ``event`` at the precision both have."""
    length = min(len(given), len(event))
    return given[:length] < event[:length]


def inferred_date(
    original: str,
    cleaned: Cleaned,
    landmarks: Landmarks | None = None,
    *,
    event: DateMention | _Unread | None = UNREAD,
) -> DateFinding:
    """A lower bound from the text (see the module docstring), with the clues weighed
    (``event``: the text's latest past event when the caller has read it already)."""
    clues = _lower_bounds(cleaned, original, landmarks, event=event)
    if not clues:
        return DateFinding("", dates.NONE, "none")
    bound = max(clues, key=_rank)
    near = bound.rule == "latest-event" and len(bound.value) > 4
    key = date_key(bound.value)
    for mention in dates.yearless_past_events(cleaned.text):
        value = mention.resolve_near(key) if near else mention.resolve_after(key)
        if value > date.today().isoformat():
            continue
        offset = cleaned.offsets.to_original(mention.start)
        clues.append(_clue("year-less-event", value, mention.text, offset))
    for mention in dates.yearless_last_year(cleaned.text):
        placed = mention.resolve_near(key) if near else mention.resolve_after(key)
        year = int(placed[:4]) + 1
        if year > date.today().year:
            continue
        offset = cleaned.offsets.to_original(mention.start)
        clues.append(_clue("year-after-last-year", str(year), f"{mention.text} last year", offset))
    deadline = dates.imminent_deadline(
        cleaned.text, (landmarks or default_landmarks()).imminent_deadline
    )
    if deadline is not None and date_key(deadline.value) > date_key(bound.value):
        offset = cleaned.offsets.to_original(deadline.start)
        clues.append(_clue(IMMINENT_DEADLINE_RULE, deadline.value, deadline.text, offset))
    best = max(clues, key=_rank)
    others = sorted((c for c in clues if c is not best), key=_rank, reverse=True)
    return DateFinding(
        best.value,
        dates.INFERRED,
        best.rule,
        best.phrase,
        best.offset,
        best.confidence,
        (best, *_distinct(others))[:MAX_CANDIDATES],
        "a lower bound: the latest event the text reports; the article may be later",
    )


def _rank(clue: Evidence) -> tuple[tuple[int, int, int], float]:
    return date_key(clue.value), clue.confidence


def _distinct(clues: list[Evidence]) -> list[Evidence]:
    """One clue per rule and value (a year-less date repeated in a text counts once)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for clue in clues:
        if (clue.rule, clue.value) not in seen:
            seen.add((clue.rule, clue.value))
            kept.append(clue)
    return kept


def _lower_bounds(
    cleaned: Cleaned,
    original: str = "",
    landmarks: Landmarks | None = None,
    *,
    event: DateMention | _Unread | None = UNREAD,
) -> list[Evidence]:
    """Dated events the text reports as past, in its body, its removed captions and landmarks."""
    clues: list[Evidence] = []
    if isinstance(event, _Unread):
        event = dates.latest_event(cleaned.text)
    if event is not None:
        offset = cleaned.offsets.to_original(event.start)
        clues.append(_clue("latest-event", event.value, event.text, offset))
    for removal in cleaned.removals if original else ():
        if "caption" not in removal.rule:
            continue
        found = dates.latest_event(original[removal.start : removal.end])
        if found is not None:
            offset = removal.start + found.start
            clues.append(_clue("latest-event-in-caption", found.value, found.text, offset))
    for mention in (landmarks or default_landmarks()).find(cleaned.text):
        offset = cleaned.offsets.to_original(mention.start)
        phrase = f"{mention.text} ({mention.landmark.name})"
        clues.append(_clue("landmark-event", mention.landmark.date, phrase, offset))
    return clues


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
