"""The optional compiled matcher: switched off on request, never used when stale, and when a
build is in use it scores every labelled pair exactly as the pure-Python modules do.

Without a build next to the sources, the comparison tests build one (mypyc and a C compiler)
into a copy of the package in a temporary folder, once per run, so a bare ``pytest`` tests the
compiled path too; they skip, saying why, only when mypyc, a C compiler or the Python headers
are missing.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from sanctionwatch.screen import speedups

SRC = Path(__file__).parents[2] / "src"
SCORES = """
import csv, json, sys
from pathlib import Path
from sanctionwatch.screen import speedups
from sanctionwatch.screen.matcher import compare_names
rows = []
for name in ("name_pairs_train.csv", "name_pairs_heldout.csv"):
    with (Path(sys.argv[1]) / name).open(encoding="utf-8") as handle:
        rows += list(csv.DictReader(handle))
scores = [compare_names(r["name1"], r["name2"], r["schema"]).score for r in rows]
print(json.dumps({"active": speedups.active_modules(), "scores": scores}))
"""


def _scores(switch: str | None, src: Path = SRC) -> dict[str, list[object]]:
    data = Path(__file__).parents[2] / "bench" / "data"
    result: dict[str, list[object]] = json.loads(_run(SCORES, str(data), switch, src))
    return result


TRICKY = [
    "ΟΜΟΣΠΟΝΔΙΑΚΗ ΥΠΗΡΕΣΙΑ ΤΗΣ ΡΩΣΙΚΗΣ ΟΜΟΣΠΟΝΔΙΑΣ",  # final sigma needs context
    "Ο ΣΟΦΟΣ Σ.Α.",
    "İSTANBUL İthalat Ihracat",
    "Großhandel STRASSE ǅoković ǈubljana",
    "ﬁrma ﬂow ＦＵＬＬ ｗｉｄｔｈ №5",
    "Nguyễn Thị Ōsaka Ümit Çelik Łódź Þór",
    "КИМ ЧЕН ЫН Фёдорова ООО «Ромашка»",
    "김정은 조선 광선은행",
    "O'Neil d’Arc TONGSAN2 Ko-Ryo 3",
]
FORMS = """
import json, sys
from sanctionwatch.screen.normalize import prepare_name
forms = []
for name in json.loads(sys.argv[1]):
    for schema in ("Person", "Company"):
        form = prepare_name(name, schema)
        forms.append([[t.text, t.folded, t.phonetic, t.patronymic, repr(t.syllables)]
                      for t in form.tokens] + [sorted(form.legal_forms), form.joined])
print(json.dumps(forms))
"""


def _compiled_in_use() -> bool:
    for module in speedups.MODULES:
        importlib.import_module(module)
    return bool(speedups.active_modules())


def _cannot_build() -> str | None:
    """Why no build can be made here, or None."""
    if importlib.util.find_spec("mypyc") is None:
        return "mypyc is not installed (pip install mypy)"
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        return "no C compiler (install gcc or set CC)"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers (install python3-dev)"
    return None


@pytest.fixture(scope="module")
def compiled_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A source tree whose compiled build is in use: this checkout's when it has a fresh one,
    else a copy of the package built in a temporary folder (about a minute of mypyc + gcc)."""
    if _compiled_in_use():
        return SRC
    reason = _cannot_build()
    if reason is not None:
        pytest.skip(f"no compiled build here and none can be made: {reason}")
    root = tmp_path_factory.mktemp("speedups") / "src"
    shutil.copytree(
        SRC / "sanctionwatch",
        root / "sanctionwatch",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "_speedups.json"),
    )
    _run(BUILD, "", None, root)
    return root


BUILD = """
from sanctionwatch.screen import speedups
speedups.build()
assert speedups.built_modules() == list(speedups.MODULES) and not speedups.stale_modules()
"""


def _run(script: str, argument: str, switch: str | None, src: Path = SRC) -> str:
    env = {key: value for key, value in os.environ.items() if key != speedups.SWITCH}
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    if switch is not None:
        env[speedups.SWITCH] = switch
    return subprocess.run(
        [sys.executable, "-c", script, argument],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
        cwd=src.parent,
    ).stdout


ACTIVE = """
import json
from sanctionwatch.screen import speedups
from sanctionwatch.screen import data, features, korean, normalize
print(json.dumps(speedups.active_modules()))
"""


@pytest.mark.slow
def test_compiled_build_prepares_unusual_scripts_like_the_source(compiled_src: Path) -> None:
    assert json.loads(_run(ACTIVE, "", None, compiled_src)) == list(speedups.MODULES)
    argument = json.dumps(TRICKY)
    assert _run(FORMS, argument, None, compiled_src) == _run(FORMS, argument, "0", compiled_src)


def test_switch_off_imports_every_module_from_source() -> None:
    result = _scores("0")
    assert result["active"] == []
    assert len(result["scores"]) > 3000


@pytest.mark.slow
def test_compiled_build_scores_exactly_like_the_source(compiled_src: Path) -> None:
    compiled, pure = _scores(None, compiled_src), _scores("0", compiled_src)
    assert compiled["active"] == list(speedups.MODULES)
    assert pure["active"] == []
    assert compiled["scores"] == pure["scores"]


