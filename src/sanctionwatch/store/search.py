"""Substring search over entity names through an index, the same answers on both backends.

"Which entities have a name containing 'rungrado'?" would scan every statement. Revision 0013
adds a trigram index over the name statements instead:

* SQLite: an FTS5 table with the ``trigram`` tokenizer over ``statements.value`` of name
  properties, kept current by triggers on ``statements`` (any stage's writes are covered);
* PostgreSQL: a ``pg_trgm`` GIN index on ``lower(value)`` of the name statements, which the
  planner uses for ``LIKE '%...%'``.

Both indexes only narrow the candidates; the answer is decided by one Python rule for both
backends (``needle.lower() in value.lower()``). Needles shorter than a trigram, or a store where
the index is missing (``pg_trgm`` not installable), fall back to a scan with the same rule.

Documents (title and cleaned text) get the same pair of indexes: :func:`document_condition`.
On SQLite the document index is filled in batches, off the ingest path (revision 0016): a
watermark in ``search_index_state`` says up to which ``documents`` rowid the FTS5 table is
current; :func:`refresh_document_index` indexes the rows above it in one statement (the end of
every ingest run and the search routes call it), and until then searches scan just those rows,
so answers never lag. Deletes and edits of indexed rows still update the index by trigger
(they are rare and never on the ingest path).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from sanctionwatch.store.database import BUSY_TIMEOUT_MS, Database
from sanctionwatch.store.tables import DocumentRow, StatementRow

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
"""Properties whose values are names (the ones the index covers)."""
FTS_TABLE = "search_fts_names"
TRGM_INDEX = "search_trgm_names"
FTS_DOCUMENTS = "search_fts_documents"
TRGM_DOCUMENT_INDEXES = {"search_trgm_doc_title": "title", "search_trgm_doc_text": "clean_text"}
INDEX_STATE = "search_index_state"
"""SQLite: per index, the highest ``documents`` rowid it covers (revision 0016)."""
DOCUMENTS_KEY = "documents"
SEARCH_OBJECT_PREFIX = "search_"
"""Objects made by hand in revision 0013 (virtual tables, triggers, GIN index): Alembic's
autogenerate must leave them alone (see ``migrations/env.py``)."""
MIN_INDEXED_CHARS = 3
TRIGGER_SUFFIXES = ("insert", "delete", "update")
PY_LOWER = "sw_py_lower"

_NAME_PROPS_SQL = ", ".join(f"'{prop}'" for prop in NAME_PROPS)
NAME_PREDICATE = f"prop IN ({_NAME_PROPS_SQL})"
"""The predicate of the PostgreSQL partial index; queries repeat it literally so the planner
can tell the index applies."""


def like_pattern(text_: str) -> str:
    """A LIKE pattern that matches ``text_`` literally (wildcards in user input are escaped)."""
    escaped = text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(needle: str) -> str:
    """An FTS5 phrase matching ``needle`` as a substring (quotes doubled, nothing else special)."""
    return '"' + needle.replace('"', '""') + '"'


# ---------------------------------------------------------------- DDL (revision 0013)


def _sqlite_statements() -> list[str]:
    names = f"new.prop IN ({_NAME_PROPS_SQL})"
    old_names = f"old.prop IN ({_NAME_PROPS_SQL})"
    delete_old = (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, value) "
        f"SELECT 'delete', old.rowid, old.value WHERE {old_names};"
    )
    insert_new = f"INSERT INTO {FTS_TABLE}(rowid, value) SELECT new.rowid, new.value WHERE {names};"
    return [
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        "value, content='statements', content_rowid='rowid', tokenize='trigram')",
        f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON statements BEGIN {insert_new} END",
        f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON statements BEGIN {delete_old} END",
        f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF value, prop ON statements "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {FTS_TABLE}(rowid, value) "
        f"SELECT rowid, value FROM statements WHERE {NAME_PREDICATE}",
    ]


def _document_fts_changes() -> tuple[str, str]:
    """What a trigger runs to drop a document's old row from the index and to index its new one
    (shared by revision 0013's per-row triggers and 0016's batched ones)."""
    table = FTS_DOCUMENTS
    delete_old = (
        f"INSERT INTO {table}({table}, rowid, title, clean_text) "
        "VALUES ('delete', old.rowid, old.title, old.clean_text);"
    )
    insert_new = (
        f"INSERT INTO {table}(rowid, title, clean_text) "
        "VALUES (new.rowid, new.title, new.clean_text);"
    )
    return delete_old, insert_new


def _sqlite_document_statements() -> list[str]:
    table = FTS_DOCUMENTS
    delete_old, insert_new = _document_fts_changes()
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5(title, clean_text, "
        "content='documents', content_rowid='rowid', tokenize='trigram')",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON documents BEGIN {insert_new} END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON documents BEGIN {delete_old} END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF title, clean_text ON documents "
        f"BEGIN {delete_old} {insert_new} END",
        f"INSERT INTO {table}(rowid, title, clean_text) "
        "SELECT rowid, title, clean_text FROM documents",
    ]


def install_name_index(connection: Connection) -> None:
    """Create the name and document indexes of this backend (revision 0013's upgrade)."""
    if connection.dialect.name == "sqlite":
        for statement in _sqlite_statements() + _sqlite_document_statements():
            connection.execute(text(statement))
        return
    if connection.dialect.name != "postgresql":
        return
    operators = _trigram_operators(connection)
    if operators is None:
        return  # search still works, by scanning
    connection.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON statements "
            f"USING gin (lower(value) {operators}) WHERE {NAME_PREDICATE}"
        )
    )
    for name, column in TRGM_DOCUMENT_INDEXES.items():
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {name} ON documents "
                f"USING gin (lower({column}) {operators})"
            )
        )


