"""An analyst's publication date: overrides whatever ingest found, keeping the old evidence.

The previous date and its clues stay in ``date_evidence`` (as ``replaced``), so the store can
still show what the text suggested; extraction reads the new date on its next run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.dates import GIVEN, INFERRED, NONE, DateFinding
from sanctionwatch.ingest.formats import TEXT, Parsed
from sanctionwatch.ingest.metadata import describe
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow
from sanctionwatch.textdates import date_method, read_date_evidence

REINFERRED_KINDS = (INFERRED, NONE)
ISO_DATE = re.compile(r"(?:19|20)\d\d(?:-[01]\d(?:-[0-3]\d)?)?")


class DateValueError(ValueError):
    """Not a usable ISO date (the message says what is expected)."""


def parse_user_date(value: str) -> str:
    """``2019-03-26``, ``2019-03`` or ``2019``, checked; raises :class:`DateValueError`."""
    text = value.strip()
    if not ISO_DATE.fullmatch(text):
        raise DateValueError(f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    parts = [int(part) for part in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as error:
        raise DateValueError(f"{value!r} is not a date: {error}") from error
    if text > date.today().isoformat():
        raise DateValueError(f"{value!r} is in the future")
    return text


def set_publication_date(
    database: Database, document_ids: Iterable[str], value: str, *, reason: str = ""
) -> int:
    """Give documents ``value`` as their publication date (method ``user``); returns how many
    rows changed. One transaction for all of them."""
    checked = parse_user_date(value)
    changed = 0
    with database.session() as session:
        for document_id in dict.fromkeys(document_ids):
            row = session.get(DocumentRow, document_id)
            if row is None:
                continue
            if row.published_at == checked and row.date_kind == GIVEN and _is_user(row):
                continue
            row.date_evidence = _evidence(row, checked, reason)
            row.published_at = checked
            row.date_kind = GIVEN
            changed += 1
    return changed


def _is_user(row: DocumentRow) -> bool:
    return date_method(row.date_evidence) == "user"


def _evidence(row: DocumentRow, value: str, reason: str) -> str:
    previous = read_date_evidence(row.date_evidence)
    if previous.get("method") == "user":
        previous = previous.get("replaced") or {}
    return json.dumps(
        {
            "method": "user",
            "phrase": reason,
            "offset": None,
            "confidence": 1.0,
            "note": "set by an analyst",
            "candidates": [
                {
                    "rule": "user",
                    "value": value,
                    "phrase": reason,
                    "offset": None,
                    "confidence": 1.0,
                }
            ],
            "replaced": {"value": row.published_at, "kind": row.date_kind, **previous},
        },
        ensure_ascii=False,
    )


@dataclass(frozen=True, slots=True)
class Redated:
    """One document whose inferred date changed when the current rules re-read it."""

    document_id: str
    before: str | None
    after: str | None
    method: str

    def to_dict(self) -> dict[str, str | None]:
        return {
            "document_id": self.document_id,
            "before": self.before,
            "after": self.after,
            "method": self.method,
        }


def reinfer_dates(database: Database, *, dry_run: bool = False) -> list[Redated]:
    """Re-run date inference on documents whose date was inferred (or not found).

    Dates a document declared (metadata, dateline, URL) and analysts' dates are left alone: the
    inputs they came from have not changed. A date that stays the same still gets the current
    rules' evidence (not listed). One transaction per document.
    """
    with database.session() as session:
        ids = list(
            session.scalars(
                select(DocumentRow.id).where(
                    or_(
                        DocumentRow.date_kind.in_(REINFERRED_KINDS), DocumentRow.date_kind.is_(None)
                    )
                )
            )
        )
    changes = []
    for document_id in ids:
        with database.session() as session:
            row = session.get(DocumentRow, document_id)
            if row is None:
                continue
            finding = _infer(row)
            if finding.value == (row.published_at or "") and finding.kind == row.date_kind:
                if not dry_run and finding.value:
                    _refresh_evidence(row, finding.evidence())
                continue
            changes.append(Redated(row.id, row.published_at, finding.value or None, finding.method))
            if not dry_run:
                row.published_at = finding.value or None
                row.date_kind = finding.kind
                row.date_evidence = finding.evidence() if finding.value else None
    return changes


def _refresh_evidence(row: DocumentRow, evidence: str) -> None:
    """The same date, read by the current rules: their clues and confidence (which the claims
    weigh) replace the old ones, without listing the document as changed."""
    if row.date_evidence != evidence:
        row.date_evidence = evidence


def _infer(row: DocumentRow) -> DateFinding:
    parsed = Parsed(text=row.original_text, media_type=TEXT, url=row.url)
    cleaned = clean_text(row.original_text)
    return describe(parsed, cleaned, url=row.url).date
