"""The learned entity typer: Company, Organization, Person, Place or "not an entity".

The hand rules type a name from the evidence they were written for (a legal form, a head
word, an appositive next to one mention). This component reads every mention of one entity
in the document at once and weighs all of that evidence together with a small multinomial
logistic regression: the class of the name's head word, its legal form and shape (never the
name's own words), what found it, the spaCy label, the words around each mention, the
dependency relations it takes part in (appositions, copulas, compounds, prepositions) and how
often it is mentioned. It may re-type an entity
(above the ``retype_threshold``) and drop one it scores as "not an entity" (above the higher
``drop_threshold``); both were chosen inside the training folds.

The weights live in ``data/extract/entities/typer_model.json`` (written by
``bench/train_entity_typer.py``; scored here in pure Python, no training library at run
time). ``SANCTIONWATCH_ENTITY_TYPER`` overrides the file's ``enabled``: ``off`` (or ``0``)
switches the typer off, ``on`` (or ``1``) on, any other value is the path of a model file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from sanctionwatch.extract.linear_models import Switch as TyperSwitch
from sanctionwatch.extract.linear_models import active, class_weights, number, read_json, softmax
from sanctionwatch.extract.linear_models import parse_switch as parse_model_switch
from sanctionwatch.extract.rules import (
    EntityRules,
    RulesError,
    legal_form_key,
    load_entity_rules,
    name_head,
)
from sanctionwatch.extract.types import Mention
from sanctionwatch.settings import DATA_DIR

TYPER_FILE = DATA_DIR / "extract" / "entities" / "typer_model.json"
SETTING = "SANCTIONWATCH_ENTITY_TYPER"
NOT_ENTITY = "none"
TYPES = ("Company", "Organization", "Person", "Place")
CLASSES = (*TYPES, NOT_ENTITY)
TYPABLE = frozenset({*TYPES, "LegalEntity"})
"""Schemata the typer may change; instruments and anything else stay as the rules say."""
FEATURE_VERSION = "2"
"""Version of the features this code computes (2: the name's own words are no longer any)."""
WINDOW = 3
"""Content words this far on either side of a mention are context features."""
CONTEXT_POS = frozenset({"NOUN", "VERB", "ADJ"})
_EDGE = " \t\n.,;:!?\"'“”‘’«»()[]{}"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class EntityTyperError(RulesError):
    """The typer's model file is missing, unreadable or malformed (one line naming it)."""


# ---------------------------------------------------------------- features


def _bucket(count: int) -> str:
    return "1" if count == 1 else "2-3" if count <= 3 else "4+"


def name_features(name: str, rules: EntityRules) -> set[str]:
    """What the name itself says: its head word's class, legal form, length and shape. The
    name's own words are no feature: a weight on them would remember the training pages'
    names, not a kind of name the next page also has."""
    words = [w for w in (part.strip(_EDGE) for part in name.split()) if w]
    if not words:
        return {"name=empty"}
    last = words[-1]
    features = {
        f"words={_bucket(len(words)) if len(words) < 4 else '4+'}",
        f"nwords={min(len(words), 5)}",
    }
    if legal_form_key(last) in {form[-1] for form in rules.legal_forms}:
        features.add("legal_form")
    head = name_head(words, rules)
    features.add(f"head={head or 'none'}")
    letters = "".join(ch for ch in name if ch.isalpha())
    if letters and letters.isupper():
        features.add("shape=caps" if len(letters) > 1 else "shape=initial")
    elif all(w[:1].isupper() for w in words if w[:1].isalpha()):
        features.add("shape=title")
    else:
        features.add("shape=mixed")
    if any(ch.isdigit() for ch in name):
        features.add("digit")
    if "-" in name:
        features.add("hyphen")
    if not name.isascii():
        features.add("nonascii")
    if words[0] in rules.korean_family_names and len(words) > 1:
        features.add("korean_family_first")
    key = name.casefold().strip(_EDGE)
    if key in rules.places:
        features.add("known_place")
    return features


def _span(doc: Doc, mention: Mention) -> Span | None:
    return doc.char_span(mention.start, mention.end, alignment_mode="expand")


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).casefold()


def _neighbours(span: Span) -> set[str]:
    """The word before and after, and content-word lemmas within ``WINDOW`` words."""
    doc = span.doc
    features: set[str] = set()
    if span.start > 0:
        before = doc[span.start - 1]
        features.add(f"prev={_lemma(before)}")
        if span.start > 1:
            features.add(f"prev2={_lemma(doc[span.start - 2])}_{_lemma(before)}")
    if span.end < len(doc):
        after = doc[span.end]
        features.add(f"next={_lemma(after)}")
        if span.end + 1 < len(doc):
            features.add(f"next2={_lemma(after)}_{_lemma(doc[span.end + 1])}")
    low, high = max(span.start - WINDOW, 0), min(span.end + WINDOW, len(doc))
    for index in (*range(low, span.start), *range(span.end, high)):
        token = doc[index]
        if token.pos_ in CONTEXT_POS and not token.is_stop:
            features.add(f"ctx={_lemma(token)}")
    return features


