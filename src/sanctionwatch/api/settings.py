"""Settings of the HTTP API and web app, read from ``SANCTIONWATCH_*`` environment variables.

Secure by default: the server binds to loopback, CORS is off, and without a configured token
every write endpoint refuses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from sanctionwatch.settings import load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = frozenset({"localhost", "::1", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    return host in LOOPBACK_NAMES or host.startswith("127.")


def _env(name: str) -> str | None:
    value = os.environ.get(f"SANCTIONWATCH_{name}")
    return value if value else None


@dataclass(frozen=True)
class ApiSettings:
    """What the app needs to run; build with :func:`load_api_settings` or directly in tests."""

    database_url: str = "sqlite:///sanctionwatch.db"
    api_token: str | None = None
    """A single admin token (``SANCTIONWATCH_API_TOKEN``), kept working next to per-user
    tokens (``sanctionwatch users add``); with neither, every write is refused."""
    require_read_token: bool | None = None
    """Reads need a viewer token: ``None`` (the default) means only when ``host`` is not
    loopback; set True behind a reverse proxy on the same machine."""
    token_cache_seconds: float = 10.0
    """How long a checked token is remembered; changes made by the CLI in another process
    (disable, rotate, role) reach a running server within this time."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names the server answers to (``Host`` header, port ignored); empty accepts any.
    ``sanctionwatch serve`` on loopback defaults to the loopback names (DNS-rebinding guard)."""
    auth_failure_limit: int = 10
    """Wrong tokens (API or login form) allowed per client address and per account within
    ``auth_failure_window_seconds`` before 429; 0 turns the budget off."""
    auth_failure_window_seconds: float = 300.0
    client_ip_header: str | None = None
    """Behind a reverse proxy on this machine: the header it appends the client's address to
    (``X-Forwarded-For``), trusted only on connections from loopback."""
    secure_cookies: bool = False
    """Mark the web session cookie ``Secure`` even when the request looks like plain http
    (behind a TLS-terminating proxy)."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS; empty (the default) sends no CORS headers at all."""
    max_body_bytes: int = 10 * 1024 * 1024
    """Largest request body accepted (uploads included)."""
    max_page_size: int = 200
    """Cap on ``limit`` of every listing."""
    max_match_batch: int = 100
    """Most queries in one ``/match`` request (yente's ``YENTE_MAX_BATCH``)."""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    audit_matches: bool = False
    """Write every /match query and its results to the audit trail (``match_audit``)."""
    read_uploads: bool = True
    """Run the extractors over an uploaded document (in the background) after storing it."""
    include_web: bool = True
    """Mount the HTML pages next to the JSON API."""
    max_document_bytes: int = field(default_factory=lambda: load_settings().max_document_bytes)

    @property
    def reads_open(self) -> bool:
        """May anyone who reaches the server read without a token?"""
        if self.require_read_token is not None:
            return not self.require_read_token
        return is_loopback(self.host)

    def with_database(self, url: str) -> ApiSettings:
        return replace(self, database_url=url)


def load_api_settings() -> ApiSettings:
    """Read the API settings from the environment (database URL shared with the CLI)."""
    base = load_settings()
    origins = tuple(o.strip() for o in (_env("CORS_ORIGINS") or "").split(",") if o.strip())
    return ApiSettings(
        database_url=base.database_url,
        api_token=_env("API_TOKEN"),
        cors_origins=origins,
        max_body_bytes=int(_env("MAX_BODY_BYTES") or ApiSettings.max_body_bytes),
        max_page_size=int(_env("MAX_PAGE_SIZE") or ApiSettings.max_page_size),
        max_document_bytes=base.max_document_bytes,
        audit_matches=_env("AUDIT_MATCHES") == "1",
        require_read_token=_flag(_env("REQUIRE_READ_TOKEN")),
        token_cache_seconds=float(_env("TOKEN_CACHE_SECONDS") or ApiSettings.token_cache_seconds),
        secure_cookies=_env("SECURE_COOKIES") == "1",
        auth_failure_limit=int(_env("AUTH_FAILURE_LIMIT") or ApiSettings.auth_failure_limit),
        auth_failure_window_seconds=float(
            _env("AUTH_FAILURE_WINDOW") or ApiSettings.auth_failure_window_seconds
        ),
        client_ip_header=_env("CLIENT_IP_HEADER"),
        allowed_hosts=tuple(
            h.strip().lower() for h in (_env("ALLOWED_HOSTS") or "").split(",") if h.strip()
        ),
    )


def serving_settings(settings: ApiSettings, host: str, port: int) -> ApiSettings:
    """Settings for serving on ``host:port``: on loopback the server answers only to loopback
    names (plus ``SANCTIONWATCH_ALLOWED_HOSTS``), so a rebinding web page cannot read it."""
    settings = replace(settings, host=host, port=port)
    if is_loopback(host) and settings.reads_open:
        names = (*sorted(LOOPBACK_NAMES), "127.0.0.1", host, *settings.allowed_hosts)
        settings = replace(settings, allowed_hosts=tuple(dict.fromkeys(names)))
    return settings


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.lower() in ("1", "true", "yes")
