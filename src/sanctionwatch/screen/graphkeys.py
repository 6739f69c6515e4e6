"""The graph-side name-key index: which graph entities could match a changed list entry.

A list update changes a few to a few hundred designations; re-screening every graph entity
against them costs time in proportion to the graph. This index files every graph entity (every
matchable entity that is not a list entity) under the keys the screening index uses for its
names (:func:`sanctionwatch.screen.index.weighted_keys`: folded tokens, phonetic codes, Korean
syllable readings and pairs, numbers, trigrams) plus keys that ignore word order, script and
romanisation (:func:`order_free_keys`), so a re-screen looks up the keys of the changed list
names and scores only the entities filed under enough of them. The aim is that a delta finds
every pair a full ``screen --all`` finds (``tests/monitor/test_delta_exact.py``).

Stored in two tables (``screen_graph_names``, ``screen_graph_keys``) rather than a file: they sit
in the same transactions as the statements, work on SQLite and PostgreSQL alike, and a key
lookup is an index range scan. Freshness is checked, not trusted: each entity row keeps a
signature of the name statements it was keyed from, and :func:`refresh_graph_keys` (run by
``sanctionwatch run`` and every monitor run after resolution, and by every delta re-screen)
re-keys exactly the entities whose signature changed, whoever wrote the statements (extraction,
resolution, an analyst). ``screen-keys --rebuild`` starts over.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from followthemoney import model
from followthemoney.schema import Schema
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from sanctionwatch.screen.index import MAX_PAIR_KEYS, ScreeningIndex, weighted_keys
from sanctionwatch.screen.korean import inventory
from sanctionwatch.screen.matcher import STRONG_NAME_PROPS, WEAK_NAME_PROPS
from sanctionwatch.screen.normalize import NameForm, prepare_name
from sanctionwatch.screen.screening import LIST_ORIGIN_PREFIX, SCREEN_ORIGIN
from sanctionwatch.screen.tables import GraphKeyStateRow, GraphNameKeyRow, GraphNameRow
from sanctionwatch.store import Database
from sanctionwatch.store.base import utcnow
from sanctionwatch.store.schemata import common_schema
from sanctionwatch.store.tables import StatementRow

NAME_PROPS = (*STRONG_NAME_PROPS, *WEAK_NAME_PROPS)

KEYS_VERSION = "6"
"""Part of every entity's signature and of the fingerprint: a new version re-keys every entity
at the next refresh (version 2 added the order-free keys; 3: Russian чж/дж read as Korean;
5: an entity whose statements name conflicting schemata is keyed as their nearest common
ancestor, Person + Company as LegalEntity, no longer as the alphabetically first; 6: never
as a schema screening skips, Company + Vessel as Company, not Asset)."""
MIN_OVERLAP = 0.25
"""A graph entity is a candidate for a list name when the keys they share carry at least this
share of the list name's key weight (each key weighted by its rarity in the graph; the whole
sorted name ``x:`` and numbers ``n:`` count when shared but are not required)."""
TOP_PER_NAME = 50
"""The best-overlapping graph entities of each list name are candidates whatever their share
(a short name can match inside a longer one), at most ``TOP_SHARE`` of the graph."""
TOP_SHARE = 0.01
MAX_KEY_SHARE = 0.02
"""Keys on more than this share of graph entities (``g:ong``, ``t:trading``) are left out of
the lookup when a list name has at least two rarer keys, as the screening index does."""
MAX_PAIR_SHARE = 0.002
"""An order-free pair key shared with a list name makes a graph entity a candidate by itself,
unless the pair is on more than this share of graph entities (``kim|song`` in a Korean graph)."""
PAIR_TOKENS = 8
"""Order-free pairs are formed among a name's first this many distinct tokens."""
BONUS_KINDS = ("x:", "n:")
SKELETON_RULES = (
    ("shch", "s"),
    ("chkh", "j"),
    ("tch", "j"),
    ("chh", "j"),
    ("tkh", "d"),
    ("pkh", "b"),
    ("kkh", "g"),
    ("ch", "j"),
    ("zh", "j"),
    ("ts", "j"),
    ("sh", "s"),
    ("th", "d"),
    ("ph", "b"),
    ("kh", "h"),
    ("ng", "n"),
)
"""Spellings of one sound across romanisations and Russian transcription (longest first):
*Чжун* is *chzhun*, *Тхэ* is *tkhe*, *Хак* is *khak*; final *ng* is Russian *н*."""
SKELETON_LETTERS = str.maketrans(
    "kgqcpbftdjzrlsxhmn", "gggg" + "bbb" + "dd" + "jj" + "ll" + "ss" + "hmn"
)
SKELETON_CLASSES = frozenset("gbdjlshmn")
MIN_SKELETON = 3
CHUNK = 500
KEYS_TABLE: Table = GraphNameKeyRow.__table__  # type: ignore[assignment]
NAMES_TABLE: Table = GraphNameRow.__table__  # type: ignore[assignment]
INSERT_BATCH = 20_000

