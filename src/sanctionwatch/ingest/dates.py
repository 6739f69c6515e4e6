"""Publication dates: declared by metadata or a dateline, or inferred from the text's events.

Dates are ISO strings of the precision the text supports: ``2019-02-03``, ``2019-02`` or
``2019``. A *given* date is one the document states as its own (HTML metadata, a dateline near
the top, a date in its URL); an *inferred* date is the latest event the text reports, which is a
lower bound on when it was written, never counting future-looking phrases ("by 2030").
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sanctionwatch.textdates import (
    DEADLINE_WORD,
    EVENT_NAMES,
    MONTHS,
    WITHIN_SPAN,
    month_number,
    month_pattern,
    span_months,
)

GIVEN = "given"
INFERRED = "inferred"
NONE = "none"

MONTH_NAME = month_pattern(dot="")
MONTH = MONTH_NAME + r"\b\.?"
WEEKDAY = (
    r"(?:(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thur|thurs|fri|sat"
    r"|sun)\.?,?\s+)?"
)
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?![\d,]\d)"
# "mid-2018", "early-2017": a part of a year is still that year (other hyphens join numbers).
PART_OF_YEAR = r"(?<=\bmid-)|(?<=\bearly-)|(?<=\blate-)"
# A year that names an event ("the 2018 World Cup", "World Cup 2018") does not date a report.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("day", re.compile(rf"\b{WEEKDAY}{MONTH}\s+{DAY},?\s+{YEAR}", re.I)),
    ("day", re.compile(rf"\b{WEEKDAY}{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR}", re.I)),
    ("day", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
    # European numeric dates, day first: "02.08.2018" (never month first with dots).
    (
        "day",
        re.compile(
            r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<mnum>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b(?!\.\d)"
        ),
    ),
    # "2024.03.12", "2024/03/12": year first, as East Asian outlets print a date (one separator).
    (
        "day",
        re.compile(
            r"(?<![\d./])\b(?P<year>(?:19|20)\d\d)(?P<sep>[./])(?P<mnum>[01]?\d)(?P=sep)"
            r"(?P<day>[0-3]?\d)\b(?![./]\d)"
        ),
    ),
    # "23/04/2021", "12/23/2021", "04/06/2022": day or month first (read in ``_slash_dates``).
    (
        "slash",
        re.compile(
            r"(?<![\d/.])(?P<first>[0-3]?\d)/(?P<second>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b"
            r"(?![/.]\d)"
        ),
    ),
    # "22-Dec-2017", as official document systems print a date.
    ("day", re.compile(rf"\b{DAY}-{MONTH}-{YEAR}", re.I)),
    ("month", re.compile(rf"\b{MONTH}\s+(?:of\s+)?{YEAR}", re.I)),
    (
        "year",
        re.compile(
            rf"(?:{PART_OF_YEAR}|(?<![$€£¥#№\d,.\-/]))\b{YEAR}\b"
            rf"(?!\s*(?:%|percent|km|miles|{EVENT_NAMES}))",
            re.I,
        ),
    ),
)
YEAR_HINT = re.compile(r"(?:1[89]|20)\d\d")
WINDOW_BEFORE_YEAR = 48
"""Longest date text before its year: "Wednesday, 22nd of September " with room to spare."""
WINDOW_AFTER_YEAR = 16
"""Enough to see what follows a year ("-02-03", " percent")."""
# Words that make a following year a number, a count or an identifier, not a date.
NOT_A_YEAR_BEFORE = re.compile(
    r"(?:resolution|resolutions|no\.|number|flight|article|paragraph|order|code|room|cup|"
    rf"{EVENT_NAMES}|route|page|pp?\.|section|unit|\$|us\$)\s*$",
    re.I,
)
# A sentence with these cues talks about deadlines, plans or forecasts, not events that happened.
FUTURE_CUES = re.compile(
    r"\b(will|would|shall|plans?\s+to|planned|expected\s+to|expects?|is\s+due|are\s+due|"
    r"deadline|aims?\s+to|intends?\s+to|scheduled|forecasts?|projected|next\s+year|"
    r"by\s+the\s+end\s+of)\b",
    re.I,
)
FUTURE_PREPOSITION = re.compile(r"\b(by|until|till|before|through|ahead\s+of)\s+(the\s+)?$", re.I)
# "from 2021 until October 2024": the end of a span that opened at a date, not a deadline.
SPAN_OPENED_BEFORE = re.compile(
    r"\b(?:from|between)\s+[^.;:!?]{0,30}?(?:1[89]|20)\d\d\s+(?:until|till|through)\s+$", re.I
)
SENTENCE_LOOKBACK = 600
"""How far back to look for the start of a sentence (longer ones are cut there)."""
# A break is end punctuation before space, or glued to the next sentence's capital or opening
# quote ("...in China.“Increasing", "...2013.Russia has"), as copied web text often is.
SENTENCE_BREAK = re.compile(r"[.!?]+[\"”’)\]]*(?=\s|$|[“\"‘]?[A-Z][a-z])|\n")
WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "no", "jr", "sr", "gen", "col", "lt", "gov", "sen", "rep",
     "inc", "corp", "co", "ltd", "vs", "etc", "approx", "est", "u", "s", "n"}
    | {month for month in MONTHS if len(month) <= 4}
)  # fmt: skip
DATELINE_HEAD_CHARS = 1500
DATELINE_MAX_LINE = 100
# A clock time beside a date on a date line: "10:45 AM ET", "06.00 GMT", "at 3:45 p.m. (EST)".
CLOCK = r"(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?"
# Words that label a page's own date: "Published:", "FOR IMMEDIATE RELEASE", "Date of issue".
DATE_LABEL = (
    r"(?:for\s+immediate\s+release|date\s+of\s+(?:publication|issue|release)|release\s+date"
    r"|publication\s+date|first\s+published|last\s+updated|published|posted|updated|released"
    r"|issued|dated|date)"
)
DATELINE_LEAD = re.compile(
    rf"^\s*(?:{CLOCK},\s*"
    rf"|{DATE_LABEL}\s*(?:on)?\s*:?\s*"
    rf"(?:{CLOCK},?\s*)?|by\s+[^|]{{3,80}}[|·•–—-]\s*"
    r"|[A-Z][\w'’.-]+(?:\s+[\w'’./-]+){1,3}\s*[|·•]\s*)?",
    re.I,
)
DATE_LINE_TAIL = re.compile(rf",?\s*{CLOCK}\s*(?:[|·•–—/-].{{0,40}})?", re.I)
"""What may follow a date on its own line besides a separator: its clock time."""
# "Date: 2017-10-05 In recent years ...": a date label opening a line dates the page even when
# the copied text runs on after it (the label word says what the date is).
LABELLED_DATE_LEAD = re.compile(rf"\s*{DATE_LABEL}(?:\s+on)?\s*:?\s*", re.I)
# "AFP (02.08.2018) - ...": an outlet's name with the date in brackets, then a dash.
WIRE_BRACKETED_LEAD = re.compile(r"\s*[A-Z][\w&.'’-]{1,30}(?:\s+[A-Z][\w&.'’-]*){0,3}\s*\(")
# "VLADIVOSTOK, Russia, ", "MOSCOW (Reuters), " or "SEOUL, South Korea — " before a date that
# opens the first paragraph.
PARAGRAPH_DATELINE = re.compile(
    r"^[A-Z][\w'’.-]+(?:[ -][A-Z][\w'’.-]+){0,3}(?:,[^,\n]{1,40})?(?:\s*\([^)\n]{1,40}\))?"
    r"(?:,|\s+[–—])\s*$"
)
URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d\d)[/-](?P<mnum>[01]?\d)(?:[/-](?P<day>[0-3]?\d))?(?=[/-]|$)"
)
# "/2019/story-slug": a year segment before a word (a weak clue: only the year, only alone).
URL_YEAR_SEGMENT = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?=[A-Za-z][\w-]*[A-Za-z])")
# "/2017/June/": a year and a month name as path segments.
URL_MONTH_NAME = re.compile(rf"/(?P<year>(?:19|20)\d\d)/{MONTH_NAME}(?=/|$)", re.I)
# "/20240217-169463", "item/20170828141734-q4eon", "AEN20200214002600325", "-09162024170815":
# a run of digits that opens with a compact date (a time or a serial number may follow).
URL_DIGIT_RUN = re.compile(r"(?<!\d)\d{8,17}(?!\d)")
URL_DIGIT_RUN_LENGTHS_MONTH_FIRST = (8, 14)
"""Runs read month (or day) first ("09162024" + "170815") only at these lengths: a date alone,
or a date and a clock time (hhmmss)."""
URL_DIGIT_RUN_TAILS_YEAR_FIRST = {0: "", 4: "clock", 6: "clock or serial", 9: "serial"}
"""What may follow a year-first date in a run, by its length: nothing (``20240217``), a clock
time hhmm (checked), hhmmss or a six-digit serial (``20180102000511``), or the nine-digit serial
of wire-agency ids (``AEN20200214002600325``). Any other length (``201905123``, a phone number
``2024061234``) is an id that merely opens like a date."""
PHONE_BEFORE = re.compile(r"(?:\+|\b(?:tel|phone|fax|mobile|call)\W{0,3})$", re.I)
"""A number dialled, not dated: ``tel:+20240612345``, ``phone=2024061234``."""


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date in a text: ISO value, its precision and where it is."""

    value: str
    precision: str
    start: int
    end: int
    text: str

    @property
    def sort_key(self) -> tuple[int, int, int]:
        year, month, day = [*(int(part) for part in self.value.split("-")), 0, 0][:3]
        return year, month, day


