"""Optional compiled matcher: the pairwise scorer's hot modules built with mypyc.

The matcher is pure Python and stays the reference. ``sanctionwatch speedups build`` compiles
the modules in :data:`MODULES` from the very same source (mypyc, shipped with mypy, plus a C
compiler) into extension modules next to the sources, which Python then imports in their place:
same code, same scores (``tests/screen/test_speedups.py`` checks both agree on every labelled
pair), about 1.5x faster on names never seen before.

A build records the SHA-256, size and modification time of each source in ``_speedups.json``.
:func:`guard` (run when ``sanctionwatch.screen`` is imported) routes the import of every module
to its source when any source changed since the build, or when ``SANCTIONWATCH_SPEEDUPS=0``, so
an edited module is never shadowed by a stale build. The check is cheap: a source whose size
and modification time are those recorded is taken as unchanged (one ``stat``); only one whose
size or time moved (an edit, a checkout, a copy) is hashed and compared with the recorded hash.
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


def source_stat(module: str) -> list[int]:
    """Size and modification time (ns) of ``module``'s source: what an edit always moves."""
    found = os.stat(source_path(module))
    return [found.st_size, found.st_mtime_ns]


def compiled_paths(module: str) -> list[Path]:
    """Extension files of ``module`` next to its source (any platform suffix)."""
    source = source_path(module)
    try:
        names = os.listdir(source.parent)
    except OSError:
        return []
    prefix = f"{source.stem}."
    return sorted(
        source.parent / name for name in names if name.startswith(prefix) and _is_extension(name)
    )


def built_modules() -> list[str]:
    """The modules of :data:`MODULES` with an extension file next to their source (one
    directory listing per folder, the first thing every import of the screen stage does)."""
    stems: dict[str, set[str]] = {}
    built = []
    for module in MODULES:
        folder, stem = module.rsplit(".", 1)
        if folder not in stems:
            try:
                names = os.listdir(os.path.join(SOURCE_ROOT, *folder.split(".")))
            except OSError:
                names = []
            stems[folder] = {name.split(".", 1)[0] for name in names if _is_extension(name)}
        if stem in stems[folder]:
            built.append(module)
    return built


def _is_extension(name: str) -> bool:
    return name.endswith((".so", ".pyd"))


def _recorded() -> tuple[dict[str, str], dict[str, list[int]]]:
    """The stamp's source hashes and (size, mtime_ns) per module; empty when unreadable."""
    try:
        data = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict):
        return {}, {}
    sources, stats = data.get("sources"), data.get("stats")
    digests = {str(k): str(v) for k, v in sources.items()} if isinstance(sources, dict) else {}
    seen = {str(k): v for k, v in stats.items()} if isinstance(stats, dict) else {}
    return digests, seen


def _unchanged(module: str, digests: dict[str, str], stats: dict[str, list[int]]) -> bool:
    """Is ``module``'s source the one the build was made from? Same size and time as
    recorded: yes, without reading it; otherwise its hash decides."""
    if module not in digests:
        return False
    try:
        if stats.get(module) == source_stat(module):
            return True
        return digests[module] == source_digest(module)
    except OSError:
        return False


def stale_modules(built: Sequence[str] | None = None) -> list[str]:
    """Modules with a compiled build that must not be used (source changed, no stamp);
    ``built`` is :func:`built_modules` when the caller has it already."""
    built = built_modules() if built is None else built
    if not built:
        return []
    digests, stats = _recorded()
    return [module for module in built if not _unchanged(module, digests, stats)]


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
    the whole build stale). Cheap: with a build, four ``stat`` calls while the sources keep
    the size and time recorded at build time; a source is hashed only when they moved."""
    built = built_modules()
    if not built:
        return
    if any(isinstance(finder, _SourceFirst) for finder in sys.meta_path):
        return
    if os.environ.get(SWITCH) == "0" or stale_modules(built):
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
    stats = {module: source_stat(module) for module in MODULES}
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
    changed = any(source_digest(module) != digest for module, digest in digests.items())
    if changed or any(source_stat(module) != stat for module, stat in stats.items()):
        remove()
        raise SpeedupsError("a source changed during the build; run it again")
    stamp = {"sources": digests, "stats": stats}
    STAMP.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return [path for module in MODULES for path in compiled_paths(module)]
