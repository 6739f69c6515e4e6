"""``sanctionwatch speedups``: build, inspect or remove the compiled matcher modules."""

from __future__ import annotations

import os
import sys
from enum import StrEnum

import typer

from sanctionwatch.clikit import Column, JsonOption, console, fail, print_records
from sanctionwatch.screen import speedups


class Action(StrEnum):
    status = "status"
    build = "build"
    remove = "remove"


def _state(module: str, stale: list[str]) -> str:
    loaded = sys.modules.get(module)
    if not speedups.compiled_paths(module):
        return "pure Python (not built)"
    if module in stale:
        return "stale build: source used (run speedups build)"
    if stale:
        return "built, but source used while another module's build is stale"
    if os.environ.get(speedups.SWITCH) == "0":
        return f"built, switched off by {speedups.SWITCH}=0"
    if loaded is not None and not speedups.is_compiled(loaded):
        return "built after this process started: used from the next start"
    return "compiled"


def _origin(module: str) -> str:
    loaded = sys.modules.get(module)
    if loaded is None or not speedups.is_compiled(loaded):
        return str(speedups.source_path(module))
    built = speedups.compiled_paths(module)
    return str(built[0]) if built else ""


def status_records() -> list[dict[str, str]]:
    stale = speedups.stale_modules()
    return [
        {
            "module": module,
            "state": _state(module, stale),
            "file": _origin(module),
        }
        for module in speedups.MODULES
    ]


def speedups_command(
    action: Action = typer.Argument(Action.status, help="status, build or remove."),
    as_json: bool = JsonOption,
) -> None:
    """Show whether the compiled matcher is in use; build it (mypyc) or remove it.

    The build compiles the same source (same scores, faster) and needs mypy and a C compiler;
    a build whose source has changed since is ignored, and SANCTIONWATCH_SPEEDUPS=0 switches
    it off.

    Example:

        sanctionwatch speedups build
        sanctionwatch speedups --json
    """
    if action is Action.build:
        console.print("compiling the matcher with mypyc (about a minute)…")
        try:
            built = speedups.build()
        except speedups.SpeedupsError as exc:
            fail(f"speedups: {exc}", "pip install mypy setuptools, and install gcc")
        console.print(f"built {len(built)} modules; they are used from the next start")
        return
    if action is Action.remove:
        removed = speedups.remove()
        console.print(f"removed {len(removed)} files; the matcher runs as pure Python")
        return
    columns: list[Column] = [("module", "module"), ("state", "state")]
    print_records("compiled matcher modules", status_records(), columns, as_json)
