"""Analysts' review states of red flags, joined onto the flags the flags stage raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.api import stages
from sanctionwatch.store.base import utcnow
from sanctionwatch.web.tables import FlagReviewRow

REVIEW_STATES = ("open", "confirmed", "dismissed")


@dataclass(frozen=True)
class ReviewedFlag:
    flag: stages.Flag
    state: str
    note: str | None
    reviewed_at: datetime | None


def reviewed_flags(session: Session, state: str | None = None) -> list[ReviewedFlag]:
    """Every flag with its review state (``open`` until an analyst decides)."""
    reviews = {row.flag_id: row for row in session.scalars(select(FlagReviewRow))}
    result = []
    for flag in stages.list_flags(session):
        review = reviews.get(flag.flag_id)
        current = review.state if review else "open"
        if state is not None and current != state:
            continue
        result.append(
            ReviewedFlag(
                flag=flag,
                state=current,
                note=review.note if review else None,
                reviewed_at=review.reviewed_at if review else None,
            )
        )
    return result


def review_flag(
    session: Session, flag_id: str, state: str, note: str | None, reviewer: str | None = None
) -> FlagReviewRow:
    """Record an analyst's decision on a flag (the latest decision wins)."""
    if state not in REVIEW_STATES:
        raise ValueError(f"review state must be one of {', '.join(REVIEW_STATES)}")
    row = session.get(FlagReviewRow, flag_id)
    if row is None:
        row = FlagReviewRow(flag_id=flag_id)
        session.add(row)
    row.state = state
    row.note = note
    row.reviewer = reviewer
    row.reviewed_at = utcnow()
    return row