@dataclass(frozen=True, slots=True)
class Evidence:
    """One clue to the publication date: the rule that found it, its value and where it is.

    ``confidence`` is how far the rule is trusted (see ``RULE_CONFIDENCE``); ``offset`` is where
    ``phrase`` starts in the document's original text, when it is in the text.
    """

    rule: str
    value: str
    phrase: str = ""
    offset: int | None = None
    confidence: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "value": self.value,
            "phrase": self.phrase,
            "offset": self.offset,
            "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class DateFinding:
    """A publication date, how it was found (``method``) and the phrase that says so.

    ``value`` is ISO (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty when ``kind`` is ``none``);
    ``offset`` is where ``phrase`` starts in the document's original text, if it is in the text.
    ``candidates`` is every clue that was weighed (the chosen one first), and ``note`` says what
    an analyst should know (a given date that contradicts the text, a lower bound only).
    """

    value: str
    kind: str
    method: str
    phrase: str = ""
    offset: int | None = None
    confidence: float = 0.0
    candidates: tuple[Evidence, ...] = ()
    note: str = ""

    def evidence(self) -> str:
        """The JSON stored in ``documents.date_evidence``."""
        return json.dumps(
            {
                "method": self.method,
                "phrase": self.phrase,
                "offset": self.offset,
                "confidence": self.confidence,
                "note": self.note,
                "candidates": [candidate.to_dict() for candidate in self.candidates],
            },
            ensure_ascii=False,
        )


