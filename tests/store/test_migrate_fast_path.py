"""``Database.migrate`` skips Alembic for a store already at every head, and only then."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from sanctionwatch.store import Database
from sanctionwatch.store.database import MIGRATIONS_DIR, script_heads


def test_script_heads_agree_with_alembic(sqlite_database: Database) -> None:
    alembic_heads = ScriptDirectory.from_config(sqlite_database.alembic_config()).get_heads()
    assert script_heads() == frozenset(alembic_heads)
    assert script_heads(MIGRATIONS_DIR / "versions")


def test_a_migrated_store_is_at_heads_and_not_upgraded_again(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert database.at_heads()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("alembic ran on a store already at heads")

    monkeypatch.setattr("alembic.command.upgrade", refuse)
    database.migrate()


def test_a_new_store_is_not_at_heads_until_migrated(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'new.db'}")
    assert not database.at_heads()
    database.migrate()
    assert database.at_heads()
    assert "statements" in database.table_names()


def test_a_store_missing_a_head_is_not_at_heads(sqlite_database: Database) -> None:
    newest = max(script_heads() or [])
    with sqlite_database.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": newest}
        )
    assert not sqlite_database.at_heads()


def _revision(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(body, encoding="utf-8")


def test_script_heads_follow_branches_merges_and_annotations(tmp_path: Path) -> None:
    _revision(tmp_path, "a", 'revision = "a"\ndown_revision = None\n')
    _revision(tmp_path, "b", 'revision: str = "b"\ndown_revision: str | None = "a"\n')
    _revision(tmp_path, "c", 'revision = "c"\ndown_revision = "a"\n')
    assert script_heads(tmp_path) == {"b", "c"}
    _revision(tmp_path, "m", 'revision = "m"\ndown_revision = ("b", "c")\n')
    script_heads.cache_clear()
    assert script_heads(tmp_path) == {"m"}


def test_script_heads_give_up_on_revisions_that_are_not_literals(tmp_path: Path) -> None:
    _revision(tmp_path, "a", 'revision = "a"\ndown_revision = None\n')
    _revision(tmp_path, "x", 'import os\nrevision = os.environ["REV"]\ndown_revision = "a"\n')
    assert script_heads(tmp_path) is None
