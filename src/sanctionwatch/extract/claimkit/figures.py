"""Is this number a claim? A learned filter for figures no measure rule names.

The measure rules of the vocabulary name the figures they know; on pages nobody tuned them on
they miss many ("hired 150 of the workers", "over $5 million in revenue", "$2.50 per hour").
A logistic regression over features of the parse (the counted noun's lemma and vocabulary
class, the governing verb and the figure's role under it, dependency labels, the qualifier,
the kind and size of the number, cue words of the subject in the sentence) says whether such a
figure is one the annotation guide would keep. It was trained on the gold claims of the seeds
and the nine real sets and judged leave-one-set-out (``bench/claims_classifier.py``,
``docs/claims.md``). Its weights are a versioned data file, ``data/extract/claims/
figure_model.json``, read here in pure Python: no learning library at run time.

Figures it accepts get the vocabulary's ``learned_measure`` key, the unit their noun gives (a
counted unit of the vocabulary, else the plural noun: "29 financial accounts" -> ``accounts``),
and a confidence no higher than the model's probability. Hard limits come first: never a year,
never a figure whose noun or verb the vocabulary rules out (ages, durations, casualties).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.extract.claimkit import analysis
from sanctionwatch.extract.claimkit.numbers import Quantity
from sanctionwatch.extract.claimkit.vocabulary import Vocabulary
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.settings import DATA_DIR

MODEL_PATH = DATA_DIR / "extract" / "claims" / "figure_model.json"
SUBJECT_CUES: dict[str, tuple[str, ...]] = {
    "dprk": ("north korea", "north korean", "dprk", "pyongyang"),
    "work": ("worker", "labor", "labour", "employ", "hire", "job"),
    "sanction": ("sanction", "designat", "blacklist", "indict", "charg", "seiz", "arrest"),
    "company": ("compan", "firm", "enterprise", "restaurant"),
    "money": ("revenue", "earn", "wage", "salar", "income", "generat", "pay"),
}
"""Word stems of the subject a figure's sentence may talk about (one feature per group)."""
NOUN_DEPS = frozenset({"nummod", "quantmod", "compound", "amod", "nmod"})


class FigureModelError(RuleFileError):
    """The weights file is malformed; the message names the file and the field (a
    :class:`RuleFileError`, so `sanctionwatch extract` reports it in one line)."""


@dataclass(frozen=True)
class FigureModel:
    """Weights of the logistic regression and the probability a figure needs to be kept."""

    version: str
    threshold: float
    intercept: float
    weights: dict[str, float]

    def probability(self, features: dict[str, float]) -> float:
        score = self.intercept + sum(
            self.weights.get(name, 0.0) * value for name, value in features.items()
        )
        return 1.0 / (1.0 + math.exp(-max(min(score, 60.0), -60.0)))


def parse_model(data: Any, path: Path) -> FigureModel:
    """Validate the parsed JSON of a weights file."""
    if not isinstance(data, dict):
        raise FigureModelError(f"{path}: not a figure model (expected a JSON object)")
    for name in ("version", "threshold", "intercept", "weights"):
        if name not in data:
            raise FigureModelError(f"{path}: missing `{name}`")
    threshold, intercept, weights = data["threshold"], data["intercept"], data["weights"]
    if not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise FigureModelError(f"{path}: threshold: expected a number between 0 and 1")
    if not isinstance(intercept, int | float):
        raise FigureModelError(f"{path}: intercept: expected a number")
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) for k, v in weights.items()
    ):
        raise FigureModelError(f"{path}: weights: expected a mapping of feature names to numbers")
    return FigureModel(
        str(data["version"]),
        float(threshold),
        float(intercept),
        {k: float(v) for k, v in weights.items()},
    )