def find_dates(text: str) -> list[DateMention]:
    """Dates mentioned in ``text``, longest reading first where readings overlap, in order.

    Every form carries a year, so the patterns only run in windows around four-digit numbers
    that could be years: long texts with few dates cost almost nothing.
    """
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    mentions: list[DateMention] = []
    slashes: list[re.Match[str]] = []
    for window_start, window_end in _year_windows(text):
        for precision, pattern in PATTERNS:
            for match in pattern.finditer(text, window_start, window_end):
                start, end = match.span()
                index = bisect_left(taken_starts, end)
                if index and taken_ends[index - 1] > start:
                    continue  # overlaps a longer reading found earlier
                if precision == "year" and NOT_A_YEAR_BEFORE.search(
                    text, max(0, start - 20), start
                ):
                    continue
                taken_starts.insert(index, start)
                taken_ends.insert(index, end)
                if precision == "slash":
                    slashes.append(match)
                    continue
                value = _iso(match)
                if value is None:
                    continue  # "February 30, 2019": not a date, and not a bare year either
                mentions.append(DateMention(value, precision, start, end, match.group().strip()))
    mentions.extend(_slash_dates(slashes, {m.value for m in mentions if m.precision == "day"}))
    return sorted(mentions, key=lambda mention: mention.start)


