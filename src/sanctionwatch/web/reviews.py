"""Analysts' review states of red flags, as the web pages and the API show them.

The flags stage keeps the review history (``flags.engine.review_flag``, append-only; the latest
review is the status). The web speaks of ``confirmed`` where the flags stage says ``reviewed``;
this module is the one place that translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from sanctionwatch.api import stages
from sanctionwatch.flags import engine as flags_engine

REVIEW_STATES = ("open", "confirmed", "dismissed")
_TO_FLAGS = {"open": "open", "confirmed": "reviewed", "dismissed": "dismissed"}
_FROM_FLAGS = {value: key for key, value in _TO_FLAGS.items()}


@dataclass(frozen=True)
class ReviewedFlag:
    flag: stages.Flag
    state: str
    note: str | None
    reviewed_at: datetime | None


def reviewed_flags(session: Session, state: str | None = None) -> list[ReviewedFlag]:
    """Every current flag with its review state (``open`` until an analyst decides)."""
    views = {view.id: view for view in flags_engine.list_flags(session)}
    result = []
    for flag in stages.list_flags(session):
        view = views.get(flag.flag_id)
        current = _FROM_FLAGS.get(view.status, "open") if view else "open"
        if state is not None and current != state:
            continue
        latest = _latest_review(session, flag.flag_id)
        result.append(
            ReviewedFlag(
                flag=flag,
                state=current,
                note=latest.note if latest else None,
                reviewed_at=latest.created_at if latest else None,
            )
        )
    return result


def _latest_review(session: Session, flag_id: str) -> flags_engine.Review | None:
    reviews = flags_engine.flag_detail(session, flag_id).reviews
    return reviews[-1] if reviews else None


def review_flag(
    session: Session, flag_id: str, state: str, note: str | None, reviewer: str | None = None
) -> flags_engine.FlagView:
    """Record an analyst's decision on a flag in the flags stage's history."""
    if state not in REVIEW_STATES:
        raise ValueError(f"review state must be one of {', '.join(REVIEW_STATES)}")
    return flags_engine.review_flag(
        session, flag_id, _TO_FLAGS[state], user=reviewer or "web", note=note
    )