Progress = Callable[[int, int], None]


_HASHES: dict[str, int] = {}


def key_hash(key: str) -> int:
    """A key's text as a signed 64-bit integer (what the table stores); cached, as a graph's
    millions of keys are a few tens of thousands of distinct ones."""
    value = _HASHES.get(key)
    if value is None:
        if len(_HASHES) > 1_000_000:
            _HASHES.clear()
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        value = _HASHES[key] = int.from_bytes(digest, "big", signed=True)
    return value


def order_free_keys(form: NameForm) -> dict[str, float]:
    """Keys that ignore word order and script: every pair of the name's folded tokens
    (``v:``), of their phonetic codes (``w:``) and, when the name reads as Korean, of the
    Revised Romanization readings of any two of its syllables (``u:``), so *Квон Гван Ён* and
    *Kwang Yong Kwon* share ``u:gwang|gwon`` although no consecutive pair or trigram is shared;
    and the name's consonant skeleton (``z:``, :func:`consonant_skeleton`).
    """
    keys: dict[str, float] = {}
    words = [t for t in form.tokens if not t.is_number][:PAIR_TOKENS]
    folded = sorted({token.folded for token in words})
    for left, right in combinations(folded, 2):
        keys[f"v:{left}|{right}"] = 1.0
    sounds = sorted({token.phonetic for token in words if len(token.text) > 2})
    for left, right in combinations(sounds, 2):
        keys[f"w:{left}|{right}"] = 1.0
    if form.syllables:
        keys.update(_syllable_pairs_any_order(form))
    skeleton = consonant_skeleton(form)
    if len(skeleton) >= MIN_SKELETON:
        keys[f"z:{skeleton}"] = 1.0
    return keys


def consonant_skeleton(form: NameForm) -> str:
    """The name's consonants by sound class, each token's runs written once, sorted: the same
    for *Seo Bok Il* and *Pokil So*, *Kwon Kwang Yong* and *Квон Гван Ён* (vowels, the
    romanisations' main disagreement, and word order and syllable boundaries drop out)."""
    letters: list[str] = []
    for token in form.tokens:
        if token.is_number:
            continue
        text = token.text
        for spelling, sound in SKELETON_RULES:  # upper case: not matched by later rules
            if spelling in text:
                text = text.replace(spelling, sound.upper())
        previous = ""
        for letter in text.lower().translate(SKELETON_LETTERS):
            if letter in SKELETON_CLASSES and letter != previous:
                letters.append(letter)
                previous = letter
    return "".join(sorted(letters))


def _syllable_pairs_any_order(form: NameForm) -> dict[str, float]:
    assert form.syllables is not None
    table = inventory()
    pieces = [piece for group in form.syllables for piece in group][: PAIR_TOKENS * 2]
    keys: dict[str, float] = {}
    for left, right in combinations(pieces, 2):
        combos = len(left) * len(right)
        if combos > MAX_PAIR_KEYS:
            continue
        for a in left:
            for b in right:
                share = 1.0 if a in table.common and b in table.common else combos**-0.5
                first, second = sorted((table.rr[a], table.rr[b]))
                key = f"u:{first}|{second}"
                keys[key] = max(keys.get(key, 0.0), share)
    return keys


def graph_keys(form: NameForm) -> dict[str, float]:
    """The screening keys of a name (:func:`~sanctionwatch.screen.index.weighted_keys`) plus
    its order-free keys: what the graph side files entities under and looks list names up by."""
    return weighted_keys(form) | order_free_keys(form)


@dataclass
class GraphNames:
    """One graph entity's name statements as the store holds them now."""

    entity_id: str
    schemata: set[str] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)

    def signature(self) -> str:
        names = sorted(f"{prop}\x1e{value}" for prop, value in self.names)
        parts = [KEYS_VERSION, *sorted(self.schemata), *names]
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()

    def schema(self) -> Schema | None:
        return common_schema(sorted(self.schemata))

    def key_hashes(self) -> set[int]:
        """The hashed graph keys of every name (:func:`graph_keys`; shares are not stored)."""
        schema = self.schema()
        hashes: set[int] = set()
        if schema is None:
            return hashes
        for _prop, value in sorted(self.names):
            try:
                form = prepare_name(value, schema.name)
            except ValueError:
                continue
            hashes.update(map(key_hash, graph_keys(form)))
        return hashes