def _slash_readings(match: re.Match[str]) -> tuple[date | None, date | None]:
    """A slash date read month first and day first (None where that reading is no date)."""
    year, first, second = (int(match.group(name)) for name in ("year", "first", "second"))
    return _safe_date(year, first, second), _safe_date(year, second, first)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _slash_dates(slashes: list[re.Match[str]], written_days: set[str]) -> Iterator[DateMention]:
    """Slash dates read where the order is sure: one reading only ("23/04/2021", "12/23/2021"),
    both alike ("05/05/2021"), the order the page's unambiguous slash dates use, or the reading
    a date the page writes out ("April 6, 2022") confirms; else the year only, never a guessed
    day (``04/06/2022`` is April 6 or 4 June)."""
    readings = [(match, *_slash_readings(match)) for match in slashes]
    month_first = any(mdy and not dmy for _match, mdy, dmy in readings)
    day_first = any(dmy and not mdy for _match, mdy, dmy in readings)
    for match, mdy, dmy in readings:
        text = match.group().strip()
        if mdy is None and dmy is None:
            continue
        sure = _sure_reading(mdy, dmy, month_first, day_first, written_days)
        if sure is not None:
            yield DateMention(sure.isoformat(), "day", match.start(), match.end(), text)
        else:
            yield DateMention(match.group("year"), "year", match.start(), match.end(), text)


def _sure_reading(
    mdy: date | None, dmy: date | None, month_first: bool, day_first: bool, written: set[str]
) -> date | None:
    if mdy is None or dmy is None or mdy == dmy:
        return mdy or dmy
    if month_first != day_first:
        return mdy if month_first else dmy
    confirmed = [found for found in (mdy, dmy) if found.isoformat() in written]
    return confirmed[0] if len(confirmed) == 1 else None


