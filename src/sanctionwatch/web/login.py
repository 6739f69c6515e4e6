"""Logging in to the web app with an API token, and out again.

The token is exchanged for a session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure``
over https) holding a random session id whose hash is stored; every form that writes also
carries the session's CSRF token. Rotating or disabling the user's token ends the session.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from sanctionwatch.api.auth import SESSION_COOKIE, authenticator, web_session_of
from sanctionwatch.api.routes import State
from sanctionwatch.users.accounts import SESSION_HOURS, close_session, open_session

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def safe_next(target: str | None) -> str:
    """Only paths of this app's pages: never another site (no open redirect)."""
    if not target or not target.startswith("/ui") or "//" in target or "\\" in target:
        return "/ui/"
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/ui/login?next=" + quote(safe_next(here), safe="")


def _page(
    request: Request, next_url: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {"next": next_url, "error": error, "web_session": None}
    return templates.TemplateResponse(request, "login.html", context, status_code=status)


def build_login_pages() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=RedirectResponse)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=307)

    @router.get("/ui/login", response_class=HTMLResponse)
    def login_page(
        request: Request, next_url: Annotated[str, Query(alias="next", max_length=500)] = "/ui/"
    ) -> HTMLResponse:
        return _page(request, safe_next(next_url))

    @router.post("/ui/login", response_class=HTMLResponse)
    async def login(
        request: Request,
        state: State,
        token: Annotated[str, Form(max_length=500)] = "",
        next_url: Annotated[str, Form(alias="next", max_length=500)] = "/ui/",
    ) -> Response:
        target = safe_next(next_url)
        auth = authenticator(request)
        principal = await run_in_threadpool(auth.principal, token) if token else None
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
            secure=state.settings.secure_cookies or request.url.scheme == "https",
        )
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
