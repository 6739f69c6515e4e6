"""The resolved graph the rules read: statements grouped by canonical entity id.

Loaded once per evaluation: every statement's entity id and every entity-valued property is
mapped to its canonical id (resolve's ``canonical_ids`` table), so a rule sees one node for
"Rungrado", "Korea Rungrado General Trading Corporation" and its list entry once resolved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from followthemoney import model
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.resolve.tables import CanonicalIdRow
from sanctionwatch.screen.tables import ScreenMatchRow
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.tables import DocumentRow, StatementRow

LIST_ORIGIN_PREFIX = "list:"
DOCUMENT_DATASET = "documents"


@dataclass(frozen=True, slots=True)
class Fact:
    """One statement as the rules see it (entity ids already canonical)."""

    statement_id: str
    entity_id: str
    schema: str
    prop: str
    value: str
    dataset: str
    origin: str
    document_id: str | None
    start: int | None
    end: int | None
    sentence: str | None
    original_value: str | None


@dataclass
class Node:
    """A canonical entity: its schemata and facts by property."""

    id: str
    schemata: set[str] = field(default_factory=set)
    props: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))

    def values(self, prop: str) -> list[str]:
        return list(dict.fromkeys(fact.value for fact in self.props.get(prop, [])))

    @property
    def name(self) -> str:
        names = self.values("name")
        documents = [f.value for f in self.props.get("name", []) if f.dataset == DOCUMENT_DATASET]
        return (documents or names or [self.id])[0]

    @property
    def in_documents(self) -> bool:
        """Whether a report mentions the entity (list-only entries are not flagged)."""
        return any(f.dataset == DOCUMENT_DATASET for facts in self.props.values() for f in facts)

    @property
    def from_list(self) -> bool:
        return any(
            f.origin.startswith(LIST_ORIGIN_PREFIX) for facts in self.props.values() for f in facts
        )

    def is_a(self, *schemata: str) -> bool:
        for name in self.schemata:
            schema = model.get(name)
            if schema is not None and any(schema.is_a(other) for other in schemata):
                return True
        return False

    def facts(self) -> list[Fact]:
        return [fact for facts in self.props.values() for fact in facts]


@dataclass(frozen=True, slots=True)
class DocSentence:
    """A sentence of a document's cleaned text, with its span in the ORIGINAL text."""

    document_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class CountClaim:
    """A figure a report states ("no less than twelve companies"), as the claims extractor
    stored it: rules that count parties (shared addresses) read it with its span."""

    fact: Fact
    measure: str
    value: float
    unit: str


@dataclass
class Graph:
    nodes: dict[str, Node]
    canonical: dict[str, str]
    matches: list[tuple[str, str, str, float]]  # (graph canonical id, list id, source, score)
    sentences: list[DocSentence] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    """Document id -> title: a headline is no sentence of the report (see ``without_title``)."""
    claims: list[CountClaim] = field(default_factory=list)

    def node(self, entity_id: str) -> Node | None:
        return self.nodes.get(self.canonical.get(entity_id, entity_id))

    def links(self, *schemata: str) -> list[Node]:
        return [node for node in self.nodes.values() if node.is_a(*schemata)]


def _entity_props() -> frozenset[tuple[str, str]]:
    pairs = set()
    for schema in model.schemata.values():
        for prop in schema.properties.values():
            if prop.type.name == "entity":
                pairs.add((schema.name, prop.name))
    return frozenset(pairs)


def load_graph(session: Session) -> Graph:
    """Read every statement and screening match into a canonical graph."""
    canonical = {
        entity_id: canonical_id
        for entity_id, canonical_id in session.execute(
            select(CanonicalIdRow.entity_id, CanonicalIdRow.canonical_id)
        )
    }
    entity_props = _entity_props()
    nodes: dict[str, Node] = {}
    for row in session.scalars(select(StatementRow)):
        node_id = canonical.get(row.entity_id, row.entity_id)
        node = nodes.get(node_id)
        if node is None:
            node = nodes[node_id] = Node(node_id)
        node.schemata.add(row.schema)
        value = row.value
        if (row.schema, row.prop) in entity_props:
            value = canonical.get(value, value)
        node.props[row.prop].append(
            Fact(
                row.id,
                node_id,
                row.schema,
                row.prop,
                value,
                row.dataset,
                row.origin,
                row.document_id,
                row.span_start,
                row.span_end,
                row.sentence,
                row.original_value,
            )
        )
    matches = [
        (
            canonical.get(m.graph_entity_id, m.graph_entity_id),
            m.list_entity_id,
            m.list_source,
            m.score,
        )
        for m in session.scalars(select(ScreenMatchRow))
    ]
    titles = {
        doc_id: " ".join(title.split())
        for doc_id, title in session.execute(select(DocumentRow.id, DocumentRow.title))
        if title and title.strip()
    }
    claims = load_count_claims(session, canonical)
    return Graph(nodes, canonical, matches, load_sentences(session), titles, claims)


def load_count_claims(session: Session, canonical: dict[str, str]) -> list[CountClaim]:
    """Every stated figure, with its span and sentence as a :class:`Fact` (id = claim id)."""
    found = []
    for row in session.scalars(select(ClaimRow).order_by(ClaimRow.id)):
        subject = canonical.get(row.subject_entity_id or "", row.subject_entity_id or "")
        fact = Fact(
            row.id,
            subject,
            "Claim",
            "claim",
            row.text,
            DOCUMENT_DATASET,
            row.origin,
            row.document_id,
            row.span_start,
            row.span_end,
            row.sentence,
            None,
        )
        found.append(CountClaim(fact, row.measure, row.value, row.unit))
    return found


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n")


def load_sentences(session: Session) -> list[DocSentence]:
    """Every document's sentences (a plain splitter: sentence cues need no parse)."""
    found = []
    for doc_id, text, pieces, title in session.execute(
        select(DocumentRow.id, DocumentRow.clean_text, DocumentRow.offset_map, DocumentRow.title)
    ):
        if not text:
            continue
        offsets = OffsetMap(pieces) if pieces else OffsetMap.identity(len(text))
        begin = _after_title(text, title)
        for boundary in [*_SENTENCE_END.finditer(text), None]:
            stop = boundary.start() if boundary else len(text)
            sentence = text[begin:stop].strip()
            if sentence:
                lead = len(text[begin:stop]) - len(text[begin:stop].lstrip())
                start, end = offsets.span_to_original(begin + lead, begin + lead + len(sentence))
                found.append(DocSentence(doc_id, start, end, " ".join(sentence.split())))
            begin = boundary.end() if boundary else len(text)
    return found


def _after_title(text: str, title: str | None) -> int:
    """Where the body starts when the cleaned text opens with the document's title (headlines
    name topics, "Cash, couriers and a bank", not events: no sentence rule should read them)."""
    words = (title or "").split()
    if not words:
        return 0
    found = re.match(r"\s*" + r"\s+".join(re.escape(word) for word in words), text)
    return found.end() if found else 0


def without_title(sentence: str, title: str | None) -> str:
    """``sentence`` minus a leading document title (a parser may run it into the first line)."""
    return sentence[_after_title(sentence, title) :].strip()