def _year_windows(text: str) -> Iterator[tuple[int, int]]:
    """Merged spans around every possible year, wide enough for the longest date form."""
    current: tuple[int, int] | None = None
    for match in YEAR_HINT.finditer(text):
        start = max(0, match.start() - WINDOW_BEFORE_YEAR)
        end = min(len(text), match.end() + WINDOW_AFTER_YEAR)
        if current is not None and start <= current[1]:
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def _iso(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    year = int(groups["year"])
    month_name = groups.get("month")
    month = month_number(month_name) if month_name else _int(groups.get("mnum"))
    day = _int(groups.get("day"))
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def normalise_date(value: str) -> str | None:
    """An ISO (partial) date from a metadata value such as ``2019-02-03T10:00:00Z``."""
    match = re.match(r"\s*((?:19|20)\d\d)(?:-([01]\d)(?:-([0-3]\d))?)?", value)
    if match:
        year, month, day = match.groups()
        parts = [year] + [part for part in (month, day) if part]
        return "-".join(parts)
    mentions = [m for m in find_dates(value) if m.precision != "year"]
    return mentions[0].value if mentions else None


def find_dateline(text: str, *, today: date | None = None) -> DateMention | None:
    """A full date the document gives as its own near its top (a dateline or date line).

    A "Published ..." line wins over an "Updated ..." line whichever comes first. A date after
    ``today`` is never the page's own ("Date: 15 May 2029" announces a meeting)."""
    found = _datelines_until(text, today)
    for mention, line_lead in found:
        if not _is_update(line_lead):
            return mention
    return found[0][0] if found else None


def find_updated_line(text: str, *, today: date | None = None) -> DateMention | None:
    """The date of a "Last updated ..." line near the top (evidence beside the page's own date:
    "Last updated: 5 March 2020 | First published: 1 March 2019")."""
    found = _datelines_until(text, today)
    return next((mention for mention, lead in found if _is_update(lead)), None)


def date_label_before(text: str, position: int) -> str:
    """The words before a date in its part of its line ("Last updated: ", "First published: "):
    the text since the line's start or the last ``|``, ``·`` or ``•`` before ``position``."""
    line_start = text.rfind("\n", 0, position) + 1
    return text[_segment_start(text, line_start, position) : position]


def _is_update(lead: str) -> bool:
    return "updated" in lead.lower()


def _datelines_until(text: str, today: date | None) -> list[tuple[DateMention, str]]:
    limit = (today or date.today()).isoformat()
    return [
        (mention, lead)
        for mention, lead in _datelines(text[:DATELINE_HEAD_CHARS])
        if mention.value <= limit
    ]


def _segment_start(text: str, line_start: int, position: int) -> int:
    """Where the part of a line that holds ``position`` starts: after the last separator."""
    found = (text.rfind(separator, line_start, position) + 1 for separator in "|·•")
    return max(line_start, *found)


def _datelines(head: str) -> Iterator[tuple[DateMention, str]]:
    for mention in find_dates(head):
        if mention.precision != "day":
            continue
        line_start = head.rfind("\n", 0, mention.start) + 1
        line_end = head.find("\n", mention.end)
        line_end = len(head) if line_end == -1 else line_end
        line = head[line_start:line_end]
        before = head[line_start : mention.start]
        after = head[mention.end : line_end].strip()
        own_line = len(line.strip()) <= DATELINE_MAX_LINE and DATELINE_LEAD.fullmatch(before)
        alone = own_line and (
            not after
            or re.fullmatch(r"[|·•–—:,/-].{0,60}", after)
            or DATE_LINE_TAIL.fullmatch(after)
        )
        wire = PARAGRAPH_DATELINE.match(before) and re.match(
            r"\s*(?:\([^)\n]{1,40}\)\s*)?[–—:-]", after
        )
        labelled = LABELLED_DATE_LEAD.fullmatch(before) is not None
        bracketed = WIRE_BRACKETED_LEAD.fullmatch(before) and re.match(r"\)\s*[–—:-]", after)
        if alone or wire or labelled or bracketed:
            yield mention, before
        elif len(line.strip()) <= DATELINE_MAX_LINE and _second_labelled_date(head, mention, after):
            yield mention, head[_segment_start(head, line_start, mention.start) : mention.start]


def _second_labelled_date(head: str, mention: DateMention, after: str) -> bool:
    """ "Last updated: 5 March 2020 | First published: 1 March 2019": a labelled date after a
    separator on a date line, alone in its part of the line."""
    line_start = head.rfind("\n", 0, mention.start) + 1
    segment_start = _segment_start(head, line_start, mention.start)
    if segment_start <= line_start:
        return False
    label = LABELLED_DATE_LEAD.fullmatch(head, segment_start, mention.start)
    tail_alone = (
        not after or re.fullmatch(r"[|·•].{0,60}", after) or DATE_LINE_TAIL.fullmatch(after)
    )
    return label is not None and bool(tail_alone)


def date_from_url(url: str | None) -> DateMention | None:
    """A date in a URL path such as ``/2017/09/``, ``/2019/02/03/`` or ``/2017/June/``."""
    if not url:
        return None
    for pattern in (URL_DATE, URL_MONTH_NAME):
        match = pattern.search(url)
        value = _iso(match) if match is not None else None
        if match is not None and value is not None:
            precision = "day" if match.groupdict().get("day") else "month"
            return DateMention(value, precision, match.start(), match.end(), match.group())
    return None


def year_from_url(url: str | None, *, today: date | None = None) -> DateMention | None:
    """The year of a path segment before a slug (``/2019/story-slug``), never the host's, never
    after ``today``: a weak clue, for when the page gives nothing better."""
    if not url:
        return None
    match = URL_YEAR_SEGMENT.search(url, _host_end(url))
    if match is None or int(match.group("year")) > (today or date.today()).year:
        return None
    year = match.group("year")
    return DateMention(year, "year", match.start(), match.end(), match.group())


def compact_date_from_url(url: str | None, *, today: date | None = None) -> DateMention | None:
    """A date written as digits run together in a URL's path or query: ``20240217`` (year
    first), or ``09162024`` month first when no other order reads as a date (then only the
    year when day and month could be swapped). Never a date after ``today``, never the host."""
    if not url:
        return None
    limit = today or date.today()
    for match in URL_DIGIT_RUN.finditer(url, _host_end(url)):
        if PHONE_BEFORE.search(url, max(0, match.start() - 10), match.start()):
            continue
        value = _compact_date(match.group(), limit)
        if value is not None:
            precision = {4: "year", 7: "month"}.get(len(value), "day")
            return DateMention(value, precision, match.start(), match.end(), match.group())
    return None


def _host_end(url: str) -> int:
    """Where the host (and port, user) of ``url`` ends: its path, query or fragment begins."""
    if "//" not in url:
        return 0
    after_scheme = url.find("//") + 2
    ends = [found for found in (url.find(c, after_scheme) for c in "/?#") if found != -1]
    return min(ends, default=len(url))


def _compact_date(digits: str, today: date) -> str | None:
    if _year_first_layout(digits):
        year_first = _checked(digits[0:4], digits[4:6], digits[6:8], today)
        if year_first is not None:
            return year_first.isoformat()
    if len(digits) not in URL_DIGIT_RUN_LENGTHS_MONTH_FIRST:
        return None
    month_first = _checked(digits[4:8], digits[0:2], digits[2:4], today)
    day_first = _checked(digits[4:8], digits[2:4], digits[0:2], today)
    if month_first is not None and day_first is not None and month_first != day_first:
        return digits[4:8]  # 05012024: May 1 or 5 January, the year is sure
    found = month_first or day_first
    return found.isoformat() if found is not None else None


def _year_first_layout(digits: str) -> bool:
    """Whether a run is a year-first date plus one of the tails it may carry (a clock time is
    checked: ``202405121234`` is noon-ish, ``201905123456`` is not a time)."""
    tail = digits[8:]
    if len(tail) not in URL_DIGIT_RUN_TAILS_YEAR_FIRST:
        return False
    if len(tail) == 4:
        return int(tail[:2]) < 24 and int(tail[2:]) < 60
    return True


def _checked(year: str, month: str, day: str, today: date) -> date | None:
    """The date, when it is one between 1990 and ``today``."""
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if date(1990, 1, 1) <= found <= today else None


def latest_event(text: str, *, today: date | None = None) -> DateMention | None:
    """The latest date the text reports as past, skipping plans, deadlines and forecasts."""
    limit = (today or date.today()).isoformat()
    future: dict[int, bool] = {}
    best: DateMention | None = None
    for mention in find_dates(text):
        if mention.value[: len(limit)] > limit[: len(mention.value)]:
            continue
        if best is not None and mention.sort_key <= best.sort_key:
            continue
        start, end = sentence_around(text, mention.start)
        if start not in future:
            future[start] = FUTURE_CUES.search(text, start, end) is not None
        if future[start] or _looks_ahead(text, start, mention.start):
            continue
        best = mention
    return best


def _looks_ahead(text: str, sentence_start: int, position: int) -> bool:
    """ "until October 2024" looks ahead, unless it closes a span ("from 2021 until ...")."""
    if not FUTURE_PREPOSITION.search(text, sentence_start, position):
        return False
    return not SPAN_OPENED_BEFORE.search(text, max(sentence_start, position - 60), position)


def sentence_around(text: str, position: int) -> tuple[int, int]:
    """The span of the sentence containing ``position``.

    A sentence ends at a newline or at ``.``, ``!`` or ``?`` (plus closing quotes) followed by
    space; a period after an abbreviation ("Jan.", "Corp.", "U.S.") is not an end.
    """
    start = 0
    for match in SENTENCE_BREAK.finditer(text, max(0, position - SENTENCE_LOOKBACK), position):
        if _is_break(text, match):
            start = match.end()
    end = len(text)
    for match in SENTENCE_BREAK.finditer(text, position):
        if _is_break(text, match):
            end = match.end()
            break
    return start, end


def _is_break(text: str, match: re.Match[str]) -> bool:
    if match.group() == "\n" or not match.group().startswith("."):
        return True
    word = WORD_BEFORE.search(text, max(0, match.start() - 12), match.start())
    return word is None or word.group(1).lower() not in ABBREVIATIONS


# Year-less dates ("on June 28", "early in January"): month names must be capitalised here,
# since without a year "may" and "march" are far more often words than months.
CAPITAL_MONTH = month_pattern(dot=r"\.")
NO_YEAR_AFTER = r"(?!\s*,?\s*(?:of\s+)?\d)"
YEARLESS_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("day", re.compile(rf"\b{CAPITAL_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b{NO_YEAR_AFTER}")),
    (
        "month",
        re.compile(
            r"\b(?:[Ii]n|[Ss]ince|[Ll]ast|[Ee]arly\s+in|[Ll]ate\s+in|(?:in\s+)?(?:early|late|mid)-?)"
            rf"\s*{CAPITAL_MONTH}(?![\w-]){NO_YEAR_AFTER}"
        ),
    ),
)
RELATIVE_YEAR_AFTER = re.compile(r"\s*,?\s*(?:this|last|next|of\s+this|of\s+last)\s+year\b", re.I)
NEXT_BEFORE = re.compile(r"\b(?:next|this\s+coming|coming)\s+$", re.I)


