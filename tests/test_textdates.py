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


@pytest.mark.parametrize(
    ("written", "month"),
    [("Sept. 3, 2019", 9), ("Sep 3, 2019", 9), ("September 3, 2019", 9), ("Jan. 3, 2019", 1)],
)
def test_both_stages_read_a_month_name_from_the_one_table(written: str, month: int) -> None:
    from sanctionwatch.ingest.dates import find_dates as page_dates
    from sanctionwatch.textdates import MONTHS, month_number

    sentence = f"The ship docked on {written} at the port."
    ingest_values = [mention.value for mention in page_dates(sentence)]
    claims = [d.as_of for d in find_dates(sentence, date(2021, 6, 1), default_vocabulary())]
    assert ingest_values == [f"2019-{month:02d}-03"] and claims == ingest_values
    assert month_number(written.split()[0]) == month and len(set(MONTHS.values())) == 12