@pytest.mark.slow
def test_an_edited_source_is_never_shadowed_by_its_build(
    compiled_src: Path, tmp_path: Path
) -> None:
    """Edit a compiled module's source in a copy of the built tree: the import takes the
    source (same size, new time: hashed; longer: hashed); touched only: the build stays."""
    if compiled_src == SRC:
        pytest.skip("edits only a temporary copy, and this checkout has its own build")
    tree = tmp_path / "src"
    shutil.copytree(compiled_src, tree, symlinks=True)
    korean = tree / "sanctionwatch" / "screen" / "korean.py"
    text = korean.read_text(encoding="utf-8")
    os.utime(korean)  # same bytes, new time: hashed once, still the build
    assert json.loads(_run(ACTIVE, "", None, tree)) == list(speedups.MODULES)
    edited = text.replace("\n\n", "\n#\n", 1)
    assert len(edited) == len(text) + 1
    korean.write_text(edited, encoding="utf-8")
    assert json.loads(_run(ACTIVE, "", None, tree)) == []
    korean.write_text(text[:-1] + "#", encoding="utf-8")  # same size, other bytes
    assert json.loads(_run(ACTIVE, "", None, tree)) == []


def test_stale_or_unstamped_builds_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speedups, "built_modules", lambda: list(speedups.MODULES))
    monkeypatch.setattr(speedups, "STAMP", tmp_path / "_speedups.json")
    assert speedups.stale_modules() == list(speedups.MODULES)  # no stamp at all
    digests = {module: speedups.source_digest(module) for module in speedups.MODULES}
    digests["sanctionwatch.screen.korean"] = "0" * 64  # built from another source
    speedups.STAMP.write_text(json.dumps({"sources": digests}), encoding="utf-8")
    assert speedups.stale_modules() == ["sanctionwatch.screen.korean"]


def test_source_first_finder_only_redirects_its_modules() -> None:
    finder = speedups._SourceFirst(["sanctionwatch.screen.korean"])
    spec = finder.find_spec("sanctionwatch.screen.korean", None)
    assert spec is not None and str(spec.origin).endswith("korean.py")
    assert finder.find_spec("sanctionwatch.screen.matcher", None) is None


def test_one_stale_module_sends_every_module_to_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speedups, "built_modules", lambda: list(speedups.MODULES))
    monkeypatch.setattr(
        speedups, "stale_modules", lambda built=None: ["sanctionwatch.screen.korean"]
    )
    monkeypatch.delenv(speedups.SWITCH, raising=False)
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path])
    speedups.guard()
    finder = sys.meta_path[0]
    assert isinstance(finder, speedups._SourceFirst)
    assert finder.modules == frozenset(speedups.MODULES)


def test_build_without_a_c_compiler_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(speedups.SpeedupsError, match="no C compiler"):
        speedups.build()


def test_speedups_command_lists_every_module_as_json() -> None:
    from typer.testing import CliRunner

    from sanctionwatch.cli import app

    result = CliRunner().invoke(app, ["speedups", "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["module"] for r in records] == list(speedups.MODULES)
    assert all(r["state"] and r["file"] for r in records)


@pytest.fixture
def fake_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the four sources with empty extension files beside them and a stamp as a
    build writes it (hashes, sizes and times)."""
    root = tmp_path / "src"
    for module in speedups.MODULES:
        target = root.joinpath(*module.split(".")).with_suffix(".py")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(speedups.source_path(module), target)
        target.with_suffix(".cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    monkeypatch.setattr(speedups, "SOURCE_ROOT", root)
    monkeypatch.setattr(speedups, "STAMP", tmp_path / "_speedups.json")
    stamp = {
        "sources": {module: speedups.source_digest(module) for module in speedups.MODULES},
        "stats": {module: speedups.source_stat(module) for module in speedups.MODULES},
    }
    speedups.STAMP.write_text(json.dumps(stamp), encoding="utf-8")
    return root


def _count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    hashed: list[str] = []
    digest = speedups.source_digest

    def counted(module: str) -> str:
        hashed.append(module)
        return digest(module)

    monkeypatch.setattr(speedups, "source_digest", counted)
    return hashed


def test_unchanged_sources_are_not_read(fake_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed = _count_hashes(monkeypatch)
    assert speedups.built_modules() == list(speedups.MODULES)
    assert speedups.stale_modules() == []
    assert hashed == []


def test_a_moved_time_is_hashed_and_an_edit_is_stale(
    fake_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed = _count_hashes(monkeypatch)
    features = speedups.source_path("sanctionwatch.screen.features")
    os.utime(features, ns=(1_000_000_000, 1_000_000_000))  # a checkout: same bytes
    assert speedups.stale_modules() == []
    assert hashed == ["sanctionwatch.screen.features"]
    text = features.read_bytes()
    features.write_bytes(text[:-1] + (b"#" if text[-1:] != b"#" else b" "))  # same size
    assert speedups.stale_modules() == ["sanctionwatch.screen.features"]
    assert hashed[1:] == ["sanctionwatch.screen.features"]


def test_a_stamp_without_sizes_and_times_is_hashed(
    fake_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Builds stamped before sizes and times were recorded stay usable, by hash."""
    stamp = json.loads(speedups.STAMP.read_text(encoding="utf-8"))
    speedups.STAMP.write_text(json.dumps({"sources": stamp["sources"]}), encoding="utf-8")
    hashed = _count_hashes(monkeypatch)
    assert speedups.stale_modules() == []
    assert hashed == list(speedups.MODULES)


def test_no_build_means_nothing_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "src" / "sanctionwatch" / "screen"
    root.mkdir(parents=True)
    (root / "korean.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(speedups, "SOURCE_ROOT", tmp_path / "src")
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(speedups, "_recorded", lambda: pytest.fail("the stamp was read"))
    assert speedups.built_modules() == []
    speedups.guard()
    assert not any(isinstance(f, speedups._SourceFirst) for f in sys.meta_path)
