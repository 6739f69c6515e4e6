"""Pair scoring for resolution: name features plus schema, identifier, country, document evidence.

The scorer sits behind :class:`PairScorer` so the machine pass does not care where the name
features come from. Every score carries the features that fired, so a merge can be explained.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from followthemoney import model
from normality import ascii_text
from rapidfuzz.distance import JaroWinkler, Levenshtein

from sanctionwatch.resolve.config import ResolverConfig

SAME = "same"
NOT_SAME = "not_same"
UNSURE = "unsure"

_SPLIT = re.compile(r"[^a-z0-9]+")
_TOKEN_MATCH = 0.92
"""Jaro-Winkler similarity above which two name tokens count as the same (typos, plurals)."""


@dataclass(frozen=True)
class EntityRecord:
    """What the resolver knows about one entity: enough to block and score it."""

    id: str
    schema: str
    names: tuple[str, ...]
    countries: frozenset[str] = frozenset()
    identifiers: frozenset[tuple[str, str]] = frozenset()
    birth_dates: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    datasets: frozenset[str] = frozenset()


@dataclass
class PairScore:
    """A score in [0, 1], the features that produced it and any hard negative evidence."""

    score: float
    features: dict[str, float] = field(default_factory=dict)
    negative: bool = False


class PairScorer(Protocol):
    def block_keys(self, record: EntityRecord) -> set[str]: ...

    def score(self, left: EntityRecord, right: EntityRecord) -> PairScore: ...


@dataclass(frozen=True)
class NameParts:
    """A name cut into what identifies the firm or person and what merely describes it."""

    core: tuple[str, ...]
    descriptors: frozenset[str]
    fused: str


def normalise_name(name: str) -> list[str]:
    """Transliterate to ASCII, lower-case and split into tokens (apostrophes join)."""
    text = ascii_text(name.replace("'", "").replace("’", "")) or ""
    return [token for token in _SPLIT.split(text.lower()) if token]


def is_person(schema: str) -> bool:
    found = model.get(schema)
    return found is not None and found.is_a("Person")


def is_organisation(schema: str) -> bool:
    found = model.get(schema)
    return found is not None and found.is_a("Organization")


def schemas_compatible(left: str, right: str) -> bool:
    a, b = model.get(left), model.get(right)
    if a is None or b is None:
        return False
    return bool(a.can_match(b) or b.can_match(a))


def _tokens_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return bool(JaroWinkler.similarity(a, b) >= _TOKEN_MATCH or Levenshtein.distance(a, b) <= 1)


def _align(short: Iterable[str], long: Iterable[str]) -> tuple[int, int]:
    """Greedy one-to-one alignment: (tokens of ``short`` matched, of which typos)."""
    remaining = list(long)
    matched = typos = 0
    for token in short:
        if token in remaining:
            remaining.remove(token)
            matched += 1
            continue
        for candidate in remaining:
            if _tokens_match(token, candidate):
                remaining.remove(candidate)
                matched += 1
                typos += 1
                break
    return matched, typos


class FeatureScorer:
    """The resolver's own name features, tuned by ``resolver.yaml``."""

    def __init__(self, config: ResolverConfig) -> None:
        self.config = config
        self._parts = lru_cache(maxsize=200_000)(self._name_parts)

    def _name_parts(self, name: str, organisation: bool) -> NameParts:
        tokens = normalise_name(name)
        if not organisation:
            return NameParts(tuple(tokens), frozenset(), "".join(tokens))
        cfg = self.config
        kept = [t for t in tokens if t not in cfg.legal_forms]
        descriptors = frozenset(cfg.descriptors[t] for t in kept if t in cfg.descriptors)
        core = [t for t in kept if t not in cfg.descriptors and t not in cfg.country_words]
        if not core:
            core = [t for t in kept if t not in cfg.descriptors] or kept or tokens
        return NameParts(tuple(core), descriptors, "".join(core))

    def name_parts(self, name: str, organisation: bool = True) -> NameParts:
        """Core tokens, trade descriptors and the fused core of one name (cached)."""
        return self._parts(name, organisation)

    def parts(self, record: EntityRecord) -> list[NameParts]:
        organisation = not is_person(record.schema)
        return [self._parts(name, organisation) for name in record.names]

    def block_keys(self, record: EntityRecord) -> set[str]:
        keys: set[str] = set()
        for parts in self.parts(record):
            keys.update(t for t in parts.core if len(t) >= self.config.min_token_length)
            if parts.fused:
                keys.add("#" + parts.fused)
        return keys

    def score(self, left: EntityRecord, right: EntityRecord) -> PairScore:
        if not schemas_compatible(left.schema, right.schema):
            return PairScore(0.0, {"schema_mismatch": 1.0}, negative=False)
        person = is_person(left.schema) or is_person(right.schema)
        best = PairScore(0.0)
        for a in self.parts(left):
            for b in self.parts(right):
                candidate = self._person_names(a, b) if person else self._org_names(a, b)
                if candidate.score > best.score or (
                    candidate.score == best.score and candidate.negative and not best.negative
                ):
                    best = candidate
        self._add_evidence(left, right, best, person)
        best.score = round(min(1.0, max(0.0, best.score)), 4)
        return best

    def _org_names(self, a: NameParts, b: NameParts) -> PairScore:
        if a.fused and a.fused == b.fused:
            score = PairScore(0.97, {"name_core_equal": 1.0})
        else:
            short, long = (a, b) if len(a.core) <= len(b.core) else (b, a)
            matched, typos = _align(short.core, long.core)
            if matched == len(short.core) == len(long.core):
                score = PairScore(0.95 - 0.04 * typos, {"name_core_fuzzy_equal": 1.0})
                score.features["name_token_typos"] = float(typos)
            elif matched == len(short.core):
                score = PairScore(0.72, {"name_core_contained": matched / len(long.core)})
            else:
                similarity = JaroWinkler.similarity(a.fused, b.fused)
                score = PairScore(0.6 * similarity, {"name_similarity": round(similarity, 3)})
        self._compare_descriptors(a, b, score)
        return score

    @staticmethod
    def _compare_descriptors(a: NameParts, b: NameParts, score: PairScore) -> None:
        if not a.descriptors or not b.descriptors:
            if a.descriptors or b.descriptors:
                score.score -= 0.05
                score.features["descriptor_missing_one_side"] = 1.0
            return
        if a.descriptors <= b.descriptors or b.descriptors <= a.descriptors:
            score.features["descriptor_compatible"] = 1.0
            return
        if a.descriptors & b.descriptors:
            score.score -= 0.2
            score.features["descriptor_partial_overlap"] = 1.0
            return
        score.score -= 0.45
        score.features["descriptor_conflict"] = 1.0
        # Same core, conflicting trades ("Pugang Trading" / "Pugang Mining"): sibling companies.
        same_core = "name_core_equal" in score.features or "name_core_fuzzy_equal" in score.features
        score.negative = score.negative or same_core

    @staticmethod
    def _person_names(a: NameParts, b: NameParts) -> PairScore:
        if a.fused and a.fused == b.fused:
            return PairScore(0.96, {"name_equal": 1.0})
        short, long = (a, b) if len(a.core) <= len(b.core) else (b, a)
        if not short.core:
            return PairScore(0.0)
        matched, typos = _align(short.core, long.core)
        if matched == len(short.core) == len(long.core):
            score = PairScore(0.94 - 0.03 * typos, {"name_tokens_equal": 1.0})
            score.features["name_token_typos"] = float(typos)
            return score
        if matched == len(short.core):
            return PairScore(0.7 if len(short.core) > 1 else 0.6, {"name_tokens_contained": 1.0})
        fraction = matched / len(short.core)
        score = PairScore(0.3 * fraction, {"name_token_mismatch": round(1 - fraction, 3)})
        # Sharing most but not all tokens ("Kim Jong Un" / "Kim Jong Nam") marks a different person.
        score.negative = matched >= 1 and len(short.core) - matched == 1 and len(short.core) > 1
        return score

    def _add_evidence(
        self, left: EntityRecord, right: EntityRecord, score: PairScore, person: bool
    ) -> None:
        weights = self.config.weights
        shared_props = {p for p, _ in left.identifiers} & {p for p, _ in right.identifiers}
        if left.identifiers & right.identifiers:
            score.score += weights["same_identifier"]
            score.features["same_identifier"] = 1.0
        elif shared_props:
            score.score += weights["different_identifier"]
            score.features["different_identifier"] = 1.0
            score.negative = True
        if left.countries and right.countries:
            if left.countries & right.countries:
                score.score += weights["same_country"]
                score.features["same_country"] = 1.0
            else:
                score.score += weights["different_country"]
                score.features["different_country"] = 1.0
        if left.documents & right.documents:
            score.score += weights["shared_document"]
            score.features["shared_document"] = float(len(left.documents & right.documents))
        if person and left.birth_dates and right.birth_dates:
            left_years = {d[:4] for d in left.birth_dates}
            if not left_years & {d[:4] for d in right.birth_dates}:
                score.score += weights["different_birth_date"]
                score.features["different_birth_date"] = 1.0
                score.negative = True


def decide(score: PairScore, config: ResolverConfig) -> str | None:
    """The machine's judgment for a scored pair, or ``None`` when it has nothing to say."""
    if score.score >= config.merge_threshold and not score.negative:
        return SAME
    if score.negative:
        return NOT_SAME
    if score.score >= config.review_threshold:
        return UNSURE
    return None
