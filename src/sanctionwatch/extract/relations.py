"""Relations between mentions (ownership, subsidiary, employment, shared address, ...).

Contract: the extraction pipeline calls :func:`extract_relations` once per parsed document.

What comes out (see ``docs/relations.md``): FollowTheMoney link entities (``Ownership``,
``Directorship``, ``Employment``, ``Membership``, ``Sanction``, ``UnknownLink``), shared
``Address`` entities joined to each party by ``addressEntity``, and plain properties of the
parties themselves (``jurisdiction``, ``country``, ``address``, ``nationality``). Every
statement carries the sentence, its span in the ORIGINAL text, origin ``extract:relations``
and the rules version, so re-extraction with new rules replaces exactly these statements.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from followthemoney import model
from spacy.tokens import Doc, Span

from sanctionwatch.extract.coreference import default_coreference_rules, resolve_coreferences
from sanctionwatch.extract.relation_attributes import model_version as attribute_version
from sanctionwatch.extract.relation_attributes import with_attribute_tags
from sanctionwatch.extract.relation_designations import DesignationFinder
from sanctionwatch.extract.relation_events import default_event_rules
from sanctionwatch.extract.relation_finders import Fact, Found, Link, SentenceFinder, SharedAddress
from sanctionwatch.extract.relation_links import LinkFinder, default_link_rules
from sanctionwatch.extract.relation_model import ModelFinder, model_version
from sanctionwatch.extract.relation_nationality import NationalityFinder
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules
from sanctionwatch.extract.relation_parse import MentionIndex, Party
from sanctionwatch.extract.relation_roles import RoleFinder, default_role_rules
from sanctionwatch.extract.relation_rules import RelationRules, default_rules, normalise_phrase
from sanctionwatch.extract.relation_sweeps import SweepFinder, default_sweep_rules
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.statements import Statement

ORIGIN = "extract:relations"
DATASET = "documents"
CODE_VERSION = "3"
"""Bumped when the extractor's code changes what it emits (rules have their own version)."""
ORIGIN_VERSION_WIDTH = 32
"""Width of ``statements.origin_version``: a longer version is written as a digest of it."""

RELATION_KINDS = (
    "ownership",
    "subsidiary",
    "directorship",
    "employment",
    "membership",
    "registration",
    "location",
    "nationality",
    "shared_address",
    "sanction",
    "delisting",
    "joint_venture",
    "front",
    "unknown",
    "family",
)
"""Every ``kind`` this extractor emits; link entity ids start with ``rel-<kind>-``."""


RULE_FILE_KEYS = {
    "model": "m",  # the learned component's file (relation_model.py)
    "attributes": "a",  # the learned attribute tagger's file (relation_attributes.py)
    "sweeps": "s",
    "nationality": "n",
    "roles": "ro",
    "links": "l",
    "events": "e",
    "coreference": "c",
    "rules": "r",
}
"""Short key of each rules file in ``origin_version`` (the column holds 32 characters)."""
_NAMED_WHEN_ON = frozenset({"attributes"})
"""Learned files named in the version only when on: off they change nothing, and ``+a0``
pushed the readable version past the column (a digest instead)."""


def rule_file_versions(rules: RelationRules | None = None) -> dict[str, str]:
    """The version of every rules file relation extraction reads, by file."""
    return {
        "model": model_version(),  # the learned component's file, "0" when it is off
        "attributes": attribute_version(),  # the attribute tagger's file, "0" when it is off
        "sweeps": default_sweep_rules().version,
        "nationality": default_nationality_rules().version,
        "roles": default_role_rules().version,
        "links": default_link_rules().version,
        "events": default_event_rules().version,
        "coreference": default_coreference_rules().version,
        "rules": (rules or default_rules()).version,
    }


def extractor_version(rules: RelationRules | None = None) -> str:
    """``origin_version`` of the statements: code version plus each rules file's version
    (``3+s1+n1+ro1+l1+r1.2.1``), or a digest of them if that outgrows the column."""
    files = rule_file_versions(rules)
    named = {name: v for name, v in files.items() if not (name in _NAMED_WHEN_ON and v == "0")}
    full = CODE_VERSION + "".join(f"+{RULE_FILE_KEYS[name]}{named[name]}" for name in named)
    if len(full) <= ORIGIN_VERSION_WIDTH:
        return full
    return f"{CODE_VERSION}+{hashlib.sha1(full.encode('utf-8')).hexdigest()[:16]}"


def __getattr__(name: str) -> str:
    """``EXTRACTOR_VERSION``: the version the pipeline records per document (a change re-runs
    relation extraction). Computed on first use, so importing this module reads no rules file;
    each rules file of :func:`rule_file_versions` is read once per process (cached loaders)."""
    if name == "EXTRACTOR_VERSION":
        return extractor_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def _party_key(party: Party) -> str:
    return party.entity_id or f"~{normalise_phrase(party.name)}"


def link_id(document_id: str, link: Link) -> str:
    """Deterministic id: the same link stated twice in a document is one entity.

    The role is part of the identity only for UnknownLink (where it is the relation itself);
    "spokeswoman" and "spokesperson" of one ministry are one employment.
    """
    ends = sorted(f"{prop}={_party_key(party)}" for prop, party in link.parties.items())
    role = ""
    if link.schema == "UnknownLink":
        role = next((value for prop, value, _ in link.values if prop == "role"), "")
    authority = next((value for prop, value, _ in link.values if prop == "authority"), "")
    return f"rel-{link.kind}-{_digest(document_id, link.schema, *ends, role, authority)}"


