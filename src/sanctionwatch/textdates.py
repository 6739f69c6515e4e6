"""Date wording shared by ingest (publication dates) and extract (as-of dates of figures).

Both stages read spans such as "within 24 months" or "within the next two years": ingest to date
a document by the deadline it says is close, extract to date the figures that deadline bounds.
The wording lives here, in one module both may import, so the two readings cannot drift apart
(ingest may not import extract; extract imports no ingest module either).
"""

from __future__ import annotations

import json
import re
from typing import Any

IMMINENT_DEADLINE_RULE = "imminent-deadline"
"""Ingest's rule that dates a text by a deadline it says is close; the claims name it in notes."""
INFERRED_DATE_RULES = {
    "latest-event": "the latest event the text reports",
    "latest-event-in-caption": "the latest date in a photo caption",
    "landmark-event": "a dated landmark event the text mentions",
    "year-less-event": "a date the text gives without its year, placed near its other dates",
    "year-after-last-year": "a date the text places last year",
    "dateline-year-from-text": "a dateline without its year, the year from the text's events",
    IMMINENT_DEADLINE_RULE: "a deadline the text says is close",
}
"""How an analyst should read each of ingest's rules for an inferred publication date: the
claims quote it in the note of a figure dated by that date."""
DEADLINE_WORD = re.compile(r"\bdeadlines?\b", re.IGNORECASE)
"""The word both stages look for around a date that may be a deadline."""
EVENT_NAMES = r"world\s+cup|olympics?|winter\s+games|summer\s+games|asian\s+games|expo\b"
"""Pattern source of events a year names ("the 2018 World Cup", "World Cup 2022", "Expo 2020"):
such a year dates neither a page (ingest) nor a figure (claims)."""
EVENT_NAME_BEFORE = re.compile(rf"(?:{EVENT_NAMES})\s*$", re.IGNORECASE)
"""An event's name just before a year ("World Cup 2022")."""

MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip
"""English month names by number (index 0 is empty)."""
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES) if name}
MONTHS.update(MONTH_ABBREVIATIONS)
"""Month number by lower-case name or abbreviation: the one month table of both stages."""


def month_pattern(*, dot: str = r"\.?", group: str | None = "month") -> str:
    r"""Pattern source of a month's name, capitalised ("March", "Mar."): full names first, then
    abbreviations followed by ``dot`` (``r"\."`` where a bare "Mar" or "May" is too often a
    word), in group ``group`` (None: not captured). Compile with IGNORECASE for any case."""
    abbreviations = sorted(MONTH_ABBREVIATIONS, key=len, reverse=True)
    names = [*MONTH_NAMES[1:], *(f"{abbreviation.title()}{dot}" for abbreviation in abbreviations)]
    body = "|".join(names)
    return f"(?P<{group}>{body})" if group else f"(?:{body})"


def month_number(name: str) -> int:
    """The number of a month's name or abbreviation, any case, with or without its dot."""
    return MONTHS[name.lower().rstrip(".")]


SPAN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty-four": 24, "thirty-six": 36,
}  # fmt: skip
"""Number words a span of months or years is written with ("within eighteen months")."""

SPAN_COUNT = (
    "(?:" + "|".join(sorted(SPAN_NUMBERS, key=len, reverse=True)) + r"|\d{1,3}(?![\d,.]\d))"
)
"""Pattern source (no groups) of a span's count: a number word or up to three digits."""

WITHIN_SPAN_SOURCE = (
    rf"\bwithin\s+(?:the\s+next\s+)?(?P<count>{SPAN_COUNT})\s+(?P<unit>years?|months?)\b"
)
"""Pattern source of a deadline written as a span: "within 24 months", "within the next two
years" (groups ``count`` and ``unit``), for callers that embed it in a longer pattern."""
WITHIN_SPAN = re.compile(WITHIN_SPAN_SOURCE, re.IGNORECASE)


def span_count(raw: str) -> int | None:
    """The value of a span's count ("two" -> 2, "18" -> 18), None when it is not one."""
    folded = raw.strip().lower()
    if folded.isdigit():
        return int(folded)
    return SPAN_NUMBERS.get(folded)


def span_months(count: str, unit: str) -> int | None:
    """Months in a span ("two", "years" -> 24), None when the count is not a number."""
    value = span_count(count)
    if value is None:
        return None
    return value * 12 if unit.lower().startswith("year") else value


def read_date_evidence(raw: str | None) -> dict[str, Any]:
    """The JSON ingest stores in ``documents.date_evidence`` as a mapping; ``{}`` when there is
    none or it cannot be read (an edited row must not stop extraction or a listing)."""
    if not raw:
        return {}
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def date_method(raw: str | None) -> str | None:
    """The rule that set a stored document date ("user", "imminent-deadline", ...)."""
    method = read_date_evidence(raw).get("method")
    return str(method) if method else None
