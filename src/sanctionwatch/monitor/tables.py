"""Tables of the monitor stage: watched sources, the items they yielded, alerts, audit log.

``audit_log`` is append-only: the ORM refuses updates and deletes of its rows (see
:func:`_refuse_audit_rewrite`) and the migration adds database triggers that refuse them too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from sanctionwatch.store.base import Base, utcnow

SOURCE_KINDS = ("rss", "page")
ALERT_STATUSES = ("open", "confirmed", "cleared", "escalated")


class SourceRow(Base):
    """A feed or page the monitor polls, with the validators of its last answer."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_polled: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SourceItemRow(Base):
    """One item (canonical URL) seen in one source; two feeds can point at one document."""

    __tablename__ = "source_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    item_url: Mapped[str] = mapped_column(Text, index=True)
    document_id: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("source_id", "item_url", name="uq_source_items_item"),)


class AlertRow(Base):
    """Something an analyst should look at, numbered, with its evidence and review state.

    ``fingerprint`` names the change the alert is about (one alert per change); ``state_hash``
    fingerprints the list entry and the entity as they stood, so a cleared alert reopens only
    when one of them changes materially.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    fingerprint: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    entity_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    document_id: Mapped[str | None] = mapped_column(String(64))
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text)
    list_version: Mapped[str | None] = mapped_column(String(64))
    matcher_version: Mapped[str | None] = mapped_column(String(255))
    score: Mapped[float | None] = mapped_column(Float)
    state_hash: Mapped[str | None] = mapped_column(String(64))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlagAlertMarkRow(Base):
    """A flag, or one statement of a flag's evidence, that a ``new_flag`` alert already named.

    ``statement_id`` is empty for the flag itself. A flags run that adds a flag, or a
    statement to a flag's evidence, that has no mark yet raises one alert; re-runs over
    unchanged data find every mark and raise nothing.
    """

    __tablename__ = "flag_alert_marks"

    flag_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    alert_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditRow(Base):
    """One entry of the append-only audit trail: a screening run, an alert or a decision."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    alert_id: Mapped[int | None] = mapped_column(Integer, index=True)
    decision: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    list_version: Mapped[str | None] = mapped_column(String(64))
    matcher_version: Mapped[str | None] = mapped_column(String(255))
    score: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogAppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit entry through the ORM."""


def _refuse_row_change(_mapper: Any, _connection: Any, target: AuditRow) -> None:
    raise AuditLogAppendOnlyError(f"audit entry {target.id} cannot be changed or deleted")


event.listen(AuditRow, "before_update", _refuse_row_change)
event.listen(AuditRow, "before_delete", _refuse_row_change)


@event.listens_for(Session, "do_orm_execute")
def _refuse_audit_rewrite(state: ORMExecuteState) -> None:
    """Refuse bulk ``update(AuditRow)`` / ``delete(AuditRow)`` statements as well."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == AuditRow.__tablename__:
        raise AuditLogAppendOnlyError("the audit log is append-only")
