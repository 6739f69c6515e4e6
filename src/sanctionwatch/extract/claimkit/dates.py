"""Find date expressions in a sentence and resolve them to ISO (partial) dates.

Results are ISO strings at the precision the text gives: ``2018``, ``2019-10``, ``2022-06-28``.
Expressions without a year ("by October", "last year", "later this year", "June 28") are resolved
against the document's publication date: a month without a year is the latest such month not
after publication, unless the sentence looks ahead ("must leave by December 22": the next
such date). "A month before that" is resolved against the last date the text stated; "within 24
months" of a dated event ends 24 months after it, and a year-less date set beside it ("within 24
months, or by December 23") takes that end's year. Every expression keeps the rule that resolved
it and a note saying against what, so an analyst can check the as-of date of a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sanctionwatch.extract.claimkit.vocabulary import Vocabulary
from sanctionwatch.textdates import (
    DEADLINE_WORD,
    EVENT_NAME_BEFORE,
    EVENT_NAMES,
    MONTH_NAMES,
    SPAN_COUNT,
    WITHIN_SPAN_SOURCE,
    month_number,
    month_pattern,
    span_count,
)

_MONTH = month_pattern()
_YEAR = r"(?P<year>(?:1[89]|20)\d{2})(?!\d|,\d|%)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_EDGE = (
    r"(?:(?P<edge>(?:the\s+)?(?:end|beginning|start|middle)\s+of|early|late|mid)[\s-]+(?:in\s+)?)?"
)
_LEAD = (
    r"(?P<lead>\b(?:as\s+of|as\s+at|by|in|on|at|since|until|till|from|through|during|before"
    r"|after|of)\s+)?"
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The start of a span of dates ("between April 2017 and March 2023"): a month, not captured.
_MONTH_START = month_pattern(group=None)
# "December 22 this year", "in June last year": a year-less date tied to a relative year.
_OF_YEAR = r"(?P<ofyear>,?\s+(?:of\s+)?(?P<which>this|last|next)\s+year\b)?"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(_LEAD + _EDGE + body, re.IGNORECASE))
    for name, body in (
        (
            "span",
            rf"\b(?:between|from)\s+(?:{_MONTH_START}\s+)?(?:1[89]|20)\d{{2}}\s+"
            rf"(?:and|to|until|till|through)\s+(?:{_MONTH},?\s+)?"
            r"(?P<year>(?:1[89]|20)\d{2})(?!\d)",
        ),
        ("mdy", rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}"),
        ("dmy", rf"\b{_DAY}\s+{_MONTH}\s+{_YEAR}"),
        ("my", rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}"),
        ("md", rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d){_OF_YEAR}"),
        ("monthyear", rf"\b{_MONTH},?\s+(?:of\s+)?(?P<which>this|last|next)\s+year\b"),
        # "last November", "this March": a month named relative to the publication's month.
        (
            "monthrelative",
            rf"\b(?P<which>last|this|next|this\s+coming)\s+{_MONTH}(?![\w-])(?!,?\s+\d)",
        ),
        (
            "relative",
            r"\b(?P<rel>(?:later|earlier)\s+this\s+year|(?:last|this|next|the\s+previous"
            r"|the\s+following|the\s+past)\s+(?:year|month|week)|the\s+end\s+of\s+"
            r"(?:this|the)\s+year)\b",
        ),
        ("ago", r"\b(?P<count>\w+)\s+(?P<unit>years?|months?)\s+ago\b"),
        # "yesterday", "three days ago", "two weeks ago", "last weekend": days before the page.
        (
            "daysago",
            r"\b(?P<rel>(?:the\s+day\s+before\s+)?yesterday|last\s+weekend"
            rf"|(?P<count>{SPAN_COUNT})\s+(?P<unit>days?|weeks?)\s+ago)\b",
        ),
        (
            "shift",
            r"\b(?P<count>a|an|one|two|three|four|five|six|\d+)\s+(?P<unit>years?|months?"
            r"|weeks?)\s+(?P<dir>before\s+that|after\s+that|earlier|later)\b",
        ),
        (
            "within",
            rf"(?:{WITHIN_SPAN_SOURCE}"
            rf"|\b(?:a|the|its)\s+(?P<count2>{SPAN_COUNT})-(?P<unit2>year|month)\s+"
            r"(?:deadline|grace\s+period|window|time\s+limit))",
        ),
        ("deadline", r"\bthe\s+(?:(?:UN|U\.N\.|same|final|official|set)\s+)?deadline\b"),
        ("present", r"\b(?P<present>now|currently|today|at\s+present|presently|these\s+days)\b"),
        ("weekday", rf"\b(?P<weekday>{'|'.join(WEEKDAYS)})\b"),
        (
            "year",
            rf"(?<![\w$€£./-]){_YEAR}(?!\s*-?\s*(?:percent|per\s+cent|%|{EVENT_NAMES}))",
        ),
        ("month", rf"\b{_MONTH}(?![\w])"),
    )
)
_MONTH_HINT = r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_YEAR_HINT = r"(?:1[89]|20)\d\d"
HINTS: dict[str, tuple[re.Pattern[str], ...]] = {
    name: tuple(re.compile(hint, re.IGNORECASE) for hint in hints)
    for name, hints in {
        "span": (_YEAR_HINT,),
        "mdy": (_MONTH_HINT, _YEAR_HINT),
        "dmy": (_MONTH_HINT, _YEAR_HINT),
        "my": (_MONTH_HINT, _YEAR_HINT),
        "md": (_MONTH_HINT,),
        "monthyear": (_MONTH_HINT, r"\byear\b"),
        "monthrelative": (_MONTH_HINT, r"\b(?:last|this|next)\s"),
        "relative": (r"\b(?:year|month|week)\b",),
        "ago": (r"\bago\b",),
        "daysago": (r"\b(?:yesterday|weekend|ago)\b",),
        "shift": (r"\b(?:that|earlier|later)\b",),
        "within": (r"\bwithin\b|-(?:year|month)\s",),
        "deadline": (r"\bdeadline\b",),
        "present": (r"\b(?:now|currently|today|present|presently|days)\b",),
        "weekday": (r"day\b",),
        "year": (_YEAR_HINT,),
        "month": (_MONTH_HINT,),
    }.items()
}
"""Cheap searches a text must pass before a pattern (slow at every position) runs on it."""
LOOKING_AHEAD_LEADS = frozenset({"by", "until", "till", "before"})
# A year-less date set beside a deadline it restates: "within 24 months, or by December 23".
APPOSITION_GAP = re.compile(r"[\s,;(–—-]*(?:or|i\.e\.|that\s+is|namely)?[\s,(]*$", re.IGNORECASE)
EVENT_AFTER = re.compile(
    r"\s+(?:of|after|from|following)\s+(?:its|the|their|that|this|his|her)\b", re.IGNORECASE
)
"""After a span, words that point back to an event ("within 24 months of its adoption")."""
LOOKING_AHEAD_CHARS = 80
"""How far before "by <date>" a cue ("must", "required") makes the clause look ahead."""
DEADLINE_BEFORE_CHARS = 40
"""How far before a date "the deadline" may stand ("the deadline expires in December")."""
DEADLINE_AFTER_CHARS = 16
"""How far after a date "deadline" may follow ("the December 22, 2019 deadline")."""


@dataclass(frozen=True)
class DocumentDate:
    """When the document was published, at the precision known (``2017``, ``2017-09``, a day).

    ``inferred`` marks a date the ingest stage guessed (for example from the latest event the
    text mentions) rather than read from metadata or a dateline; ``note`` says how it was
    obtained (the clue ingest inferred it from, an imminent deadline); ``confidence`` is how far
    ingest trusts it (its rule's confidence, lowered when the text contradicts a given date).
    """

    iso: str
    inferred: bool = False
    note: str = ""
    confidence: float = 1.0

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

    def describe(self) -> str:
        """How an analyst should read this date as a reference ("publication date 2019-06")."""
        if self.note:
            return self.note
        return f"publication date {self.iso}" + (" (inferred)" if self.inferred else "")


@dataclass(frozen=True)
class DateExpression:
    """A date in the text: its span (cleaned text), ISO value and how it was obtained.

    ``rule`` names the resolution rule (``stated``, ``event``, ``relative``, ``month-latest``,
    ``month-next``, ``month-of-relative-year``, ``month-relative``, ``span-end``,
    ``deadline-apposition``, ``deadline``, ``ago``, ``days-ago``, ``shift``, ``present``,
    ``since``) and
    ``note`` says what it was resolved against; ``deadline`` marks a date the text sets as a
    deadline.
    """

    start: int
    end: int
    text: str
    as_of: str | None
    kind: str  # stated | relative-resolved | relative-inferred | document-date ("now")
    role: str  # at | as_of | since | until | deadline
    rule: str = "stated"
    note: str = ""
    deadline: bool = False


@dataclass(frozen=True)
class _Resolved:
    as_of: str | None
    kind: str
    rule: str
    note: str = ""
    against_publication: bool = False


@dataclass(frozen=True)
class _Context:
    """What one call of :func:`find_dates` resolves against."""

    text: str
    published: date | None
    reference_note: str
    anchor: str | None
    deadline: str | None
    looking_ahead: re.Pattern[str] | None
    deadline_passed: re.Pattern[str] | None = None
    precision: int = 10
    """Characters of the publication date known: 10 a day, 7 a month, 4 a year."""


def _latest(month: int, published: date | None) -> int | None:
    """Year of the latest ``month`` not after ``published``."""
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def _next_year(month: int, day: int, reference: str) -> int:
    """Year of the first ``month``/``day`` (day 0: the month) on or after ``reference``."""
    parts = [*(int(part) for part in reference.split("-")), 0, 0][:3]
    known_day = parts[2] if day else 0
    return parts[0] if (month, day) >= (parts[1] or 1, known_day) else parts[0] + 1


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


def _at_precision(iso: str, precision: int) -> str:
    """``iso`` no finer than the publication date it was counted from: "last week" of a page
    known to its month only is that month, never an invented day."""
    return iso[: max(4, min(len(iso), precision))]


def _relative(phrase: str, published: date | None, precision: int = 10) -> str | None:
    if published is None:
        return None
    found = _relative_day(phrase, published)
    if found is None or re.match(r"the\s+end\s+of", phrase, re.I):
        return found  # "the end of this year": the text gives the month
    return _at_precision(found, precision)


def _relative_day(phrase: str, published: date) -> str | None:
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


def _lead(match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", (match.group("lead") or "").strip().lower())


def _stated_before(found: list[DateExpression], start: int) -> DateExpression | None:
    """The last date the text itself states before ``start`` (not one resolved against
    publication), which a relative span or a forward-looking date counts from."""
    stated = [d for d in found if d.end <= start and d.kind == "stated" and d.as_of]
    return stated[-1] if stated else None


def _looks_ahead(match: re.Match[str], context: _Context) -> bool:
    """ "must leave by December 22", "by the December 22 deadline": the next such date."""
    after = context.text[match.end() : match.end() + DEADLINE_AFTER_CHARS]
    if DEADLINE_WORD.search(after):
        return True
    before = context.text[max(0, match.start() - DEADLINE_BEFORE_CHARS) : match.start()]
    passed = context.deadline_passed
    if DEADLINE_WORD.search(before) and not (passed is not None and passed.search(before)):
        return True  # "before the deadline expires in December", not "... passed in December"
    if _lead(match) not in LOOKING_AHEAD_LEADS or context.looking_ahead is None:
        return False
    window = max(0, match.start() - LOOKING_AHEAD_CHARS)
    return context.looking_ahead.search(context.text, window, match.start()) is not None


def _year_less(
    name: str, match: re.Match[str], context: _Context, found: list[DateExpression]
) -> _Resolved:
    groups = match.groupdict()
    month = month_number(groups["month"])
    day = int(groups["day"]) if name == "md" else 0
    label = MONTH_NAMES[month] + (f" {day}" if day else "")
    published = context.published
    if groups.get("which"):
        if published is None:
            return _Resolved(None, "relative-resolved", "month-of-relative-year")
        offset = {"last": -1, "this": 0, "next": 1}[groups["which"].lower()]
        year: int | None = published.year + offset
        which = groups["which"].lower()
        rule = "month-of-relative-year"
        note = f"{label} of {which} year, against the {context.reference_note}"
        against = True
    elif _looks_ahead(match, context):
        stated = _stated_before(found, match.start())
        reference = stated.as_of if stated and stated.as_of else None
        reference_note = f"“{stated.text.strip()}”" if stated else f"the {context.reference_note}"
        if reference is None and published is not None:
            reference = published.isoformat()
        year = _next_year(month, day, reference) if reference else None
        rule = "month-next"
        note = f"the next {label} on or after {reference_note} (the text looks ahead)"
        against = stated is None
    else:
        year = _latest(month, published)
        rule, note = "month-latest", f"the latest {label} not after the {context.reference_note}"
        against = True
    if year is None:
        return _Resolved(None, "relative-resolved", rule, note)
    iso = f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")
    return _Resolved(_edge(match, iso), "relative-resolved", rule, note, against)


def _month_relative(match: re.Match[str], context: _Context) -> _Resolved:
    """ "last November": the latest November before the publication's month; "this March": the
    March of its year; "next May": the first May after its month."""
    month = month_number(match.group("month"))
    which = " ".join(match.group("which").lower().split())
    published = context.published
    if published is None:
        return _Resolved(None, "relative-resolved", "month-relative")
    if which == "last":
        year = published.year if month < published.month else published.year - 1
    elif which == "this":
        year = published.year
    else:
        year = published.year if month > published.month else published.year + 1
    label = f"{which} {MONTH_NAMES[month]}"
    note = f"“{label}” against the {context.reference_note}"
    return _Resolved(f"{year}-{month:02d}", "relative-resolved", "month-relative", note, True)


def _reported_on(text: str, match: re.Match[str], cues: re.Pattern[str] | None) -> bool:
    """ "statistics released on Wednesday", "Russia said on Thursday": the day a source
    published or spoke, right after the verb that says so."""
    return (
        cues is not None
        and cues.search(text, max(0, match.start() - 40), match.start()) is not None
    )


def _weekday(match: re.Match[str], context: _Context) -> _Resolved:
    """ "The Treasury on Thursday designated ...": the day's action, on the latest such weekday
    not after publication when the publication day is known, else in its month (or year)."""
    published = context.published
    name = match.group("weekday").capitalize()
    if published is None:
        return _Resolved(None, "relative-resolved", "weekday")
    if context.precision < 10:
        iso = published.isoformat()[: context.precision]
        note = f"a {name} of the {context.reference_note} (its day is not known)"
        return _Resolved(iso, "relative-resolved", "weekday", note, True)
    back = (published.weekday() - WEEKDAYS.index(name)) % 7
    day = (published - timedelta(days=back)).isoformat()
    note = f"the latest {name} not after the {context.reference_note}"
    return _Resolved(day, "relative-resolved", "weekday", note, True)


def _days_back(match: re.Match[str], published: date) -> int | None:
    """How many days before ``published`` the phrase points to (None: not a count)."""
    phrase = re.sub(r"\s+", " ", match.group("rel").lower())
    if phrase.endswith("weekend"):
        since_saturday = (published.weekday() - 5) % 7
        return since_saturday if since_saturday >= 2 else since_saturday + 7
    if phrase.endswith("yesterday"):
        return 2 if phrase.startswith("the day before") else 1
    count = span_count(match.group("count"))
    if count is None:
        return None
    return count * 7 if match.group("unit").lower().startswith("week") else count


def _days_ago(match: re.Match[str], context: _Context) -> _Resolved:
    """ "yesterday", "three days ago", "last weekend" (its Saturday): days before publication,
    never finer than the publication date is known ("yesterday" on a page dated to its month
    only is that month)."""
    published = context.published
    back = _days_back(match, published) if published is not None else None
    if published is None or back is None:
        return _Resolved(None, "relative-resolved", "days-ago")
    value = _at_precision((published - timedelta(days=back)).isoformat(), context.precision)
    note = f"“{match.group('rel').strip()}” before the {context.reference_note}"
    if context.precision < 10:
        note += " (its day is not known)"
    return _Resolved(value, "relative-resolved", "days-ago", note, True)


def _within(match: re.Match[str], context: _Context, found: list[DateExpression]) -> _Resolved:
    """ "within 24 months" (or "a 24-month deadline") of the event the sentence dates, or of
    the last date stated before when it says so ("within 24 months of its adoption"), else of
    publication: the span's end."""
    count = span_count(match.group("count") or match.group("count2"))
    unit = (match.group("unit") or match.group("unit2")).lower().rstrip("s") + "s"
    months = (count or 0) * (12 if unit == "years" else 1)
    stated = _stated_before(found, match.start())
    if stated is not None and stated.as_of and count:
        note = f"{count} {unit} after {stated.as_of} (“{stated.text.strip()}”)"
        return _Resolved(_shift_months(stated.as_of, months), "relative-resolved", "span-end", note)
    if context.anchor and count and EVENT_AFTER.match(context.text, match.end()):
        note = f"{count} {unit} after {context.anchor}, the last date stated before"
        return _Resolved(
            _shift_months(context.anchor, months), "relative-resolved", "span-end", note
        )
    if context.published is None or not count:
        return _Resolved(None, "relative-resolved", "span-end")
    base = context.published.isoformat()[:7]
    note = f"{count} {unit} after the {context.reference_note}"
    value = _at_precision(_shift_months(base, months), context.precision)
    return _Resolved(value, "relative-resolved", "span-end", note, True)


def _resolve(
    name: str, match: re.Match[str], context: _Context, found: list[DateExpression]
) -> _Resolved:
    groups = match.groupdict()
    published = context.published
    if name == "present":
        return _Resolved(None, "document-date", "present", "present tense: the publication date")
    if name in ("mdy", "dmy"):
        iso = f"{groups['year']}-{month_number(groups['month']):02d}-{int(groups['day']):02d}"
        return _Resolved(iso, "stated", "stated")
    if name == "my":
        iso = _edge(match, f"{groups['year']}-{month_number(groups['month']):02d}")
        return _Resolved(iso, "stated", "stated")
    if name == "span" and groups.get("month"):
        # "between April 2017 and March 2023": the figure is as of the span's end
        return _Resolved(
            f"{groups['year']}-{month_number(groups['month']):02d}", "stated", "stated"
        )
    if name in ("year", "span"):
        return _Resolved(_edge(match, groups["year"]), "stated", "stated")  # a span: its end
    if name in ("md", "month", "monthyear"):
        return _year_less(name, match, context, found)
    if name == "monthrelative":
        return _month_relative(match, context)
    if name == "within":
        return _within(match, context, found)
    if name == "weekday":
        return _weekday(match, context)
    if name == "daysago":
        return _days_ago(match, context)
    if name == "deadline":
        note = f"the deadline the document sets ({context.deadline})" if context.deadline else ""
        return _Resolved(context.deadline or None, "relative-resolved", "deadline", note)
    if name == "relative":
        relative = _relative(groups["rel"], published, context.precision)
        note = f"“{groups['rel']}” against the {context.reference_note}"
        # "the end of this year" is its December; "the end of this month" of a page known to
        # its year only stays that year (its month is not known).
        in_years = groups["rel"].lower().endswith("year")
        value = _edge(match, relative) if relative and in_years else relative
        return _Resolved(value, "relative-resolved", "relative", note, True)
    count = span_count(groups["count"])
    if count is None:
        return _Resolved(None, "relative-resolved", name)
    months = count * 12 if groups["unit"].lower().startswith("year") else count
    if name == "ago":
        base = f"{published.year}-{published.month:02d}" if published else None
        note = f"{count} {groups['unit'].lower()} before the {context.reference_note}"
        value = _at_precision(_shift_months(base, -months), context.precision) if base else None
        return _Resolved(value, "relative-resolved", "ago", note, True)
    if context.anchor is None or groups["unit"].lower().startswith("week"):
        return _Resolved(None, "relative-resolved", "shift")
    sign = -1 if ("before" in groups["dir"].lower() or "earlier" in groups["dir"].lower()) else 1
    note = f"{count} {groups['unit'].lower()} from the last date stated ({context.anchor})"
    return _Resolved(_shift_months(context.anchor, sign * months), "relative-resolved", "shift",
                     note)  # fmt: skip


def _role(name: str, match: re.Match[str]) -> str:
    lead = _lead(match)
    if name == "within":
        return "deadline"
    if lead == "since" or lead == "from":
        return "since"
    if lead in ("until", "till", "before"):
        return "until"
    if lead in ("as of", "as at", "by"):
        return "as_of"
    return "at"


def _is_deadline(name: str, match: re.Match[str], context: _Context) -> bool:
    """A date the text sets as a deadline: "within 24 months", "a December 22 deadline",
    "were obliged to leave by December 22, 2019"."""
    if name in ("within", "deadline"):
        return True
    if name in ("present", "ago", "daysago", "shift", "relative", "span", "weekday"):
        return False
    after = context.text[match.end() : match.end() + DEADLINE_AFTER_CHARS]
    if DEADLINE_WORD.search(after):
        return True
    if DEADLINE_WORD.search(context.text, max(0, match.start() - 60), match.start()):
        return True  # "the deadline ... is December 22", "a deadline looms at the end of May"
    lead = _lead(match)
    window = max(0, match.start() - LOOKING_AHEAD_CHARS)
    return bool(
        lead in LOOKING_AHEAD_LEADS
        and context.looking_ahead is not None
        and context.looking_ahead.search(context.text, window, match.start())
    )


YEAR_LESS_RULES = ("month-latest", "month-next")
"""Rules of a year-less date, whose year a deadline it restates may correct."""


def _restate_deadlines(found: list[DateExpression], text: str) -> list[DateExpression]:
    """ "within 24 months, or by December 23": the year-less date takes the span's year."""
    result = list(found)
    for index in range(1, len(result)):
        span, current = result[index - 1], result[index]
        if span.rule != "span-end" or not span.as_of or current.rule not in YEAR_LESS_RULES:
            continue
        gap = text[span.end : current.start]
        lead_free = re.sub(r"^(?:by|on|in|until|till)\s+", "", current.text, flags=re.I)
        if not APPOSITION_GAP.fullmatch(gap) or not current.as_of or lead_free == current.text:
            continue
        month_day = current.as_of[4:]
        parts = [int(part) for part in span.as_of.split("-")]
        parts += [6, 15][len(parts) - 1 :]  # a year or a month known only: its middle
        target = date(parts[0], parts[1], parts[2])
        years = (target.year - 1, target.year, target.year + 1)
        year = min(years, key=lambda y: abs((date(y, int(month_day[1:3]), 1) - target).days))
        note = f"the year of the deadline it restates ({span.text.strip()} → {span.as_of})"
        result[index] = replace(
            current,
            as_of=f"{year}{month_day}",
            kind=span.kind,
            rule="deadline-apposition",
            note=note,
            deadline=True,
        )
    return result


def _start_event(text: str, start: int, end: int, vocabulary: Vocabulary) -> DateExpression:
    """ "since the ban": a start, not an as-of (with its year when it gives one)."""
    phrase = text[start:end]
    year = re.search(r"(?:1[89]|20)\d{2}", phrase)
    note = f"a start ({phrase.strip()}), not an as-of date"
    as_of = year.group(0) if year else None
    return DateExpression(start, end, phrase, as_of, "stated", "since", "since", note)


def find_dates(
    text: str,
    published: date | None,
    vocabulary: Vocabulary,
    anchor: str | None = None,
    *,
    published_inferred: bool = False,
    published_precision: int = 10,
    reference_note: str | None = None,
    deadline: str | None = None,
) -> list[DateExpression]:
    """Date expressions in ``text``, earliest first.

    "A month before that" is resolved against the last stated date before it (or ``anchor``).
    When ``published`` was only inferred (a lower bound), what was resolved against it is marked
    ``relative-inferred``: "last year" may then be a year too early. ``deadline`` is what "the
    deadline" means in this document (see :func:`document_deadline`); ``reference_note``
    describes ``published`` in the notes ("publication date 2019-06"); ``published_precision``
    says how much of it is known (10 characters: the day; 7: the month; 4: the year), which
    "on Thursday" needs.
    """
    context = _Context(
        text,
        published,
        reference_note or (f"publication date {published.isoformat()}" if published else "?"),
        anchor,
        deadline,
        vocabulary.looking_ahead,
        vocabulary.deadline_passed,
        published_precision,
    )
    matches: list[tuple[int, int, str, re.Match[str] | None, str | None]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e, *_ in matches)

    for event in vocabulary.events:
        for match in event.pattern.finditer(text):
            if not overlaps(match.start(), match.end()):
                matches.append((match.start(), match.end(), "event", None, event.as_of))
    if vocabulary.start_events is not None:
        for match in vocabulary.start_events.finditer(text):
            if not overlaps(match.start(), match.end()):
                matches.append((match.start(), match.end(), "since", None, None))
    for name, pattern in PATTERNS:
        if not all(hint.search(text) for hint in HINTS[name]):
            continue
        for match in pattern.finditer(text):
            if name == "month" and not (match.group("lead") or match.group("edge")):
                continue  # a bare month name may be a verb ("may", "march")
            if name == "month" and _lead(match) == "of":
                continue
            if name == "monthrelative" and not match.group("month")[0].isupper():
                continue  # "last may", "this march": verbs, not months
            if name == "year" and EVENT_NAME_BEFORE.search(
                text, max(0, match.start() - 20), match.start()
            ):
                continue  # "World Cup 2022": an event, not the figure's date
            if name == "deadline" and not deadline:
                continue  # no deadline known: the figure keeps its other dates
            if name == "weekday" and _reported_on(text, match, vocabulary.report_date_cues):
                continue  # "figures released on Monday": when the source spoke, not the figure
            if not overlaps(match.start(), match.end()):
                matches.append((match.start(), match.end(), name, match, None))
    matches.sort(key=lambda item: item[0])
    found: list[DateExpression] = []
    for start, end, name, found_match, event_as_of in matches:
        if found_match is None:
            if name == "since":
                found.append(_start_event(text, start, end, vocabulary))
                continue
            note = "a dated event in the vocabulary"
            found.append(DateExpression(start, end, text[start:end], event_as_of,
                                        "relative-resolved", "at", "event", note))  # fmt: skip
            continue
        context = replace(context, anchor=anchor)
        resolved = _resolve(name, found_match, context, found)
        kind = resolved.kind
        if published_inferred and resolved.as_of and resolved.against_publication:
            kind = "relative-inferred"
        found.append(
            DateExpression(
                start,
                end,
                text[start:end],
                resolved.as_of,
                kind,
                _role(name, found_match),
                resolved.rule,
                resolved.note,
                _is_deadline(name, found_match, context),
            )
        )
        if kind == "stated" and resolved.as_of:
            anchor = resolved.as_of
    return _restate_deadlines(found, text)


def shift_date(expression: DateExpression, offset: int) -> DateExpression:
    """The same expression with its span moved by ``offset`` (sentence -> document offsets)."""
    return replace(expression, start=expression.start + offset, end=expression.end + offset)
