"""Alerts from the monitor stage: a JSON listing, an Atom feed analysts subscribe to in any feed
reader, and the review endpoint (token needed) that records decisions in the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, Field

from sanctionwatch.api import models
from sanctionwatch.api.auth import Analyst, actor
from sanctionwatch.api.routes import WRITE_RESPONSES, Limit, Offset, State, page_limit
from sanctionwatch.monitor.alerts import AlertError, alert_dict, list_alerts, review
from sanctionwatch.monitor.notify import alerts_atom

StatusQuery = Annotated[str | None, Query(pattern="^(open|confirmed|cleared|escalated)$")]


class AlertReview(BaseModel):
    """An analyst's decision on one alert."""

    decision: str = Field(pattern="^(confirm|clear|escalate)$")
    note: str = Field(min_length=1, max_length=4000)
    user: str = Field(
        default="api",
        min_length=1,
        max_length=200,
        description="Who decides; only used with the shared SANCTIONWATCH_API_TOKEN (a user's "
        "token records that user).",
    )


def alert_routes(router: APIRouter) -> None:
    @router.get("/alerts", tags=["alerts"])
    def alerts(
        state: State, status: StatusQuery = None, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, Any]:
        """Alerts raised by monitoring (screening hits, list changes, diverging claims)."""
        limit = page_limit(state, limit)
        with state.database.session() as session:
            rows = list_alerts(session, status)
            page = [alert_dict(row) for row in rows[offset : offset + limit]]
        return {"total": len(rows), "limit": limit, "offset": offset, "results": page}

    @router.get("/alerts.atom", tags=["alerts"], response_class=Response)
    def alerts_feed(state: State, request: Request) -> Response:
        """The newest alerts as an Atom feed."""
        with state.database.session() as session:
            body = alerts_atom(session, str(request.base_url))
        return Response(body, media_type="application/atom+xml")

    @router.post(
        "/alerts/{alert_id}/review",
        response_model=models.Message,
        responses=WRITE_RESPONSES,
        tags=["alerts"],
    )
    def review_alert(
        state: State,
        alert_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
        body: AlertReview,
        principal: Analyst,
    ) -> models.Message:
        """Confirm, clear or escalate an alert (needs an analyst's token; the decision is
        recorded under the token's user)."""
        try:
            with state.database.session() as session:
                row = review(
                    session, alert_id, body.decision, body.note, actor(principal, body.user)
                )
                status = row.status
        except AlertError as error:
            raise HTTPException(status_code=404, detail=str(error)) from error
        return models.Message(detail=f"Alert {alert_id} is now {status}.")
