"""What the compiled-matcher guard costs each import of ``sanctionwatch.screen``, side by side
in one run: a build whose stamp records sizes and times (one ``stat`` per source), the same
build stamped with hashes only (every source read and hashed: what each import did before),
and no build at all (one directory listing).

The build is simulated in a temporary copy of the four sources (empty extension files beside
them, a stamp as ``speedups build`` writes it), so nothing is compiled and the checkout is not
touched.

    PYTHONPATH=src python bench/speedups_guard.py              # 2,000 checks per case
    PYTHONPATH=src python bench/speedups_guard.py --checks 300
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sanctionwatch.screen import speedups


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{platform.platform()}, {os.cpu_count()} cores, load {load:.1f}"


def _fake_build(root: Path, with_stats: bool) -> Path:
    for module in speedups.MODULES:
        target = root.joinpath(*module.split(".")).with_suffix(".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(speedups.source_path(module), target)
        target.with_suffix(".cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    speedups.SOURCE_ROOT = root
    stamp: dict[str, object] = {
        "sources": {module: speedups.source_digest(module) for module in speedups.MODULES}
    }
    if with_stats:
        stamp["stats"] = {module: speedups.source_stat(module) for module in speedups.MODULES}
    path = root / "_speedups.json"
    path.write_text(json.dumps(stamp), encoding="utf-8")
    speedups.STAMP = path
    return root


def _check() -> None:
    built = speedups.built_modules()
    if built and speedups.stale_modules(built):
        raise SystemExit("the simulated build is stale: the benchmark is broken")


def _microseconds(setup: Callable[[], None], checks: int) -> float:
    setup()
    _check()
    started = time.perf_counter()
    for _ in range(checks):
        _check()
    return (time.perf_counter() - started) / checks * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args()
    original = (speedups.SOURCE_ROOT, speedups.STAMP)
    with tempfile.TemporaryDirectory(prefix="sw-guard-") as scratch:
        base = Path(scratch)
        cases = {
            "sizes and times recorded": lambda: _fake_build(base / "stats", True) and None,
            "hashes only (before)": lambda: _fake_build(base / "hashes", False) and None,
            "no build": lambda: setattr(speedups, "SOURCE_ROOT", base / "none") or None,
        }
        (base / "none" / "sanctionwatch" / "screen").mkdir(parents=True)
        results = {name: _microseconds(setup, args.checks) for name, setup in cases.items()}
    speedups.SOURCE_ROOT, speedups.STAMP = original
    print(f"machine: {_machine()}")
    print(f"guard check per import of sanctionwatch.screen ({args.checks:,} checks each)")
    reference = results["hashes only (before)"]
    for name, micros in results.items():
        print(f"  {name:<26} {micros:8.1f} µs   {reference / micros:5.1f}x faster than hashing")


if __name__ == "__main__":
    main()
