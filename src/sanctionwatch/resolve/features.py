"""Pair scoring for resolution, built on the screening matcher's features.

Names are prepared by the matcher (``screen.normalize.prepare_name``: scripts, diacritics,
legal forms) and scored by its logistic model over named features (``screen.matcher``); the
evidence features (identifiers, countries, birth dates) are the matcher's too. Resolution adds
what screening does not need: organisation names are cut into a *core* (what names the firm) and
trade *descriptors* ("trading", "trgovska" = trading), so a short form ("Rungrado") and a
translated alias ("Trgovska družba Rungrado") find the full name while sibling companies
("Pugang Trading" / "Pugang Mining") are told apart; and documents two mentions share count.
Every score carries the features that fired, so a merge can be explained.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from followthemoney import model
from rapidfuzz.distance import Levenshtein

from sanctionwatch.resolve.config import ResolverConfig
from sanctionwatch.screen.features import Evidence, evidence_features, name_features
from sanctionwatch.screen.matcher import load_weights, schemata_compatible
from sanctionwatch.screen.normalize import InvalidNameError, NameForm, normalize_text, prepare_name

SAME = "same"
GENERIC_ONLY = "generic_words_only"
"""Feature of a pair of organisation names that share only generic words."""
SIMILAR_TOKEN = 0.8
"""Normalised Levenshtein similarity from which two informative tokens count as shared
("sherazi" / "shirazi")."""
NOT_SAME = "not_same"
UNSURE = "unsure"

CORE_EQUAL = 0.95
"""Score of two organisation names whose cores are the same string."""
CONTAINED = 0.72
"""Score when every core token of the shorter name is in the longer one (review band)."""
PERSON_CONTAINED = 0.66
"""Score when every token of a shorter person name is in the longer one (review band)."""
EXTRA_TOKENS_CAP = 0.8
"""A name with words the other lacks scores at most this on the name alone: a middle name or
an extra word may be a different entity, so a merge needs evidence (birth date, identifier)."""


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

    def evidence(self) -> Evidence:
        grouped: dict[str, set[str]] = {}
        for prop, value in self.identifiers:
            grouped.setdefault(prop, set()).add(value)
        return Evidence(
            schema=self.schema,
            birth_dates=self.birth_dates,
            countries=self.countries,
            identifiers={prop: frozenset(values) for prop, values in grouped.items()},
        )


@dataclass
class PairScore:
    """A score in [0, 1], the features that produced it and any hard negative evidence."""

    score: float
    features: dict[str, float] = field(default_factory=dict)
    negative: bool = False


class PairScorer(Protocol):
    def observe(self, records: Sequence[EntityRecord]) -> None: ...

    def block_keys(self, record: EntityRecord) -> set[str]: ...

    def name_tokens(self, record: EntityRecord) -> frozenset[str]: ...

    def generic_names(self, record: EntityRecord) -> list[frozenset[str]]: ...

    def score(self, left: EntityRecord, right: EntityRecord) -> PairScore: ...


@dataclass(frozen=True)
class NameParts:
    """A name cut into what identifies the firm or person and what merely describes it."""

    core: tuple[str, ...]
    descriptors: frozenset[str]
    fused: str
    form: NameForm | None
    """The matcher's prepared form of the core (``None`` when the core is not a name)."""
    tokens: frozenset[str] = frozenset()
    """Every token of the name but its legal forms ("korea", "trading" and "rungrado")."""
    informative: tuple[str, ...] = ()
    """The core without generic words: what can tell this firm from others ("rungrado")."""


def normalise_name(name: str) -> list[str]:
    """The matcher's normalisation (scripts, diacritics, punctuation) as a token list."""
    return normalize_text(name).split()


def is_person(schema: str) -> bool:
    found = model.get(schema)
    return found is not None and found.is_a("Person")


