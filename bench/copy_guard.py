"""Time and memory of the copy guard (tests/test_no_copied_text.py) on this checkout.

Side by side in one run: the guard as written (only the tracked files' shingles are kept, the
shared files are streamed) and the obvious alternative (every shingle of ../shared in a set,
then the tracked files looked up). Prints wall seconds, peak traced memory, the ratio of the
two, and the machine. The issue's budget is about 60 s on the CI box.

    PYTHONPATH=src .venv/bin/python bench/copy_guard.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def load_guard() -> ModuleType:
    """The guard's test module, imported from its path (tests/ is not a package)."""
    path = REPO / "tests" / "test_no_copied_text.py"
    spec = importlib.util.spec_from_file_location("copy_guard_under_test", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: cannot import the guard")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def shared_side_index(guard: ModuleType, shared: Path) -> Callable[[], dict[str, list[str]]]:
    """The alternative: hash every shared shingle first, then scan the tracked files."""
    vocabulary = guard.load_vocabulary(guard.VOCABULARY_FILE)

    def run() -> dict[str, list[str]]:
        sources = guard.shared_files(shared)
        lists = [path for path in sources if path.suffix.lower() in guard.LIST_SUFFIXES]
        prose = [path for path in sources if path not in lists]
        found: dict[str, list[str]] = {}
        for group, reading in ((prose, guard.NO_VOCABULARY), (lists, vocabulary)):
            shared_hashes: set[int] = set()
            for path in group:
                shared_hashes.update(guard.shingle_hashes(guard.file_words(path, reading)))
            for path in guard.tracked_files(REPO):
                runs = guard.copied_runs(list(guard.file_words(path, reading)), shared_hashes)
                if runs:
                    found.setdefault(str(path.relative_to(REPO)), []).extend(runs)
        return found

    return run


def measure(run: Callable[[], dict[str, list[str]]]) -> tuple[float, float, int]:
    """Wall seconds (untraced run), peak traced MiB (traced run), runs found."""
    started = time.perf_counter()
    found = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, sum(len(runs) for runs in found.values())


def machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (
        f"{platform.platform()}; {platform.machine()}; {os.cpu_count()} logical cores; "
        f"load {load[0]:.1f}; Python {platform.python_version()}"
    )


def main() -> None:
    default = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", REPO.parent / "shared"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=default, help="the ../shared folder")
    args = parser.parse_args()
    if not args.shared.is_dir():
        raise SystemExit(f"{args.shared}: not a folder; pass --shared PATH")
    guard = load_guard()
    vocabulary = guard.load_vocabulary(guard.VOCABULARY_FILE)
    tracked = guard.tracked_files(REPO)
    shared_files = guard.shared_files(args.shared)
    print(f"machine: {machine()}")
    print(
        f"tracked text files: {len(tracked)} ({sum(p.stat().st_size for p in tracked):,} bytes); "
        f"shared files: {len(shared_files)} ({sum(p.stat().st_size for p in shared_files):,} bytes)"
    )
    ours = measure(lambda: guard.find_copies(REPO, args.shared, vocabulary))
    naive = measure(shared_side_index(guard, args.shared))
    print(f"{'approach':<38} {'seconds':>8} {'peak MiB':>9} {'runs':>5}")
    for name, (seconds, peak, runs) in (
        ("guard: tracked shingles, shared streamed", ours),
        ("alternative: all shared shingles in RAM", naive),
    ):
        print(f"{name:<38} {seconds:>8.1f} {peak:>9.1f} {runs:>5}")
    time_ratio, memory_ratio = naive[0] / ours[0], naive[1] / ours[1]
    print(f"ratio alternative/guard: time {time_ratio:.2f}x, memory {memory_ratio:.2f}x")


if __name__ == "__main__":
    main()
