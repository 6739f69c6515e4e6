"""What ingestion reports back: one outcome per file or upload, and the batch report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """What happened to one input."""

    ADDED = "added"
    UNCHANGED = "unchanged"
    NEW_VERSION = "new_version"
    SKIPPED = "skipped"
    FAILED = "failed"


class IngestError(Exception):
    """A problem with one input that the user can act on; the message is one line."""


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """The result for one input: its status, document id and, on failure, the reason."""

    source: str
    status: Status
    document_id: str | None = None
    previous_version_id: str | None = None
    title: str | None = None
    byte_size: int = 0
    reason: str | None = None

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status.value,
            "document_id": self.document_id,
            "previous_version_id": self.previous_version_id,
            "title": self.title,
            "byte_size": self.byte_size,
            "reason": self.reason,
        }


@dataclass(slots=True)
class IngestReport:
    """Outcomes of one batch, in input order."""

    outcomes: list[IngestOutcome] = field(default_factory=list)

    def add(self, outcome: IngestOutcome) -> None:
        self.outcomes.append(outcome)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(outcome.status.value for outcome in self.outcomes)
        return {status.value: counted.get(status.value, 0) for status in Status}

    @property
    def failures(self) -> list[IngestOutcome]:
        return [outcome for outcome in self.outcomes if outcome.failed]

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def byte_size(self) -> int:
        return sum(outcome.byte_size for outcome in self.outcomes)
