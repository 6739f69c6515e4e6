"""Schemathesis contract tests: generated requests against /openapi.json never get a 5xx and
every response conforms to the published schema (status codes, content types, bodies)."""

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


def _app() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="sw-contract-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = Database(f"sqlite:///{folder / 'contract.db'}")
    database.migrate()
    insert_sample_graph(database)
    settings = ApiSettings(database_url=database.url, api_token="contract-token")
    return create_app(settings, database)


# NUL characters in URLs are refused with a 400 on purpose (no database stores them); that is
# tested in test_security.py, so generation leaves them out here.
CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-x00": False}})
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_openapi_schema(case: Any) -> None:
    case.call_and_validate()
