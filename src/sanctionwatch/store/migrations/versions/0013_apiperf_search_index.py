"""apiperf: trigram index over name statements (SQLite FTS5 + triggers, PostgreSQL pg_trgm)

Revision ID: 0013
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

from sanctionwatch.store.search import install_name_index, remove_name_index

revision: str = "0013"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("apiperf",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    install_name_index(op.get_bind())


def downgrade() -> None:
    remove_name_index(op.get_bind())
