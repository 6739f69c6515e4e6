"""Contract of the answers a token check gives: a client sending wrong tokens gets 401 and,
once its budget is spent, 429 with ``Retry-After``; /openapi.json must declare both on every
operation that checks a token, so a client generated from it can handle them."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ApiSettings
from sanctionwatch.store import Database
from web_sample_graph import insert_sample_graph

WRONG = {"Authorization": "Bearer not-a-token-of-this-server"}
UNCHECKED = {"/healthz", "/readyz"}


def _app() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="sw-contract-tokens-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = Database(f"sqlite:///{folder / 'contract.db'}")
    database.migrate()
    insert_sample_graph(database)
    # Reads need a token here, and one wrong token spends the budget: every later token
    # check of this client is refused with 429.
    settings = ApiSettings(
        database_url=database.url,
        api_token="contract-token",
        require_read_token=True,
        auth_failure_limit=1,
        auth_failure_window_seconds=3600,
    )
    return create_app(settings, database)


CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-x00": False}})
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_wrong_token_answers_conform_to_the_openapi_schema(case: Any) -> None:
    case.call_and_validate(headers=WRONG)


def _token_checked_operations() -> list[tuple[str, str, dict[str, Any]]]:
    spec = schema.raw_schema
    return [
        (method.upper(), path, operation)
        for path, operations in spec["paths"].items()
        if path not in UNCHECKED
        for method, operation in operations.items()
    ]


def test_every_token_checking_operation_declares_401_and_429_with_retry_after() -> None:
    operations = _token_checked_operations()
    assert len(operations) > 20
    for method, path, operation in operations:
        responses = operation["responses"]
        assert {"401", "429"} <= set(responses), f"{method} {path}"
        retry_after = responses["429"]["headers"]["Retry-After"]
        assert retry_after["required"] is True, f"{method} {path}"
        assert retry_after["schema"]["type"] == "integer"


def test_a_spent_budget_answers_429_as_the_schema_says() -> None:
    case = schema["/entities"]["GET"].Case(query={"limit": 5})
    first = case.call(headers=WRONG)
    assert first.status_code in (401, 429)
    refused = case.call(headers=WRONG)
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["retry-after"][0]) >= 1
    assert set(refused.json()) == {"detail"}
    case.validate_response(refused)
