"""The learned attribute tagger: nationality, location, registration and sanction links the
rules left, read from (party, country/place/authority word) pairs.

The rules read the constructions their triggers cover; this component reads every pair of a
named party and a country, place or authority word in a sentence
(:mod:`sanctionwatch.extract.relation_attribute_features`), scores it with a multinomial
logistic regression (classes ``none``, ``nationality``, ``location``, ``registration``,
``sanction``) and states the most probable kind the attribute can carry (a nationality or
registration needs a country, a location a country or a place, a sanction an authority) when
its probability reaches the model's threshold. It only ADDS: a party the rules gave the same
kind and value in the document is left as the rules said. A state body gets no nationality,
location or registration (docs/annotation.md).

The weights live in ``data/extract/relations/attribute_model.json`` (written by
``bench/train_attribute_model.py``, scored here in pure Python). The file holds its
``version`` (part of the relation extractor's version), the feature spec, the training sets
and date, the classes, a bias and a weight per feature and class, the threshold, and
``enabled``. ``SANCTIONWATCH_ATTRIBUTE_MODEL`` overrides ``enabled``: ``off``/``0`` or
``on``/``1``, or the path of another model file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

from sanctionwatch.extract.linear_models import (
    Switch,
    active,
    class_weights,
    number,
    parse_switch,
    read_json,
    softmax,
)
from sanctionwatch.extract.relation_attribute_features import (
    Attribute,
    AttributeCandidate,
    AttributeSpec,
    document_entities,
    sentence_candidates,
)
from sanctionwatch.extract.relation_finders import (
    Designator,
    Fact,
    Found,
    Link,
    SentenceFinder,
    evidence_span,
)
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules
from sanctionwatch.extract.relation_parse import MentionIndex, Party
from sanctionwatch.extract.relation_rules import RelationRulesError, default_rules
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.settings import DATA_DIR

MODEL_FILE = DATA_DIR / "extract" / "relations" / "attribute_model.json"
SETTING = "SANCTIONWATCH_ATTRIBUTE_MODEL"
NONE = "none"
KINDS = ("nationality", "location", "registration", "sanction")
"""The relation kinds the tagger may state, besides ``none``."""
RULE = "attributes"


class AttributeModelError(RelationRulesError):
    """The attribute model file is missing, unreadable or malformed (one line naming it)."""


@dataclass(frozen=True, slots=True)
class AttributeModel:
    """Weights of a multinomial logistic regression over (party, attribute) features."""

    path: Path
    version: str
    enabled: bool
    spec: AttributeSpec
    classes: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]
    threshold: float
    training: Mapping[str, Any]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Softmax over the classes of the summed weights of ``features``."""
        return softmax(self.bias, self.weights, features)

    def predict(self, features: Iterable[str], allowed: Iterable[str]) -> tuple[str, float]:
        """The most probable of the ``allowed`` kinds and its probability (``none``, 1.0
        when no kind is allowed)."""
        probabilities = self.probabilities(features)
        kinds = [kind for kind in allowed if kind in probabilities]
        if not kinds:
            return NONE, 1.0
        best = max(kinds, key=lambda kind: probabilities[kind])
        return best, probabilities[best]


def allowed_kinds(attribute: Attribute) -> tuple[str, ...]:
    """The kinds an attribute word can carry: a country gives a nationality, registration or
    location, a place a location, an authority a designation."""
    kinds: list[str] = []
    if attribute.country is not None:
        kinds.extend(("nationality", "registration", "location"))
    elif attribute.place is not None:
        kinds.append("location")
    if attribute.authority is not None:
        kinds.append("sanction")
    return tuple(kinds)


def candidate_kinds(candidate: AttributeCandidate) -> tuple[str, ...]:
    """The kinds a candidate may get: its attribute's, less a state body's country and
    place (a state organ is the state itself, docs/annotation.md)."""
    kinds = allowed_kinds(candidate.attribute)
    party = candidate.party
    if default_nationality_rules().is_state_body(party.canonical, party.schema):
        kinds = tuple(kind for kind in kinds if kind == "sanction")
    return kinds


def _fail(path: Path, problem: str) -> AttributeModelError:
    return AttributeModelError(f"{path}: {problem} (retrain with bench/train_attribute_model.py)")


