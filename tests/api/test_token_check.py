"""A token is hashed and looked up once per request, whether or not it is remembered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from sanctionwatch.api.app import create_app
from sanctionwatch.api.auth import Authenticator
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from sanctionwatch.users import accounts
from sanctionwatch.users.accounts import add_user


class Counts:
    def __init__(self) -> None:
        self.hashes = 0
        self.memory = 0
        self.user_queries = 0


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch, sqlite_database: Database) -> Iterator[Counts]:
    """Counts every token hash, memory look-up and query of the users table (the real
    functions still run)."""
    seen = Counts()
    hash_secret, remembered = accounts.hash_secret, Authenticator._remembered

    def counted_hash(secret: str) -> str:
        seen.hashes += 1
        return hash_secret(secret)

    def counted_memory(self: Authenticator, key: str) -> object:
        seen.memory += key.startswith("t:")
        return remembered(self, key)

    def counted_query(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.user_queries += "from users" in " ".join(statement.lower().split())

    monkeypatch.setattr(accounts, "hash_secret", counted_hash)
    monkeypatch.setattr(Authenticator, "_remembered", counted_memory)
    event.listen(sqlite_database.engine, "before_cursor_execute", counted_query)
    yield seen
    event.remove(sqlite_database.engine, "before_cursor_execute", counted_query)


def _client(database: Database) -> TestClient:
    settings = ApiSettings(database_url=database.url, host="0.0.0.0", read_uploads=False)
    return TestClient(create_app(settings, database=database), client=("203.0.113.9", 4000))


@pytest.mark.parametrize("good", [True, False])
def test_one_hash_and_one_lookup_per_request(
    sqlite_database: Database, counts: Counts, good: bool
) -> None:
    with sqlite_database.session() as session:
        token = add_user(session, "reader-1", "viewer")[1]
    sent = token if good else token[:-4] + "xxxx"
    with _client(sqlite_database) as client:
        counts.hashes = counts.memory = counts.user_queries = 0
        first = client.get("/entities", headers={"Authorization": f"Bearer {sent}"})
        assert first.status_code == (200 if good else 401)
        assert (counts.hashes, counts.memory, counts.user_queries) == (1, 1, 1)
        second = client.get("/entities", headers={"Authorization": f"Bearer {sent}"})
        assert second.status_code == first.status_code
        assert (counts.hashes, counts.memory, counts.user_queries) == (2, 2, 1)


def test_look_up_is_remembered_for_the_cached_check(
    sqlite_database: Database, counts: Counts
) -> None:
    """The two steps :func:`checked_token` takes: memory first, the database once."""
    with sqlite_database.session() as session:
        token = add_user(session, "reader-2", "analyst")[1]
    auth = Authenticator(sqlite_database, legacy_token=None, reads_open=False)
    hashed = accounts.hash_secret(token)
    counts.hashes = counts.memory = counts.user_queries = 0
    assert auth.cached_token(token, hashed) == (False, None)
    found = auth.look_up(hashed)
    assert found is not None and found.name == "reader-2" and found.role == "analyst"
    assert auth.cached_token(token, hashed) == (True, found)
    assert (counts.hashes, counts.memory, counts.user_queries) == (0, 2, 1)


def test_principal_has_one_path() -> None:
    """Tokens are checked only by ``checked_token`` (which counts failures): the
    Authenticator offers no second, uncounted way from a token to a principal."""
    assert not hasattr(Authenticator, "principal")
