"""The date wording ingest and extract share (``sanctionwatch.textdates``): one reading of
"within N months" for the publication date and for the as-of dates of figures."""

from __future__ import annotations

from datetime import date

import pytest

from sanctionwatch.extract.claimkit.dates import find_dates
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.ingest.dates import span_deadlines
from sanctionwatch.textdates import WITHIN_SPAN, span_count, span_months


@pytest.mark.parametrize(
    ("phrase", "months"),
    [
        ("within 24 months", 24),
        ("within eighteen months", 18),
        ("within the next two years", 24),
        ("within a year", 12),
        ("Within Six Months", 6),
        ("within thirty-six months", 36),
    ],
)
def test_a_span_is_read_in_digits_and_words(phrase: str, months: int) -> None:
    match = WITHIN_SPAN.search(f"Ports must comply {phrase} of the order.")
    assert match is not None
    assert span_months(match.group("count"), match.group("unit")) == months


def test_what_is_not_a_span() -> None:
    assert WITHIN_SPAN.search("within 24 hours") is None
    assert WITHIN_SPAN.search("within several months") is None
    assert span_count("several") is None
    assert span_months("many", "years") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "A rule adopted in March 2021 obliged every port to expel them within 18 months.",
        "A rule adopted in March 2021 obliged every port to expel them within eighteen months.",
    ],
)
def test_ingest_and_claims_end_the_same_span_at_the_same_month(sentence: str) -> None:
    (deadline,) = span_deadlines(sentence)
    as_of = [
        d.as_of
        for d in find_dates(sentence, date(2021, 6, 1), default_vocabulary())
        if d.rule == "span-end"
    ]
    assert deadline.value == "2022-09"
    assert as_of == ["2022-09"]
