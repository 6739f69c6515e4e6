"""An entity dossier: every fact footnoted to its source, as HTML or (via headless Chromium) PDF."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from sanctionwatch import __version__
from sanctionwatch.api import readmodel, stages
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

TEMPLATES = Path(__file__).parent / "templates"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


class DossierError(RuntimeError):
    """No such entity, or no PDF renderer; the message says what to do."""


@dataclass(frozen=True)
class Source:
    number: int
    label: str
    url: str | None
    quote: str | None
    detail: str


@dataclass
class Footnotes:
    """Numbers sources in order of first use; the same source keeps its number."""

    sources: list[Source] = field(default_factory=list)
    _index: dict[tuple[str, ...], int] = field(default_factory=dict)

    def cite(self, session: Session, fact: readmodel.Fact) -> int:
        key = (fact.document_id or fact.dataset, fact.sentence or "", fact.origin)
        if key in self._index:
            return self._index[key]
        number = len(self.sources) + 1
        self._index[key] = number
        self.sources.append(_source(session, number, fact))
        return number


def _source(session: Session, number: int, fact: readmodel.Fact) -> Source:
    if fact.document_id:
        doc = session.get(DocumentRow, fact.document_id)
        title = (doc.title or doc.source) if doc else fact.document_id
        extra = ", ".join(
            part
            for part in (doc.publisher if doc else None, doc.published_at if doc else None)
            if part
        )
        span = f"characters {fact.start}–{fact.end}" if fact.start is not None else ""
        return Source(
            number=number,
            label=title + (f" ({extra})" if extra else ""),
            url=doc.url if doc else None,
            quote=fact.sentence,
            detail="; ".join(
                p for p in (span, f"read by {fact.origin} v{fact.origin_version}") if p
            ),
        )
    return Source(
        number=number,
        label=f"Sanctions list {fact.dataset}",
        url=None,
        quote=None,
        detail=f"{fact.origin}, version {fact.origin_version}",
    )


def dossier_html(database: Database, entity_id: str) -> str:
    """The dossier of ``entity_id`` as a self-contained HTML page."""
    with database.session() as session:
        view = readmodel.get_entity(session, entity_id)
        if view is None:
            raise DossierError(f"no entity {entity_id!r}; find ids with `sanctionwatch export`")
        notes = Footnotes()
        facts = [(fact, notes.cite(session, fact)) for fact in view.facts]
        relations = [
            (rel, [notes.cite(session, fact) for fact in rel.facts]) for rel in view.relations
        ]
        sanctions = [
            (sanction, [notes.cite(session, fact) for fact in sanction.facts])
            for sanction in view.sanctions
        ]
        series = stages.list_claim_series(session, entity_id)
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    return env.get_template("dossier.html").render(
        view=view,
        facts=facts,
        relations=relations,
        sanctions=sanctions,
        series=series,
        sources=notes.sources,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
    )


def find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def html_to_pdf(html: str, output: Path, timeout: float = 120.0) -> Path:
    """Print ``html`` to ``output`` with headless Chromium."""
    chromium = find_chromium()
    if chromium is None:
        raise DossierError(
            "no Chromium found for PDF output; install chromium or use --format html"
        )
    with tempfile.TemporaryDirectory(prefix="sw-dossier-") as tmp:
        page = Path(tmp) / "dossier.html"
        page.write_text(html, encoding="utf-8")
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-pdf-header-footer",
                f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--print-to-pdf={output.resolve()}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if result.returncode != 0 or not output.is_file():
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise DossierError(f"Chromium could not print {output}: {last}")
    return output
