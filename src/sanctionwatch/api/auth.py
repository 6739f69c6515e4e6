"""Who is asking, and may they: bearer tokens and web sessions resolved to users with roles.

Reading is open when the server is bound to loopback (unless ``SANCTIONWATCH_REQUIRE_READ_TOKEN``
says otherwise) and needs a viewer token otherwise; deciding needs an analyst; managing
sources and users needs an admin. ``SANCTIONWATCH_API_TOKEN`` still works as an admin token.

Checks are cheap on the hot path: with reads open the read check touches no database, and
tokens are remembered (by hash) for a few seconds, so a busy client costs one lookup per
``cache_seconds``; any user change made in this process drops the memory at once.

Wrong tokens are counted per client address and per account (:mod:`.ratelimit`; the server
shares the count between its worker processes through the database): past the budget, token
checks from that client (or for that account) get 429 with ``Retry-After`` until the window
has passed, whether the token would have been right or not.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api.ratelimit import FailureBudget
from sanctionwatch.api.settings import is_loopback
from sanctionwatch.store import Database
from sanctionwatch.users import accounts
from sanctionwatch.users.accounts import (
    LEGACY_ADMIN,
    SHOWN_PREFIX_CHARS,
    TOKEN_PREFIX,
    Principal,
    WebSession,
)

SESSION_COOKIE = "sw_session"
CACHE_LIMIT = 4096


@dataclass(slots=True)
class _Cached:
    expires: float
    generation: int
    value: Principal | WebSession | bool | None


class Authenticator:
    """Turns a token or a session cookie into a :class:`Principal`, remembering answers."""

    def __init__(
        self,
        database: Database,
        legacy_token: str | None,
        reads_open: bool,
        cache_seconds: float = 10.0,
        failures: FailureBudget | None = None,
        client_ip_header: str | None = None,
    ) -> None:
        self.database = database
        self.legacy_token = legacy_token
        self.reads_open = reads_open
        self.cache_seconds = cache_seconds
        self.failures = failures or FailureBudget()
        self.client_ip_header = client_ip_header
        self._cache: dict[str, _Cached] = {}

    def _remembered(self, key: str) -> _Cached | None:
        hit = self._cache.get(key)
        if hit is None or hit.expires < time.monotonic() or hit.generation != accounts.generation():
            return None
        return hit

    def _remember(self, key: str, value: Principal | WebSession | bool | None) -> None:
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = _Cached(
            time.monotonic() + self.cache_seconds, accounts.generation(), value
        )

    def cached_token(self, token: str, hashed: str | None = None) -> tuple[bool, Principal | None]:
        """(known, principal) without touching the database; ``hashed`` is the token's
        :func:`~sanctionwatch.users.accounts.hash_secret` when the caller already has it."""
        if self.legacy_token and hmac.compare_digest(token.encode(), self.legacy_token.encode()):
            return True, LEGACY_ADMIN
        hit = self._remembered("t:" + (hashed or accounts.hash_secret(token)))
        if hit is None:
            return False, None
        return True, hit.value if isinstance(hit.value, Principal) else None

    def look_up(self, hashed: str) -> Principal | None:
        """The database's answer for a token (by hash) that is not remembered; remembered."""
        with self.database.session() as session:
            principal = accounts.principal_for_hash(session, hashed)
        self._remember("t:" + hashed, principal)
        return principal

    def web_session(self, session_id: str) -> WebSession | None:
        key = "s:" + accounts.hash_secret(session_id)
        hit = self._remembered(key)
        if hit is not None:
            return hit.value if isinstance(hit.value, WebSession) else None
        with self.database.session() as session:
            found = accounts.session_for(session, session_id, self.legacy_token)
        self._remember(key, found)
        return found

    def forget_session(self, session_id: str) -> None:
        self._cache.pop("s:" + accounts.hash_secret(session_id), None)

    def writes_configured(self) -> bool:
        """Is there any way to write: the legacy token or at least one user?"""
        if self.legacy_token:
            return True
        hit = self._remembered("any-users")
        if hit is not None:
            return bool(hit.value)
        with self.database.session() as session:
            found = accounts.any_users(session)
        self._remember("any-users", found)
        return found


def authenticator(request: Request) -> Authenticator:
    auth: Authenticator = request.app.state.auth
    return auth


