"""The screening index on disk, so that ``sanctionwatch screen`` starts in well under a second.

Building the index means reading every list statement from the store and preparing ~57,000
names (tens of seconds with all lists loaded). The built index is written to one file next to
the database (``<database>.screen-index``; for PostgreSQL or in-memory stores, under
``SANCTIONWATCH_SCREEN_CACHE_DIR``, default ``~/.cache/sanctionwatch``), under a key made of

* the list versions in the store (``list_versions``: id, source, sha256, status) and a summary
  of the list statements (count, smallest and largest id, latest ``last_seen``), so loading,
  updating or deleting any list invalidates it, whichever way the statements were written;
* :data:`~sanctionwatch.screen.matcher.MATCHER_VERSION` (code, weights and every table), since
  prepared names depend on them;
* the file format version.

The file is not executable: a magic line, a JSON header (format, key, SHA-256 of the payload,
array layout), a JSON payload and raw little-endian integer arrays. Nothing is unpickled. A
file that is damaged, truncated, of another format or another key is ignored and rebuilt.
``SANCTIONWATCH_SCREEN_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, overload

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sanctionwatch.screen.features import Evidence
from sanctionwatch.screen.index import ListEntity, ScreeningIndex
from sanctionwatch.screen.korean import Syllables
from sanctionwatch.screen.lists.tables import ListVersionRow
from sanctionwatch.screen.matcher import MATCHER_VERSION
from sanctionwatch.screen.normalize import NameForm, Token
from sanctionwatch.store.database import Database
from sanctionwatch.store.tables import StatementRow

FORMAT = "sanctionwatch-screen-index/1"
MAGIC = b"SWSCREENIDX\n"
LIST_ORIGIN_PREFIX = "list:"
_LENGTH = struct.Struct("<Q")
T = TypeVar("T")
V = TypeVar("V")


def cache_enabled() -> bool:
    return os.environ.get("SANCTIONWATCH_SCREEN_CACHE", "1") != "0"


def index_path(database: Database) -> Path | None:
    """Where the index of ``database``'s lists is kept (``None``: in-memory SQLite)."""
    url = database.engine.url
    if url.get_backend_name() == "sqlite":
        name = url.database
        if not name or name == ":memory:" or name.startswith("file::memory:"):
            return None
        return Path(name).with_name(Path(name).name + ".screen-index")
    folder = Path(
        os.environ.get("SANCTIONWATCH_SCREEN_CACHE_DIR") or Path.home() / ".cache" / "sanctionwatch"
    )
    where = url.render_as_string(hide_password=True)
    return folder / f"{hashlib.sha256(where.encode()).hexdigest()[:16]}.screen-index"