def _syntax(span: Span) -> set[str]:
    """The dependency relations the name's root takes part in outside the name."""
    root = span.root
    inside = range(span.start, span.end)
    features = {f"dep={root.dep_}"}
    head = root.head
    if head.i not in inside and head.i != root.i:
        features.add(f"gov={_lemma(head)}")
        if root.dep_ == "pobj":
            features.add(f"pobj={_lemma(head)}_{_lemma(head.head)}")
        if root.dep_ == "appos":
            features.add(f"appos={_lemma(head)}")
        if root.dep_ == "compound":
            features.add(f"compound={_lemma(head)}")
        if root.dep_ in ("nsubj", "nsubjpass"):
            features.add(f"subj_of={_lemma(head)}")
            for child in head.children:
                if child.dep_ in ("attr", "acomp") and child.i not in inside:
                    features.add(f"attr={_lemma(child)}")
        if root.dep_ == "poss":
            features.add(f"owns={_lemma(head)}")
        if root.dep_ in ("dobj", "nsubjpass"):
            features.add(f"obj_of={_lemma(head)}")
    for child in root.children:
        if child.i in inside:
            continue
        if child.dep_ == "appos":
            features.add(f"appos={_lemma(child)}")
        elif child.dep_ in ("amod", "compound") and child.i < span.start:
            features.add(f"mod={_lemma(child)}")
        elif child.dep_ == "prep":
            features.add(f"prep={_lemma(child)}")
    return features


def _line(text: str, mention: Mention) -> set[str]:
    """Where the mention stands: first in its sentence, or in a line that reads as a heading
    (no closing punctuation, every longer word capitalised)."""
    start = text.rfind("\n", 0, mention.start) + 1
    end = text.find("\n", mention.end)
    line = text[start : end if end >= 0 else len(text)].strip()
    features = set()
    if mention.start == mention.sentence_start:
        features.add("sentence_start")
    words = [w for w in _WORD.findall(line) if len(w) > 3]
    if line and line[-1] not in '.!?:;"”' and words and all(w[0].isupper() for w in words):
        features.add("heading_line")
    return features


def _ner_label(span: Span) -> str:
    """The spaCy label of the first entity the mention overlaps."""
    for token in span:
        if token.ent_type_:
            return token.ent_type_
    return "none"


def group_features(
    doc: Doc, mentions: Sequence[Mention], rules: EntityRules, text: str | None = None
) -> frozenset[str]:
    """Every feature of one entity: its canonical name's, and the union of its mentions'
    context, syntax, spaCy label and source, plus the mention count. ``text`` is
    ``doc.text`` (spaCy joins it on every access: pass it when typing many entities)."""
    text = doc.text if text is None else text
    first = mentions[0]
    features = {f"schema={first.schema}", f"count={_bucket(len(mentions))}"}
    features |= name_features(first.canonical, rules)
    for mention in mentions:
        family = mention.source.split(":", 1)
        source = "gazetteer" if family[0] == "gazetteer" else mention.source
        features.add(f"src={source}")
        if mention.text != mention.canonical:
            features.add("short_form")
        features |= _line(text, mention)
        span = _span(doc, mention)
        if span is None or not len(span):
            features.add("ner=none")
            continue
        features.add(f"ner={_ner_label(span)}")
        features |= _neighbours(span)
        features |= _syntax(span)
    return frozenset(features)


