"""Page openings that tried to mislead the page-date rules (review of the as-of work); every
text is written for these tests."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.dates import (
    compact_date_from_url,
    find_dateline,
    find_dates,
    latest_event,
)
from sanctionwatch.ingest.formats import TEXT, parse
from sanctionwatch.ingest.metadata import DateFinding, describe
from sanctionwatch.ingest.redate import reinfer_dates
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

runner = CliRunner()


def _date(text: str, url: str | None = None) -> DateFinding:
    parsed = parse(text.encode("utf-8"), TEXT)
    return describe(parsed, clean_text(parsed.text), url=url).date


def test_a_labelled_date_after_today_is_not_the_pages_own() -> None:
    text = "Panel hearing notice\nDate: 15 May 2029\n\nThe panel met in March 2021."
    assert find_dateline(text, today=date(2026, 11, 1)) is None
    assert find_dateline(text, today=date(2030, 1, 1)) is not None
    found = _date(text)
    assert (found.value, found.kind, found.method) == ("2021-03", "inferred", "latest-event")


def test_a_future_date_line_gives_way_to_the_published_line_after_it() -> None:
    text = "Hearing: 3 June 2031\nPublished: 4 April 2022\n\nCrews left in March 2022."
    found = find_dateline(text, today=date(2026, 11, 1))
    assert found is not None and found.value == "2022-04-04"


def test_a_year_less_wire_dateline_is_never_placed_after_today() -> None:
    today = date.today()
    event = today - timedelta(days=1)
    dateline = today + timedelta(days=20)
    text = (
        f"MOSCOW, {dateline:%B} {dateline.day} (Wire) - Crews left the port.\n\n"
        f"Inspectors counted them on {event:%B} {event.day}, {event.year}."
    )
    found = _date(text)
    assert found.value <= today.isoformat()
    assert found.method != "dateline-year-from-text"


@pytest.mark.parametrize(
    "text",
    [
        "Crews built the halls for the Asian Games 2018 in March 2016.",
        "Crews built the arena for the Winter Olympics 2018 in March 2016.",
        "Crews built pavilions for the Expo 2020 in March 2016.",
    ],
)
def test_a_year_after_an_events_name_does_not_date_the_page(text: str) -> None:
    found = latest_event(text, today=date(2026, 11, 1))
    assert found is not None and found.value == "2016-03"


@pytest.mark.parametrize(
    "line", ["2024.03.12 14:05", "2024/03/12", "Posted 2024.3.12", "Date: 2024/03/12 | Seoul"]
)
def test_a_year_first_date_line_with_dots_or_slashes_dates_the_page(line: str) -> None:
    found = _date(f"Crews return to the port\n{line}\n\nWorkers left in January 2024.")
    assert (found.value, found.kind) == ("2024-03-12", "given")


@pytest.mark.parametrize("text", ["build v2019.10.1 shipped", "2024/13/01", "2024.03/12"])
def test_numbers_that_only_look_like_a_year_first_date(text: str) -> None:
    assert [m.precision for m in find_dates(text) if m.precision == "day"] == []


def test_redate_says_to_re_extract_when_it_changed_dates(
    sqlite_database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Crews were hired in October 2020, a broker said.\n", encoding="utf-8")
    ingest_paths(sqlite_database, [path])
    with sqlite_database.session() as session:  # as an older rule set would have left it
        for row in session.scalars(select(DocumentRow)):
            row.published_at = "1999"
    command = ["redate", "--db", sqlite_database.url]
    dry = runner.invoke(app, [*command, "--dry-run"])
    assert dry.exit_code == 0 and "--reprocess" not in dry.output
    changed = runner.invoke(app, command)
    assert changed.exit_code == 0 and "extract --reprocess" in changed.output
    again = runner.invoke(app, command)
    assert again.exit_code == 0 and "--reprocess" not in again.output


@pytest.mark.parametrize(
    "url", ["https://20230309.example.com", "https://20230309.example.com?page=2"]
)
def test_digits_in_a_host_without_a_path_are_no_date(url: str) -> None:
    assert compact_date_from_url(url, today=date(2026, 11, 1)) is None
    found = compact_date_from_url(f"{url.split('?')[0]}/item/20220101", today=date(2026, 11, 1))
    assert found is not None and found.value == "2022-01-01"


def test_redate_refreshes_the_evidence_of_a_date_that_stays_the_same(
    sqlite_database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Crews were hired in October 2020, a broker said.\n", encoding="utf-8")
    (outcome,) = ingest_paths(sqlite_database, [path]).outcomes
    stale = json.dumps({"method": "latest-event", "phrase": "old rules", "confidence": 0.9})
    with sqlite_database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None and row.published_at == "2020-10"
        row.date_evidence = stale
    assert reinfer_dates(sqlite_database, dry_run=True) == []
    with sqlite_database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None and row.date_evidence == stale
    assert reinfer_dates(sqlite_database) == []  # the date did not change: nothing listed
    with sqlite_database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None and row.published_at == "2020-10"
        evidence = json.loads(row.date_evidence or "{}")
    assert (evidence["phrase"], evidence["confidence"]) == ("October 2020", 0.35)
