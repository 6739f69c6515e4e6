"""As-of dates counted from a page date known to its year only (review of the as-of work):
the edge of a month or a week never invents the month (texts written for these tests)."""

from __future__ import annotations

import pytest

from sanctionwatch.extract.claimkit.dates import DocumentDate, find_dates
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary


def _as_of(text: str, published: str) -> str | None:
    document = DocumentDate(published)
    (found,) = find_dates(
        text, document.reference, default_vocabulary(), published_precision=len(published)
    )
    return found.as_of


@pytest.mark.parametrize(
    ("text", "published", "as_of"),
    [
        ("crews left at the end of this month", "2021", "2021"),
        ("crews left at the beginning of last month", "2021", "2021"),
        ("crews left at the end of this month", "2021-05", "2021-05"),
        ("crews leave by the end of this year", "2021", "2021-12"),
        ("crews left at the start of last year", "2021", "2020-01"),
    ],
)
def test_the_edge_of_a_relative_period_is_no_finer_than_the_page_date(
    text: str, published: str, as_of: str
) -> None:
    assert _as_of(text, published) == as_of
