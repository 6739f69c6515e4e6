"""How long ``sanctionwatch`` takes to start: ``--help``, ``screen NAME`` on a stored index,
``compare`` and a ``lists`` listing, each run as a fresh process (interpreter start included).

Side by side, in one run: the lazy command line (commands imported when they run, Alembic
skipped for a store already at every head) and the eager baseline, which imports every command
module first and always runs Alembic, as the command line did before. Then the ten slowest
imports (cumulative, ``python -X importtime``) of ``screen NAME``.

    PYTHONPATH=src .venv/bin/python bench/cli_startup.py            # 5 runs per command
    PYTHONPATH=src .venv/bin/python bench/cli_startup.py --runs 3 --no-eager
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_LIST = REPO / "examples" / "lists" / "un_dprk_sample.xml"
QUERY = "Kim Jong Sik"

LAZY = "import sys\nfrom sanctionwatch.cli import main\nsys.argv = {argv!r}\nmain()\n"
EAGER = (
    "import importlib, sys\n"
    "from sanctionwatch import cli\n"
    "from sanctionwatch.store.database import Database\n"
    "for entry in cli.COMMANDS:\n"
    "    importlib.import_module(entry.module)\n"
    "Database.at_heads = lambda self: False\n"
    "sys.argv = {argv!r}\n"
    "cli.main()\n"
)


def machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def _env() -> dict[str, str]:
    source = str(REPO / "src")
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{path}" if path else source}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(template: str, argv: list[str], extra: tuple[str, ...] = ()) -> tuple[float, float, str]:
    """Wall and CPU seconds of one fresh process running the command line with ``argv``
    (CPU time suffers less than wall time when other work shares the cores)."""
    code = template.format(argv=["sanctionwatch", *argv])
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, *extra, "-c", code], capture_output=True, text=True, env=_env()
    )
    elapsed, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"sanctionwatch {' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return elapsed, cpu, done.stderr


def prepare(folder: Path) -> str:
    """A small store with the example UN list loaded and its screening index built."""
    url = f"sqlite:///{folder / 'startup.db'}"
    run(LAZY, ["lists", "load", str(EXAMPLE_LIST), "--db", url])
    run(LAZY, ["screen", QUERY, "--json", "--db", url])
    if not (folder / "startup.db.screen-index").exists():
        raise SystemExit("the screening index was not stored next to the database")
    return url


def median_seconds(template: str, argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall and median CPU seconds over ``runs`` fresh processes."""
    timings = [run(template, argv)[:2] for _ in range(runs)]
    return (
        statistics.median(wall for wall, _ in timings),
        statistics.median(cpu for _, cpu in timings),
    )


def import_top(argv: list[str], count: int = 10) -> list[tuple[float, str]]:
    """The ``count`` imports with the largest cumulative time (seconds, module)."""
    stderr = run(LAZY, argv, ("-X", "importtime"))[2]
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        rows.append((int(cumulative) / 1e6, name.rstrip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median shown)")
    parser.add_argument("--no-eager", action="store_true", help="skip the eager baseline")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="sw-startup-") as tmp:
        url = prepare(Path(tmp))
        commands = {
            "--help": ["--help"],
            f"screen {QUERY!r} --json": ["screen", QUERY, "--json", "--db", url],
            "compare (two names)": ["compare", "Kim Jong Un", "KIM CHONG-UN", "--json"],
            "lists versions --json": ["lists", "versions", "--json", "--db", url],
        }
        print(f"\nmedian seconds of {args.runs} fresh processes (interpreter start included)")
        print(f"{'command':<30} {'lazy wall':>9} {'cpu':>6} {'eager wall':>10} {'cpu':>6} ratio")
        for label, argv in commands.items():
            lazy, lazy_cpu = median_seconds(LAZY, argv, args.runs)
            if args.no_eager:
                print(f"{label:<30} {lazy:9.3f} {lazy_cpu:6.3f}")
                continue
            eager, eager_cpu = median_seconds(EAGER, argv, args.runs)
            print(
                f"{label:<30} {lazy:9.3f} {lazy_cpu:6.3f} {eager:10.3f} {eager_cpu:6.3f} "
                f"{eager / lazy:4.1f}x"
            )
        print(f"\nslowest imports of `screen {QUERY!r} --json` (cumulative seconds)")
        for seconds, module in import_top(commands[f"screen {QUERY!r} --json"]):
            print(f"  {seconds:6.3f}  {module.strip()}")
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
