"""Users and tokens in the store: hashed, shown once, rotated, disabled; the CLI around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.store import Database
from sanctionwatch.users.accounts import (
    LEGACY_USER,
    UserError,
    add_user,
    authenticate,
    hash_secret,
    rotate_token,
    set_disabled,
    set_role,
)
from sanctionwatch.users.tables import UserRow

runner = CliRunner()


def test_token_is_stored_only_as_its_hash(database: Database) -> None:
    with database.session() as session:
        user, token = add_user(session, "alice", "analyst")
    with database.session() as session:
        row = session.scalars(select(UserRow)).one()
        principal = authenticate(session, token)
    assert row.token_hash == hash_secret(token) and token not in row.token_hash
    assert row.token_prefix == token[:10] == user.token_prefix
    assert len(token) >= 40  # 32 random bytes
    assert principal is not None and (principal.name, principal.role) == ("alice", "analyst")


def test_rotation_and_disabling_refuse_the_old_token(database: Database) -> None:
    with database.session() as session:
        _, first = add_user(session, "bob", "viewer")
        _, second = rotate_token(session, "bob")
    assert first != second
    with database.session() as session:
        assert authenticate(session, first) is None
        assert authenticate(session, second) is not None
        set_disabled(session, "bob")
        assert authenticate(session, second) is None
        set_disabled(session, "bob", False)
        set_role(session, "bob", "admin")
        found = authenticate(session, second)
    assert found is not None and found.has_role("analyst")


@pytest.mark.parametrize(
    ("name", "role", "problem"),
    [
        ("eve", "superuser", "unknown role"),
        ("bad name", "viewer", "not allowed"),
        (LEGACY_USER, "admin", "reserved"),
    ],
)
def test_bad_users_are_refused(
    sqlite_database: Database, name: str, role: str, problem: str
) -> None:
    with sqlite_database.session() as session, pytest.raises(UserError, match=problem):
        add_user(session, name, role)


def test_roles_are_ordered() -> None:
    from sanctionwatch.users.accounts import Principal

    viewer, admin = Principal("v", "viewer"), Principal("a", "admin")
    assert not viewer.has_role("analyst") and viewer.has_role("viewer")
    assert admin.has_role("analyst") and admin.has_role("admin")


def test_cli_adds_lists_rotates_and_disables(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    added = runner.invoke(app, ["users", "add", "carol", "--role", "analyst", "--db", db])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("sw_")
    again = runner.invoke(app, ["users", "add", "carol", "--role", "viewer", "--db", db])
    assert again.exit_code == 1 and "exists" in again.output
    listed = runner.invoke(app, ["users", "list", "--json", "--db", db])
    row = json.loads(listed.stdout.splitlines()[0])
    assert row["name"] == "carol" and row["role"] == "analyst" and not row["disabled"]
    assert row["token_prefix"] == token[:10] and token not in listed.stdout
    rotated = runner.invoke(app, ["users", "token", "carol", "--db", db])
    assert rotated.exit_code == 0 and rotated.stdout.strip().splitlines()[-1] != token
    disabled = runner.invoke(app, ["users", "disable", "carol", "--db", db])
    assert disabled.exit_code == 0 and "disabled" in disabled.output
    table = runner.invoke(app, ["users", "list", "--db", db])
    assert "carol" in table.output and "disabled" in table.output
    missing = runner.invoke(app, ["users", "disable", "nobody", "--db", db])
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output