def bearer(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or the password of HTTP Basic (feed
    readers can send a user name and password, not a bearer header; the name is ignored)."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() == "basic" and token:
        return _basic_password(token)
    return token if scheme.lower() == "bearer" and token else None


def _basic_password(encoded: str) -> str | None:
    decoded = _basic_decoded(encoded)
    password = decoded.partition(":")[2] if decoded else ""
    return password or None


def _basic_user(encoded: str) -> str | None:
    decoded = _basic_decoded(encoded)
    name = decoded.partition(":")[0].strip() if decoded else ""
    return name[:64] or None


def _basic_decoded(encoded: str) -> str | None:
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def unauthenticated(auth: Authenticator, what: str) -> HTTPException:
    """401 naming what is needed (or 403 when this server accepts no token at all)."""
    if what != "read" and not auth.writes_configured():
        return HTTPException(
            403,
            "Writes are disabled: add a user with `sanctionwatch users add NAME --role analyst` "
            "or set SANCTIONWATCH_API_TOKEN on the server.",
        )
    if what == "read":
        needs = (
            "this server needs one on every request (a viewer's to read, an analyst's to "
            "decide, an admin's to administer)"
        )
    else:
        needs = f"this needs the token of an {what}" + (" or admin" if what == "analyst" else "")
    return HTTPException(
        401,
        f"Missing or wrong token: {needs}; send 'Authorization: Bearer <token>'.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(principal: Principal, role: str) -> HTTPException:
    return HTTPException(
        403, f"User {principal.name} is a {principal.role}; this needs the {role} role."
    )


def client_address(request: Request, forwarded_header: str | None = None) -> str:
    """The client's address: the peer, or behind a proxy on this machine (the peer is
    loopback) the last address the proxy appended to ``forwarded_header``."""
    peer = request.client.host if request.client else "unknown"
    if forwarded_header and is_loopback(peer):
        forwarded = request.headers.get(forwarded_header, "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return peer


def failure_keys(request: Request, token: str) -> list[str]:
    """Whose budget a wrong ``token`` is counted against: the client's address, and the
    account it names (the user name of HTTP Basic, else a token's listed prefix)."""
    auth = authenticator(request)
    keys = ["client:" + client_address(request, auth.client_ip_header)]
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    name = _basic_user(encoded.strip()) if scheme.lower() == "basic" else None
    if name:
        keys.append("account:" + name.lower())
    elif token.startswith(TOKEN_PREFIX) and len(token) > SHOWN_PREFIX_CHARS:
        keys.append("prefix:" + token[:SHOWN_PREFIX_CHARS])
    return keys


def too_many_failures(retry_after: int) -> HTTPException:
    return HTTPException(
        429,
        f"Too many wrong tokens from this client or for this account: retry in {retry_after} s "
        "(check the token you are sending; `sanctionwatch users token NAME` issues a new one).",
        headers={"Retry-After": str(retry_after)},
    )


async def checked_token(request: Request, token: str) -> Principal | None:
    """The principal of ``token``, counting a wrong one against the client's and the
    account's budget; :func:`too_many_failures` (429) once either is spent."""
    auth = authenticator(request)
    keys = failure_keys(request, token)
    hashed = accounts.hash_secret(token)
    known, principal = auth.cached_token(token, hashed)
    # Other processes' failures are read only before a database lookup of the token anyway;
    # a shared budget queries and writes the database, so that runs off the event loop.
    if known:
        wait = auth.failures.retry_after(keys, shared=False)
    else:
        wait = await run_in_threadpool(auth.failures.retry_after, keys)
    if wait is not None:
        raise too_many_failures(wait)
    if not known:
        principal = await run_in_threadpool(auth.look_up, hashed)
    if principal is None:
        await run_in_threadpool(auth.failures.fail, keys)
    return principal


async def web_session_of(request: Request) -> WebSession | None:
    """The browser session named by the cookie (remembered on ``request.state``)."""
    if hasattr(request.state, "web_session"):
        found: WebSession | None = request.state.web_session
        return found
    cookie = request.cookies.get(SESSION_COOKIE)
    found = None
    if cookie and len(cookie) <= 128:
        auth = authenticator(request)
        found = await run_in_threadpool(auth.web_session, cookie)
    request.state.web_session = found
    return found


async def request_principal(request: Request, cookie: bool) -> Principal | None:
    """The principal of a bearer token, else (when ``cookie``) of the session cookie."""
    token = bearer(request)
    if token is not None:
        return await checked_token(request, token)
    if cookie:
        session = await web_session_of(request)
        return session.principal if session is not None else None
    return None


async def require_reader(request: Request) -> None:
    """Dependency of every read route: free on loopback, a viewer token (or session) beyond."""
    auth: Authenticator = request.app.state.auth
    if auth.reads_open:
        return
    if await request_principal(request, cookie=True) is None:
        raise unauthenticated(auth, "read")


async def web_reader(request: Request) -> None:
    """Like :func:`require_reader` for pages, and it always looks up the session cookie so
    pages can show who is logged in and put the CSRF token in their forms."""
    session = await web_session_of(request)
    auth = authenticator(request)
    if auth.reads_open or session is not None:
        return
    token = bearer(request)
    if token is None or await checked_token(request, token) is None:
        raise unauthenticated(auth, "read")


def require_role(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: the bearer token of a user with ``role`` or above (401/403 otherwise).

    Cookies are not accepted here: JSON writes take bearer tokens only, so a forged cross-site
    form can never act with a logged-in analyst's session.
    """

    async def dependency(request: Request) -> Principal:
        auth = authenticator(request)
        principal = await request_principal(request, cookie=False)
        if principal is None:
            raise unauthenticated(auth, role)
        if not principal.has_role(role):
            raise forbidden(principal, role)
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


def actor(principal: Principal, claimed: str | None) -> str:
    """Who a decision is recorded under: the user, or for the shared legacy token the name
    the client gives (``api`` / ``web`` as before users existed): it names no one person."""
    if principal.user_id is None and claimed:
        return claimed
    return principal.name


Analyst = Annotated[Principal, Depends(require_role("analyst"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]


def form_role(role: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency of web forms that write: the session cookie plus the form's CSRF token, or
    (as before sessions existed) a token typed into the form itself."""

    async def dependency(
        request: Request,
        token: Annotated[str, Form(max_length=500)] = "",
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Principal:
        auth = authenticator(request)
        if token:
            principal = await checked_token(request, token)
        else:
            session = await web_session_of(request)
            if session is not None and not (
                csrf and hmac.compare_digest(csrf.encode(), session.csrf_token.encode())
            ):
                raise HTTPException(
                    403, "The form's CSRF token is missing or stale: reload the page and retry."
                )
            principal = session.principal if session is not None else None
        if principal is None:
            raise unauthenticated(auth, role)
        if not principal.has_role(role):
            raise forbidden(principal, role)
        return principal

    dependency.__name__ = f"form_{role}"
    return dependency


WebAnalyst = Annotated[Principal, Depends(form_role("analyst"))]
