"""The extraction pipeline: parse each document once, run every extractor, store with provenance.

For each document that the current extractor versions have not processed yet (or every document
with ``reprocess=True``) the pipeline builds a :class:`DocumentContext`, parses the cleaned text
with spaCy (``nlp.pipe``, in two processes for big batches), finds the mentions, hands them to the
relation and claim extractors, and writes everything in ONE transaction per document. Each
extractor's statements are replaced as a block (``replace_origin_statements``), so a new version
replaces its own output and never analysts' (``human:``) statements. A document that fails is
reported and rolled back; the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from types import ModuleType

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import sanctionwatch.extract.ruler  # noqa: F401  (registers the "sanctionwatch_rules" factory)
from sanctionwatch.extract import claims as claims_module
from sanctionwatch.extract import relations as relations_module
from sanctionwatch.extract.entities import (
    ORIGIN,
    entity_statements,
    extractor_version,
    find_mentions,
    find_roles,
)
from sanctionwatch.extract.ruler import GazetteerName, RuleComponent
from sanctionwatch.extract.tables import ExtractionRunRow
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.settings import load_settings
from sanctionwatch.store import Database
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import Statement, replace_origin_statements
from sanctionwatch.store.tables import DocumentRow, StatementRow

log = logging.getLogger(__name__)

RELATIONS_ORIGIN = "extract:relations"
CHUNK_CHARS = 100_000
"""Longest piece of text handed to spaCy at once; longer documents are parsed in pieces."""
PARALLEL_MIN_CHARS = 400_000
"""Below this much text, starting worker processes costs more than it saves."""
BATCH_DOCUMENTS = 200
GAZETTEER_SCHEMATA = {
    "Person": "Person",
    "Company": "Company",
    "Organization": "Organization",
    "PublicBody": "Organization",
    "LegalEntity": "LegalEntity",
}
GAZETTEER_PROPS = ("name", "alias", "previousName")
LIST_ORIGIN_PREFIX = "list:"

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class ExtractReport:
    """What one ``extract_documents`` call did."""

    documents: int = 0
    skipped: int = 0
    mentions: int = 0
    entity_statements: int = 0
    relation_statements: int = 0
    claims: int = 0
    words: int = 0
    seconds: float = 0.0
    gazetteer_names: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "skipped": self.skipped,
            "failed": len(self.failures),
            "mentions": self.mentions,
            "entity_statements": self.entity_statements,
            "relation_statements": self.relation_statements,
            "claims": self.claims,
            "words": self.words,
            "seconds": round(self.seconds, 3),
            "gazetteer_names": self.gazetteer_names,
            "failures": [{"document": d, "error": e} for d, e in self.failures],
        }


# ---------------------------------------------------------------- versions


def _module_version(module: ModuleType) -> str:
    for name in ("EXTRACTOR_VERSION", "VERSION", "__version__"):
        value = getattr(module, name, None)
        if value:
            return str(value)
    return "0"


def model_version() -> str:
    """The spaCy model every extractor reads (``SANCTIONWATCH_SPACY_MODEL``): switching models
    re-runs extraction like a new rules version. A long path is kept as its digest (the
    ``extraction_runs.version`` column holds 64 characters)."""
    name = load_settings().spacy_model
    return name if len(name) <= 64 else hashlib.sha1(name.encode("utf-8")).hexdigest()


def extractor_versions() -> dict[str, str]:
    """Current version of each extractor, and the model; a change re-runs every document."""
    return {
        "entities": extractor_version(),
        "relations": _module_version(relations_module),
        "claims": _module_version(claims_module),
        "model": model_version(),
    }


# ---------------------------------------------------------------- spaCy


@lru_cache(maxsize=2)
def load_nlp(model: str | None = None) -> Language:
    """The spaCy pipeline named by ``Settings.spacy_model`` plus the rule layer (cached)."""
    name = model or load_settings().spacy_model
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError, AttributeError) as exc:  # AttributeError: a package, no load()
        raise RuntimeError(
            f"spaCy model {name!r} is not installed or not loadable; install it or set "
            "SANCTIONWATCH_SPACY_MODEL to a model package or directory"
        ) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("sanctionwatch_line_breaks", before="parser")
    after = "ner" if "ner" in nlp.pipe_names else None
    nlp.add_pipe("sanctionwatch_rules", after=after) if after else nlp.add_pipe(
        "sanctionwatch_rules"
    )
    return nlp


def rule_component(nlp: Language) -> RuleComponent:
    component = nlp.get_pipe("sanctionwatch_rules")
    assert isinstance(component, RuleComponent)
    return component


def gazetteer_names(session: Session) -> list[GazetteerName]:
    """Names and aliases of listed entities in the store (origin ``list:*``)."""
    query = (
        select(StatementRow.value, StatementRow.schema, StatementRow.dataset)
        .where(StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
        .where(StatementRow.prop.in_(GAZETTEER_PROPS))
        .distinct()
    )
    names = []
    for value, schema, dataset in session.execute(query):
        mapped = GAZETTEER_SCHEMATA.get(schema)
        if mapped is None or not _usable_listed_name(value, mapped):
            continue
        names.append(GazetteerName(" ".join(value.split()), mapped, dataset))
    return names


def _usable_listed_name(name: str, schema: str) -> bool:
    """Skip names that would fire on ordinary words: too short, or a lone surname."""
    words = name.split()
    if not 4 <= len(name) <= 120:
        return False
    if len(words) == 1:
        return schema != "Person" and len(name) >= 6
    return True


def _chunks(text: str, size: int) -> list[str]:
    """Split at whitespace so that every piece ends with whitespace (offsets stay exact)."""
    pieces = []
    start = 0
    while len(text) - start > size:
        cut = max(text.rfind("\n", start, start + size), text.rfind(" ", start, start + size))
        cut = start + size if cut <= start else cut + 1
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def parse_long_text(nlp: Language, text: str, chunk_chars: int = CHUNK_CHARS) -> Doc:
    """Parse text longer than spaCy likes, piece by piece, into one ``Doc`` with exact offsets."""
    docs = list(nlp.pipe(_chunks(text, chunk_chars)))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(text):
        raise ValueError("joining the parsed pieces changed the text")
    return doc


def parse_documents(
    nlp: Language, items: Sequence[tuple[str, str]], n_process: int = 1
) -> Iterator[tuple[Doc, str]]:
    """``(doc, key)`` for every ``(text, key)``; long texts are parsed in pieces."""
    short = [(text, key) for text, key in items if len(text) <= CHUNK_CHARS]
    for text, key in items:
        if len(text) > CHUNK_CHARS:
            yield parse_long_text(nlp, text), key
    batch_size = 16 if n_process > 1 else 64
    yield from nlp.pipe(short, as_tuples=True, n_process=n_process, batch_size=batch_size)


# ---------------------------------------------------------------- documents


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def document_context(row: DocumentRow) -> DocumentContext:
    """What the extractors know about a stored document beyond its text."""
    if row.offset_map:
        offsets = OffsetMap(row.offset_map)
    else:
        offsets = OffsetMap.identity(len(row.clean_text or ""))
    return DocumentContext(
        document_id=row.id,
        clean_text=row.clean_text or "",
        offsets=offsets,
        published=_published(row.published_at),
        publisher=row.publisher,
        title=row.title,
    )


def documents_to_process(session: Session, reprocess: bool = False) -> tuple[list[str], int]:
    """Ids of documents the current extractor versions have not run on, and how many are done."""
    ids = list(session.scalars(select(DocumentRow.id).order_by(DocumentRow.ingested_at)))
    if reprocess:
        return ids, 0
    versions = extractor_versions()
    done: dict[str, dict[str, str]] = defaultdict(dict)
    for run in session.scalars(select(ExtractionRunRow)):
        done[run.document_id][run.extractor] = run.version
    todo = [doc_id for doc_id in ids if done.get(doc_id) != versions]
    return todo, len(ids) - len(todo)


def process_document(session: Session, doc: Doc, context: DocumentContext) -> dict[str, int]:
    """Run every extractor on one parsed document inside the caller's transaction."""
    versions = extractor_versions()
    mentions = find_mentions(doc, context)
    roles = find_roles(doc, mentions)
    statements = entity_statements(context, mentions, roles, versions["entities"])
    replace_origin_statements(session, context.document_id, ORIGIN, statements)
    relations = relations_module.extract_relations(doc, context, mentions)
    by_origin: dict[str, list[Statement]] = defaultdict(list)
    by_origin[RELATIONS_ORIGIN] = []
    for statement in relations:
        by_origin[statement.origin].append(statement)
    for origin, batch in by_origin.items():
        replace_origin_statements(session, context.document_id, origin, batch)
    claims = claims_module.extract_claims(session, doc, context, mentions)
    counts = {
        "entities": len(statements),
        "relations": len(relations),
        "claims": claims,
    }
    _record_runs(session, context.document_id, versions, counts, len(mentions))
    return {**counts, "mentions": len(mentions)}