@dataclass(frozen=True, slots=True)
class YearlessMention:
    """A date the text gives without its year ("July 19", "in January"): ``day`` 0 for a month."""

    month: int
    day: int
    start: int
    end: int
    text: str

    def resolve_after(self, bound: tuple[int, int, int]) -> str:
        """The first such date on or after ``bound`` (year, month, day; 0 = not known)."""
        known_day = bound[2] if self.day else 0  # "in February" is not before February 24
        year = bound[0] if (self.month, self.day) >= (bound[1], known_day) else bound[0] + 1
        if self.day == 0:
            return f"{year:04d}-{self.month:02d}"
        try:
            return date(year, self.month, self.day).isoformat()
        except ValueError:  # February 29 in a common year
            return f"{year:04d}-{self.month:02d}"

    def resolve_near(self, bound: tuple[int, int, int]) -> str:
        """The such date nearest to ``bound`` (a month known, its day 0 = not known): a text
        written soon after the latest event it dates reports a year-less date near it, so
        "Jan. 11" beside "February 17, 2024" is January 2024, not January 2025."""
        target = date(bound[0], bound[1] or 7, bound[2] or 15)
        years = (bound[0] - 1, bound[0], bound[0] + 1)
        year = min(years, key=lambda y: (abs((self._day_in(y) - target).days), -y))
        return self.resolve_after((year, 1, 0))

    def _day_in(self, year: int) -> date:
        try:
            return date(year, self.month, self.day or 15)
        except ValueError:  # February 29 in a common year
            return date(year, self.month, 28)