def _trigram_operators(connection: Connection) -> str | None:
    """``pg_trgm``'s GIN operator class, schema-qualified (the extension is installed once per
    database, in ``public``, if the server offers it and nobody has yet); None without it."""
    available = connection.scalar(
        text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    )
    if not available:
        return None
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except DBAPIError:  # created meanwhile by a concurrent migration, or not allowed
        pass
    schema = connection.scalar(
        text(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        )
    )
    return f"{schema}.gin_trgm_ops" if schema else None


def remove_name_index(connection: Connection) -> None:
    """Drop the name index (revision 0013's downgrade; the pg_trgm extension stays)."""
    if connection.dialect.name == "sqlite":
        for table in (FTS_TABLE, FTS_DOCUMENTS):
            for suffix in TRIGGER_SUFFIXES:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_{suffix}"))
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    elif connection.dialect.name == "postgresql":
        for name in (TRGM_INDEX, *TRGM_DOCUMENT_INDEXES):
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


# ---------------------------------------------------------------- DDL (revision 0016)

_WATERMARK = f"(SELECT indexed_rowid FROM {INDEX_STATE} WHERE name = '{DOCUMENTS_KEY}')"
_HIGHEST_ROWID = "(SELECT coalesce(max(rowid), 0) FROM documents)"


def _batched_document_statements() -> list[str]:
    """Triggers for rows the index already holds (at or below the watermark) only.

    A deleted row at the top lowers the watermark to the highest rowid left, because SQLite
    gives the next insert ``max(rowid) + 1``, which must count as not yet indexed.
    """
    table = FTS_DOCUMENTS
    delete_old, insert_new = _document_fts_changes()
    lower_mark = (
        f"UPDATE {INDEX_STATE} SET indexed_rowid = {_HIGHEST_ROWID} "
        f"WHERE name = '{DOCUMENTS_KEY}' AND indexed_rowid > {_HIGHEST_ROWID};"
    )
    indexed = f"WHEN old.rowid <= {_WATERMARK}"
    return [
        f"CREATE TABLE IF NOT EXISTS {INDEX_STATE} ("
        "name VARCHAR(64) NOT NULL PRIMARY KEY, indexed_rowid INTEGER NOT NULL)",
        f"INSERT INTO {INDEX_STATE}(name, indexed_rowid) "
        f"VALUES ('{DOCUMENTS_KEY}', {_HIGHEST_ROWID})",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON documents {indexed} "
        f"BEGIN {delete_old} {lower_mark} END",
        f"CREATE TRIGGER {table}_update AFTER UPDATE OF title, clean_text ON documents {indexed} "
        f"BEGIN {delete_old} {insert_new} END",
    ]


def batch_document_index(connection: Connection) -> None:
    """Revision 0016's upgrade: drop the per-row insert trigger of the document index; the
    watermark starts at the newest row (0013's triggers indexed every row so far)."""
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL keeps its GIN indexes: their pending list already batches the work
    for suffix in TRIGGER_SUFFIXES:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {FTS_DOCUMENTS}_{suffix}"))
    for statement in _batched_document_statements():
        connection.execute(text(statement))


