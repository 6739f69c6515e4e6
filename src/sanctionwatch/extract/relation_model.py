"""The learned relation component: a small logistic-regression model over candidate pairs.

The hand rules link what their triggers cover; this component reads the pairs of people and
organisations the rules left unlinked in a sentence and links those whose features
(:mod:`sanctionwatch.extract.relation_features`) score above the model's threshold. It adds
pairs only: a pair the rules linked anywhere in the document is never touched.

The weights live in ``data/extract/relations/model.json`` (written by
``bench/train_relation_model.py``; scored here in pure Python, no training library at run
time). The file holds its ``version`` (part of the relation extractor's version), the
feature spec, the training sets and date, the classes (``<kind>>``: first mention is the
source, ``<kind><``: the second is), a bias and a weight per feature and class, the
threshold, and ``enabled``, whether the pipeline uses it by default.

``SANCTIONWATCH_RELATION_MODEL`` overrides that: ``off`` (or ``0``) switches the component
off, ``on`` (or ``1``) on, and any other value is the path of another model file to use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from spacy.tokens import Span

from sanctionwatch.extract.linear_models import Switch as ModelSwitch
from sanctionwatch.extract.linear_models import active, class_weights, number, read_json, softmax
from sanctionwatch.extract.linear_models import parse_switch as parse_model_switch
from sanctionwatch.extract.relation_features import (
    LINKABLE_SCHEMATA,
    FeatureSpec,
    candidate_pairs,
    dependency_path,
    head_token,
    pair_features,
)
from sanctionwatch.extract.relation_finders import Link, SentenceFinder
from sanctionwatch.extract.relation_parse import Party
from sanctionwatch.extract.relation_rules import RelationRules, RelationRulesError, default_rules
from sanctionwatch.extract.types import Mention
from sanctionwatch.settings import DATA_DIR

MODEL_FILE = DATA_DIR / "extract" / "relations" / "model.json"
SETTING = "SANCTIONWATCH_RELATION_MODEL"
NONE = "none"
KIND_SHAPES: dict[str, tuple[str, str, str]] = {
    "employment": ("Employment", "employee", "employer"),
    "directorship": ("Directorship", "director", "organization"),
    "membership": ("Membership", "member", "organization"),
    "ownership": ("Ownership", "owner", "asset"),
    "subsidiary": ("Ownership", "owner", "asset"),
    "front": ("UnknownLink", "subject", "object"),
    "joint_venture": ("UnknownLink", "subject", "object"),
    "unknown": ("UnknownLink", "subject", "object"),
    "family": ("Family", "person", "relative"),
}
"""Kinds the model may emit: link schema, the gold ``source`` end's property, the ``target``
end's property (as ``bench/quality_relations.py`` reads them back)."""
_ROLE_POS = frozenset({"NOUN", "VERB"})


class RelationModelError(RelationRulesError):
    """The model file is missing, unreadable or malformed (one line naming it)."""


