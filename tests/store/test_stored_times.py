"""Stored timestamps come back naive from SQLite and aware from PostgreSQL: one helper makes
both aware UTC, so comparisons with ``utcnow`` work on either."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from sanctionwatch.api.readmodel import as_utc as shown_utc
from sanctionwatch.store import Database
from sanctionwatch.store.base import as_utc, utcnow
from sanctionwatch.users.accounts import add_user
from sanctionwatch.users.tables import UserRow


def test_naive_is_read_as_utc_and_aware_is_converted() -> None:
    naive = datetime(2026, 3, 1, 12, 30)
    assert as_utc(naive) == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    seoul = datetime(2026, 3, 1, 21, 30, tzinfo=timezone(timedelta(hours=9)))
    converted = as_utc(seoul)
    assert converted.utcoffset() == timedelta(0) and converted.hour == 12
    assert shown_utc(None) is None and shown_utc(seoul) == converted


def test_a_stored_time_compares_with_now(database: Database) -> None:
    before = utcnow()
    with database.session() as session:
        add_user(session, "clock-check", "viewer")
    with database.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.name == "clock-check"))
        assert row is not None
        created = as_utc(row.created_at)
    assert created.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= created <= utcnow()
