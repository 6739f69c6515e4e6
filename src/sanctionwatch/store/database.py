"""Database handle: one engine, migrations, and a transaction per unit of work.

SQLite (a file in WAL mode) is the zero-setup default; PostgreSQL is chosen by URL. Dialect
differences stay in this module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another's write lock."""


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and bare SQLite paths; use psycopg 3 for PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


class Database:
    """The store behind one URL. Call :meth:`migrate` once before use (the CLI does)."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine: Engine = create_engine(self.url, future=True)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["engine"] = self.engine
        return config

    def migrate(self) -> None:
        """Bring the schema to the newest revision of every stage (idempotent).

        Each stage owns a branch of revisions rooted at ``0001``; ``heads`` upgrades them all.
        A store already at every head is left alone without starting Alembic (which imports
        every stage's tables: most of a short command's start-up time).
        """
        if self.at_heads():
            return
        from alembic import command

        command.upgrade(self.alembic_config(), "heads")

    def at_heads(self) -> bool:
        """Whether the store records exactly the newest revision of every branch."""
        heads = script_heads()
        if heads is None:
            return False
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(text("SELECT version_num FROM alembic_version"))
                current = {str(version) for version in rows.scalars()}
        except SQLAlchemyError:  # no alembic_version table yet: a new store
            return False
        return current == heads

    def table_names(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _constants(path: Path, names: frozenset[str]) -> dict[str, Any]:
    """Module-level literal assignments to ``names`` (plain or annotated), without running it."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        elif isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in names:
                found[target.id] = ast.literal_eval(value)
    return found


@cache
def script_heads(versions_dir: Path = MIGRATIONS_DIR / "versions") -> frozenset[str] | None:
    """The head revisions of the migration scripts, read from their ``revision`` and
    ``down_revision`` literals (Alembic would import every script: half a second).

    ``None`` when a script does not spell them as literals: then :meth:`Database.migrate`
    leaves the decision to Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    wanted = frozenset({"revision", "down_revision"})
    for path in sorted(versions_dir.glob("*.py")):
        try:
            values = _constants(path, wanted)
        except (SyntaxError, ValueError):
            return None
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list):
            parents.update(str(parent) for parent in down)
        elif down is not None:
            return None
    return frozenset(revisions - parents)
