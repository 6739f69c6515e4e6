"""The audit trail: append, read, export. There is deliberately no update or delete here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.monitor.tables import AuditRow
from sanctionwatch.store.base import utcnow

EXPORT_FIELDS = (
    "id",
    "at",
    "event",
    "actor",
    "alert_id",
    "decision",
    "note",
    "list_version",
    "matcher_version",
    "score",
    "detail",
)


def record(
    session: Session,
    event: str,
    actor: str,
    *,
    alert_id: int | None = None,
    decision: str | None = None,
    note: str | None = None,
    list_version: str | None = None,
    matcher_version: str | None = None,
    score: float | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditRow:
    """Append one entry (a screening run, an alert raised or reopened, a decision)."""
    row = AuditRow(
        at=utcnow(),
        event=event,
        actor=actor,
        alert_id=alert_id,
        decision=decision,
        note=note,
        list_version=list_version,
        matcher_version=matcher_version,
        score=score,
        detail=detail or {},
    )
    session.add(row)
    session.flush()
    return row


def entries(session: Session, since: datetime | None = None) -> Iterator[AuditRow]:
    """Audit entries in the order they were written, optionally from ``since`` on."""
    query = select(AuditRow).order_by(AuditRow.id)
    if since is not None:
        query = query.where(AuditRow.at >= since)
    yield from session.scalars(query)


def as_dict(row: AuditRow) -> dict[str, Any]:
    data = {name: getattr(row, name) for name in EXPORT_FIELDS}
    data["at"] = row.at.isoformat()
    return data


def to_jsonl(rows: Iterable[AuditRow]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(as_dict(row), ensure_ascii=False, sort_keys=True) + "\n"


def to_csv(rows: Iterable[AuditRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for row in rows:
        data = as_dict(row)
        data["detail"] = json.dumps(data["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow(["" if data[name] is None else data[name] for name in EXPORT_FIELDS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