def entity_groups(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    """The mentions of each entity id, in text order."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    for mention in sorted(mentions, key=lambda m: m.start):
        groups[mention.entity_id].append(mention)
    return dict(groups)


# ---------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class TyperModel:
    """Weights of a multinomial logistic regression over entity features."""

    path: Path
    version: str
    enabled: bool
    classes: tuple[str, ...]
    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]
    retype_threshold: float
    drop_threshold: float
    training: Mapping[str, Any]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Softmax over the classes of the summed weights of ``features``."""
        return softmax(self.bias, self.weights, features)

    def decide(self, schema: str, features: Iterable[str]) -> str | None:
        """The schema an entity typed ``schema`` should have (``None``: drop it)."""
        probabilities = self.probabilities(features)
        best = max(probabilities, key=lambda label: probabilities[label])
        return decide(schema, best, probabilities[best], self.retype_threshold, self.drop_threshold)


def decide(schema: str, best: str, probability: float, retype: float, drop: float) -> str | None:
    """The one decision rule (the trainer scores thresholds with it): drop above ``drop``,
    re-type above ``retype``, else keep the rules' schema. A threshold of 1 means never."""
    if schema not in TYPABLE:
        return schema
    if best == NOT_ENTITY:
        return None if drop < 1.0 and probability >= drop else schema
    return best if retype < 1.0 and probability >= retype and best != schema else schema


def _fail(path: Path, problem: str) -> EntityTyperError:
    return EntityTyperError(f"{path}: {problem} (retrain with bench/train_entity_typer.py)")


def _number(path: Path, value: Any, what: str) -> float:
    return number(value, what, partial(_fail, path))


def _probability(path: Path, data: Mapping[str, Any], key: str) -> float:
    value = _number(path, data.get(key), key)
    if not 0.0 < value <= 1.0:
        raise _fail(path, f"'{key}' must be in (0, 1]")
    return value


def _classes(path: Path, data: Any) -> tuple[str, ...]:
    if not isinstance(data, list) or not data or not set(data) <= set(CLASSES):
        raise _fail(path, f"'classes' must be a list of {', '.join(CLASSES)}")
    if len(set(data)) < 2:
        raise _fail(path, "'classes' needs at least two classes")
    return tuple(str(label) for label in data)


def parse_switch(path: Path, data: Any) -> TyperSwitch:
    """The ``version`` and ``enabled`` of the parsed JSON ``data`` of ``path``, checked."""
    return parse_model_switch(data, partial(_fail, path))


def parse_typer(path: Path, data: Any) -> TyperModel:
    """A model from the parsed JSON ``data`` of ``path``, every key checked."""
    switch = parse_switch(path, data)
    if str(data.get("feature_version")) != FEATURE_VERSION:
        raise _fail(path, f"'feature_version' must be {FEATURE_VERSION!r} (the code's features)")
    classes = _classes(path, data.get("classes"))
    bias = data.get("bias")
    if not isinstance(bias, dict) or set(bias) != set(classes):
        raise _fail(path, "'bias' must give a number for every class")
    training = data.get("training")
    if not isinstance(training, dict) or not isinstance(training.get("sets"), list):
        raise _fail(path, "'training' must be a mapping with the list of 'sets'")
    return TyperModel(
        path=path,
        version=switch.version,
        enabled=switch.enabled,
        classes=classes,
        bias={label: _number(path, bias[label], f"bias.{label}") for label in classes},
        weights=class_weights(data.get("weights"), classes, partial(_fail, path)),
        retype_threshold=_probability(path, data, "retype_threshold"),
        drop_threshold=_probability(path, data, "drop_threshold"),
        training=training,
    )


def _read_json(path: Path) -> Any:
    return read_json(path, "entity typer", partial(_fail, path))


def read_typer(path: Path) -> TyperModel:
    """Load and check a model file; a bad file raises one line naming it and the problem."""
    return parse_typer(path, _read_json(path))


@lru_cache(maxsize=4)
def _cached_typer(path: str) -> TyperModel:
    return read_typer(Path(path))


@lru_cache(maxsize=4)
def _cached_switch(path: str) -> TyperSwitch:
    return parse_switch(Path(path), _read_json(Path(path)))


def active_typer() -> TyperModel | None:
    """The typer the pipeline uses now (None when off), per the setting and the packaged
    file's ``enabled``; a switched-off packaged file's weights are not read."""
    return active(SETTING, TYPER_FILE, _cached_typer, lambda path: _cached_switch(path).enabled)


def typer_version() -> str | None:
    """The active typer's version for the entity extractor's version (None when off)."""
    model = active_typer()
    return None if model is None else model.version


# ---------------------------------------------------------------- applying it


def retype_mentions(
    doc: Doc,
    mentions: list[Mention],
    make_id: Callable[[str, str], str],
    model: TyperModel | None = None,
) -> list[Mention]:
    """``mentions`` with each entity re-typed or dropped as the typer decides (unchanged when
    it is off). ``make_id(schema, canonical)`` gives a re-typed entity its id."""
    model = model if model is not None else active_typer()
    if model is None or not mentions:
        return mentions
    rules = load_entity_rules()
    text = doc.text
    out: list[Mention] = []
    for group in entity_groups(mentions).values():
        schema = group[0].schema
        if schema not in TYPABLE:
            out.extend(group)
            continue
        decided = model.decide(schema, group_features(doc, group, rules, text))
        if decided is None:
            continue
        if decided == schema:
            out.extend(group)
            continue
        entity_id = make_id(decided, group[0].canonical)
        out.extend(replace(m, schema=decided, entity_id=entity_id) for m in group)
    out.sort(key=lambda m: (m.start, m.end))
    return out
