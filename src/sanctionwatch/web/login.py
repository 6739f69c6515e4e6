"""Logging in to the web app with an API token, and out again.

The token is exchanged for a session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure``
over https) holding a random session id whose hash is stored; every form that writes also
carries the session's CSRF token. Rotating or disabling the user's token ends the session.

The login form has a CSRF token of its own (double submit): the page sets it in a strict,
HttpOnly cookie and in a hidden field, and a login is accepted only when both agree, so another
site cannot log a browser in to an account of the attacker's choosing (login CSRF). Wrong
tokens count against the client's failure budget like the API's (429 when it is spent).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api.auth import SESSION_COOKIE, authenticator, checked_token, web_session_of
from sanctionwatch.api.routes import State
from sanctionwatch.users.accounts import SESSION_HOURS, close_session, open_session

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LOGIN_CSRF_COOKIE = "sw_login_csrf"
SECURE_LOGIN_CSRF_COOKIE = "__Host-sw_login_csrf"
"""Over https: a name the browser accepts only from this very host (``Secure``, ``Path=/``),
so a sibling subdomain cannot plant a login CSRF value of its choosing."""
LOGIN_PATH = "/ui/login"
LOGIN_FORM_SECONDS = 3600
"""How long a login page's form stays usable."""


def safe_next(target: str | None) -> str:
    """Only paths of this app's pages: never another site (no open redirect)."""
    if not target or not target.startswith("/ui") or "//" in target or "\\" in target:
        return "/ui/"
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/ui/login?next=" + quote(safe_next(here), safe="")


def _page(
    request: Request,
    next_url: str,
    error: str | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The login page, its form carrying the login CSRF token that its cookie also holds."""
    csrf = _login_csrf_cookie(request) or secrets.token_urlsafe(32)
    context = {"next": next_url, "error": error, "web_session": None, "login_csrf": csrf}
    response = templates.TemplateResponse(
        request, "login.html", context, status_code=status, headers=headers
    )
    name, path = _login_csrf_spec(request)
    response.set_cookie(
        name,
        csrf,
        max_age=LOGIN_FORM_SECONDS,
        path=path,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


def _login_csrf_spec(request: Request) -> tuple[str, str]:
    """The login CSRF cookie's name and path: ``__Host-`` (host-only, path ``/``) over https,
    else a plain cookie scoped to the login page."""
    return (SECURE_LOGIN_CSRF_COOKIE, "/") if _secure(request) else (LOGIN_CSRF_COOKIE, LOGIN_PATH)


def _login_csrf_cookie(request: Request) -> str | None:
    value = request.cookies.get(_login_csrf_spec(request)[0], "")
    return value if 20 <= len(value) <= 100 else None


def _secure(request: Request) -> bool:
    state = request.app.state.sanctionwatch
    return bool(state.settings.secure_cookies) or request.url.scheme == "https"


def login_csrf_ok(request: Request, submitted: str) -> bool:
    """Did this login form come from our own login page (cookie and field agree)?"""
    cookie = _login_csrf_cookie(request)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def build_login_pages() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=RedirectResponse)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=307)

    @router.get(LOGIN_PATH, response_class=HTMLResponse)
    def login_page(
        request: Request, next_url: Annotated[str, Query(alias="next", max_length=500)] = "/ui/"
    ) -> HTMLResponse:
        return _page(request, safe_next(next_url))

    @router.post(LOGIN_PATH, response_class=HTMLResponse)
    async def login(
        request: Request,
        state: State,
        token: Annotated[str, Form(max_length=500)] = "",
        next_url: Annotated[str, Form(alias="next", max_length=500)] = "/ui/",
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        target = safe_next(next_url)
        if not login_csrf_ok(request, csrf):
            problem = "This login form has expired or was sent from another site: log in here."
            return _page(request, target, problem, 403)
        try:
            principal = await checked_token(request, token) if token else None
        except HTTPException as refused:
            return _page(request, target, str(refused.detail), 429, refused.headers)
        if principal is None:
            return _page(request, target, "That token is not valid (or its user is disabled).", 401)

        def start() -> str:
            with state.database.session() as session:
                return open_session(session, principal, token)[0]

        session_id = await run_in_threadpool(start)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_id,
            max_age=SESSION_HOURS * 3600,
            path="/",
            httponly=True,
            samesite="strict",
            secure=_secure(request),
        )
        name, path = _login_csrf_spec(request)
        response.delete_cookie(name, path=path, secure=_secure(request), httponly=True)
        return response

    @router.post("/ui/logout", response_class=RedirectResponse)
    async def logout(request: Request, state: State) -> RedirectResponse:
        session = await web_session_of(request)
        cookie = request.cookies.get(SESSION_COOKIE)
        if session is not None and cookie:
            form = await request.form()
            csrf = str(form.get("csrf") or "")
            if hmac.compare_digest(csrf.encode(), session.csrf_token.encode()):

                def end() -> None:
                    with state.database.session() as db_session:
                        close_session(db_session, cookie)

                await run_in_threadpool(end)
                authenticator(request).forget_session(cookie)
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
