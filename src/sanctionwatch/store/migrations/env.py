"""Alembic environment: runs on the engine handed over by :class:`Database`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import sanctionwatch.store.registry  # noqa: F401  (imports every stage's tables)
from sanctionwatch.store.base import Base
from sanctionwatch.store.search import SEARCH_OBJECT_PREFIX

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through sanctionwatch.store.Database.migrate()")


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, other: object
) -> bool:
    """Autogenerate ignores the hand-made search objects (FTS5 tables, trigram index)."""
    return not (name or "").startswith(SEARCH_OBJECT_PREFIX)


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
    )
    context.run_migrations()