def address_id(document_id: str, anchor: Party) -> str:
    return f"addr-shared-{_digest(document_id, _party_key(anchor))}"


class _Writer:
    """Turns found relations into statements with provenance."""

    def __init__(self, context: DocumentContext, version: str) -> None:
        self.context = context
        self.version = version
        self.statements: list[Statement] = []

    def add(
        self,
        entity_id: str,
        schema: str,
        prop: str,
        value: str,
        found: Found,
        original: str | None = None,
    ) -> None:
        schema_obj = model.get(schema)
        if schema_obj is None or prop not in schema_obj.properties:
            return
        start, end = self.context.offsets.span_to_original(found.start, found.end)
        self.statements.append(
            Statement(
                entity_id=entity_id,
                schema=schema,
                prop=prop,
                value=value,
                dataset=DATASET,
                origin=ORIGIN,
                origin_version=self.version,
                document_id=self.context.document_id,
                start=start,
                end=end,
                sentence=_sentence_text(found.sentence),
                original_value=original,
                confidence=found.confidence,
                lang="en",
            )
        )

    def link(self, link: Link) -> None:
        entity_id = link_id(self.context.document_id, link)
        for prop, party in link.parties.items():
            if party.entity_id is not None:
                self.add(entity_id, link.schema, prop, party.entity_id, link, party.name)
            else:
                self.add(entity_id, link.schema, "description", party.name, link, party.name)
        for prop, value, original in link.values:
            self.add(entity_id, link.schema, prop, value, link, original)

    def fact(self, fact: Fact) -> None:
        if fact.party.entity_id is None or fact.party.schema is None:
            return
        entity_id, schema = fact.party.entity_id, fact.party.schema
        self.add(entity_id, schema, fact.prop, fact.value, fact, fact.original)
        if fact.note:
            self.add(entity_id, schema, "notes", fact.note, fact, fact.original)

    def shared_address(self, shared: SharedAddress) -> None:
        entity_id = address_id(self.context.document_id, shared.anchor)
        self.add(entity_id, "Address", "full", f"address of {shared.anchor.name}", shared)
        names = [party.name for party in shared.sharers]
        self.add(entity_id, "Address", "summary", "shared by: " + "; ".join(names), shared)
        if shared.city:
            self.add(entity_id, "Address", "city", shared.city, shared)
        for party in shared.sharers:
            if party.entity_id is not None and party.schema is not None:
                self.add(
                    party.entity_id, party.schema, "addressEntity", entity_id, shared, party.name
                )
            else:
                self.add(entity_id, "Address", "remarks", party.name, shared)


def _sentence_text(sentence: Span) -> str:
    return sentence.text.strip()


def find_relations(
    doc: Doc, context: DocumentContext, mentions: list[Mention], rules: RelationRules | None = None
) -> Iterator[Found]:
    """Every relation the rules find, sentence by sentence (before statements are built);
    pronouns and descriptions ("it", "the firm") count as their one antecedent, at a discount."""
    coref = resolve_coreferences(doc, mentions)
    yield from coref.discount(
        _designations_win(
            with_attribute_tags(  # what the learned attribute tagger adds to the rules
                doc, context, coref.mentions, _found_relations(doc, context, coref.mentions, rules)
            )
        )
    )


def _designations_win(found: Iterable[Found]) -> Iterator[Found]:
    """A legal action in a sentence that designates its target ("OFAC froze the assets of X")
    is that designation: the Sanction stays, the ``links:legal`` UnknownLink goes."""
    items = list(found)
    designated = {
        (item.sentence.start, _party_key(party))
        for item in items
        if isinstance(item, Link) and item.kind == "sanction"
        for party in item.parties.values()
    }
    for item in items:
        if isinstance(item, Link) and item.rule == "links:legal":
            keys = {(item.sentence.start, _party_key(party)) for party in item.parties.values()}
            if keys & designated:
                continue
        yield item


def _found_relations(
    doc: Doc, context: DocumentContext, mentions: list[Mention], rules: RelationRules | None
) -> Iterator[Found]:
    rules = rules or default_rules()
    finder = SentenceFinder(MentionIndex(doc, mentions), rules, context)
    links = LinkFinder(finder, default_link_rules())
    sentences = list(doc.sents)
    roles = RoleFinder(finder)  # records what the rules link, then reads roles they miss
    for sentence in sentences:
        yield from roles.seen(links.after(finder.find(sentence), sentence))
    if rules.enumerations is not None:
        yield from DesignationFinder(finder, rules.enumerations).find(sentences)
    yield from roles.seen(SweepFinder(finder, default_sweep_rules()).find(sentences))
    yield from NationalityFinder(finder).find(sentences)
    yield from roles.find(sentences)
    yield from ModelFinder(finder).find(sentences, roles.linked)  # pairs the rules left


def relation_statements(
    found: Iterable[Found], context: DocumentContext, rules: RelationRules | None = None
) -> list[Statement]:
    writer = _Writer(context, extractor_version(rules))
    for item in found:
        if isinstance(item, Link):
            writer.link(item)
        elif isinstance(item, Fact):
            writer.fact(item)
        else:
            writer.shared_address(item)
    unique = {stmt.id: stmt for stmt in writer.statements}
    return list(unique.values())


def extract_relations(
    doc: Doc, context: DocumentContext, mentions: list[Mention]
) -> list[Statement]:
    """Link entities among ``mentions``; spans in the statements are in the original text."""
    rules = default_rules()
    return relation_statements(find_relations(doc, context, mentions, rules), context, rules)
