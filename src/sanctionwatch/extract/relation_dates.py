"""Turn the date phrase attached to a relation into an FtM date (``2016``, ``2016-12``, ...).

Only what the phrase states is kept: "in December 2016" gives ``2016-12``, never a made-up
day. Relative phrases ("last year", "this month", "June 28", "on Tuesday", "yesterday") are
resolved against the document's publication date and dropped when the document has none. A
weekday is the last one on or before that date: news reports what was done that week.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b"),
    re.compile(rf"\b{_DAY}\s+{_MONTH}\b"),
    re.compile(rf"\b{_YEAR}\b"),
)
_RELATIVE = re.compile(r"\b(?P<which>last|this|next|previous|past)\s+(?P<unit>year|month)\b")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r")\b")
_DAYS_BACK = {"yesterday": 1, "today": 0}
_DAY_WORD = re.compile(r"\b(?P<word>" + "|".join(_DAYS_BACK) + r")\b")


def _format(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def _relative(text: str, published: date | None) -> str | None:
    match = _RELATIVE.search(text)
    if match is None or published is None:
        return None
    step = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1}[match["which"]]
    if match["unit"] == "year":
        return _format(published.year + step)
    month_index = published.year * 12 + published.month - 1 + step
    return _format(month_index // 12, month_index % 12 + 1)


def _day_of_week(text: str, published: date | None) -> str | None:
    """ "on Tuesday" -> the last Tuesday on or before ``published``; "yesterday" -> the day
    before it."""
    if published is None:
        return None
    if (match := _WEEKDAY.search(text)) is not None:
        back = (published.weekday() - WEEKDAYS.index(match["weekday"])) % 7
        return (published - timedelta(days=back)).isoformat()
    if (word := _DAY_WORD.search(text)) is not None:
        return (published - timedelta(days=_DAYS_BACK[word["word"]])).isoformat()
    return None


def resolve_date(text: str, published: date | None = None) -> str | None:
    """The most precise FtM date ``text`` states, or None when it states none."""
    lowered = text.lower()
    for pattern in _PATTERNS:
        match = pattern.search(lowered)
        if match is None:
            continue
        parts = match.groupdict()
        month = MONTHS[parts["month"]] if parts.get("month") else None
        day = int(parts["day"]) if parts.get("day") else None
        if parts.get("year"):
            return _format(int(parts["year"]), month, day)
        if published is None or month is None:
            return None
        return _format(published.year, month, day)
    return _relative(lowered, published) or _day_of_week(lowered, published)
