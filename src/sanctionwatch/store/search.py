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
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnClause, Connection, Select, func, literal_column, select, text
from sqlalchemy.orm import Session

from sanctionwatch.store.tables import StatementRow

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
"""Properties whose values are names (the ones the index covers)."""
FTS_TABLE = "search_fts_names"
TRGM_INDEX = "search_trgm_names"
SEARCH_OBJECT_PREFIX = "search_"
"""Objects made by hand in revision 0013 (virtual tables, triggers, GIN index): Alembic's
autogenerate must leave them alone (see ``migrations/env.py``)."""
MIN_INDEXED_CHARS = 3
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


def install_name_index(connection: Connection) -> None:
    """Create the name index of this backend (revision 0013's upgrade)."""
    if connection.dialect.name == "sqlite":
        for statement in _sqlite_statements():
            connection.execute(text(statement))
        return
    if connection.dialect.name != "postgresql":
        return
    available = connection.scalar(
        text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    )
    if not available:
        return  # search still works, by scanning
    with connection.begin_nested():
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    connection.execute(
        text(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON statements "
            f"USING gin (lower(value) gin_trgm_ops) WHERE {NAME_PREDICATE}"
        )
    )


def remove_name_index(connection: Connection) -> None:
    """Drop the name index (revision 0013's downgrade; the pg_trgm extension stays)."""
    if connection.dialect.name == "sqlite":
        for suffix in ("insert", "delete", "update"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}"))
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text(f"DROP INDEX IF EXISTS {TRGM_INDEX}"))


def has_name_index(session: Session) -> bool:
    """Whether this store has the name index (and, on SQLite, the triggers that keep it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        found = session.scalar(
            text(
                "SELECT count(*) FROM sqlite_master WHERE name IN "
                f"('{FTS_TABLE}', '{FTS_TABLE}_insert', '{FTS_TABLE}_delete', "
                f"'{FTS_TABLE}_update')"
            )
        )
        return bool(found == 4)
    if dialect == "postgresql":
        found = session.scalar(
            text("SELECT count(*) FROM pg_indexes WHERE indexname = :name"),
            {"name": TRGM_INDEX},
        )
        return bool(found)
    return False


# ---------------------------------------------------------------- queries


def _candidates(session: Session, needle: str, indexed: bool) -> Select[str, str]:
    query = select(StatementRow.entity_id, StatementRow.value).where(text(NAME_PREDICATE))
    dialect = session.get_bind().dialect.name
    if indexed and dialect == "sqlite":
        matching = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase")
        rowid: ColumnClause[int] = literal_column("statements.rowid")
        return query.where(rowid.in_(matching.bindparams(phrase=fts_phrase(needle))))
    lower = func.lower
    if dialect == "sqlite":  # SQLite's lower() folds ASCII only; fold as Python does
        raw = session.connection().connection.dbapi_connection
        if raw is not None:
            raw.create_function(PY_LOWER, 1, _fold, deterministic=True)
            lower = getattr(func, PY_LOWER)
    return query.where(lower(StatementRow.value).like(like_pattern(needle), escape="\\"))


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


_INDEX_SEEN: dict[str, bool] = {}


def _cached_has_index(session: Session) -> bool:
    """:func:`has_name_index`, asked once per database URL and process."""
    key = str(session.get_bind().engine.url)
    if key not in _INDEX_SEEN:
        _INDEX_SEEN[key] = has_name_index(session)
    return _INDEX_SEEN[key]
