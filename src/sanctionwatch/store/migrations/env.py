"""Alembic environment: runs on the engine handed over by :class:`Database`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import sanctionwatch.store.registry  # noqa: F401  (imports every stage's tables)
from sanctionwatch.store.base import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through sanctionwatch.store.Database.migrate()")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