def schemas_compatible(left: str, right: str) -> bool:
    """The matcher's schema rule, minus Thing-with-anything (resolution needs a real type)."""
    a, b = model.get(left), model.get(right)
    if a is None or b is None:
        return False
    return schemata_compatible(left, right) and bool(a.can_match(b) or b.can_match(a))


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))


def matcher_name_score(left: NameForm, right: NameForm) -> tuple[float, dict[str, float]]:
    """The screening matcher's name probability and its non-zero features."""
    weights = load_weights()
    features = name_features(left, right)
    logit = weights.bias + sum(weights.name[name] * value for name, value in features.items())
    fired = {name: round(value, 3) for name, value in features.items() if value}
    return _sigmoid(logit), fired


class FeatureScorer:
    """Resolution scoring over the matcher's features, tuned by ``resolver.yaml``."""

    def __init__(self, config: ResolverConfig) -> None:
        self.config = config
        self._parts = lru_cache(maxsize=200_000)(self._name_parts)
        self._frequency: Counter[str] = Counter()

    def observe(self, records: Sequence[EntityRecord]) -> None:
        """Count in how many entities each core token occurs (rare tokens name a firm)."""
        frequency: Counter[str] = Counter()
        for record in records:
            frequency.update({t for parts in self.parts(record) for t in parts.core})
        self._frequency = frequency

    def distinctive(self, core: Sequence[str]) -> bool:
        """Does the core hold a token rare enough to identify an entity ("rungrado", not "army")?"""
        limit = self.config.distinctive_max_entities
        return any(len(t) >= 4 and self._frequency.get(t, 0) <= limit for t in core)

    def _name_parts(self, name: str, organisation: bool) -> NameParts:
        try:
            full = prepare_name(name, "Company" if organisation else "Person")
        except InvalidNameError:
            return NameParts((), frozenset(), "", None)
        tokens = list(full.texts)
        if not organisation:
            return NameParts(
                tuple(tokens), frozenset(), "".join(tokens), full, frozenset(tokens), tuple(tokens)
            )
        cfg = self.config
        kept = [t for t in tokens if t not in cfg.legal_forms] or tokens
        descriptors = frozenset(cfg.descriptors[t] for t in kept if t in cfg.descriptors)
        core = [t for t in kept if t not in cfg.descriptors and t not in cfg.country_words]
        if not core:
            core = [t for t in kept if t not in cfg.descriptors] or kept
        return NameParts(
            tuple(core),
            descriptors,
            "".join(core),
            prepare_name(" ".join(core)),
            frozenset(_without_acronyms(kept)),
            tuple(t for t in core if t not in cfg.generic_words),
        )

    def name_parts(self, name: str, organisation: bool = True) -> NameParts:
        """Core tokens, trade descriptors and the fused core of one name (cached)."""
        return self._parts(name, organisation)

    def parts(self, record: EntityRecord) -> list[NameParts]:
        organisation = not is_person(record.schema)
        found = (self._parts(name, organisation) for name in record.names)
        return [parts for parts in found if parts.form is not None]

    def block_keys(self, record: EntityRecord) -> set[str]:
        """The informative core tokens and the fused core: a generic word ("trading", "korea",
        "ministry") never proposes a pair on its own, a name made only of them ("Korea Service")
        only meets names with the same fused core."""
        keys: set[str] = set()
        for parts in self.parts(record):
            keys.update(t for t in parts.informative if len(t) >= self.config.min_token_length)
            if parts.fused:
                keys.add("#" + parts.fused)
        return keys

    def name_tokens(self, record: EntityRecord) -> frozenset[str]:
        """Every token of every name (legal forms off): where a generic name is looked up."""
        return frozenset(t for parts in self.parts(record) for t in parts.tokens)

    def generic_names(self, record: EntityRecord) -> list[frozenset[str]]:
        """Token sets of the names made only of generic words ("Treasury Department"): such a
        name is proposed only with the entities whose names hold all of its words."""
        return [
            parts.tokens
            for parts in self.parts(record)
            if parts.tokens and not parts.informative and not is_person(record.schema)
        ]

    def looks_like_organisation(self, record: EntityRecord) -> bool:
        """A LegalEntity whose name carries a legal form or a trade word is no person."""
        for name in record.names:
            parts = self._parts(name, True)
            if parts.descriptors or (parts.form is not None and self._has_legal_form(name)):
                return True
        return False

    @staticmethod
    def _has_legal_form(name: str) -> bool:
        try:
            return bool(prepare_name(name, "Company").legal_forms)
        except InvalidNameError:
            return False

    def _kinds_clash(self, left: EntityRecord, right: EntityRecord) -> bool:
        for one, other in ((left, right), (right, left)):
            if is_person(one.schema) and other.schema == "LegalEntity":
                return self.looks_like_organisation(other)
        return False

    def score(self, left: EntityRecord, right: EntityRecord) -> PairScore:
        if not schemas_compatible(left.schema, right.schema) or self._kinds_clash(left, right):
            return PairScore(0.0, {"schema_mismatch": 1.0}, negative=False)
        person = is_person(left.schema) or is_person(right.schema)
        best = PairScore(0.0)
        siblings = agreeing = False  # full names with one core and conflicting / agreeing trades
        for a in self.parts(left):
            for b in self.parts(right):
                candidate = (
                    self._person_names(a, b)
                    if person
                    else self._org_names(a, b, anchored=bool(left.documents & right.documents))
                )
                if a.descriptors and b.descriptors:
                    siblings = siblings or (
                        a.fused == b.fused and "descriptor_conflict" in candidate.features
                    )
                    agreeing = agreeing or (
                        "descriptor_compatible" in candidate.features
                        and candidate.score >= self.config.review_threshold
                    )
                if candidate.score > best.score or (
                    candidate.score == best.score and candidate.negative and not best.negative
                ):
                    best = candidate
        if siblings and not agreeing and not best.negative:
            # A short form may match both "X Shipping" and "X General Trading": when the full
            # names of the two entities share their core but not their trade, they are siblings
            # whatever a short form or alias of one side matches.
            best.negative = True
            best.features["full_names_conflict"] = 1.0
        self._add_evidence(left, right, best, name_score=best.score)
        best.score = round(min(1.0, max(0.0, best.score)), 4)
        return best

    def _org_names(self, a: NameParts, b: NameParts, anchored: bool = False) -> PairScore:
        """Name score of two organisation names. A short name inside a longer one counts when
        it holds a distinctive word, or, when it is made only of generic words ("Treasury"),
        when a report names both (``anchored``): there it is a short reference to the long one,
        across sources it could be any ministry, service or treasury."""
        assert a.form is not None and b.form is not None
        probability, fired = matcher_name_score(a.form, b.form)
        score = PairScore(probability, fired)
        short = a if len(a.core) <= len(b.core) else b
        if a.fused and a.fused == b.fused and self.distinctive(a.core):
            score.score = max(score.score, CORE_EQUAL)
            score.features["name_core_equal"] = 1.0
        elif (
            fired.get("token_mismatch", 0.0) == 0.0
            and fired.get("extra_tokens", 0.0) > 0
            and (
                self.distinctive(short.informative)
                or (anchored and not short.informative and self.distinctive(short.core))
            )
        ):
            score.score = max(score.score, CONTAINED)
            score.features["name_core_contained"] = 1.0
        _cap_extra_tokens(score)
        self._compare_descriptors(a, b, score)
        self._generic_overlap(a, b, score)
        return score

    def _generic_overlap(self, a: NameParts, b: NameParts, score: PairScore) -> None:
        """Score down two names that share only generic words while each has words the other
        lacks ("Ministry of Interior" / "Foreign Ministry"). A name inside the other ("Treasury
        Department" / "U.S. Treasury Department") may still be a short reference to it."""
        weight = self.config.weights.get("generic_words_only", 0.0)
        if (
            not weight
            or not a.tokens
            or not b.tokens
            or a.tokens <= b.tokens
            or b.tokens <= a.tokens
        ):
            return
        if not a.tokens & b.tokens or _similar_tokens(a.informative, b.informative):
            return
        score.score += weight
        score.features[GENERIC_ONLY] = 1.0

    @staticmethod
    def _compare_descriptors(a: NameParts, b: NameParts, score: PairScore) -> None:
        if not a.descriptors or not b.descriptors:
            if a.descriptors or b.descriptors:
                score.score -= 0.03
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
        same_core = "name_core_equal" in score.features or score.score + 0.45 >= 0.9
        score.negative = score.negative or same_core

    def _person_names(self, a: NameParts, b: NameParts) -> PairScore:
        assert a.form is not None and b.form is not None
        probability, fired = matcher_name_score(a.form, b.form)
        score = PairScore(probability, fired)
        mismatch = fired.get("token_mismatch", 0.0)
        shortest = min(len(a.core), len(b.core))
        short = a if len(a.core) <= len(b.core) else b
        contained = mismatch == 0.0 and fired.get("extra_tokens", 0.0) > 0
        if contained and (shortest >= 2 or self.distinctive(short.core)):
            score.score = max(score.score, PERSON_CONTAINED)
            score.features["name_tokens_contained"] = 1.0
        _cap_extra_tokens(score)
        # One differing token among three or more ("Kim Jong Un" / "Kim Jong Nam") marks another
        # person; with fewer tokens a shared surname says too little to be worth recording.
        score.negative = shortest >= 3 and 0.0 < mismatch <= 1 / shortest + 1e-9
        return score

    def _add_evidence(
        self, left: EntityRecord, right: EntityRecord, score: PairScore, name_score: float
    ) -> None:
        """Add identifier, country, birth-date and document evidence.

        Conflicting identifiers or birth dates are recorded as negative evidence only for pairs
        whose names alone would be worth a look: namesakes, not strangers.
        """
        weights = self.config.weights
        worth_a_look = name_score >= self.config.review_threshold
        evidence = evidence_features(left.evidence(), right.evidence())
        rules = (
            ("identifier_match", "same_identifier", False),
            ("identifier_mismatch", "different_identifier", True),
            ("country_match", "same_country", False),
            ("country_mismatch", "different_country", False),
            ("birth_date_mismatch", "different_birth_date", True),
            ("birth_date_match", "same_birth_date", False),
        )
        for feature, weight, negative in rules:
            value = evidence.get(feature, 0.0)
            if value:
                score.score += weights[weight] * value
                score.features[feature] = value
                score.negative = score.negative or (negative and value >= 1.0 and worth_a_look)
        shared = left.documents & right.documents
        if shared:
            score.score += weights["shared_document"]
            score.features["shared_document"] = float(len(shared))


def _without_acronyms(tokens: Sequence[str]) -> list[str]:
    """The tokens minus an acronym of the words before it ("foreign trade bank ftb")."""
    return [
        token
        for index, token in enumerate(tokens)
        if len(token) < 2 or index < 2 or token != "".join(t[0] for t in tokens[:index])
    ]


def _similar_tokens(left: Sequence[str], right: Sequence[str]) -> bool:
    return any(
        x == y or Levenshtein.normalized_similarity(x, y) >= SIMILAR_TOKEN
        for x in left
        for y in right
    )


def _cap_extra_tokens(score: PairScore) -> None:
    if score.features.get("extra_tokens", 0.0) > 0 and score.score > EXTRA_TOKENS_CAP:
        score.score = EXTRA_TOKENS_CAP
        score.features["extra_tokens_cap"] = EXTRA_TOKENS_CAP


def decide(score: PairScore, config: ResolverConfig) -> str | None:
    """The machine's judgment for a scored pair, or ``None`` when it has nothing to say."""
    if score.score >= config.merge_threshold and not score.negative:
        return SAME
    if score.negative:
        return NOT_SAME
    if score.score >= config.review_threshold:
        return UNSURE
    return None
