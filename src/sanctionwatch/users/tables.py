"""Tables of the users stage: accounts with hashed tokens, and web sessions (hashed too).

Neither table ever holds a raw secret: a token or session id is stored as its SHA-256, which
is enough for high-entropy random strings (no salt or slow hash is needed to resist guessing).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sanctionwatch.store.base import Base, utcnow

ROLES = ("viewer", "analyst", "admin")


class UserRow(Base):
    """One person (or service) with a role and one current API token."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_prefix: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    token_rotated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSessionRow(Base):
    """A browser session opened by logging in with a token; ends at ``expires_at`` or logout.

    ``token_hash`` is the hash of the token used to log in: rotating or disabling the user's
    token ends every session opened with the old one.
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    user_name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthFailureRow(Base):
    """One wrong token or login, counted against a client or account key
    (:class:`sanctionwatch.api.ratelimit.SharedFailureBudget`): every server process on the
    database sees the same failures. Rows older than the budget's window are deleted.

    The limiter asks per key for the failures after a moment (a count, and the n-th newest):
    the (key, failed_at) index answers both from the index alone; it also serves lookups by
    key, so key has no index of its own. ``failed_at``'s index serves the expiry delete."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index("ix_auth_failures_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))
    failed_at: Mapped[float] = mapped_column(Float, index=True)
    """Seconds since the epoch (a wall clock every process shares)."""
