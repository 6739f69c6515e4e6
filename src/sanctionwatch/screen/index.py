"""Candidate search over list entities: token, phonetic, Korean-syllable and n-gram keys.

Every name of every list entity is prepared once and filed under its keys: folded tokens
(``t:``), metaphone codes (``p:``), the Revised Romanization readings of its Korean syllables
(``k:``) and of consecutive syllable pairs (``k2:``), numbers (``n:``), the whole name with its
tokens sorted (``x:``) and character trigrams of the name written without spaces (``g:``). A
query collects the postings of its own keys, weights each key by its rarity (IDF), and sums the
weights per distinct name with one ``numpy.bincount``; only the best-scoring names are compared
with the matcher. No query ever scans all names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz.distance import Indel

from sanctionwatch.screen.features import (
    FEATURE_ORDER,
    Evidence,
    evidence_features,
    feature_values,
)
from sanctionwatch.screen.korean import Syllables, inventory
from sanctionwatch.screen.matcher import (
    MatchResult,
    Weights,
    entity_evidence,
    entity_names,
    load_weights,
    result_from_features,
    schemata_compatible,
)
from sanctionwatch.screen.normalize import NameForm, prepare_name
from sanctionwatch.screen.schemata import schema_facts

if TYPE_CHECKING:  # FollowTheMoney is imported only where entities are read (not by `screen`)
    from followthemoney import EntityProxy

CANDIDATE_NAMES = 16
KOREAN_FACTOR = 3
"""Names that read as Korean look at more candidates: romanisations share few letters, and
lists hold hundreds of Kims."""
"""Names compared with the matcher per query name (the best by key overlap)."""
MAX_POSTINGS_SHARE = 0.02
"""Keys on more than this share of names (``trading``) are skipped when rarer keys exist."""


EVIDENCE_SLACK = 5
"""Entities beyond ``limit`` (by name score) also scored with evidence: a birth date or an
identifier can lift one above a better-named entity."""
PLAUSIBLE = 0.45
"""Candidates whose spelling (joined, in order or sorted) is this far apart and that share no
Korean reading are skipped before the matcher (no such pair scores near a match)."""


def plausible(left: NameForm, right: NameForm) -> bool:
    """Cheap C-level check before the full name features (one name inside the other counts:
    a list name with a long legal form left in still contains the query)."""
    short, long = sorted((left.joined, right.joined), key=len)
    if len(short) > 3 and short in long:
        return True
    if Indel.normalized_similarity(left.joined, right.joined) >= PLAUSIBLE:
        return True
    if Indel.normalized_similarity(left.sorted_joined, right.sorted_joined) >= PLAUSIBLE:
        return True
    return bool(left.syllables and right.syllables)


MAX_PAIR_KEYS = 64
"""Syllable pairs with more reading combinations than this are too ambiguous to index."""
KEY_BOOST = {"k2": 3.0, "x": 3.0}
"""A shared pair of Korean syllables outweighs letter trigrams, which transliteration scatters
(*Ким Чен Ын* shares no trigram with *Kim Jong Un* beyond *kim*); the same tokens in any order
(``x:``) outweigh names that merely contain them (*Hassan Ahmed* among the hundreds of
longer names with both words)."""


def syllable_pairs(groups: tuple[Syllables, ...]) -> dict[str, float]:
    """Readings of consecutive Korean syllables (``jeong|eun``): rare where ``k:gim`` is not.

    Each key carries a share of its pair: 1 when both readings are common name syllables
    (``korean_names.yaml``), else 1 / sqrt of the reading combinations, so an ambiguous pair
    (Russian *chen* has two dozen readings) does not count once per reading.
    """
    table = inventory()
    names, common = table.rr, table.common
    pieces = [piece for group in groups for piece in group]
    keys: dict[str, float] = {}
    for left, right in pairwise(pieces):
        combos = len(left) * len(right)
        if combos <= MAX_PAIR_KEYS:
            for a in left:
                for b in right:
                    share = 1.0 if a in common and b in common else combos**-0.5
                    key = f"k2:{names[a]}|{names[b]}"
                    keys[key] = max(keys.get(key, 0.0), share)
    return keys


def weighted_keys(form: NameForm) -> dict[str, float]:
    """Every index key of one prepared name, with its share (readings of one syllable or one
    syllable pair split one unit between them)."""
    keys: dict[str, float] = {}
    for token in form.tokens:
        if token.is_number:
            keys[f"n:{token.text}"] = 1.0
            continue
        keys[f"t:{token.folded}"] = 1.0
        if len(token.text) > 2:
            keys[f"p:{token.phonetic}"] = 1.0
        if token.syllables:
            table = inventory()
            for piece in token.syllables:
                for rr_id in piece:
                    key = f"k:{table.rr[rr_id]}"
                    share = 1.0 if rr_id in table.common else len(piece) ** -0.5
                    keys[key] = max(keys.get(key, 0.0), share)
    if form.syllables:
        keys.update(syllable_pairs(form.syllables))
    keys[f"x:{form.sorted_joined}"] = 1.0
    joined = "".join(t.folded for t in form.tokens if not t.is_number) or form.joined
    padded = f"^{joined}$"
    for i in range(len(padded) - 2):
        keys[f"g:{padded[i : i + 3]}"] = 1.0
    return keys


def name_keys(form: NameForm) -> set[str]:
    """Every index key of one prepared name."""
    return set(weighted_keys(form))


@dataclass(slots=True)
class Candidate:
    """The best name pair so far of one list entity for a query."""

    logit: float
    form: NameForm
    candidate: NameForm
    is_weak: bool
    features: list[float]
    """Name feature values in ``FEATURE_ORDER``."""


@dataclass
class ListEntity:
    """A list entity as the index keeps it."""

    id: str
    schema: str
    caption: str
    datasets: list[str]
    version: str | None
    evidence: Evidence
    sanctions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ScreeningHit:
    """One list entity found for a query, with the matcher's verdict."""

    entity: ListEntity
    result: MatchResult

    @property
    def score(self) -> float:
        return self.result.score

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity.id,
            "schema": self.entity.schema,
            "caption": self.entity.caption,
            "datasets": self.entity.datasets,
            "list_version": self.entity.version,
            "sanctions": self.entity.sanctions,
            **self.result.to_dict(),
        }