def load_model(path: Path = MODEL_PATH) -> FigureModel:
    """Read and validate a weights file; errors name the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise FigureModelError(f"{path}: cannot read the figure model: {error}") from error
    return parse_model(data, path)


@lru_cache(maxsize=1)
def default_model() -> FigureModel:
    return load_model()


def _bucket(value: float) -> str:
    return str(min(int(math.log10(value)) if value >= 1 else -1, 9))


def noun_of_figure(root: Any, noun: analysis.CountedNoun | None) -> Any | None:
    """The noun a count is of: the counted noun found, else the noun the number modifies."""
    if noun is not None:
        return noun.token
    head = root.head
    if root.dep_ in NOUN_DEPS and head.i > root.i and head.pos_ in ("NOUN", "PROPN"):
        return head
    return None


def figure_unit(quantity: Quantity, token: Any | None, vocabulary: Vocabulary) -> str | None:
    """The unit a figure gets without a measure rule: the currency, percent or ratio, the
    counted unit of its noun, else the noun's plural with its compounds ("laptop farms");
    None for a count with no noun (no unit, no claim)."""
    if quantity.kind == "money":
        return quantity.currency or "USD"
    if quantity.kind in ("percent", "ratio"):
        return quantity.kind
    if token is None:
        return None
    unit = analysis.counted_unit(token, vocabulary)
    if unit is not None:
        return unit
    if token.pos_ not in ("NOUN", "PROPN") or not token.is_alpha:
        return None
    compounds = [
        c.lower_ for c in token.children if c.dep_ == "compound" and c.i < token.i and c.is_alpha
    ]
    plural = token.tag_ in ("NNS", "NNPS") or token.lower_ != token.lemma_.lower()
    head = token.lower_ if plural else plural_of(token.lemma_.lower())
    return " ".join([*compounds, head])


def plural_of(noun: str) -> str:
    """English plural of a singular noun for a unit name: "facility" -> "facilities",
    "box" -> "boxes", "branch" -> "branches", "site" -> "sites"."""
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return f"{noun[:-1]}ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return f"{noun}es"
    return f"{noun}s"


def figure_features(
    quantity: Quantity,
    root: Any,
    noun: analysis.CountedNoun | None,
    vocabulary: Vocabulary,
) -> dict[str, float]:
    """What the model reads of one figure (the same function trains it and runs it)."""
    features: dict[str, float] = {
        f"kind={quantity.kind}": 1.0,
        f"qual={quantity.qualifier}": 1.0,
        f"size={_bucket(quantity.value)}": 1.0,
        f"dep={root.dep_}": 1.0,
        f"ent={root.ent_type_ or '-'}": 1.0,
        f"headpos={root.head.pos_}": 1.0,
    }
    if quantity.from_words:
        features["words"] = 1.0
    if quantity.kind == "count" and 1900 <= quantity.value <= 2100:
        features["yearlike"] = 1.0
    token = noun_of_figure(root, noun) or root.head
    if noun is not None:
        features[f"nounclass={analysis.counted_unit(noun.token, vocabulary) or 'other'}"] = 1.0
        features[f"noun={noun.token.lemma_.lower()}"] = 1.0
        features[f"via={noun.via}"] = 1.0
        if analysis.nationality_of(noun.phrase, vocabulary):
            features["noun_nationality"] = 1.0
    else:
        features["nounclass=none"] = 1.0
    verbs, verb = analysis.verbs_of(token)
    if verb is not None:
        features[f"verb={verb.lemma_.lower()}"] = 1.0
        object_ = any(v.endswith(":obj") for v in verbs)
        features["object" if object_ else "not_object"] = 1.0
    else:
        features["verb=none"] = 1.0
    lowered = analysis.sentence_of(root).text.lower()
    for name, stems in SUBJECT_CUES.items():
        if any(stem in lowered for stem in stems):
            features[f"cue={name}"] = 1.0
    return features


def ruled_out(quantity: Quantity, root: Any, token: Any | None, vocabulary: Vocabulary) -> bool:
    """Hard limits before the model: a passage that does not name the subject
    (``learned_subject``, in the figure's sentence or the one before), years, and nouns or
    verbs the vocabulary rules out."""
    return next(hard_limits(quantity, root, token, vocabulary), None) is not None


def hard_limits(
    quantity: Quantity, root: Any, token: Any | None, vocabulary: Vocabulary
) -> Iterator[str]:
    """The hard limits that rule the figure out, each named by what it is and the word that
    fired it ("subject", "year", "noun:age", "verb:kill", "price:fee", "petty:fine",
    "population:people"), lazily: :func:`ruled_out` stops at the first, training reads all, so
    that each leave-one-set-out fold keeps only the limits its own training sets support."""
    subject = vocabulary.learned_subject
    if subject is not None and not subject.search(analysis.window_text(root, 1)):
        yield "subject"
    if quantity.kind == "count" and 1900 <= quantity.value <= 2100 and quantity.value.is_integer():
        yield "year"
    lemma = token.lemma_.lower() if token is not None else None
    if lemma is not None and lemma in vocabulary.learned_never_nouns:
        yield f"noun:{lemma}"
    if quantity.kind == "money":
        yield from _price_limits(quantity, root, vocabulary)
    verb = analysis.governing_verb(token if token is not None else root)
    if verb is not None and _population(token, verb, vocabulary):
        yield f"population:{lemma}"
    if verb is not None and verb.lemma_.lower() in vocabulary.learned_never_verbs:
        yield f"verb:{verb.lemma_.lower()}"


def _price_limits(quantity: Quantity, root: Any, vocabulary: Vocabulary) -> Iterator[str]:
    """A sum that is a price or a petty penalty: it modifies such a noun ("a $5 fine") or is
    what such a noun is or costs ("tickets cost $30", "the fee was $40")."""
    head = root.head
    nouns = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    if root.dep_ in NOUN_DEPS:
        nouns.append(head)
    lemmas = {noun.lemma_.lower() for noun in nouns}
    for lemma in sorted(lemmas & vocabulary.learned_never_money_nouns):
        yield f"price:{lemma}"
    if quantity.value <= vocabulary.learned_petty_money_max:
        for lemma in sorted(lemmas & vocabulary.learned_petty_money_nouns):
            yield f"petty:{lemma}"


def _population(token: Any | None, verb: Any, vocabulary: Vocabulary) -> bool:
    """ "North Korea has 25 million people": people a place has are its population."""
    if token is None or token.lemma_.lower() not in vocabulary.learned_population_nouns:
        return False
    if verb.lemma_.lower() not in vocabulary.learned_population_verbs:
        return False
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    return any(
        s.ent_type_ in ("GPE", "LOC") or vocabulary.place_key(s.text) is not None for s in subjects
    )
