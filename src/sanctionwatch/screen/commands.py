"""CLI commands of this stage (mounted by ``sanctionwatch.cli``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this stage's commands to ``app`` (none yet)."""