def yearless_past_events(text: str) -> list[YearlessMention]:
    """Year-less dates the text reports as past, in order.

    Skipped: plans and deadlines (as :func:`latest_event` skips them), dates tied to a relative
    year ("December 22 this year", "next March"), and dates after a year stated earlier in the
    same sentence, whose year is more likely that one than the publication's.
    """
    found: dict[int, YearlessMention] = {}
    sentences: dict[int, bool] = {}
    for _precision, pattern in YEARLESS_PATTERNS:
        for match in pattern.finditer(text):
            if match.start("month") in found or _tied_to_relative_year(text, match):
                continue
            start, end = sentence_around(text, match.start("month"))
            if start not in sentences:
                sentences[start] = _is_past_without_year(text, start, end)
            if not sentences[start] or FUTURE_PREPOSITION.search(text, start, match.start()):
                continue
            if find_dates(text[start : match.start()]):
                continue  # "In May 2017 ... and on June 3": that year, most likely
            month = month_number(match.group("month"))
            day = int(match.groupdict().get("day") or 0)
            if not 0 <= day <= 31:
                continue
            found[match.start("month")] = YearlessMention(
                month, day, match.start(), match.end(), match.group().strip()
            )
    return [found[key] for key in sorted(found)]


LAST_YEAR_AFTER = re.compile(r"\s*,?\s*(?:of\s+)?last\s+year\b", re.I)


