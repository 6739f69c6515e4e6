"""Imports every module that declares tables, so Alembic and tests see the whole schema.

Each stage that adds tables appends its ``tables`` module here (and adds an Alembic revision).
"""

import sanctionwatch.extract.claim_tables
import sanctionwatch.extract.tables
import sanctionwatch.flags.tables
import sanctionwatch.ingest.tables
import sanctionwatch.monitor.tables
import sanctionwatch.resolve.tables
import sanctionwatch.screen.lists.tables
import sanctionwatch.screen.tables
import sanctionwatch.store.tables
import sanctionwatch.users.tables
import sanctionwatch.web.tables  # noqa: F401