def _graph_name_filter() -> list[ColumnElement[bool]]:
    return [
        StatementRow.prop.in_(NAME_PROPS),
        ~StatementRow.origin.startswith(LIST_ORIGIN_PREFIX),
        StatementRow.origin != SCREEN_ORIGIN,
    ]


def names_fingerprint(session: Session) -> str:
    """One aggregate over the graph's name statements: their number, the lengths of their ids
    and values, the latest first/last seen. Writing, replacing or deleting a name statement
    changes it (``add_statements`` also moves ``last_seen``); it is computed in the database."""
    query = select(
        func.count(),
        func.sum(func.length(StatementRow.entity_id)),
        func.sum(func.length(StatementRow.value)),
        func.sum(func.length(StatementRow.schema)),
        func.max(StatementRow.first_seen),
        func.max(StatementRow.last_seen),
    ).where(*_graph_name_filter())
    row = session.execute(query).one()
    return "|".join([f"keys{KEYS_VERSION}", *(str(value) for value in row)])[:255]


def current_graph_names(session: Session) -> dict[str, GraphNames]:
    """Name statements of every graph entity with a matchable schema (plain columns, one scan)."""
    query = select(
        StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value
    ).where(*_graph_name_filter())
    found: dict[str, GraphNames] = {}
    for entity_id, schema_name, prop, value in session.execute(query):
        entry = found.get(entity_id)
        if entry is None:
            entry = found[entity_id] = GraphNames(entity_id)
        entry.schemata.add(schema_name)
        entry.names.add((prop, value))
    matchable: dict[frozenset[str], bool] = {}
    kept = {}
    for entity_id, entry in found.items():
        schemata = frozenset(entry.schemata)
        if schemata not in matchable:  # as ``graph_entity_ids``: any matchable schema counts
            schemas = [model.get(name) for name in schemata]
            matchable[schemata] = any(schema is not None and schema.matchable for schema in schemas)
        if matchable[schemata]:
            kept[entity_id] = entry
    return kept


@dataclass
class KeyRefresh:
    """What a refresh of the graph-side key index did."""

    entities: int
    rekeyed: int
    removed: int
    keys_written: int

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _delete_keys(session: Session, numbers: Sequence[int]) -> None:
    for start in range(0, len(numbers), CHUNK):
        chunk = list(numbers[start : start + CHUNK])
        session.execute(delete(GraphNameKeyRow).where(GraphNameKeyRow.entity_no.in_(chunk)))