def per_row_document_index(connection: Connection) -> None:
    """Revision 0016's downgrade: index what is pending, then restore 0013's triggers."""
    if connection.dialect.name != "sqlite":
        return
    _index_pending(connection)
    for suffix in ("delete", "update"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {FTS_DOCUMENTS}_{suffix}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {INDEX_STATE}"))
    for statement in _sqlite_document_statements()[1:4]:
        connection.execute(text(statement))


# ---------------------------------------------------------------- batch refresh


def _has_watermark(connection: Connection) -> bool:
    found = connection.scalar(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": INDEX_STATE},
    )
    return bool(found)


def document_index_lag(connection: Connection) -> int:
    """How many documents the SQLite index does not cover yet (0 on PostgreSQL)."""
    if connection.dialect.name != "sqlite" or not _has_watermark(connection):
        return 0
    pending = connection.scalar(text(f"SELECT count(*) FROM documents WHERE rowid > {_WATERMARK}"))
    return int(pending or 0)


def _index_pending(connection: Connection) -> int:
    pending = document_index_lag(connection)
    if not pending:
        return 0
    # One write that reads the watermark under the write lock, then the watermark moves to
    # the rows just indexed: a concurrent refresh finds nothing left to do.
    connection.execute(
        text(
            f"INSERT INTO {FTS_DOCUMENTS}(rowid, title, clean_text) "
            f"SELECT rowid, title, clean_text FROM documents WHERE rowid > {_WATERMARK} "
            "ORDER BY rowid"
        )
    )
    connection.execute(
        text(
            f"UPDATE {INDEX_STATE} SET indexed_rowid = {_HIGHEST_ROWID} "
            f"WHERE name = '{DOCUMENTS_KEY}'"
        )
    )
    return pending


def refresh_document_index(database: Database) -> int:
    """Index the documents stored since the last refresh, in one transaction; how many.

    Cheap when nothing is pending (one read, no write). On PostgreSQL (GIN indexes kept by
    the server) and on stores without revision 0016 it does nothing.
    """
    if not database.is_sqlite:
        return 0
    with database.engine.connect() as connection:
        if not document_index_lag(connection):
            return 0
    with database.engine.begin() as connection:
        return _index_pending(connection)


def refresh_before_search(database: Database, wait_ms: int = 250) -> int:
    """:func:`refresh_document_index` for the search routes: it waits at most ``wait_ms`` for
    the write lock and gives up quietly (the search then scans the pending rows itself)."""
    if not database.is_sqlite:
        return 0
    try:
        with database.engine.connect() as connection:
            if not document_index_lag(connection):
                return 0
            connection.rollback()  # end the read, then write with a short wait for the lock
            raw = connection.connection.driver_connection
            if raw is None:
                return 0
            raw.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
            try:
                with connection.begin():
                    return _index_pending(connection)
            finally:
                raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except OperationalError:  # locked by a long writer, or a read-only file
        return 0


def rebuild_document_index(database: Database) -> int:
    """Rebuild the SQLite document index from scratch (after a ``VACUUM``, which may renumber
    the rowids it is keyed by); how many documents it covers."""
    if not database.is_sqlite:
        return 0
    with database.engine.begin() as connection:
        if not _has_watermark(connection):
            return 0
        connection.execute(text(f"INSERT INTO {FTS_DOCUMENTS}({FTS_DOCUMENTS}) VALUES ('rebuild')"))
        connection.execute(
            text(
                f"UPDATE {INDEX_STATE} SET indexed_rowid = {_HIGHEST_ROWID} "
                f"WHERE name = '{DOCUMENTS_KEY}'"
            )
        )
        return int(connection.scalar(text("SELECT count(*) FROM documents")) or 0)


def has_name_index(session: Session, documents: bool = False) -> bool:
    """Whether this store has the name index (or, with ``documents``, the document index) and,
    on SQLite, the triggers that keep it current."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        if documents:  # batched (revision 0016): no insert trigger, a watermark instead
            wanted = [FTS_DOCUMENTS, f"{FTS_DOCUMENTS}_delete", f"{FTS_DOCUMENTS}_update"]
            wanted.append(INDEX_STATE)
        else:
            wanted = [FTS_TABLE, *(f"{FTS_TABLE}_{suffix}" for suffix in TRIGGER_SUFFIXES)]
        found = session.scalar(
            text("SELECT count(*) FROM sqlite_master WHERE name IN (:a, :b, :c, :d)"),
            dict(zip("abcd", wanted, strict=True)),
        )
        return bool(found == len(wanted))
    if dialect == "postgresql":
        names = list(TRGM_DOCUMENT_INDEXES) if documents else [TRGM_INDEX]
        found = session.scalar(
            text(
                "SELECT count(*) FROM pg_indexes "
                "WHERE indexname = ANY(:names) AND schemaname = current_schema()"
            ),
            {"names": names},
        )
        return bool(found == len(names))
    return False


# ---------------------------------------------------------------- queries


def _candidates(session: Session, needle: str, indexed: bool) -> Select[str, str]:
    query = select(StatementRow.entity_id, StatementRow.value).where(text(NAME_PREDICATE))
    dialect = session.get_bind().dialect.name
    if indexed and dialect == "sqlite":
        matching = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase")
        rowid: ColumnClause[int] = literal_column("statements.rowid")
        return query.where(rowid.in_(matching.bindparams(phrase=fts_phrase(needle))))
    return query.where(_lower(session)(StatementRow.value).like(like_pattern(needle), escape="\\"))


def _lower(session: Session) -> Any:
    """``lower()`` in SQL as Python folds case (SQLite's own folds ASCII only)."""
    if session.get_bind().dialect.name != "sqlite":
        return func.lower
    raw = session.connection().connection.dbapi_connection
    if raw is None:
        return func.lower
    raw.create_function(PY_LOWER, 1, _fold, deterministic=True)
    return getattr(func, PY_LOWER)


def _fold(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def entities_named(
    session: Session,
    needle: str,
    schemata: Sequence[str] | None = None,
    dataset: str | None = None,
    indexed: bool | None = None,
) -> list[str]:
    """Ids of entities (of ``schemata``, in ``dataset``) with a name containing ``needle``,
    ignoring case; sorted. ``indexed`` forces (or forbids) the index, for tests."""
    folded = needle.lower()
    if not folded:
        return []
    if indexed is None:
        indexed = len(folded) >= MIN_INDEXED_CHARS and _cached_has_index(session)
    query = _candidates(session, folded, indexed and len(folded) >= MIN_INDEXED_CHARS)
    if schemata is not None:
        query = query.where(StatementRow.schema.in_(schemata))
    if dataset:
        query = query.where(StatementRow.dataset == dataset)
    found = {entity_id for entity_id, value in session.execute(query) if folded in value.lower()}
    return sorted(found)


def document_condition(
    session: Session, needle: str, indexed: bool | None = None
) -> ColumnElement[bool]:
    """WHERE clause for documents whose title or cleaned text contains ``needle`` (case
    ignored; through the index when it serves)."""
    folded = needle.lower()
    lower = _lower(session)
    pattern = like_pattern(folded)
    contains = or_(
        lower(DocumentRow.title).like(pattern, escape="\\"),
        lower(DocumentRow.clean_text).like(pattern, escape="\\"),
    )
    if indexed is None:
        indexed = _cached_has_index(session, documents=True)
    if not indexed or len(folded) < MIN_INDEXED_CHARS:
        return contains
    if session.get_bind().dialect.name != "sqlite":
        return contains  # PostgreSQL's planner picks the trigram indexes for these LIKEs
    # The index answers for the rows it covers; rows above the watermark (stored since the
    # last refresh) are few and checked directly, so answers never lag behind the store.
    matching = text(
        f"SELECT rowid FROM {FTS_DOCUMENTS} WHERE {FTS_DOCUMENTS} MATCH :phrase "
        f"UNION ALL SELECT rowid FROM documents WHERE rowid > {_WATERMARK}"
    )
    rowid: ColumnClause[int] = literal_column("documents.rowid")
    return and_(rowid.in_(matching.bindparams(phrase=fts_phrase(folded))), contains)


_INDEX_SEEN: dict[tuple[str, bool], bool] = {}


def _cached_has_index(session: Session, documents: bool = False) -> bool:
    """:func:`has_name_index`, asked once per database URL and process."""
    key = (str(session.get_bind().engine.url), documents)
    if key not in _INDEX_SEEN:
        _INDEX_SEEN[key] = has_name_index(session, documents)
    return _INDEX_SEEN[key]
