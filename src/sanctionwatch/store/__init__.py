"""The provenance store: documents and the statements extracted from them.

One SQLAlchemy schema serves SQLite (the zero-setup default) and PostgreSQL. Later stages add
their own tables to the same metadata (:data:`sanctionwatch.store.base.Base`) and their own
Alembic revisions under ``store/migrations/versions``.
"""

from sanctionwatch.store.database import Database, normalise_url
from sanctionwatch.store.statements import Statement, make_statement_id

__all__ = ["Database", "Statement", "make_statement_id", "normalise_url"]
