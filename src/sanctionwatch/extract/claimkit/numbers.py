"""Find quantities in text: numerals in digits or words, money, percents, fractions, ranges.

This layer knows nothing about what is counted; it reads the *form* of a figure and its
qualifier ("nearly", "at least", "or more"). Clear rules for ambiguous forms:

* ``1,500`` is one thousand five hundred (a comma followed by exactly three digits groups
  thousands); ``1,5`` is read as a decimal comma (1.5), marked ``decimal_comma`` so that callers
  can lower their confidence.
* ``1.5 million`` is 1 500 000; ``$1 million`` is 1 000 000 USD; ``2 billion rubles`` is RUB.
* Vague magnitudes ("thousands of", "tens of thousands of") are returned with ``vague=True``.
* Day numbers next to month names, years, times, ordinals and identifiers (``KPe.038``,
  ``2017/1509``, ``G20``) and numbers after cue words such as "resolution", "page" or "aged"
  are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from sanctionwatch.extract.claimkit.currencies import default_currencies
from sanctionwatch.extract.claimkit.vocabulary import Vocabulary

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000, "mln": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000,
    "bln": 1_000_000_000, "tn": 1_000_000_000_000, "k": 1_000, "m": 1_000_000,
}  # fmt: skip
DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10,
}  # fmt: skip
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)

_WORD = "|".join(sorted([*UNITS, "hundred", "thousand", "million", "billion", "trillion",
                         "dozen"], key=len, reverse=True))  # fmt: skip
_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d{1,3}(?:[\u00a0\u202f]\d{3})+(?!\d)"
    r"|\d+(?:[.,]\d+)?(?!\d)"
)
# "$2.5m": a bare "m" is millions only glued to the digits (a spaced "5 m" may be metres).
_SCALE = r"(?:\s*-?\s*(?:hundred|thousand|million|billion|trillion|mln|bln|mn|bn|tn)\b|m\b)"
_WORD_SEQ = (
    rf"(?:an?\s+(?=(?:hundred|thousand|million|billion|dozen)\b))?"
    rf"(?:{_WORD})(?:(?:\s*-\s*|\s+|\s+and\s+)(?:{_WORD}))*\b"
)
_PERCENT = r"(?:\s*%|\s+percent\b|\s+per\s+cent\b|\s*-?\s*percentage\s+points?\b)"


@lru_cache(maxsize=1)
def quantity_pattern() -> re.Pattern[str]:
    """Numbers with their currency, percent and scale; currency forms come from the data file
    (``claimkit/currencies.py``: "US$ 500 million" reads as "US$500 million", "N$600 million"
    as NAD)."""
    currencies = default_currencies()
    return re.compile(
        rf"(?P<cur>{currencies.prefix_pattern()})?"
        rf"(?P<num>(?:{_DIGITS}){_SCALE}?(?:\s+(?:thousand|million|billion))?"
        rf"|half\s+an?\s+(?:million|billion|dozen)\b|\b{_WORD_SEQ})"
        rf"(?P<pct>{_PERCENT})?(?P<cursuf>{currencies.suffix_pattern()})?",
        re.IGNORECASE,
    )


FRACTION_RE = re.compile(
    r"\b(?:(?P<numerator>one|two|three|four|five|six|seven|eight|nine|a)[\s-]+)?"
    r"(?P<denominator>half|halves|thirds?|quarters?|fifths?|sixths?|eighths?|tenths?)"
    r"(?=\s+of\b)",
    re.IGNORECASE,
)
VAGUE_RE = re.compile(
    r"\b(?:(?:(?P<tens>tens|hundreds)\s+of\s+)?(?P<scale>dozens|hundreds|thousands|millions"
    r"|billions)(?=\s+of\b)|(?:several|a\s+few|few|many|some)\s+(?P<single>dozen|hundred|thousand"
    r"|million|billion)\b)",
    re.IGNORECASE,
)
MONTH_BEFORE_RE = re.compile(rf"\b(?:{MONTHS})\.?\s*$", re.IGNORECASE)
MONTH_AFTER_RE = re.compile(rf"^\s*(?:of\s+)?(?:{MONTHS})\b", re.IGNORECASE)
PHONE_RE = re.compile(
    r"(?:\+\d{1,3}[\s.-]?\(?\d{1,5}\)?(?:[\s.-]?\d{2,4}){2,4}"
    r"|\(\d{3,5}\)\s?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}"
    r"|\b(?:tel|phone|fax|telephone)\.?:?\s*\d[\d\s().-]{5,}\d)",
    re.IGNORECASE,
)
STREET_AFTER_RE = re.compile(
    r"^\s+(?:[A-Z][\w'’.-]*\s+){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Boulevard"
    r"|Prospekt|Prospect|Ulitsa|Square|Highway|Drive|Embankment|Naberezhnaya)\b"
)
STREET_BEFORE_RE = re.compile(
    r"\b(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Boulevard|Prospekt|Ulitsa|ul\.|"
    r"Square|Highway|Drive|building|bldg\.?|house|office)\s*,?\s*$",
    re.IGNORECASE,
)
RANGE_CONNECTOR_RE = re.compile(r"^\s*(?:-|–|—|to|and)\s*$", re.IGNORECASE)
VAGUE_VALUES = {"dozens": 12, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
                "billions": 1_000_000_000}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    """A figure found in text; ``start``/``end`` cover qualifier and figure (cleaned text)."""

    start: int
    end: int
    number_start: int
    number_end: int
    text: str
    value: float
    kind: str  # count | money | percent | ratio
    qualifier: str = "exact"
    currency: str | None = None
    low: float | None = None
    high: float | None = None
    scale: float = 1.0
    vague: bool = False
    decimal_comma: bool = False
    from_words: bool = False
    lone_one: bool = False
    """ "one individual" outside a list of counts: a figure only for measures that count one."""


def parse_digits(raw: str) -> tuple[float, bool]:
    """Value of a digit string; returns (value, read_as_decimal_comma)."""
    raw = raw.strip().replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return float(raw.replace(",", "")), False
    if "," in raw:
        return float(raw.replace(",", ".")), True
    return float(raw), False


def parse_words(raw: str) -> float | None:
    """Value of a number written in words ("thirty thousand", "a dozen", "half a million")."""
    words = [w for w in re.split(r"[\s-]+", raw.lower()) if w and w != "and"]
    if words[:1] == ["half"]:
        scale = SCALES.get(words[-1], 12 if words[-1] == "dozen" else 0)
        return scale / 2 if scale else None
    total, current = 0.0, 0.0
    for word in words:
        if word in ("a", "an"):
            current = 1
        elif word in UNITS:
            current += UNITS[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
        else:
            return None
    return total + current


def _split_scale(raw: str) -> tuple[str, float]:
    match = re.search(r"(?:\s*-?\s*)([A-Za-z]+)(?:\s+([A-Za-z]+))?$", raw)
    if not match or match.group(1).lower() not in SCALES:
        return raw, 1.0
    scale = SCALES[match.group(1).lower()]
    if match.group(2) and match.group(2).lower() in SCALES:
        scale *= SCALES[match.group(2).lower()]
    return raw[: match.start()], float(scale)


def _qualifier_before(text: str, start: int, vocabulary: Vocabulary) -> tuple[str, int]:
    window = text[max(0, start - 40) : start]
    folded = window.lower()
    best: tuple[int, str, int] = (0, "exact", start)
    for qualifier, phrases in vocabulary.qualifiers.items():
        for phrase in phrases:
            pattern = rf"(?:^|[^\w~])({re.escape(phrase)})\s*$"
            match = re.search(pattern, folded)
            if match and len(phrase) > best[0]:
                best = (len(phrase), qualifier, start - (len(window) - match.start(1)))
    return best[1], best[2]


def _qualifier_after(text: str, end: int, vocabulary: Vocabulary) -> tuple[str | None, int]:
    """ "300 or more" (the span grows) and "300 workers or more" (it does not)."""
    following = text[end : end + 48].lower()
    for qualifier, phrases in vocabulary.suffix_qualifiers.items():
        for phrase in phrases:
            if re.match(rf"\s*{re.escape(phrase)}(?!\w)", following):
                return qualifier, end + following.index(phrase) + len(phrase)
            if phrase[0].isalpha() and re.match(
                rf"(?:\s+[a-z][\w-]*){{1,3}}?\s+{re.escape(phrase)}(?!\w)", following
            ):
                return qualifier, end
    return None, end


def _previous_word(text: str, start: int) -> str:
    match = re.search(r"([\w./-]+)[\s(#№:]*$", text[max(0, start - 30) : start])
    return match.group(1).lower().rstrip(":") if match else ""


def _is_label(text: str, start: int, end: int, vocabulary: Vocabulary) -> bool:
    """True for numbers that name or locate something rather than count it."""
    before, after = text[start - 1 : start] if start else "", text[end : end + 1]
    if before.isalnum() or before in ("_",) or (after.isalpha() and after.lower() != "k"):
        return True  # G20, 22nd, 5G
    if before in "./#№:" and before and start >= 2 and text[start - 2].isalnum():
        return True  # KPe.038, 2017/1509, 10:30
    if after in "/:" and text[end + 1 : end + 2].isdigit():
        return True
    if text[start : start + 1] == "0" and text[start + 1 : start + 2].isdigit():
        return True  # 038, 000: codes, not counts
    previous = _previous_word(text, start)
    if previous in vocabulary.exclusion_before or previous.rstrip(".") in (
        vocabulary.exclusion_before
    ):
        return True
    if STREET_AFTER_RE.match(text[end : end + 60]) or STREET_BEFORE_RE.search(
        text[max(0, start - 20) : start]
    ):
        return True  # a house number
    following = text[end : end + 16].lower()
    return any(
        re.match(rf"\s*-?\s*{re.escape(cue)}(?!\w)", following)
        for cue in vocabulary.exclusion_after
    )


def _is_date_part(text: str, start: int, end: int, value: float, raw: str) -> bool:
    if MONTH_BEFORE_RE.search(text[max(0, start - 12) : start]) and value <= 2100:
        return True
    if MONTH_AFTER_RE.match(text[end : end + 14]) and value <= 31:
        return True
    return bool(re.fullmatch(r"\d{4}", raw) and 1800 <= value <= 2100)


def _counted_noun_follows(text: str, end: int, vocabulary: Vocabulary) -> bool:
    match = re.match(r"\s+([A-Za-z]+)", text[end : end + 30])
    if not match:
        return False
    word = match.group(1).lower()
    return word in vocabulary.counted or word.rstrip("s") in vocabulary.counted


_COUNT = r"(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# "two entities and one individual", "one individual and three entities": "one" is a count when
# it stands in a list of counts; alone ("one worker said") it is not a figure of interest.
_LISTED_BEFORE = re.compile(
    rf"\b{_COUNT}\s+[A-Za-z-]+(?:\s+[A-Za-z-]+)?\s*(?:,|,?\s+and)\s+$", re.I
)
_LISTED_AFTER = re.compile(rf"\s+[A-Za-z-]+\s*(?:,|,?\s+and)\s+{_COUNT}\s+[A-Za-z]", re.I)


def _one_in_a_list_of_counts(text: str, start: int, end: int, vocabulary: Vocabulary) -> bool:
    if not _counted_noun_follows(text, end, vocabulary):
        return False
    before = text[max(0, start - 50) : start]
    return bool(_LISTED_BEFORE.search(before) or _LISTED_AFTER.match(text, end, end + 50))


def _from_match(match: re.Match[str], text: str, vocabulary: Vocabulary) -> Quantity | None:
    raw_number = match.group("num")
    number_start, number_end = match.span("num")
    digits = bool(re.match(r"\d", raw_number))
    decimal_comma = lone_one = False
    if digits:
        core, scale = _split_scale(raw_number)
        if raw_number.lower().endswith("m") and not (match.group("cur") or match.group("cursuf")):
            return None  # "5m high": metres; only a sum is written "$5m"
        parsed, decimal_comma = parse_digits(core)
        value = parsed * scale
        plain = scale == 1 and not (
            match.group("cur") or match.group("pct") or match.group("cursuf")
        )
        if (
            plain
            and _is_date_part(text, number_start, number_end, parsed, core.strip())
            and not _counted_noun_follows(text, number_end, vocabulary)
        ):
            return None
    else:
        words_value = parse_words(raw_number)
        if raw_number.split()[0].lower() in ("hundred", "thousand", "million", "billion"):
            return None  # "thousand" alone is not a figure ("several thousand" is vague)
        one = raw_number.lower() == "one"
        listed = one and _one_in_a_list_of_counts(text, number_start, number_end, vocabulary)
        lone_one = one and not listed and _counted_noun_follows(text, number_end, vocabulary)
        if words_value is None or (
            words_value <= 1 and not match.group("pct") and not (listed or lone_one)
        ):
            return None
        value, scale = words_value, 1.0
        for word in re.split(r"[\s-]+", raw_number.lower()):
            scale = max(scale, float(SCALES.get(word, 1)))
    if _is_label(text, match.start(), match.end(), vocabulary):
        return None
    kind, currency = "count", None
    if match.group("pct"):
        kind = "percent"
    elif match.group("cur") or match.group("cursuf"):
        kind = "money"
        currencies = default_currencies()
        currency = (
            currencies.code_before(match.group("cur") or "")
            or currencies.code_after(match.group("cursuf") or "")
            or "USD"
        )
    qualifier, start = _qualifier_before(text, match.start(), vocabulary)
    suffix_qualifier, end = _qualifier_after(text, match.end(), vocabulary)
    return Quantity(
        start=start,
        end=end,
        number_start=number_start,
        number_end=number_end,
        text=text[start:end],
        value=value,
        kind=kind,
        qualifier=suffix_qualifier or qualifier,
        currency=currency,
        scale=scale,
        decimal_comma=decimal_comma,
        from_words=not digits,
        lone_one=lone_one,
    )


def _fractions(text: str, vocabulary: Vocabulary) -> list[Quantity]:
    found = []
    for match in FRACTION_RE.finditer(text):
        numerator_word = (match.group("numerator") or "").lower()
        denominator = match.group("denominator").lower()
        if not numerator_word and denominator not in ("half",):
            continue  # "the third of ..." is an ordinal
        numerator = 1 if numerator_word in ("", "a", "one") else UNITS[numerator_word]
        qualifier, start = _qualifier_before(text, match.start(), vocabulary)
        found.append(
            Quantity(
                start=start,
                end=match.end(),
                number_start=match.start(),
                number_end=match.end(),
                text=text[start : match.end()],
                value=round(numerator / DENOMINATORS[denominator], 4),
                kind="ratio",
                qualifier=qualifier,
                from_words=True,
            )
        )
    return found


def _vague(text: str) -> list[Quantity]:
    found = []
    for match in VAGUE_RE.finditer(text):
        scale_word = match.group("scale") or f"{match.group('single')}s"
        value = float(VAGUE_VALUES[scale_word.lower()])
        if match.group("tens"):
            value *= 10 if match.group("tens").lower() == "tens" else 100
        found.append(
            Quantity(
                start=match.start(),
                end=match.end(),
                number_start=match.start(),
                number_end=match.end(),
                text=match.group(0),
                value=value,
                kind="count",
                qualifier="at_least",
                vague=True,
                from_words=True,
            )
        )
    return found


def _merge_ranges(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """Join "between X and Y", "from X to Y", "X-Y" and "X to Y" into one ranged quantity."""
    merged: list[Quantity] = []
    for quantity in quantities:
        previous = merged[-1] if merged else None
        if previous is None or previous.vague or quantity.vague or previous.low is not None:
            merged.append(quantity)
            continue
        between = text[previous.end : quantity.start]
        connector = RANGE_CONNECTOR_RE.match(between)
        lead = text[max(0, previous.start - 9) : previous.start].lower()
        word = between.strip().lower()
        opens = ("between" in lead and word == "and") or ("from" in lead and word == "to")
        if not connector or not (opens or word in ("-", "–", "—", "to")):
            merged.append(quantity)
            continue
        if previous.kind != quantity.kind and previous.text[-1:].isalpha():
            # "a fee of 300 dollars to 40 workers": a sum with its currency word written out,
            # then a count; not one range.
            merged.append(quantity)
            continue
        low_value = previous.value
        if previous.scale == 1 and quantity.scale > 1 and previous.kind in ("count", "money"):
            low_value *= quantity.scale  # "20 to 30 million"
        kind = quantity.kind if quantity.kind != "count" else previous.kind
        merged[-1] = replace(
            previous,
            end=quantity.end,
            number_end=quantity.number_end,
            text=text[previous.start : quantity.end],
            value=low_value,
            low=low_value,
            high=quantity.value,
            kind=kind,
            currency=previous.currency or quantity.currency,
            qualifier="range",
        )
    return merged


def find_quantities(text: str, vocabulary: Vocabulary) -> list[Quantity]:
    """All quantities in ``text`` in order of appearance (ranges merged, labels dropped)."""
    phones = [match.span() for match in PHONE_RE.finditer(text)]
    found = [*_fractions(text, vocabulary), *_vague(text)]
    taken = [(q.number_start, q.number_end) for q in found]
    for match in quantity_pattern().finditer(text):
        if any(s < match.end("num") and match.start("num") < e for s, e in taken):
            continue
        quantity = _from_match(match, text, vocabulary)
        if quantity is not None:
            found.append(quantity)
    found = [
        q for q in found if not any(s <= q.number_start and q.number_end <= e for s, e in phones)
    ]
    found.sort(key=lambda quantity: quantity.start)
    return _drop_conversions(text, _merge_ranges(text, found))


CONVERSION_GAP = re.compile(
    r"\s*[(\[]\s*(?:about|around|approximately|roughly|some|~|c\.)?\s*$", re.I
)
"""Between a sum and the same sum in another currency in brackets: "$800 (£645)"."""


def _drop_conversions(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """ "$30bn (£24bn)", "$800 (about €740)": the bracketed sum restates the one before in
    another currency; it is not a figure of its own."""
    kept: list[Quantity] = []
    for quantity in quantities:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and previous.kind == quantity.kind == "money"
            and CONVERSION_GAP.fullmatch(text, previous.end, quantity.start)
        ):
            continue
        kept.append(quantity)
    return kept
