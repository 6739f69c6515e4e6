"""Publication dates: declared by metadata or a dateline, or inferred from the text's events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DateFinding:
    """An ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), how it was found, and the evidence."""

    value: str
    kind: str
    evidence: str
    offset: int | None = None

    def describe(self) -> str:
        where = f" at offset {self.offset}" if self.offset is not None else ""
        return f"{self.evidence}{where}"
