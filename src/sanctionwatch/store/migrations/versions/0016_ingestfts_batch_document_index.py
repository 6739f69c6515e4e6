"""ingestfts: document index filled in batches off the ingest path (SQLite watermark)

Revision ID: 0016
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

from sanctionwatch.store.search import batch_document_index, per_row_document_index

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    batch_document_index(op.get_bind())


def downgrade() -> None:
    per_row_document_index(op.get_bind())