def _number(path: Path, value: Any, what: str) -> float:
    return number(value, what, partial(_fail, path))


def parse_spec(path: Path, data: Any) -> AttributeSpec:
    """The checked ``feature_spec`` section of a model file (the trainer writes the same)."""
    if not isinstance(data, dict):
        raise _fail(path, "'feature_spec' must be a mapping")
    max_gap = data.get("max_gap")
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 1:
        raise _fail(path, "'feature_spec.max_gap' must be a positive whole number")
    raw = data.get("trigger_classes")
    if not isinstance(raw, dict):
        raise _fail(path, "'feature_spec.trigger_classes' must be a mapping of word lists")
    classes: dict[str, frozenset[str]] = {}
    for name, words in raw.items():
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            raise _fail(path, f"'feature_spec.trigger_classes.{name}' must be a list of words")
        classes[str(name)] = frozenset(word.lower() for word in words)
    return AttributeSpec(str(data.get("version", "1")), max_gap, classes)


def _classes(path: Path, data: Any) -> tuple[str, ...]:
    if not isinstance(data, list) or NONE not in data or len(data) < 2:
        raise _fail(path, f"'classes' must be a list holding '{NONE}' and at least one kind")
    for label in data:
        if label != NONE and label not in KINDS:
            raise _fail(path, f"class {label!r} is not one of {', '.join(KINDS)}")
    return tuple(str(label) for label in data)


def _switch(path: Path, data: Any) -> Switch:
    return parse_switch(data, partial(_fail, path))


def parse_model(path: Path, data: Any) -> AttributeModel:
    """A model from the parsed JSON ``data`` of ``path``, every key checked."""
    switch = _switch(path, data)
    classes = _classes(path, data.get("classes"))
    bias = data.get("bias")
    if not isinstance(bias, dict) or set(bias) != set(classes):
        raise _fail(path, "'bias' must give a number for every class")
    threshold = _number(path, data.get("threshold"), "threshold")
    if not 0.0 < threshold <= 1.0:
        raise _fail(path, "'threshold' must be in (0, 1]")
    training = data.get("training")
    if not isinstance(training, dict) or not isinstance(training.get("sets"), list):
        raise _fail(path, "'training' must be a mapping with the list of 'sets'")
    return AttributeModel(
        path=path,
        version=switch.version,
        enabled=switch.enabled,
        spec=parse_spec(path, data.get("feature_spec")),
        classes=classes,
        bias={label: _number(path, bias[label], f"bias.{label}") for label in classes},
        weights=class_weights(data.get("weights"), classes, partial(_fail, path)),
        threshold=threshold,
        training=training,
    )


def _read_json(path: Path) -> Any:
    return read_json(path, "attribute model", partial(_fail, path))


def read_model(path: Path) -> AttributeModel:
    """Load and check a model file; a bad file raises one line naming it and the problem."""
    return parse_model(path, _read_json(path))


@lru_cache(maxsize=4)
def _cached_model(path: str) -> AttributeModel:
    return read_model(Path(path))


@lru_cache(maxsize=4)
def _cached_switch(path: str) -> Switch:
    path_obj = Path(path)
    return _switch(path_obj, _read_json(path_obj))


def active_model() -> AttributeModel | None:
    """The model the pipeline uses now (None when off), per the setting and the packaged
    file's ``enabled``; a switched-off packaged file's weights are not read."""
    return active(SETTING, MODEL_FILE, _cached_model, lambda path: _cached_switch(path).enabled)


def model_version() -> str:
    """The active model's version for the relation extractor's version ("0" when off)."""
    model = active_model()
    return "0" if model is None else model.version


# -- what the rules said, and what the tagger adds ---------------------------------------------


def found_keys(item: Found) -> Iterator[tuple[str, str, str]]:
    """(party entity id, kind, value) of what a rule found, as the tagger would state it."""
    if isinstance(item, Fact) and item.party.entity_id is not None:
        yield item.party.entity_id, item.kind, item.value
    elif isinstance(item, Link) and item.kind in ("sanction", "delisting"):
        party = item.parties.get("entity")
        authority = next((value for prop, value, _ in item.values if prop == "authority"), "")
        if party is not None and party.entity_id is not None:
            yield party.entity_id, "sanction", authority