def _write_keys(session: Session, rows: list[tuple[int, int]]) -> None:
    """Straight to the driver's ``executemany``: millions of two-integer rows on a rebuild."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {KEYS_TABLE.name} (key_hash, entity_no) VALUES ({mark}, {mark})"
    for start in range(0, len(rows), INSERT_BATCH):
        connection.exec_driver_sql(sql, rows[start : start + INSERT_BATCH])


def refresh_graph_keys(
    database: Database, rebuild: bool = False, progress: Progress | None = None
) -> KeyRefresh:
    """Bring the key index up to date with the statements; with ``rebuild``, start from empty.

    Skipped when the name statements' fingerprint is the one recorded at the last refresh.
    One transaction: a reader sees the old index or the new one, never half of it.
    """
    with database.session() as session:
        fingerprint = names_fingerprint(session)
        state = session.get(GraphKeyStateRow, 1)
        if rebuild:
            session.execute(delete(GraphNameKeyRow))
            session.execute(delete(GraphNameRow))
        elif state is not None and state.fingerprint == fingerprint:
            total = session.scalar(select(func.count()).select_from(GraphNameRow)) or 0
            return KeyRefresh(int(total), 0, 0, 0)
        if state is None:
            state = GraphKeyStateRow(id=1, fingerprint=fingerprint)
            session.add(state)
        state.fingerprint, state.refreshed_at = fingerprint, utcnow()
        current = current_graph_names(session)
        stored = {
            entity_id: (number, signature)
            for entity_id, number, signature in session.execute(
                select(GraphNameRow.entity_id, GraphNameRow.id, GraphNameRow.signature)
            )
        }
        signatures = {entity_id: entry.signature() for entity_id, entry in current.items()}
        stale = sorted(
            entity_id
            for entity_id, signature in signatures.items()
            if stored.get(entity_id, (0, ""))[1] != signature
        )
        gone = sorted(set(stored) - set(current))
        _delete_keys(
            session, [stored[e][0] for e in gone] + [stored[e][0] for e in stale if e in stored]
        )
        for start in range(0, len(gone), CHUNK):
            session.execute(
                delete(GraphNameRow).where(GraphNameRow.entity_id.in_(gone[start : start + CHUNK]))
            )
        next_number = (session.scalar(select(func.max(GraphNameRow.id))) or 0) + 1
        written = _rekey(session, current, stale, stored, signatures, next_number, progress)
    return KeyRefresh(len(current), len(stale), len(gone), written)


def _rekey(
    session: Session,
    current: dict[str, GraphNames],
    stale: list[str],
    stored: dict[str, tuple[int, str]],
    signatures: dict[str, str],
    next_number: int,
    progress: Progress | None,
) -> int:
    now = utcnow()
    key_rows: list[tuple[int, int]] = []
    new_rows: list[dict[str, object]] = []
    changed_rows: list[dict[str, object]] = []
    written = 0
    for done, entity_id in enumerate(stale, start=1):
        entry = current[entity_id]
        keys = entry.key_hashes()
        schema = entry.schema()
        values = {
            "schema": schema.name if schema is not None else "Thing",
            "signature": signatures[entity_id],
            "key_count": len(keys),
            "refreshed_at": now,
        }
        if entity_id in stored:
            number = stored[entity_id][0]
            changed_rows.append({"id": number, **values})
        else:
            number = next_number
            next_number += 1
            new_rows.append({"id": number, "entity_id": entity_id, **values})
        key_rows += [(key, number) for key in sorted(keys)]
        if len(key_rows) >= INSERT_BATCH:
            _flush_rows(session, new_rows, changed_rows, key_rows)
            written += len(key_rows)
            new_rows, changed_rows, key_rows = [], [], []
        if progress is not None and (done % 1000 == 0 or done == len(stale)):
            progress(done, len(stale))
    _flush_rows(session, new_rows, changed_rows, key_rows)
    return written + len(key_rows)


def _flush_rows(
    session: Session,
    new_rows: list[dict[str, object]],
    changed_rows: list[dict[str, object]],
    key_rows: list[tuple[int, int]],
) -> None:
    """Write a batch: new entity rows, changed ones (one bulk update by primary key), keys."""
    if changed_rows:
        session.execute(update(GraphNameRow), changed_rows)
    if new_rows:
        session.execute(NAMES_TABLE.insert(), new_rows)
    if key_rows:
        _write_keys(session, key_rows)


# --- the inverted lookup --------------------------------------------------------------------


@dataclass
class Candidates:
    """Graph entities that could match the changed list names, and how they were found."""

    entity_ids: list[str]
    list_names: int
    keys_looked_up: int
    postings_read: int
    graph_entities: int


def _int_list(values: Sequence[int]) -> str:
    """Integers written into the SQL text (safe: they are ints), which saves binding thousands
    of parameters per lookup."""
    return ", ".join(str(int(value)) for value in values)


def _key_counts(session: Session, hashes: Sequence[int]) -> dict[int, int]:
    connection = session.connection()
    counts: dict[int, int] = {}
    for start in range(0, len(hashes), CHUNK):
        chunk = _int_list(hashes[start : start + CHUNK])
        result = connection.exec_driver_sql(
            f"SELECT key_hash, count(*) FROM {KEYS_TABLE.name} "
            f"WHERE key_hash IN ({chunk}) GROUP BY key_hash"
        )
        counts.update({int(key): int(count) for key, count in result})
    return counts


def _postings(session: Session, hashes: Sequence[int]) -> dict[int, np.ndarray]:
    """Entity numbers filed under each key, read with the driver's own cursor (plain tuples
    straight into numpy: hundreds of thousands of rows for a big update)."""
    cursor = session.connection().connection.cursor()
    parts: list[np.ndarray] = []
    try:
        for start in range(0, len(hashes), CHUNK):
            chunk = _int_list(hashes[start : start + CHUNK])
            cursor.execute(
                f"SELECT key_hash, entity_no FROM {KEYS_TABLE.name} WHERE key_hash IN ({chunk})"
            )
            rows = cursor.fetchall()
            if rows:
                parts.append(np.array(rows, dtype=np.int64).reshape(-1, 2))
    finally:
        cursor.close()
    if not parts:
        return {}
    pairs = np.concatenate(parts)
    pairs = pairs[np.argsort(pairs[:, 0], kind="stable")]
    keys, starts = np.unique(pairs[:, 0], return_index=True)
    groups = np.split(pairs[:, 1], starts[1:])
    return {int(key): group for key, group in zip(keys.tolist(), groups, strict=True)}


@dataclass
class _Lookup:
    """How one list name looks for graph entities."""

    weights: dict[int, float]
    """Similarity keys present in the graph, weighted by their rarity there (IDF × share)."""
    required: float
    """Shared weight that makes a candidate (``MIN_OVERLAP`` of the non-bonus keys)."""
    pairs: list[int]
    """Order-free pair keys rare enough to make a candidate on their own."""

    def looked_up(self) -> set[int]:
        return set(self.weights) | set(self.pairs)


def _lookup_keys(form: NameForm, counts: dict[int, int], total: int) -> _Lookup:
    shares: dict[int, float] = {}
    bonus: set[int] = set()
    for key, share in weighted_keys(form).items():
        hashed = key_hash(key)
        if hashed in counts:
            shares[hashed] = max(shares.get(hashed, 0.0), share)
            if key.startswith(BONUS_KINDS):
                bonus.add(hashed)
    cap = max(50, int(total * MAX_KEY_SHARE))
    rare = {key: share for key, share in shares.items() if counts[key] <= cap}
    chosen = rare if len(rare) >= 2 else shares
    weights = {key: (math.log(total / counts[key]) + 0.1) * share for key, share in chosen.items()}
    required = MIN_OVERLAP * sum(w for key, w in weights.items() if key not in bonus)
    pair_cap = max(20, int(total * MAX_PAIR_SHARE))
    pairs = sorted(
        hashed
        for hashed in {key_hash(key) for key in order_free_keys(form)}
        if 0 < counts.get(hashed, 0) <= pair_cap
    )
    return _Lookup(weights, required, pairs)


def _best_numbers(
    lookup: _Lookup, postings: dict[int, np.ndarray], size: int, total: int
) -> np.ndarray:
    """Entities whose shared keys carry the required weight, the ``TOP_PER_NAME`` best, and
    every entity sharing a rare order-free pair with the name."""
    paired = [postings[key] for key in lookup.pairs if key in postings]
    by_pair = np.unique(np.concatenate(paired)) if paired else np.zeros(0, dtype=np.int64)
    keys = [key for key in lookup.weights if key in postings]
    if not keys:
        return by_pair
    numbers = np.concatenate([postings[key] for key in keys])
    repeated = np.repeat(
        [lookup.weights[key] for key in keys], [len(postings[key]) for key in keys]
    )
    scores = np.bincount(numbers, weights=repeated, minlength=size)
    found = np.flatnonzero(scores)
    strong = found[scores[found] >= lookup.required]
    top = min(TOP_PER_NAME, max(10, int(total * TOP_SHARE)))
    if len(found) > top:
        found = found[np.argpartition(scores[found], -top)[-top:]]
    return np.union1d(np.union1d(strong, found), by_pair)


def graph_candidates(session: Session, index: ScreeningIndex) -> Candidates:
    """Graph entities filed under enough of the keys of the names in ``index`` (the changed
    list entities): the only ones a re-screen against ``index`` needs to score."""
    total = int(session.scalar(select(func.count()).select_from(GraphNameRow)) or 0)
    if not total or not index.names:
        return Candidates([], len(index.names), 0, 0, total)
    all_keys = sorted({key_hash(key) for form in index.names for key in graph_keys(form)})
    counts = _key_counts(session, all_keys)
    wanted = [_lookup_keys(form, counts, total) for form in index.names]
    looked_up = sorted(set().union(*(lookup.looked_up() for lookup in wanted)))
    postings = _postings(session, looked_up)
    size = int(max((int(p.max()) for p in postings.values() if len(p)), default=0)) + 1
    numbers: set[int] = set()
    for lookup in wanted:
        numbers.update(_best_numbers(lookup, postings, size, total).tolist())
    ids: list[str] = []
    ordered = sorted(numbers)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        ids += session.scalars(
            select(GraphNameRow.entity_id).where(GraphNameRow.id.in_(chunk))
        ).all()
    read = sum(len(p) for p in postings.values())
    return Candidates(sorted(ids), len(index.names), len(looked_up), read, total)