@dataclass
class Query:
    """A prepared query: names, evidence, schema."""

    schema: str
    names: list[NameForm]
    evidence: Evidence

    @classmethod
    def from_entity(cls, entity: EntityProxy) -> Query:
        schema = entity.schema.name
        strong, weak = entity_names(entity)
        names = []
        for name in strong + weak:
            try:
                names.append(prepare_name(name, schema))
            except ValueError:
                continue
        return cls(schema, names, entity_evidence(entity))


def make_query(
    name: str, schema: str = "Thing", country: str | None = None, birth_date: str | None = None
) -> Query:
    """The prepared query of a typed name (``screen "NAME" --country ru``), without building
    an FtM entity: the same :class:`Query` as ``Query.from_entity(make_query_entity(...))``
    (tests check both agree), for a command line that need not import FollowTheMoney."""
    facts = schema_facts(schema)
    if facts is None:
        raise ValueError(f"unknown schema {schema!r}; use a FollowTheMoney schema such as Person")
    names: list[NameForm] = []
    if name and "name" in facts.props:
        with suppress(ValueError):  # a name of no letters: no names, as for an entity
            names.append(prepare_name(name, schema))
    country_prop = "nationality" if facts.person else "country"
    countries = [country.lower()] if country and country_prop in facts.props else []
    dated = birth_date and facts.person and "birthDate" in facts.props
    return Query(
        schema,
        names,
        Evidence(
            schema=schema,
            birth_dates=frozenset([birth_date] if dated and birth_date else []),
            countries=frozenset(countries),
        ),
    )


def make_query_entity(
    name: str, schema: str = "Thing", country: str | None = None, birth_date: str | None = None
) -> EntityProxy:
    """An FtM entity for a typed query (``screen "NAME" --country ru``)."""
    from followthemoney import model

    if model.get(schema) is None:
        raise ValueError(f"unknown schema {schema!r}; use a FollowTheMoney schema such as Person")
    entity = model.make_entity(schema)
    entity.id = "query"
    entity.add("name", name, quiet=True, cleaned=True)
    if country:
        prop = "nationality" if entity.schema.is_a("Person") else "country"
        entity.add(prop, country.lower(), quiet=True, cleaned=True)
    if birth_date and entity.schema.is_a("Person"):
        entity.add("birthDate", birth_date, quiet=True, cleaned=True)
    return entity