def candidate_value(kind: str, attribute: Attribute) -> str:
    """The value the tagger states for ``kind``: a country code, a place, an authority."""
    if kind == "sanction":
        return attribute.authority or ""
    if kind == "location" and attribute.country is None:
        return attribute.place or attribute.text
    return attribute.country or ""


def _fact_property(kind: str, party: Mention, attribute: Attribute) -> str:
    if kind == "nationality":
        return "nationality" if party.schema == "Person" else "mainCountry"
    if kind == "registration":
        return "jurisdiction"
    return "country" if attribute.country is not None else "address"


@dataclass(frozen=True, slots=True)
class Tagged:
    """One candidate the model states, with its kind and probability."""

    candidate: AttributeCandidate
    kind: str
    probability: float

    @property
    def key(self) -> tuple[str, str, str]:
        party = self.candidate.party
        return party.entity_id, self.kind, candidate_value(self.kind, self.candidate.attribute)


class AttributeTagger:
    """Scores a document's (party, attribute) candidates and states those the rules left."""

    def __init__(self, finder: SentenceFinder, model: AttributeModel) -> None:
        self.finder = finder
        self.model = model

    def tagged(self, sentences: Sequence[Span]) -> Iterator[Tagged]:
        """Every candidate whose best allowed kind reaches the threshold."""
        doc: Doc | None = None
        ents: tuple[Span, ...] = ()
        for sentence in sentences:
            if sentence.doc is not doc:  # the entities built once per document, per call
                doc, ents = sentence.doc, document_entities(sentence.doc)
            for candidate in sentence_candidates(
                self.finder.index, sentence, self.model.spec, self.finder.rules, ents
            ):
                kinds = candidate_kinds(candidate)
                kind, probability = self.model.predict(candidate.features, kinds)
                if kind != NONE and probability >= self.model.threshold:
                    yield Tagged(candidate, kind, probability)

    def found(self, sentences: Sequence[Span], known: set[tuple[str, str, str]]) -> list[Found]:
        """Facts and designations for the tagged pairs not in ``known`` (keys of what the
        rules found), each once, from its most confident sentence."""
        best: dict[tuple[str, str, str], Tagged] = {}
        for item in self.tagged(sentences):
            if item.key in known:
                continue
            if item.key not in best or item.probability > best[item.key].probability:
                best[item.key] = item
        found: list[Found] = []
        for item in sorted(best.values(), key=lambda tagged: tagged.candidate.party.start):
            found.extend(self._statement(item))
        return found

    def _statement(self, item: Tagged) -> Iterator[Found]:
        candidate = item.candidate
        party, attribute, sentence = candidate.party, candidate.attribute, candidate.sentence
        confidence = round(item.probability, 3)
        if item.kind == "sanction":
            authority = self.finder.rules.authority(attribute.authority or "")
            if authority is None:
                return
            token = sentence.doc[attribute.root]
            yield from self.finder.sanction_links(
                Party.of(party),
                Designator(authority, attribute.text),
                token,
                sentence,
                rule=f"model:{RULE}",
                confidence=confidence,
            )
            return
        owner = Party.of(party)
        start, end = evidence_span([owner])
        yield Fact(
            item.kind,
            owner,
            _fact_property(item.kind, party, attribute),
            candidate_value(item.kind, attribute),
            attribute.text,
            confidence,
            min(start, attribute.start),
            max(end, attribute.end),
            sentence,
        )


def with_attribute_tags(
    doc: Doc, context: DocumentContext, mentions: list[Mention], found: Iterable[Found]
) -> Iterator[Found]:
    """The rules' ``found`` relations, then what the active attribute model adds to them
    (nothing when it is off: then the rules' relations pass through untouched, no keys built)."""
    model = active_model()
    if model is None:
        yield from found
        return
    known: set[tuple[str, str, str]] = set()
    for item in found:
        known.update(found_keys(item))
        yield item
    finder = SentenceFinder(MentionIndex(doc, mentions), default_rules(), context)
    yield from AttributeTagger(finder, model).found(list(doc.sents), known)
