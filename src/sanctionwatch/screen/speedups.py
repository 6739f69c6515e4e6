"""Optional compiled matcher: the pairwise scorer's hot modules built with mypyc.

The matcher is pure Python and stays the reference. ``sanctionwatch speedups build`` compiles
the modules in :data:`MODULES` from the very same source (mypyc, shipped with mypy, plus a C
compiler) into extension modules next to the sources, which Python then imports in their place:
same code, same scores (``tests/screen/test_speedups.py`` checks both agree on every labelled
pair), about 1.5x faster on names never seen before.

A build records the SHA-256 of each source in ``_speedups.json``. :func:`guard` (run when
``sanctionwatch.screen`` is imported) routes the import of every module to its source when any
source changed since the build, or when ``SANCTIONWATCH_SPEEDUPS=0``, so an edited module is
never shadowed by a stale build.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).parent
SOURCE_ROOT = PACKAGE_DIR.parents[1]
MODULES = (
    "sanctionwatch.screen.data",
    "sanctionwatch.screen.korean",
    "sanctionwatch.screen.normalize",
    "sanctionwatch.screen.features",
)
"""Compiled together (one shared library): normalisation, transliteration, folding, features."""
GROUP = "sanctionwatch.screen._speedups"
"""Name of the shared library the compiled modules live in (``_speedups__mypyc``)."""
STAMP = PACKAGE_DIR / "_speedups.json"
SWITCH = "SANCTIONWATCH_SPEEDUPS"
"""Environment variable: ``0`` imports the pure-Python modules even when a build exists."""


class SpeedupsError(RuntimeError):
    """The compiled modules cannot be built (no mypyc, no C compiler, a compile error)."""


def source_path(module: str) -> Path:
    return SOURCE_ROOT.joinpath(*module.split(".")).with_suffix(".py")


def source_digest(module: str) -> str:
    return hashlib.sha256(source_path(module).read_bytes()).hexdigest()


def compiled_paths(module: str) -> list[Path]:
    """Extension files of ``module`` next to its source (any platform suffix)."""
    source = source_path(module)
    return sorted(source.parent.glob(f"{source.stem}.*.so")) + sorted(
        source.parent.glob(f"{source.stem}.*.pyd")
    )


def _recorded() -> dict[str, str]:
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    sources = data.get("sources") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in sources.items()} if isinstance(sources, dict) else {}


def stale_modules() -> list[str]:
    """Modules with a compiled build that must not be used (source changed, no stamp)."""
    recorded = _recorded()
    return [
        module
        for module in MODULES
        if compiled_paths(module) and recorded.get(module) != source_digest(module)
    ]


def active_modules() -> list[str]:
    """Modules imported (or to be imported) from their compiled build."""
    loaded = [sys.modules.get(module) for module in MODULES]
    return [
        module
        for module, imported in zip(MODULES, loaded, strict=True)
        if imported is not None and is_compiled(imported)
    ]


def is_compiled(module: ModuleType) -> bool:
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
    return not str(origin).endswith(".py")


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Finds the listed modules as source files, passing over their compiled builds."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, source_path(fullname))


def guard() -> None:
    """Import every compiled module from source when the build is switched off or any of
    its sources changed (compiled modules call each other directly, so one stale module makes
    the whole build stale). Cheap: hashes four files, and only when a build exists."""
    if not any(compiled_paths(module) for module in MODULES):
        return
    if any(isinstance(finder, _SourceFirst) for finder in sys.meta_path):
        return
    if os.environ.get(SWITCH) == "0" or stale_modules():
        sys.meta_path.insert(0, _SourceFirst(MODULES))


def remove() -> list[Path]:
    """Delete every compiled module, the shared library and the stamp; return what went."""
    removed = [path for module in MODULES for path in compiled_paths(module)]
    removed += sorted(PACKAGE_DIR.glob(f"{GROUP.rsplit('.', 1)[1]}__mypyc.*"))
    if STAMP.exists():
        removed.append(STAMP)
    for path in removed:
        path.unlink()
    return removed


def build(verbose: bool = False) -> list[Path]:
    """Compile :data:`MODULES` with mypyc next to their sources and stamp them."""
    import shutil
    import tempfile

    try:
        from mypyc.build import mypycify

        distribution_class = importlib.import_module("setuptools").Distribution
    except ImportError as exc:
        raise SpeedupsError(f"mypyc or setuptools is not installed ({exc})") from exc
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        raise SpeedupsError("no C compiler found (install gcc or set CC)")
    remove()
    digests = {module: source_digest(module) for module in MODULES}
    paths = [str(source_path(module).relative_to(SOURCE_ROOT)) for module in MODULES]
    with tempfile.TemporaryDirectory(prefix="sw-speedups-") as scratch:
        previous = Path.cwd()
        os.chdir(SOURCE_ROOT)
        try:
            extensions = mypycify(paths, opt_level="3", group_name=GROUP, target_dir=scratch)
            distribution = distribution_class({"ext_modules": extensions})
            command = distribution.get_command_obj("build_ext")
            command.inplace = True
            command.build_temp = str(Path(scratch) / "temp")
            command.build_lib = str(Path(scratch) / "lib")
            distribution.verbose = verbose
            distribution.run_command("build_ext")
        except (SystemExit, Exception) as exc:  # mypy exits on type errors; gcc raises
            remove()
            raise SpeedupsError(f"mypyc build failed ({type(exc).__name__}: {exc})") from exc
        finally:
            os.chdir(previous)
    if any(source_digest(module) != digest for module, digest in digests.items()):
        remove()
        raise SpeedupsError("a source changed during the build; run it again")
    STAMP.write_text(json.dumps({"sources": digests}, indent=2) + "\n", encoding="utf-8")
    return [path for module in MODULES for path in compiled_paths(module)]