def lists_fingerprint(session: Session) -> str:
    """A digest that changes whenever lists are loaded, updated or removed.

    Every list version the lists stage records (id, source, file hash, status) plus the number
    of list statements, which an index scan counts without reading the table."""
    versions = session.execute(
        select(
            ListVersionRow.id, ListVersionRow.source, ListVersionRow.sha256, ListVersionRow.status
        ).order_by(ListVersionRow.id)
    ).all()
    summary = session.execute(
        select(func.count()).where(StatementRow.origin.startswith(LIST_ORIGIN_PREFIX))
    ).one()
    text = json.dumps([[list(row) for row in versions], list(summary)], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def index_key(session: Session) -> str:
    """The key a stored index must carry to be reused for the lists now in the store."""
    text = f"{FORMAT}|{MATCHER_VERSION}|{lists_fingerprint(session)}"
    return hashlib.sha256(text.encode()).hexdigest()


# --- writing --------------------------------------------------------------------------------

SEPARATOR = "\x00"
"""Joins the strings of one column (names never contain NUL: normalisation drops controls)."""


def _csr(groups: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(starts, values): group ``i`` is ``values[starts[i]:starts[i + 1]]``."""
    sizes = np.fromiter((len(group) for group in groups), dtype=np.int64, count=len(groups))
    starts = np.zeros(len(groups) + 1, dtype="<i4")
    np.cumsum(sizes, out=starts[1:])
    values = np.fromiter((v for group in groups for v in group), dtype="<i4")
    return starts, values


def _column(texts: Iterable[str]) -> bytes:
    return SEPARATOR.join(texts).encode("utf-8")


def _entity_json(entity: ListEntity) -> bytes:
    evidence = entity.evidence
    row = [
        entity.id,
        entity.schema,
        entity.caption,
        entity.datasets,
        entity.version,
        [
            evidence.schema,
            sorted(evidence.birth_dates),
            sorted(evidence.countries),
            {kind: sorted(values) for kind, values in evidence.identifiers.items()},
        ],
        entity.sanctions,
    ]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _columns(index: ScreeningIndex) -> dict[str, bytes | np.ndarray]:
    """Every column of ``index``: token, form, row, posting and entity tables."""
    pieces: dict[frozenset[int], int] = {}
    token_ids: dict[str, int] = {}
    tokens: list[Token] = []
    for form in index.forms:
        for token in form.tokens:
            if token.text not in token_ids:
                token_ids[token.text] = len(tokens)
                tokens.append(token)
    token_pieces = [
        [pieces.setdefault(piece, len(pieces)) for piece in token.syllables or ()]
        for token in tokens
    ]
    legal_ids: dict[str, int] = {}
    form_legal = [
        [legal_ids.setdefault(name, len(legal_ids)) for name in sorted(form.legal_forms)]
        for form in index.forms
    ]
    keys = list(index.postings)
    entity_blobs = [_entity_json(entity) for entity in index.entities]
    columns: dict[str, bytes | np.ndarray] = {
        "piece_start": _csr([sorted(piece) for piece in pieces])[0],
        "piece_values": _csr([sorted(piece) for piece in pieces])[1],
        "token_text": _column(t.text for t in tokens),
        "token_folded": _column(t.folded for t in tokens),
        "token_phonetic": _column(t.phonetic for t in tokens),
        "token_flags": np.array(
            [t.is_number | t.patronymic << 1 | (t.syllables is not None) << 2 for t in tokens],
            dtype="u1",
        ),
        "form_original": _column(form.original for form in index.forms),
        "legal_names": _column(legal_ids),
        "row_original": _column(
            "" if name.original == index.forms[form_id].original else name.original
            for name, form_id in zip(index.names, index.name_form.tolist(), strict=True)
        ),
        "name_entity": index.name_entity.astype("<i4"),
        "name_weak": index.name_weak.astype("u1"),
        "name_form": index.name_form.astype("<i4"),
        "keys": _column(keys),
        "posting_start": _csr([[0] * len(index.postings[k]) for k in keys])[0],
        "posting_ids": (
            np.concatenate([index.postings[k] for k in keys]).astype("<i4")
            if keys
            else np.zeros(0, dtype="<i4")
        ),
        "idf": np.array([index.idf[k] for k in keys], dtype="<f8"),
        "entity_json": b"".join(entity_blobs),
        "entity_start": np.concatenate(
            [[0], np.cumsum([len(blob) for blob in entity_blobs], dtype=np.int64)]
        ).astype("<i8"),
    }
    columns["token_piece_start"], columns["token_piece_values"] = _csr(token_pieces)
    columns["form_token_start"], columns["form_token_values"] = _csr(
        [[token_ids[t.text] for t in form.tokens] for form in index.forms]
    )
    columns["form_legal_start"], columns["form_legal_values"] = _csr(form_legal)
    return columns


def dump_index(index: ScreeningIndex, path: Path, key: str) -> None:
    """Write ``index`` to ``path`` atomically (a temporary file renamed over it)."""
    columns = _columns(index)
    layout: dict[str, list[Any]] = {}
    chunks = []
    offset = 0
    for name, column in columns.items():
        data = column if isinstance(column, bytes) else np.ascontiguousarray(column).tobytes()
        kind = "utf8" if isinstance(column, bytes) else column.dtype.str
        padding = -offset % 8  # numeric columns start 8-byte aligned
        chunks.append(b"\0" * padding)
        offset += padding
        layout[name] = [offset, len(data), kind]
        chunks.append(data)
        offset += len(data)
    payload = b"".join(chunks)
    header = json.dumps(
        {
            "format": FORMAT,
            "key": key,
            "sha256": hashlib.sha256(payload).hexdigest(),
            "columns": layout,
            "counts": {"entities": len(index.entities), "forms": len(index.forms)},
            "matcher_version": MATCHER_VERSION,
        }
    ).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + _LENGTH.pack(len(header)) + header + payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- reading --------------------------------------------------------------------------------


class StaleIndexError(ValueError):
    """The stored index is missing, damaged, of another format or for other lists."""


@dataclass
class _Header:
    key: str
    sha256: str
    columns: dict[str, list[Any]]
    counts: dict[str, int]


def _header(data: bytes) -> tuple[_Header, int]:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _LENGTH.size:
        raise StaleIndexError("not a screening index file")
    (size,) = _LENGTH.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _LENGTH.size
    try:
        raw = json.loads(data[start : start + size])
        if raw["format"] != FORMAT:
            raise StaleIndexError(f"format {raw['format']!r}, expected {FORMAT!r}")
        header = _Header(raw["key"], raw["sha256"], dict(raw["columns"]), dict(raw["counts"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise StaleIndexError(f"unreadable header ({exc})") from exc
    return header, start + size


class _Columns:
    """Typed access to the columns of one payload (arrays share the payload's memory)."""

    def __init__(self, payload: bytes, layout: dict[str, list[Any]]) -> None:
        self.payload = memoryview(payload)
        self.layout = layout
        for name in _COLUMNS:
            if name not in layout:
                raise StaleIndexError(f"column {name!r} missing")
            offset, length = int(layout[name][0]), int(layout[name][1])
            if offset < 0 or offset + length > len(payload):
                raise StaleIndexError(f"column {name!r} out of bounds")

    def array(self, name: str) -> np.ndarray:
        offset, length, kind = self.layout[name]
        dtype = np.dtype(str(kind))
        if dtype.kind not in "iuf":
            raise StaleIndexError(f"column {name!r} is not numeric")
        return np.frombuffer(
            self.payload, dtype=dtype, count=length // dtype.itemsize, offset=offset
        )

    def raw(self, name: str) -> memoryview:
        offset, length, _ = self.layout[name]
        return self.payload[offset : offset + length]

    def texts(self, name: str, count: int | None = None) -> list[str]:
        """The strings of a text column; ``count`` is checked when given (an empty column holds
        no strings, not one empty string)."""
        raw = self.raw(name)
        texts = str(raw, "utf-8").split(SEPARATOR) if len(raw) or count != 0 else []
        if count is not None and len(texts) != count:
            raise StaleIndexError(f"column {name!r} holds {len(texts)} strings, not {count}")
        return texts


_COLUMNS = (
    "piece_start",
    "piece_values",
    "token_text",
    "token_folded",
    "token_phonetic",
    "token_flags",
    "token_piece_start",
    "token_piece_values",
    "form_original",
    "form_token_start",
    "form_token_values",
    "form_legal_start",
    "form_legal_values",
    "legal_names",
    "row_original",
    "name_entity",
    "name_weak",
    "name_form",
    "keys",
    "posting_start",
    "posting_ids",
    "idf",
    "entity_json",
    "entity_start",
)


class _Lazy(Sequence[T]):
    """A sequence whose items are built from the columns on first access, then kept."""

    def __init__(self, size: int, make: Callable[[int], T]) -> None:
        self._items: list[T | None] = [None] * size
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, position: int) -> T: ...

    @overload
    def __getitem__(self, position: slice) -> list[T]: ...

    def __getitem__(self, position: int | slice) -> T | list[T]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        item = self._items[position]
        if item is None:
            if position < 0:
                position += len(self._items)
            item = self._items[position] = self._make(position)
        return item


class _KeyTable(Mapping[str, V]):
    """Index key → value, with values taken from arrays on access."""

    def __init__(self, positions: dict[str, int], value: Callable[[int], V]) -> None:
        self._positions = positions
        self._value = value

    def __getitem__(self, key: str) -> V:
        return self._value(self._positions[key])

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class _StoredIndex:
    """Builds tokens, names and entities of a stored index only when a query touches them."""

    def __init__(self, columns: _Columns, counts: dict[str, int]) -> None:
        self.columns = columns
        self.counts = counts
        self.piece_start = columns.array("piece_start").tolist()
        self.piece_values = columns.array("piece_values")
        self.pieces: dict[int, frozenset[int]] = {}
        self.token_flags = columns.array("token_flags")
        self.token_piece_start = columns.array("token_piece_start")
        self.token_piece_values = columns.array("token_piece_values")
        self.form_token_start = columns.array("form_token_start")
        self.form_token_values = columns.array("form_token_values")
        self.form_legal_start = columns.array("form_legal_start")
        self.form_legal_values = columns.array("form_legal_values")
        self.entity_start = columns.array("entity_start")
        self._texts: dict[str, list[str]] = {}
        self.tokens = _Lazy(len(self.token_flags), self._token)
        self._check_shapes()

    def _check_shapes(self) -> None:
        """Offsets tables one longer than what they index, as the header counts say."""
        expected = {
            "token_piece_start": len(self.token_flags) + 1,
            "form_token_start": int(self.counts["forms"]) + 1,
            "form_legal_start": int(self.counts["forms"]) + 1,
            "entity_start": int(self.counts["entities"]) + 1,
            "piece_start": len(self.piece_start),
        }
        for name, size in expected.items():
            if len(self.columns.array(name)) != size:
                raise StaleIndexError(f"column {name!r} does not fit the header counts")
        for name in ("token_text", "token_folded", "token_phonetic"):
            self.texts(name, len(self.token_flags))

    def texts(self, name: str, count: int | None = None) -> list[str]:
        found = self._texts.get(name)
        if found is None:
            found = self._texts[name] = self.columns.texts(name, count)
        return found

    def _piece(self, piece: int) -> frozenset[int]:
        found = self.pieces.get(piece)
        if found is None:
            start, end = self.piece_start[piece], self.piece_start[piece + 1]
            found = self.pieces[piece] = frozenset(self.piece_values[start:end].tolist())
        return found

    def _token(self, position: int) -> Token:
        flags = int(self.token_flags[position])
        syllables: Syllables | None = None
        if flags & 4:
            start = int(self.token_piece_start[position])
            end = int(self.token_piece_start[position + 1])
            ids = self.token_piece_values[start:end].tolist()
            syllables = tuple([self._piece(i) for i in ids])
        return Token(
            self.texts("token_text")[position],
            self.texts("token_folded")[position],
            syllables,
            self.texts("token_phonetic")[position],
            bool(flags & 1),
            bool(flags & 2),
        )

    def form(self, position: int) -> NameForm:
        start, end = int(self.form_token_start[position]), int(self.form_token_start[position + 1])
        tokens = tuple([self.tokens[i] for i in self.form_token_values[start:end].tolist()])
        start, end = int(self.form_legal_start[position]), int(self.form_legal_start[position + 1])
        legal_names = self.texts("legal_names", None)
        legal = frozenset([legal_names[i] for i in self.form_legal_values[start:end].tolist()])
        return _name_form(self.texts("form_original")[position], tokens, legal)

    def entity(self, position: int) -> ListEntity:
        start, end = int(self.entity_start[position]), int(self.entity_start[position + 1])
        row = json.loads(bytes(self.columns.raw("entity_json")[start:end]))
        entity_id, schema, caption, datasets, version, evidence, sanctions = row
        evidence_schema, births, countries, identifiers = evidence
        return ListEntity(
            str(entity_id),
            str(schema),
            str(caption),
            list(datasets),
            version,
            Evidence(
                evidence_schema,
                frozenset(births),
                frozenset(countries),
                {kind: frozenset(values) for kind, values in identifiers.items()},
            ),
            list(sanctions),
        )


_NONE: frozenset[str] = frozenset()


def _name_form(original: str, tokens: tuple[Token, ...], legal: frozenset[str]) -> NameForm:
    texts = [t.text for t in tokens]
    groups = [t.syllables for t in tokens]
    syllables = None
    if None not in groups:
        syllables = tuple([group for group in groups if group is not None])
    numbers = frozenset([t.text for t in tokens if t.is_number]) or _NONE
    return NameForm(
        original, tokens, legal or _NONE, numbers, "".join(texts), "".join(sorted(texts)), syllables
    )


def _renamed(form: NameForm, original: str) -> NameForm:
    if not original or original == form.original:
        return form
    return NameForm(
        original,
        form.tokens,
        form.legal_forms,
        form.numbers,
        form.joined,
        form.sorted_joined,
        form.syllables,
    )


def _rebuild(columns: _Columns, counts: dict[str, int]) -> ScreeningIndex:
    stored = _StoredIndex(columns, counts)
    index = ScreeningIndex()
    index.entities = _Lazy(int(counts["entities"]), stored.entity)
    forms = _Lazy(int(counts["forms"]), stored.form)
    index.forms = forms
    index.name_entity = columns.array("name_entity").astype(np.int32)
    index.name_weak = columns.array("name_weak").astype(bool)
    index.name_form = columns.array("name_form").astype(np.int32)
    name_form = index.name_form

    def name(row: int) -> NameForm:
        return _renamed(forms[int(name_form[row])], row_originals[row])

    row_originals = columns.texts("row_original", len(name_form))
    stored.texts("form_original", len(forms))
    index.names = _Lazy(len(name_form), name)
    index.form_rows = np.argsort(name_form, kind="stable").astype(np.int32)
    counts_per_form = np.bincount(name_form, minlength=len(forms))
    index.form_start = np.concatenate([[0], np.cumsum(counts_per_form)]).astype(np.int32)
    starts = columns.array("posting_start")
    keys = columns.texts("keys", len(starts) - 1)
    if len(columns.array("idf")) != len(keys) or int(starts[-1]) != len(
        columns.array("posting_ids")
    ):
        raise StaleIndexError("postings do not fit their keys")
    positions = dict(zip(keys, range(len(keys)), strict=True))
    ids = columns.array("posting_ids")
    idf = columns.array("idf")

    def postings(position: int) -> np.ndarray:
        return ids[starts[position] : starts[position + 1]]

    def weight(position: int) -> float:
        return float(idf[position])

    index.postings = _KeyTable(positions, postings)
    index.idf = _KeyTable(positions, weight)
    return index


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Creating a few hundred thousand long-lived objects triggers full collections that find
    nothing; pause the cyclic collector meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_index(path: Path, key: str) -> ScreeningIndex:
    """The index stored at ``path`` for ``key``; :class:`StaleIndexError` if it cannot be used.

    Tokens, names and entities are built when a search first touches them, so reading costs
    little more than the checksum."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StaleIndexError(f"{path}: cannot read ({exc.strerror})") from exc
    header, start = _header(data)
    if header.key != key:
        raise StaleIndexError("built for other lists or another matcher version")
    payload = data[start:]
    if hashlib.sha256(payload).hexdigest() != header.sha256:
        raise StaleIndexError("damaged (checksum mismatch)")
    try:
        return _rebuild(_Columns(payload, header.columns), header.counts)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise StaleIndexError(f"unreadable ({exc})") from exc


@dataclass
class CachedIndex:
    """An index and where it came from."""

    index: ScreeningIndex
    reused: bool
    path: Path | None
    reason: str
    """Why the stored index was not reused (empty when it was)."""


def _build(database: Database) -> ScreeningIndex:
    from sanctionwatch.screen.screening import build_list_index

    return build_list_index(database)


def cached_list_index(database: Database, path: Path | None = None) -> CachedIndex:
    """The screening index of the lists in ``database``: read from disk when it is current,
    else built from the store and written for next time (only building reads entities, and
    imports FollowTheMoney)."""
    path = path if path is not None else index_path(database)
    if path is None or not cache_enabled():
        return CachedIndex(_build(database), False, None, "cache off")
    with database.session() as session:
        key = index_key(session)
    try:
        return CachedIndex(read_index(path, key), True, path, "")
    except StaleIndexError as exc:
        reason = str(exc)
    with _collector_paused():
        index = _build(database)
    try:
        dump_index(index, path, key)
    except OSError as exc:
        reason += f"; could not write {path} ({exc.strerror})"
    return CachedIndex(index, False, path, reason)
