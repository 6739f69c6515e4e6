"""Document metadata: what the format declared, completed from the text itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from sanctionwatch.ingest.clean import Cleaned
from sanctionwatch.ingest.dates import DateFinding
from sanctionwatch.ingest.formats import Parsed


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    authors: list[str] = field(default_factory=list)
    date: DateFinding | None = None


def describe(parsed: Parsed, cleaned: Cleaned, *, url: str | None = None) -> Metadata:
    date = None
    if parsed.date:
        date = DateFinding(parsed.date, "given", parsed.date_evidence or "metadata")
    return Metadata(
        title=parsed.title,
        url=url or parsed.url,
        publisher=parsed.publisher,
        authors=list(parsed.authors),
        date=date,
    )