def _record_runs(
    session: Session,
    document_id: str,
    versions: dict[str, str],
    counts: dict[str, int],
    mentions: int,
) -> None:
    for extractor, version in versions.items():
        row = session.get(ExtractionRunRow, (document_id, extractor))
        if row is None:
            row = ExtractionRunRow(document_id=document_id, extractor=extractor)
            session.add(row)
        row.version = version
        row.statements = counts.get(extractor, 0)
        row.mentions = mentions if extractor == "entities" else 0
        row.finished_at = datetime.now().astimezone()


def _processes(total_chars: int, requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    configured = os.environ.get("SANCTIONWATCH_EXTRACT_PROCESSES")
    if configured:
        return max(1, int(configured))
    if total_chars < PARALLEL_MIN_CHARS:
        return 1
    return min(2, os.cpu_count() or 1)


def _batches(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def extract_documents(
    database: Database,
    *,
    reprocess: bool = False,
    on_progress: ProgressCallback | None = None,
    nlp: Language | None = None,
    n_process: int | None = None,
) -> ExtractReport:
    """Extract entities, relations and claims from every new (or, with ``reprocess``, every)
    document; one transaction per document, failures reported and skipped."""
    started = time.perf_counter()
    report = ExtractReport()
    with database.session() as session:
        todo, report.skipped = documents_to_process(session, reprocess)
        names = gazetteer_names(session) if todo else []
    if not todo:
        report.seconds = time.perf_counter() - started
        return report
    nlp = nlp or load_nlp()
    if "sanctionwatch_rules" in nlp.pipe_names:
        report.gazetteer_names = rule_component(nlp).set_gazetteer(names)
    stream = _DocumentStream(database, todo)
    processes = _processes(_total_chars(database, todo), n_process)
    for done, (doc, doc_id) in enumerate(_safe_parse(nlp, stream, processes, report), start=1):
        context, source = stream.take(doc_id)
        try:
            with database.session() as session:
                counts = process_document(session, doc, context)
        except Exception as exc:
            log.exception("extraction failed for %s", source)
            report.failures.append((source, f"{type(exc).__name__}: {exc}"))
        else:
            report.documents += 1
            report.mentions += counts["mentions"]
            report.entity_statements += counts["entities"]
            report.relation_statements += counts["relations"]
            report.claims += counts["claims"]
            report.words += len(context.clean_text.split())
        if on_progress is not None:
            on_progress(done, len(todo))
    report.seconds = time.perf_counter() - started
    return report


class _DocumentStream:
    """The texts to parse, read from the store ``BATCH_DOCUMENTS`` at a time as spaCy asks
    for them, so one ``nlp.pipe`` (one set of worker processes) serves the whole run and only
    the documents in flight are in memory. Texts too long for one spaCy call come last."""

    def __init__(self, database: Database, ids: Sequence[str]) -> None:
        self.database = database
        self.ids = ids
        self.contexts: dict[str, DocumentContext] = {}
        self.sources: dict[str, str] = {}
        self.long: list[tuple[str, str]] = []

    def short_items(self) -> Iterator[tuple[str, str]]:
        for batch in _batches(self.ids, BATCH_DOCUMENTS):
            contexts, sources = _load_contexts(self.database, batch)
            self.contexts.update(contexts)
            self.sources.update(sources)
            for context in contexts.values():
                item = (context.clean_text, context.document_id)
                if len(context.clean_text) > CHUNK_CHARS:
                    self.long.append(item)
                else:
                    yield item

    def source(self, doc_id: str) -> str:
        return self.sources.get(doc_id, doc_id)

    def take(self, doc_id: str) -> tuple[DocumentContext, str]:
        """The context of a parsed document, forgotten here once handed out."""
        return self.contexts.pop(doc_id), self.sources.pop(doc_id, doc_id)


def _total_chars(database: Database, ids: Sequence[str]) -> int:
    """How much text the run will parse (decides whether worker processes pay off)."""
    total = 0
    with database.session() as session:
        for batch in _batches(ids, 500):
            length = func.length(DocumentRow.clean_text)
            query = select(func.coalesce(func.sum(length), 0)).where(DocumentRow.id.in_(batch))
            total += int(session.scalar(query) or 0)
            if total >= PARALLEL_MIN_CHARS:
                break
    return total


def _safe_parse(
    nlp: Language, stream: _DocumentStream, processes: int, report: ExtractReport
) -> Iterator[tuple[Doc, str]]:
    """Parse the stream; if spaCy fails, parse what is left one by one to isolate the culprit."""
    seen: set[str] = set()
    items = stream.short_items()
    batch_size = 16 if processes > 1 else 64
    try:
        for doc, key in nlp.pipe(items, as_tuples=True, n_process=processes, batch_size=batch_size):
            seen.add(key)
            yield doc, key
    except Exception:
        log.exception("parsing failed; parsing the remaining documents one by one")
    pending = [(ctx.clean_text, key) for key, ctx in stream.contexts.items() if key not in seen]
    pending = [item for item in pending if len(item[0]) <= CHUNK_CHARS]
    for text, key in [*pending, *items, *stream.long]:
        if key in seen:
            continue
        seen.add(key)
        try:
            yield from list(parse_documents(nlp, [(text, key)], 1))
        except Exception as exc:
            report.failures.append(
                (stream.source(key), f"cannot parse: {type(exc).__name__}: {exc}")
            )
            stream.take(key)


def _load_contexts(
    database: Database, ids: Sequence[str]
) -> tuple[dict[str, DocumentContext], dict[str, str]]:
    with database.session() as session:
        rows = session.scalars(select(DocumentRow).where(DocumentRow.id.in_(list(ids))))
        contexts = {}
        sources = {}
        for row in rows:
            contexts[row.id] = document_context(row)
            sources[row.id] = row.source or row.id
    return contexts, sources
