"""The pairwise matcher: two names or two entities in, a score in [0, 1] and the reasons out.

Scoring is a logistic model over the named features in :mod:`sanctionwatch.screen.features`
(weights in ``data/screen/weights.yaml``). One rule overrides the model: entities whose schemata
cannot match (a Person and a Vessel) score 0. For entities, every strong name of the query is
compared with every strong name of the candidate and the best pair wins; weak aliases count only
with a penalty that supporting evidence (birth date, identifier, country) must outweigh.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanctionwatch.screen import features as features_module
from sanctionwatch.screen import normalize
from sanctionwatch.screen.data import SCREEN_DATA_DIR, ScreenDataError, data_versions, read_yaml
from sanctionwatch.screen.features import (
    EVIDENCE_FEATURES,
    FEATURE_ORDER,
    NAME_FEATURES,
    Evidence,
    evidence_features,
    feature_values,
    name_features,
)
from sanctionwatch.screen.normalize import NameForm, prepare_name
from sanctionwatch.screen.schemata import compatible

if TYPE_CHECKING:  # FollowTheMoney is imported only where entities are read (not by `screen`)
    from followthemoney import EntityProxy

CODE_VERSION = "4"
"""2: fused features, Korean and patronymic penalties narrowed, vowelless-typo rule (session 3).
3: ``loose_subset`` feature, split tokens of the shorter name joined, Russian чж/дж read as
Korean (session 6).
4: a split word of the shorter name also joins when its first Korean syllable is spelt
another way (*Ri Yong* / *Liyong*, *O Namwon* / *Onamwon*) (session 7)."""
STRONG_NAME_PROPS = ("name", "alias", "previousName")
WEAK_NAME_PROPS = ("weakAlias",)
RULE_FEATURES = ("schema_incompatible", "weak_alias")
_IDENTIFIER_CLEAN = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class Weights:
    version: str
    threshold: float
    screening_threshold: float
    bias: float
    name: dict[str, float]
    evidence: dict[str, float]

    @cached_property
    def every(self) -> dict[str, float]:
        """Name and evidence weights in one mapping (name weights win a clash)."""
        return self.evidence | self.name

    @cached_property
    def name_vector(self) -> tuple[float, ...]:
        """Name weights in :data:`FEATURE_ORDER` (for :func:`name_logit_of`)."""
        return tuple(self.name[feature] for feature in FEATURE_ORDER)

    def name_logit_of(self, values: list[float]) -> float:
        """Bias plus weighted name features given as :func:`feature_values`."""
        return self.bias + float(sum(map(mul, self.name_vector, values)))


@cache
def load_weights(path: Path = SCREEN_DATA_DIR / "weights.yaml") -> Weights:
    """Read and validate the weights file (every feature needs a weight, and only those)."""
    data = read_yaml(path)
    name = data.get("name_weights")
    evidence = data.get("evidence_weights")
    if not isinstance(name, dict) or set(name) != set(NAME_FEATURES):
        raise ScreenDataError(f"{path}: name_weights must cover exactly {sorted(NAME_FEATURES)}")
    expected = set(EVIDENCE_FEATURES) | {"weak_alias"}
    if not isinstance(evidence, dict) or set(evidence) != expected:
        raise ScreenDataError(f"{path}: evidence_weights must cover exactly {sorted(expected)}")
    try:
        return Weights(
            version=data["version"],
            threshold=float(data["threshold"]),
            screening_threshold=float(data.get("screening_threshold", data["threshold"])),
            bias=float(data["bias"]),
            name={key: float(value) for key, value in name.items()},
            evidence={key: float(value) for key, value in evidence.items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ScreenDataError(f"{path}: bad number or missing threshold/bias ({exc})") from exc


def default_threshold() -> float:
    """``SANCTIONWATCH_SCREEN_THRESHOLD`` or ``screening_threshold`` of the weights file.

    Screening compares a name with many list names, so it needs a stricter cut-off than
    deciding one labelled pair; the default was chosen on a tuning run of ``bench/screening.py``
    (a different random seed from the reported run).
    """
    value = os.environ.get("SANCTIONWATCH_SCREEN_THRESHOLD")
    return float(value) if value else load_weights().screening_threshold


def _matcher_version() -> str:
    tables = ",".join(f"{key}={value}" for key, value in sorted(data_versions().items()))
    return f"sw-matcher-{CODE_VERSION};weights={load_weights().version};{tables}"


MATCHER_VERSION = _matcher_version()
"""Code, weights and table versions; stored with every screening match."""


class MatchResult:
    """A score in [0, 1], the decision at the threshold, feature values and reasons.

    ``explanation`` lists the features that fired with their values and weights, strongest
    contribution first; it is built on first use (bulk scoring never pays for it).
    """

    __slots__ = (
        "_explanation",
        "_features",
        "_values",
        "_weights",
        "candidate_name",
        "match",
        "query_name",
        "score",
    )

    def __init__(
        self,
        score: float,
        match: bool,
        features: dict[str, float] | None = None,
        explanation: list[str] | None = None,
        query_name: str | None = None,
        candidate_name: str | None = None,
        weights: Weights | None = None,
        values: list[float] | None = None,
    ) -> None:
        self.score = score
        self.match = match
        self._features = features
        self._values = values
        self.query_name = query_name
        self.candidate_name = candidate_name
        self._explanation = explanation
        self._weights = weights

    @property
    def features(self) -> dict[str, float]:
        """Feature name → value (built on first use from the name feature values)."""
        if self._features is None:
            values = self._values or []
            self._features = dict(zip(FEATURE_ORDER, values, strict=True)) if values else {}
        return self._features

    @property
    def explanation(self) -> list[str]:
        if self._explanation is None:
            self._explanation = _explain(self.features, self._weights or load_weights())
        return self._explanation

    def __repr__(self) -> str:
        return f"MatchResult(score={self.score:.3f}, match={self.match})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "match": self.match,
            "features": {key: round(value, 4) for key, value in self.features.items()},
            "explanation": self.explanation,
            "query_name": self.query_name,
            "candidate_name": self.candidate_name,
        }


def _sigmoid(value: float) -> float:
    if value < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-value))


def name_logit(left: NameForm, right: NameForm, weights: Weights | None = None) -> float:
    """Bias plus weighted name features (no evidence); the fast path of screening."""
    weights = weights or load_weights()
    return weights.name_logit_of(feature_values(left, right))


def schemata_compatible(left: str, right: str) -> bool:
    """Could entities of these schemata be one thing? (Thing matches anything matchable; the
    FollowTheMoney rule, read from :mod:`sanctionwatch.screen.schemata`.)"""
    return compatible(left, right)


def _explain(features: Mapping[str, float], weights: Weights) -> list[str]:
    every = weights.every
    contributions = [
        (abs(every.get(name, 0.0) * value), name, value)
        for name, value in features.items()
        if value
    ]
    contributions.sort(reverse=True)
    return [
        f"{name}={value:.2f} (x{every.get(name, 0.0):+.2f})" for _, name, value in contributions
    ]


def result_from_features(
    features: dict[str, float],
    weights: Weights,
    threshold: float | None,
    names: tuple[str | None, str | None] = (None, None),
) -> MatchResult:
    cutoff = weights.threshold if threshold is None else threshold
    if features.get("schema_incompatible"):
        explanation = ["schemata cannot match: score forced to 0", *_explain(features, weights)]
        return MatchResult(0.0, False, features, explanation, *names)
    logit = weights.bias
    for name, value in features.items():
        logit += weights.name.get(name, weights.evidence.get(name, 0.0)) * value
    score = _sigmoid(logit)
    return MatchResult(score, score >= cutoff, features, None, *names, weights)


def clear_caches() -> None:
    """Forget prepared names, tokens and token similarities (cold-start benchmarks)."""
    normalize.clear_caches()
    features_module.clear_similarity_cache()


def compare_names(
    name1: str, name2: str, schema: str = "Thing", threshold: float | None = None
) -> MatchResult:
    """Score two names of entities of ``schema``; raises ``InvalidNameError`` for non-names."""
    weights = load_weights()
    values = feature_values(prepare_name(name1, schema), prepare_name(name2, schema))
    score = _sigmoid(weights.name_logit_of(values))
    cutoff = weights.threshold if threshold is None else threshold
    return MatchResult(score, score >= cutoff, None, None, name1, name2, weights, values)


def _clean_identifier(value: str) -> str:
    return _IDENTIFIER_CLEAN.sub("", value.upper())


def entity_evidence(entity: EntityProxy) -> Evidence:
    """Birth dates, countries and identifiers of ``entity`` in comparable form."""
    from followthemoney import registry

    identifiers: dict[str, set[str]] = {}
    for prop, value in entity.itervalues():
        if prop.type == registry.identifier:
            cleaned = _clean_identifier(value)
            if len(cleaned) >= 4:
                identifiers.setdefault(prop.name, set()).add(cleaned)
    return Evidence(
        schema=entity.schema.name,
        birth_dates=frozenset(entity.get("birthDate", quiet=True)),
        countries=frozenset(v.lower() for v in entity.get_type_values(registry.country)),
        identifiers={key: frozenset(values) for key, values in identifiers.items()},
    )


def entity_names(entity: EntityProxy) -> tuple[list[str], list[str]]:
    """(strong names, weak aliases) of ``entity``."""
    strong = [v for prop in STRONG_NAME_PROPS for v in entity.get(prop, quiet=True)]
    weak = [v for prop in WEAK_NAME_PROPS for v in entity.get(prop, quiet=True)]
    return strong, weak


def _prepared(names: Iterable[str], schema: str) -> list[NameForm]:
    forms = []
    for name in names:
        try:
            forms.append(prepare_name(name, schema))
        except ValueError:
            continue
    return forms


def compare(
    query: EntityProxy, candidate: EntityProxy, threshold: float | None = None
) -> MatchResult:
    """Score two entities: best name pair plus birth date, country and identifier evidence."""
    weights = load_weights()
    schema = query.schema.name
    evidence = evidence_features(entity_evidence(query), entity_evidence(candidate))
    query_names = _prepared(entity_names(query)[0], schema)
    strong, weak = entity_names(candidate)
    best: tuple[float, NameForm, NameForm, bool] | None = None
    for forms, is_weak in ((_prepared(strong, schema), False), (_prepared(weak, schema), True)):
        for left in query_names:
            for right in forms:
                logit = name_logit(left, right, weights)
                logit += weights.evidence["weak_alias"] if is_weak else 0.0
                if best is None or logit > best[0]:
                    best = (logit, left, right, is_weak)
    rules = {
        "schema_incompatible": float(not schemata_compatible(schema, candidate.schema.name)),
        "weak_alias": 0.0,
    }
    if best is None:
        features = {name: 0.0 for name in NAME_FEATURES} | evidence | rules
        return result_from_features(features, weights, threshold)
    _, left, right, is_weak = best
    features = name_features(left, right)
    rules["weak_alias"] = float(is_weak)
    return result_from_features(
        features | evidence | rules, weights, threshold, (left.original, right.original)
    )