def form_key(form: NameForm) -> tuple[tuple[str, ...], frozenset[str]]:
    """Names with this key compare alike (case, punctuation and script already set aside)."""
    return form.texts, form.legal_forms


class ScreeningIndex:
    """In-memory index of list entities; build once, search many times.

    ``names`` / ``name_entity`` / ``name_weak`` / ``name_form`` have one row per name of an
    entity; ``forms`` holds each distinct prepared name once (the same name is on several
    lists, and on aliases of several entities), with its rows in ``form_rows`` from
    ``form_start``. Keys point at distinct forms, so a name is compared once per query however
    many entities carry it, and candidate limits count distinct names.
    """

    def __init__(self) -> None:
        self.entities: Sequence[ListEntity] = []
        self.names: Sequence[NameForm] = []
        self.name_entity: np.ndarray = np.zeros(0, dtype=np.int32)
        self.name_weak: np.ndarray = np.zeros(0, dtype=bool)
        self.name_form: np.ndarray = np.zeros(0, dtype=np.int32)
        self.forms: Sequence[NameForm] = []
        self.form_start: np.ndarray = np.zeros(1, dtype=np.int32)
        self.form_rows: np.ndarray = np.zeros(0, dtype=np.int32)
        self.postings: Mapping[str, np.ndarray] = {}
        self.idf: Mapping[str, float] = {}

    @classmethod
    def build(
        cls,
        entities: Iterable[EntityProxy],
        versions: dict[str, str] | None = None,
        sanctions: dict[str, list[dict[str, Any]]] | None = None,
        datasets: dict[str, list[str]] | None = None,
    ) -> ScreeningIndex:
        """Index every matchable entity (Sanction and other non-matchable schemata are skipped)."""
        index = cls()
        owners: list[int] = []
        weak_flags: list[bool] = []
        listed: list[ListEntity] = []
        rows: list[NameForm] = []
        for entity in entities:
            if not entity.schema.matchable or entity.id is None:
                continue
            strong, weak = entity_names(entity)
            forms: list[tuple[NameForm, bool]] = []
            for names, is_weak in ((strong, False), (weak, True)):
                for name in dict.fromkeys(names):
                    try:
                        forms.append((prepare_name(name, entity.schema.name), is_weak))
                    except ValueError:
                        continue
            if not forms:
                continue
            position = len(listed)
            sources = (datasets or {}).get(entity.id)
            if sources is None:
                sources = sorted(getattr(entity, "datasets", None) or [])
            listed.append(
                ListEntity(
                    id=entity.id,
                    schema=entity.schema.name,
                    caption=entity.caption,
                    datasets=sources,
                    version=(versions or {}).get(entity.id),
                    evidence=entity_evidence(entity),
                    sanctions=(sanctions or {}).get(entity.id, []),
                )
            )
            for form, is_weak in forms:
                rows.append(form)
                owners.append(position)
                weak_flags.append(is_weak)
        index.entities = listed
        index.names = rows
        index.name_entity = np.array(owners, dtype=np.int32)
        index.name_weak = np.array(weak_flags, dtype=bool)
        index.finish()
        return index

    def finish(self) -> None:
        """Group rows into distinct forms and file each form under its keys."""
        distinct: dict[tuple[tuple[str, ...], frozenset[str]], int] = {}
        forms: list[NameForm] = []
        name_form: list[int] = []
        for form in self.names:
            key = form_key(form)
            form_id = distinct.get(key)
            if form_id is None:
                form_id = distinct[key] = len(forms)
                forms.append(form)
            name_form.append(form_id)
        self.forms = forms
        self.name_form = np.array(name_form, dtype=np.int32)
        self.form_rows = np.argsort(self.name_form, kind="stable").astype(np.int32)
        counts = np.bincount(self.name_form, minlength=len(self.forms))
        self.form_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        postings: dict[str, list[int]] = {}
        for position, form in enumerate(self.forms):
            for name_key in name_keys(form):
                postings.setdefault(name_key, []).append(position)
        total = max(1, len(self.forms))
        self.postings = {key: np.array(ids, dtype=np.int32) for key, ids in postings.items()}
        self.idf = {
            key: (math.log(total / len(ids)) + 0.1) * KEY_BOOST.get(key.split(":", 1)[0], 1.0)
            for key, ids in postings.items()
        }

    def __len__(self) -> int:
        return len(self.entities)

    def memory_bytes(self) -> int:
        """Approximate size of the arrays (the prepared names are counted by the benchmark)."""
        arrays = sum(array.nbytes for array in self.postings.values())
        rows = self.name_entity.nbytes + self.name_weak.nbytes + self.name_form.nbytes
        return arrays + rows + self.form_rows.nbytes + self.form_start.nbytes

    def _candidate_forms(self, form: NameForm, limit: int) -> np.ndarray:
        shares = weighted_keys(form)
        keys = [key for key in shares if key in self.postings]
        if not keys:
            return np.zeros(0, dtype=np.int32)
        cap = max(50, int(len(self.forms) * MAX_POSTINGS_SHARE))
        rare = [key for key in keys if len(self.postings[key]) <= cap]
        chosen = rare if len(rare) >= 2 else keys
        ids = np.concatenate([self.postings[key] for key in chosen])
        weights = np.repeat(
            [self.idf[key] * shares[key] for key in chosen],
            [len(self.postings[key]) for key in chosen],
        )
        scores = np.bincount(ids, weights=weights, minlength=len(self.forms))
        hit = np.flatnonzero(scores)
        if len(hit) > limit:
            hit = hit[np.argpartition(scores[hit], -limit)[-limit:]]
        if not len(hit):
            return hit
        best = float(scores[hit].max())
        return hit[scores[hit] >= best * 0.25]

    def search(
        self, query: EntityProxy | Query, limit: int = 10, threshold: float | None = None
    ) -> list[ScreeningHit]:
        """The best list entities for ``query``, highest score first, above ``threshold``.

        ``threshold`` defaults to 0 (every candidate, ranked); screening passes the match
        threshold from the weights file or settings.
        """
        prepared = query if isinstance(query, Query) else Query.from_entity(query)
        weights = load_weights()
        weak_penalty = weights.evidence["weak_alias"]
        best: dict[int, Candidate] = {}
        for form in prepared.names:
            wanted = CANDIDATE_NAMES * (KOREAN_FACTOR if form.syllables else 1)
            for form_id in self._candidate_forms(form, wanted).tolist():
                candidate = self.forms[form_id]
                if not plausible(form, candidate):
                    continue
                features: list[float] | None = None
                logit = 0.0
                start, end = int(self.form_start[form_id]), int(self.form_start[form_id + 1])
                for row in self.form_rows[start:end].tolist():
                    position = int(self.name_entity[row])
                    entity = self.entities[position]
                    if not schemata_compatible(prepared.schema, entity.schema):
                        continue
                    if features is None:
                        features = feature_values(form, candidate)
                        logit = weights.name_logit_of(features)
                    is_weak = bool(self.name_weak[row])
                    row_logit = logit + weak_penalty if is_weak else logit
                    current = best.get(position)
                    if current is None or row_logit > current.logit:
                        best[position] = Candidate(
                            row_logit, form, self.names[row], is_weak, features
                        )
        ranked = sorted(best.items(), key=lambda item: -item[1].logit)[: limit + EVIDENCE_SLACK]
        hits = [
            self._hit(position, entry, prepared, weights, threshold) for position, entry in ranked
        ]
        cutoff = 0.0 if threshold is None else threshold
        hits = [hit for hit in hits if hit.score >= cutoff and hit.score > 0]
        hits.sort(key=lambda hit: (-hit.score, hit.entity.id))
        return hits[:limit]

    def _hit(
        self,
        position: int,
        entry: Candidate,
        query: Query,
        weights: Weights,
        threshold: float | None,
    ) -> ScreeningHit:
        entity = self.entities[position]
        features = dict(zip(FEATURE_ORDER, entry.features, strict=True))
        features |= evidence_features(query.evidence, entity.evidence)
        features |= {"schema_incompatible": 0.0, "weak_alias": float(entry.is_weak)}
        names = (entry.form.original, entry.candidate.original)
        return ScreeningHit(entity, result_from_features(features, weights, threshold, names))

    def search_many(
        self, queries: Sequence[EntityProxy], limit: int = 10, threshold: float | None = None
    ) -> list[list[ScreeningHit]]:
        return [self.search(query, limit, threshold) for query in queries]
