"""Users with roles and API tokens, and the browser sessions opened with those tokens.

A token is 32 random bytes (``sw_`` + URL-safe base64) shown once when it is made; the store
keeps only its SHA-256 and a short prefix that identifies it in listings. Roles are ordered:
a ``viewer`` reads, an ``analyst`` also decides (reviews, judgments, uploads), an ``admin``
also manages sources, list updates and users.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sanctionwatch.store.base import as_utc, utcnow
from sanctionwatch.users.tables import ROLES, UserRow, WebSessionRow

TOKEN_PREFIX = "sw_"
SHOWN_PREFIX_CHARS = 10
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
LEGACY_USER = "api-token"
"""The name decisions are recorded under when ``SANCTIONWATCH_API_TOKEN`` is used."""
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
SESSION_HOURS = 12

_generation = 0


class UserError(ValueError):
    """A user that cannot be added, found or changed; the message says what to do."""


def generation() -> int:
    """Bumped by every change to users in this process, so caches of tokens know to drop."""
    return _generation


def _changed() -> None:
    global _generation
    _generation += 1


def hash_secret(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (token or session id)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: a user, or the configured single admin token."""

    name: str
    role: str
    user_id: int | None = None

    def has_role(self, role: str) -> bool:
        """True when this principal's role is ``role`` or above."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


LEGACY_ADMIN = Principal(LEGACY_USER, "admin")


@dataclass(frozen=True, slots=True)
class User:
    """A plain copy of a user row (never the token, only its prefix)."""

    name: str
    role: str
    token_prefix: str
    disabled: bool
    created_at: datetime
    token_rotated_at: datetime

    @classmethod
    def of(cls, row: UserRow) -> User:
        return cls(
            row.name,
            row.role,
            row.token_prefix,
            row.disabled,
            row.created_at,
            row.token_rotated_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "token_prefix": self.token_prefix,
            "disabled": self.disabled,
            "created_at": self.created_at.isoformat(),
            "token_rotated_at": self.token_rotated_at.isoformat(),
        }


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def _check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise UserError(
            f"user name {name!r} is not allowed; use 1-64 letters, digits, '.', '_', '@' or '-'"
        )
    if name == LEGACY_USER:
        raise UserError(f"{LEGACY_USER!r} is reserved for SANCTIONWATCH_API_TOKEN; pick another")
    return name


def _row(session: Session, name: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise UserError(f"there is no user {name!r}; see `sanctionwatch users list`")
    return row


def _set_token(row: UserRow) -> str:
    token = new_token()
    row.token_hash = hash_secret(token)
    row.token_prefix = token[:SHOWN_PREFIX_CHARS]
    row.token_rotated_at = utcnow()
    return token


def add_user(session: Session, name: str, role: str) -> tuple[User, str]:
    """Create a user; returns it with its new token (shown once, stored only hashed)."""
    _check_name(name)
    check_role(role)
    if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
        raise UserError(f"user {name!r} exists; rotate its token with `sanctionwatch users token`")
    row = UserRow(name=name, role=role, disabled=False, created_at=utcnow())
    token = _set_token(row)
    session.add(row)
    session.flush()
    _changed()
    return User.of(row), token


def list_users(session: Session) -> list[User]:
    return [User.of(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]


def any_users(session: Session) -> bool:
    return session.scalar(select(UserRow.id).limit(1)) is not None


def rotate_token(session: Session, name: str) -> tuple[User, str]:
    """Give ``name`` a new token; the old one and its web sessions stop working at once."""
    row = _row(session, name)
    token = _set_token(row)
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    session.flush()
    _changed()
    return User.of(row), token


def set_disabled(session: Session, name: str, disabled: bool = True) -> User:
    """Disable (or re-enable) a user; a disabled user's token and sessions are refused."""
    row = _row(session, name)
    row.disabled = disabled
    if disabled:
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
    session.flush()
    _changed()
    return User.of(row)


def set_role(session: Session, name: str, role: str) -> User:
    row = _row(session, name)
    row.role = check_role(role)
    session.flush()
    _changed()
    return User.of(row)


def authenticate(session: Session, token: str) -> Principal | None:
    """The enabled user whose token this is, or None."""
    return principal_for_hash(session, hash_secret(token))


def principal_for_hash(session: Session, hashed: str) -> Principal | None:
    """:func:`authenticate` for a caller that already holds the token's :func:`hash_secret`."""
    row = session.scalar(select(UserRow).where(UserRow.token_hash == hashed))
    if row is None or row.disabled or not hmac.compare_digest(row.token_hash, hashed):
        return None
    return Principal(row.name, row.role, row.id)


# --- browser sessions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebSession:
    principal: Principal
    csrf_token: str


def open_session(
    session: Session, principal: Principal, token: str, hours: int = SESSION_HOURS
) -> tuple[str, str]:
    """Start a browser session for ``principal`` (logged in with ``token``).

    Returns the session id for the cookie and the CSRF token for forms; only the id's hash
    is stored. Expired sessions are swept on the way.
    """
    now = utcnow()
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSessionRow(
            id_hash=hash_secret(session_id),
            user_id=principal.user_id,
            user_name=principal.name,
            token_hash=hash_secret(token),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.flush()
    return session_id, csrf


def session_for(
    session: Session, session_id: str, legacy_token: str | None = None
) -> WebSession | None:
    """The live session with this id, or None (expired, logged out, token rotated, disabled)."""
    row = session.get(WebSessionRow, hash_secret(session_id))
    if row is None or as_utc(row.expires_at) < utcnow():
        return None
    if row.user_id is None:
        if not legacy_token or not hmac.compare_digest(row.token_hash, hash_secret(legacy_token)):
            return None
        return WebSession(LEGACY_ADMIN, row.csrf_token)
    user = session.get(UserRow, row.user_id)
    if user is None or user.disabled or user.token_hash != row.token_hash:
        return None
    return WebSession(Principal(user.name, user.role, user.id), row.csrf_token)


def close_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == hash_secret(session_id)))