def yearless_last_year(text: str) -> list[YearlessMention]:
    """Year-less dates the text places in the year before its own ("by Dec. 22 last year",
    "in November last year").

    Whatever the sentence says of them (deadlines included), the writer dates them to the
    previous year, so such a date placed in year Y dates the text to year Y + 1.
    """
    found: dict[int, YearlessMention] = {}
    for _precision, pattern in YEARLESS_PATTERNS:
        for match in pattern.finditer(text):
            if match.start("month") in found or not LAST_YEAR_AFTER.match(text, match.end()):
                continue
            month = month_number(match.group("month"))
            day = int(match.groupdict().get("day") or 0)
            if 0 <= day <= 31:
                found[match.start("month")] = YearlessMention(
                    month, day, match.start(), match.end(), match.group().strip()
                )
    return [found[key] for key in sorted(found)]


def _tied_to_relative_year(text: str, match: re.Match[str]) -> bool:
    if RELATIVE_YEAR_AFTER.match(text, match.end()):
        return True
    return NEXT_BEFORE.search(text, max(0, match.start() - 20), match.start()) is not None


def _is_past_without_year(text: str, start: int, end: int) -> bool:
    return FUTURE_CUES.search(text, start, end) is None


def date_key(value: str) -> tuple[int, int, int]:
    """``2019-03`` -> (2019, 3, 0): sortable, with 0 for parts not known."""
    year, month, day = ([int(part) for part in value.split("-")] + [0, 0])[:3]
    return year, month, day


DATELINE_AFTER = re.compile(r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[–—:-]|$)")


def find_yearless_dateline(text: str) -> YearlessMention | None:
    """A year-less date the document gives as its own at its top: a "Published July 19" line or
    a wire dateline ("MOSCOW, July 19 (Reuters) -")."""
    head = text[:DATELINE_HEAD_CHARS]
    pattern = YEARLESS_PATTERNS[0][1]
    for match in pattern.finditer(head):
        line_start = head.rfind("\n", 0, match.start()) + 1
        line_end = head.find("\n", match.end())
        line_end = len(head) if line_end == -1 else line_end
        before = head[line_start : match.start()]
        short_line = line_end - line_start <= DATELINE_MAX_LINE
        own_line = short_line and DATELINE_LEAD.fullmatch(before) and before.strip()
        wire = PARAGRAPH_DATELINE.match(before) and DATELINE_AFTER.match(head, match.end())
        if (own_line and not head[match.end() : line_end].strip()) or wire:
            month = month_number(match.group("month"))
            return YearlessMention(
                month, int(match.group("day")), match.start(), match.end(), match.group()
            )
    return None


@dataclass(frozen=True, slots=True)
class SpanDeadline:
    """ "adopted in December 2017 ... within 24 months": the month the span ends (ISO)."""

    value: str
    start: int
    text: str


def span_deadlines(text: str) -> list[SpanDeadline]:
    """Deadlines set as a span from a dated event in the same sentence, in order."""
    found = []
    for match in WITHIN_SPAN.finditer(text):
        start, _end = sentence_around(text, match.start())
        before = [m for m in find_dates(text[start : match.start()]) if m.precision != "year"]
        if not before:
            continue  # "within 24 months" of an undated event sets no date
        months = span_months(match.group("count"), match.group("unit"))
        if not months:
            continue
        year, month, _day = date_key(before[-1].value)
        total = year * 12 + month - 1 + months
        value = f"{total // 12:04d}-{total % 12 + 1:02d}"
        found.append(SpanDeadline(value, match.start(), match.group()))
    return found


def imminent_deadline(text: str, cues: re.Pattern[str] | None) -> SpanDeadline | None:
    """The latest span deadline, when a sentence about the deadline says it is close or
    unlikely to be met (``cues``): a text written shortly before it."""
    if cues is None:
        return None
    deadlines = span_deadlines(text)
    if not deadlines:
        return None
    for match in DEADLINE_WORD.finditer(text):
        start, end = sentence_around(text, match.start())
        if cues.search(text, start, end):
            return max(deadlines, key=lambda deadline: deadline.value)
    return None