@dataclass(frozen=True, slots=True)
class RelationModel:
    """Weights of a multinomial logistic regression over pair features."""

    path: Path
    version: str
    enabled: bool
    spec: FeatureSpec
    classes: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]
    threshold: float
    training: Mapping[str, Any]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Softmax over the classes of the summed weights of ``features``."""
        return softmax(self.bias, self.weights, features)

    def predict(self, features: Iterable[str]) -> tuple[str, float]:
        """The most probable relation class (not ``none``) and its probability."""
        probabilities = self.probabilities(features)
        label = max(
            (item for item in probabilities if item != NONE), key=lambda item: probabilities[item]
        )
        return label, probabilities[label]


def _fail(path: Path, problem: str) -> RelationModelError:
    return RelationModelError(f"{path}: {problem} (retrain with bench/train_relation_model.py)")


def _number(path: Path, value: Any, what: str) -> float:
    return number(value, what, partial(_fail, path))


def parse_feature_spec(path: Path, data: Any, rules: RelationRules) -> FeatureSpec:
    """The checked ``feature_spec`` section of a model file (the trainer builds the same)."""
    if not isinstance(data, dict):
        raise _fail(path, "'feature_spec' must be a mapping")
    schemata = data.get("schemata", sorted(LINKABLE_SCHEMATA))
    if not isinstance(schemata, list) or not all(isinstance(s, str) for s in schemata):
        raise _fail(path, "'feature_spec.schemata' must be a list of schema names")
    max_gap = data.get("max_gap")
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 1:
        raise _fail(path, "'feature_spec.max_gap' must be a positive whole number")
    raw_classes = data.get("trigger_classes")
    if not isinstance(raw_classes, dict):
        raise _fail(path, "'feature_spec.trigger_classes' must be a mapping of word lists")
    classes: dict[str, frozenset[str]] = {}
    for name, words in raw_classes.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise _fail(path, f"'feature_spec.trigger_classes.{name}' must be a list of words")
        classes[str(name)] = frozenset(word.lower() for word in words)
    if data.get("rule_titles", True):
        for title_set in rules.titles:  # the rules' title words, one class per title kind
            classes[f"title_{title_set.kind}"] = frozenset(title_set.words)
    return FeatureSpec(str(data.get("version", "1")), frozenset(schemata), max_gap, classes)


def _classes(path: Path, data: Any) -> tuple[str, ...]:
    if not isinstance(data, list) or NONE not in data:
        raise _fail(path, f"'classes' must be a list holding '{NONE}'")
    for label in data:
        if label == NONE:
            continue
        if not isinstance(label, str) or label[-1:] not in "<>" or label[:-1] not in KIND_SHAPES:
            raise _fail(path, f"class {label!r} is not '<kind>>' or '<kind><' of a known kind")
    if len(data) < 2:
        raise _fail(path, "'classes' needs a relation class besides 'none'")
    return tuple(data)


def _weights(path: Path, data: Any, classes: Sequence[str]) -> dict[str, dict[str, float]]:
    return class_weights(data, classes, partial(_fail, path))


def parse_switch(path: Path, data: Any) -> ModelSwitch:
    """The ``version`` and ``enabled`` of the parsed JSON ``data`` of ``path``, checked."""
    return parse_model_switch(data, partial(_fail, path))


def parse_model(path: Path, data: Any, rules: RelationRules | None = None) -> RelationModel:
    """A model from the parsed JSON ``data`` of ``path``, every key checked."""
    switch = parse_switch(path, data)
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
    return RelationModel(
        path=path,
        version=switch.version,
        enabled=switch.enabled,
        spec=parse_feature_spec(path, data.get("feature_spec"), rules or default_rules()),
        classes=classes,
        bias={label: _number(path, bias[label], f"bias.{label}") for label in classes},
        weights=_weights(path, data.get("weights"), classes),
        threshold=threshold,
        training=training,
    )


def _read_json(path: Path) -> Any:
    return read_json(path, "relation model", partial(_fail, path))


def read_model(path: Path, rules: RelationRules | None = None) -> RelationModel:
    """Load and check a model file; a bad file raises one line naming it and the problem."""
    return parse_model(path, _read_json(path), rules)


def read_switch(path: Path) -> ModelSwitch:
    """Only the version and switch of a model file: its weights are neither checked nor
    converted, so a switched-off model with a broken body never stops extraction."""
    return parse_switch(path, _read_json(path))


@lru_cache(maxsize=4)
def _cached_model(path: str) -> RelationModel:
    return read_model(Path(path))


@lru_cache(maxsize=4)
def _cached_switch(path: str) -> ModelSwitch:
    return read_switch(Path(path))


def active_model() -> RelationModel | None:
    """The model the pipeline uses now (None when switched off), per the setting and the
    packaged file's ``enabled``."""
    return active(SETTING, MODEL_FILE, _cached_model, lambda path: _cached_switch(path).enabled)


def model_version() -> str:
    """The active model's version for the relation extractor's version ("0" when off)."""
    model = active_model()
    return "0" if model is None else model.version


def _role(kind: str, first: Mention, second: Mention, sentence: Span) -> str:
    """The word the pair's path meets at ("employ", "subsidiary"), else the kind."""
    doc = sentence.doc
    head_first, head_second = head_token(doc, first), head_token(doc, second)
    if head_first is not None and head_second is not None:
        _, meet, _ = dependency_path(head_first, head_second)
        if (
            meet is not None
            and meet.pos_ in _ROLE_POS
            and meet.i
            not in (
                head_first.i,
                head_second.i,
            )
        ):
            return meet.lemma_.lower()
    return kind.replace("_", " ")


def model_link(
    label: str, probability: float, first: Mention, second: Mention, sentence: Span
) -> Link:
    """The link a predicted class stands for, oriented by the class's direction mark."""
    kind = label[:-1]
    schema, source_prop, target_prop = KIND_SHAPES[kind]
    source, target = (first, second) if label.endswith(">") else (second, first)
    parties = {source_prop: Party.of(source), target_prop: Party.of(target)}
    start, end = min(first.start, second.start), max(first.end, second.end)
    link = Link(kind, schema, "model", parties, round(probability, 3), start, end, sentence)
    link.add("role", _role(kind, first, second, sentence))
    return link


class ModelFinder:
    """Links the unlinked pairs the model scores above its threshold."""

    def __init__(self, finder: SentenceFinder, model: RelationModel | None = None) -> None:
        self.index = finder.index
        self.model = model if model is not None else active_model()

    def find(self, sentences: Sequence[Span], linked: set[frozenset[str]]) -> Iterator[Link]:
        """Model links for pairs not in ``linked`` (pairs of entity ids the rules linked in
        this document); each pair is linked once, from its most confident sentence."""
        model = self.model
        if model is None:
            return
        best: dict[frozenset[str], tuple[float, Link]] = {}
        for sentence in sentences:
            for first, second in candidate_pairs(self.index, sentence, model.spec):
                key = frozenset({first.entity_id, second.entity_id})
                if key in linked:
                    continue
                features = pair_features(sentence.doc, first, second, self.index, model.spec)
                label, probability = model.predict(features)
                if probability < model.threshold:
                    continue
                if key not in best or probability > best[key][0]:
                    best[key] = (
                        probability,
                        model_link(label, probability, first, second, sentence),
                    )
        for _, link in sorted(best.values(), key=lambda item: item[1].start):
            linked.add(frozenset(p.entity_id or p.name for p in link.parties.values()))
            yield link
