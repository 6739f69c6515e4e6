"""Administration over HTTP: watched sources (viewers read, admins change) and the user list
(admins only). Users are added and their tokens made on the command line, never over HTTP,
so a token is only ever printed to the person running the server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from sanctionwatch.api import models
from sanctionwatch.api.auth import Admin
from sanctionwatch.api.routes import WRITE_RESPONSES, State
from sanctionwatch.monitor.sources import SourceError, add_source, list_sources, remove_source
from sanctionwatch.monitor.tables import SOURCE_KINDS
from sanctionwatch.users.accounts import list_users

SourceId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class SourceIn(BaseModel):
    """A feed or page to watch."""

    url: str = Field(min_length=8, max_length=2000, pattern="^https?://")
    kind: str = Field(default="rss", pattern=f"^({'|'.join(SOURCE_KINDS)})$")
    name: str | None = Field(default=None, max_length=200)


def admin_routes(router: APIRouter) -> None:
    @router.get("/sources", tags=["admin"])
    def sources(state: State) -> list[dict[str, Any]]:
        """Watched feeds and pages, with when they were last polled and how it went."""
        with state.database.session() as session:
            return [source.to_dict() for source in list_sources(session)]

    @router.post("/sources", status_code=201, responses=WRITE_RESPONSES, tags=["admin"])
    def add(state: State, body: SourceIn, principal: Admin) -> dict[str, Any]:
        """Watch a feed or page (needs an admin's token)."""
        try:
            with state.database.session() as session:
                source = add_source(session, body.url, body.kind, body.name)
        except SourceError as error:
            raise HTTPException(400, str(error)) from error
        return source.to_dict()

    @router.delete(
        "/sources/{source_id}",
        response_model=models.Message,
        responses=WRITE_RESPONSES,
        tags=["admin"],
    )
    def remove(state: State, source_id: SourceId, principal: Admin) -> models.Message:
        """Stop watching a source (needs an admin's token); its documents stay."""
        try:
            with state.database.session() as session:
                source = remove_source(session, source_id)
        except SourceError as error:
            raise HTTPException(404, str(error)) from error
        detail = f"Source {source.id} ({source.url}) removed by {principal.name}."
        return models.Message(detail=detail)

    @router.get("/users", responses=WRITE_RESPONSES, tags=["admin"])
    def users(state: State, principal: Admin) -> list[dict[str, Any]]:
        """Users with role and token prefix, never the token (needs an admin's token)."""
        with state.database.session() as session:
            return [user.to_dict() for user in list_users(session)]
