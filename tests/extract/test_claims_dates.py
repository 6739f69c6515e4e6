"""Resolving the dates that figures refer to, against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from sanctionwatch.extract.claimkit.dates import DocumentDate, find_dates
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary

PUBLISHED = date(2021, 5, 14)


def resolve(text: str, published: date | None = PUBLISHED, anchor: str | None = None) -> list:
    return [
        (d.text, d.as_of, d.kind, d.role)
        for d in find_dates(text, published, default_vocabulary(), anchor)
    ]


@pytest.mark.parametrize(
    ("text", "as_of", "kind"),
    [
        ("the tally last year", "2020", "relative-resolved"),
        ("later this year", "2021", "relative-resolved"),
        ("by the end of this year", "2021-12", "relative-resolved"),
        ("next year", "2022", "relative-resolved"),
        ("by September", "2020-09", "relative-resolved"),  # the latest September before May 2021
        ("by April", "2021-04", "relative-resolved"),
        ("early in February", "2021-02", "relative-resolved"),
        ("on August 3", "2020-08-03", "relative-resolved"),
        ("last month", "2021-04", "relative-resolved"),
        ("three years ago", "2018-05", "relative-resolved"),
        ("as of 2016", "2016", "stated"),
        ("in 2015", "2015", "stated"),
        ("at the end of 2014", "2014-12", "stated"),
        ("in March 2013", "2013-03", "stated"),
        ("on 4 July 2012", "2012-07-04", "stated"),
        ("on Sept. 9, 2011", "2011-09-09", "stated"),
        ("before sanctions were imposed", "2017", "relative-resolved"),
    ],
)
def test_date_expressions(text: str, as_of: str, kind: str) -> None:
    found = resolve(text)
    assert len(found) == 1, found
    assert found[0][1:3] == (as_of, kind)


def test_roles_mark_starts_and_limits() -> None:
    assert resolve("hired since 2013")[0][3] == "since"
    assert resolve("as of 2016")[0][3] == "as_of"
    assert resolve("by October")[0][3] == "as_of"
    assert resolve("until 2019")[0][3] == "until"


def test_a_month_before_that_uses_the_last_stated_date() -> None:
    found = resolve("In November 2018 one courier was held. A month before that, another.")
    assert [item[1] for item in found] == ["2018-11", "2018-10"]
    assert resolve("A year earlier, a raid.", anchor="2016-03")[0][1] == "2015-03"


def test_without_a_publication_date_relative_dates_stay_unresolved() -> None:
    found = resolve("by October and in 2015", published=None)
    assert [item[1] for item in found] == [None, "2015"]


def test_bare_month_names_that_are_verbs_are_ignored() -> None:
    assert resolve("they may march on") == []


def test_document_dates_keep_their_precision() -> None:
    assert DocumentDate.parse("2017-09").iso == "2017-09"  # type: ignore[union-attr]
    assert DocumentDate.parse("2017-09").reference == date(2017, 9, 28)  # type: ignore[union-attr]
    assert DocumentDate.parse("2019").reference == date(2019, 12, 28)  # type: ignore[union-attr]
    assert DocumentDate.parse("2019-02-03T10:00:00Z").iso == "2019-02-03"  # type: ignore[union-attr]
    assert DocumentDate.parse("soon") is None


def test_a_span_of_years_dates_a_figure_to_its_end() -> None:
    assert resolve("between 2015 and 2017")[0][1:3] == ("2017", "stated")
    assert resolve("from 2014 to 2016")[0][1] == "2016"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the tally last year", "relative-inferred"),
        ("on August 3", "relative-inferred"),
        ("three years ago", "relative-inferred"),
        ("in March 2013", "stated"),
        ("before sanctions were imposed", "relative-resolved"),  # an event, not the document
    ],
)
def test_dates_resolved_against_an_inferred_publication_date_say_so(text: str, kind: str) -> None:
    found = find_dates(text, PUBLISHED, default_vocabulary(), published_inferred=True)
    assert [d.kind for d in found] == [kind]


def test_an_inferred_document_date_dates_a_figure_no_finer_than_its_month() -> None:
    from sanctionwatch.extract.claimkit.analysis import document_date

    assert document_date(DocumentDate("2019-03-26", inferred=True)) == (
        "2019-03",
        "document-date-inferred",
    )
    assert document_date(DocumentDate("2019-03-26")) == ("2019-03-26", "document-date")
