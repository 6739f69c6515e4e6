"""Days before the page ("yesterday", "three days ago", "last weekend"), never finer than the
page's date is known."""

from __future__ import annotations

from datetime import date

import pytest

from sanctionwatch.extract.claimkit.dates import find_dates
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary

FRIDAY = date(2021, 5, 14)


def _as_of(text: str, published: date | None, precision: int = 10) -> list[tuple[str, str | None]]:
    return [
        (found.rule, found.as_of)
        for found in find_dates(
            text, published, default_vocabulary(), published_precision=precision
        )
    ]


@pytest.mark.parametrize(
    ("sentence", "as_of"),
    [
        ("Guards counted 40 workers at the yard yesterday.", "2021-05-13"),
        ("The day before yesterday 12 crew were sent home.", "2021-05-12"),
        ("Three days ago the ship unloaded 900 tonnes of coal.", "2021-05-11"),
        ("Police detained 7 brokers 2 days ago.", "2021-05-12"),
        ("Two weeks ago the firm wired $40,000 to Dandong.", "2021-04-30"),
        ("Last weekend 15 labourers left the site.", "2021-05-08"),  # its Saturday
    ],
)
def test_days_before_the_page_date(sentence: str, as_of: str) -> None:
    assert ("days-ago", as_of) in _as_of(sentence, FRIDAY)


def test_last_weekend_read_on_a_monday_is_the_two_days_before() -> None:
    monday = date(2021, 5, 17)
    assert ("days-ago", "2021-05-15") in _as_of("Last weekend 15 labourers left.", monday)


@pytest.mark.parametrize(("precision", "as_of"), [(7, "2021-05"), (4, "2021")])
def test_never_finer_than_the_page_date(precision: int, as_of: str) -> None:
    found = _as_of("Guards counted 40 workers yesterday.", FRIDAY, precision)
    assert found == [("days-ago", as_of)]


def test_without_a_page_date_days_before_it_stay_unresolved() -> None:
    assert _as_of("Three days ago the ship unloaded 900 tonnes.", None) == [("days-ago", None)]
