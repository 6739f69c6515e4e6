"""Find date expressions in a sentence and resolve them to ISO (partial) dates.

Results are ISO strings at the precision the text gives: ``2018``, ``2019-10``, ``2022-06-28``.
Expressions without a year ("by October", "last year", "later this year", "June 28") are resolved
against the document's publication date: a month without a year is the latest such month not
after publication. "A month before that" is resolved against the last date the text stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sanctionwatch.extract.claimkit.vocabulary import Vocabulary

MONTH_NUMBERS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR = r"(?P<year>(?:1[89]|20)\d{2})(?!\d|,\d|%)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_EDGE = (
    r"(?:(?P<edge>(?:the\s+)?(?:end|beginning|start|middle)\s+of|early|late|mid)[\s-]+(?:in\s+)?)?"
)
_LEAD = (
    r"(?P<lead>\b(?:as\s+of|as\s+at|by|in|on|at|since|until|till|from|through|during|before"
    r"|after|of)\s+)?"
)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(_LEAD + _EDGE + body, re.IGNORECASE))
    for name, body in (
        (
            "span",
            r"\b(?:between|from)\s+(?:1[89]|20)\d{2}\s+(?:and|to|until)\s+"
            r"(?P<year>(?:1[89]|20)\d{2})(?!\d)",
        ),
        ("mdy", rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
        ("dmy", rf"\b{_DAY}\s+{_MONTH}\s+{_YEAR}"),
        ("my", rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}"),
        ("md", rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d)"),
        (
            "relative",
            r"\b(?P<rel>(?:later|earlier)\s+this\s+year|(?:last|this|next|the\s+previous"
            r"|the\s+following|the\s+past)\s+(?:year|month|week)|the\s+end\s+of\s+"
            r"(?:this|the)\s+year)\b",
        ),
        ("ago", r"\b(?P<count>\w+)\s+(?P<unit>years?|months?)\s+ago\b"),
        (
            "shift",
            r"\b(?P<count>a|an|one|two|three|four|five|six|\d+)\s+(?P<unit>years?|months?"
            r"|weeks?)\s+(?P<dir>before\s+that|after\s+that|earlier|later)\b",
        ),
        ("present", r"\b(?P<present>now|currently|today|at\s+present|presently|these\s+days)\b"),
        ("year", rf"(?<![\w$€£./-]){_YEAR}(?!\s*-?\s*(?:percent|per\s+cent|%))"),
        ("month", rf"\b{_MONTH}(?![\w])"),
    )
)
RELATIVE_TO_PUBLICATION = frozenset({"md", "month", "relative", "ago"})
"""Expressions resolved against the publication date (not against a stated one)."""
SMALL_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


@dataclass(frozen=True)
class DocumentDate:
    """When the document was published, at the precision known (``2017``, ``2017-09``, a day).

    ``inferred`` marks a date the ingest stage guessed (for example from the latest event the
    text mentions) rather than read from metadata or a dateline.
    """

    iso: str
    inferred: bool = False

    @classmethod
    def parse(cls, value: str | None, inferred: bool = False) -> DocumentDate | None:
        if not value:
            return None
        match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
        return cls(match.group(0), inferred) if match else None

    @property
    def reference(self) -> date:
        """A day to resolve relative dates against (the end of a year or month known only)."""
        parts = [int(part) for part in self.iso.split("-")]
        year, month = parts[0], parts[1] if len(parts) > 1 else 12
        day = parts[2] if len(parts) > 2 else 28
        return date(year, month, day)


@dataclass(frozen=True)
class DateExpression:
    """A date in the text: its span (cleaned text), ISO value and how it was obtained."""

    start: int
    end: int
    text: str
    as_of: str | None
    kind: str  # stated | relative-resolved | relative-inferred | document-date ("now")
    role: str  # at | as_of | since | until


def _month(raw: str) -> int:
    return MONTH_NUMBERS[raw.lower().rstrip(".")]


def _latest(month: int, published: date | None) -> int | None:
    """Year of the latest ``month`` not after ``published``."""
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def _shift_months(iso: str, months: int) -> str:
    parts = [int(part) for part in iso.split("-")]
    if len(parts) == 1:
        return str(parts[0] + months // 12)
    total = parts[0] * 12 + parts[1] - 1 + months
    shifted = f"{total // 12:04d}-{total % 12 + 1:02d}"
    return shifted if len(parts) == 2 else f"{shifted}-{min(parts[2], 28):02d}"


def _edge(match: re.Match[str], iso: str) -> str:
    edge = (match.group("edge") or "").lower()
    if "end" in edge and len(iso) == 4:
        return f"{iso}-12"
    if ("beginning" in edge or "start" in edge) and len(iso) == 4:
        return f"{iso}-01"
    return iso


def _relative(phrase: str, published: date | None) -> str | None:
    if published is None:
        return None
    phrase = re.sub(r"\s+", " ", phrase.lower())
    year = published.year
    if phrase.endswith("year"):
        if phrase.startswith("the end of"):
            return f"{year}-12"
        offset = -1 if ("last" in phrase or "previous" in phrase or "past" in phrase) else 0
        offset = 1 if ("next" in phrase or "following" in phrase) else offset
        return str(year + offset)
    if phrase.endswith("month"):
        offset = -1 if ("last" in phrase or "previous" in phrase or "past" in phrase) else 0
        offset = 1 if ("next" in phrase or "following" in phrase) else offset
        return _shift_months(f"{year}-{published.month:02d}", offset)
    days = -7 if ("last" in phrase or "previous" in phrase or "past" in phrase) else 0
    days = 7 if ("next" in phrase or "following" in phrase) else days
    return (published + timedelta(days=days)).isoformat()


def _resolve(
    name: str, match: re.Match[str], published: date | None, anchor: str | None
) -> tuple[str | None, str]:
    groups = match.groupdict()
    if name == "present":
        return None, "document-date"
    if name in ("mdy", "dmy"):
        iso = f"{groups['year']}-{_month(groups['month']):02d}-{int(groups['day']):02d}"
        return iso, "stated"
    if name == "my":
        return _edge(match, f"{groups['year']}-{_month(groups['month']):02d}"), "stated"
    if name in ("year", "span"):
        return _edge(match, groups["year"]), "stated"  # a span is as of its end
    if name in ("md", "month"):
        month = _month(groups["month"])
        year = _latest(month, published)
        if year is None:
            return None, "relative-resolved"
        day = f"-{int(groups['day']):02d}" if name == "md" else ""
        return f"{year}-{month:02d}{day}", "relative-resolved"
    if name == "relative":
        relative = _relative(groups["rel"], published)
        return (_edge(match, relative) if relative else None), "relative-resolved"
    count = SMALL_NUMBERS.get(groups["count"].lower()) or (
        int(groups["count"]) if groups["count"].isdigit() else None
    )
    if count is None:
        return None, "relative-resolved"
    months = count * 12 if groups["unit"].lower().startswith("year") else count
    if name == "ago":
        base = f"{published.year}-{published.month:02d}" if published else None
        return (_shift_months(base, -months) if base else None), "relative-resolved"
    if anchor is None or groups["unit"].lower().startswith("week"):
        return None, "relative-resolved"
    sign = -1 if ("before" in groups["dir"].lower() or "earlier" in groups["dir"].lower()) else 1
    return _shift_months(anchor, sign * months), "relative-resolved"


def _role(match: re.Match[str]) -> str:
    lead = re.sub(r"\s+", " ", (match.group("lead") or "").strip().lower())
    if lead == "since" or lead == "from":
        return "since"
    if lead in ("until", "till", "before"):
        return "until"
    if lead in ("as of", "as at", "by"):
        return "as_of"
    return "at"


def find_dates(
    text: str,
    published: date | None,
    vocabulary: Vocabulary,
    anchor: str | None = None,
    *,
    published_inferred: bool = False,
) -> list[DateExpression]:
    """Date expressions in ``text``, earliest first.

    "A month before that" is resolved against the last stated date before it (or ``anchor``).
    When ``published`` was only inferred (a lower bound), what was resolved against it is marked
    ``relative-inferred``: "last year" may then be a year too early.
    """
    matches: list[tuple[int, int, str, re.Match[str] | None, str | None]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, *_ in matches)

    for event in vocabulary.events:
        for match in event.pattern.finditer(text):
            if not overlaps(match.start(), match.end()):
                matches.append((match.start(), match.end(), "event", None, event.as_of))
    for name, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if name == "month" and not (match.group("lead") or match.group("edge")):
                continue  # a bare month name may be a verb ("may", "march")
            if name == "month" and (match.group("lead") or "").strip().lower() == "of":
                continue
            if not overlaps(match.start(), match.end()):
                matches.append((match.start(), match.end(), name, match, None))
    matches.sort(key=lambda item: item[0])
    found: list[DateExpression] = []
    for start, end, name, found_match, event_as_of in matches:
        if found_match is None:
            found.append(
                DateExpression(start, end, text[start:end], event_as_of, "relative-resolved", "at")
            )
            continue
        as_of, kind = _resolve(name, found_match, published, anchor)
        if published_inferred and as_of and name in RELATIVE_TO_PUBLICATION:
            kind = "relative-inferred"
        found.append(DateExpression(start, end, text[start:end], as_of, kind, _role(found_match)))
        if kind == "stated" and as_of:
            anchor = as_of
    return found


def shift_date(expression: DateExpression, offset: int) -> DateExpression:
    """The same expression with its span moved by ``offset`` (sentence -> document offsets)."""
    return replace(expression, start=expression.start + offset, end=expression.end + offset)
