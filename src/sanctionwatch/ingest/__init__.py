"""Ingest stage: files and bytes in, documents (original text, clean text, offsets, metadata) out.

Public API: :func:`ingest_paths`, :func:`ingest_bytes`, :func:`load_offset_map`.
"""

from __future__ import annotations

from typing import Any

from sanctionwatch.ingest.pipeline import ProgressCallback, ingest_bytes, ingest_paths
from sanctionwatch.ingest.types import IngestError, IngestOutcome, IngestReport, Status
from sanctionwatch.store.offsets import OffsetMap


def load_offset_map(row: Any) -> OffsetMap:
    """The offset map of a ``DocumentRow`` (or anything with an ``offset_map`` JSON list)."""
    return OffsetMap(row.offset_map or [])


__all__ = [
    "IngestError",
    "IngestOutcome",
    "IngestReport",
    "ProgressCallback",
    "Status",
    "ingest_bytes",
    "ingest_paths",
    "load_offset_map",
]
