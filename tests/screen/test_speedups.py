"""The optional compiled matcher: switched off on request, never used when stale, and when a
build is in use it scores every labelled pair exactly as the pure-Python modules do."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
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


def _scores(switch: str | None) -> dict[str, list[object]]:
    data = Path(__file__).parents[2] / "bench" / "data"
    result: dict[str, list[object]] = json.loads(_run(SCORES, str(data), switch))
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


def _run(script: str, argument: str, switch: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != speedups.SWITCH}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    if switch is not None:
        env[speedups.SWITCH] = switch
    return subprocess.run(
        [sys.executable, "-c", script, argument],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout


def test_compiled_build_prepares_unusual_scripts_like_the_source() -> None:
    if not _compiled_in_use():
        pytest.skip("no compiled build in use (sanctionwatch speedups build)")
    argument = json.dumps(TRICKY)
    assert _run(FORMS, argument, None) == _run(FORMS, argument, "0")


def test_switch_off_imports_every_module_from_source() -> None:
    result = _scores("0")
    assert result["active"] == []
    assert len(result["scores"]) > 3000


def test_compiled_build_scores_exactly_like_the_source() -> None:
    if not _compiled_in_use():
        pytest.skip("no compiled build in use (sanctionwatch speedups build)")
    compiled, pure = _scores(None), _scores("0")
    if not compiled["active"]:
        pytest.skip("the compiled build is stale")
    assert compiled["active"] == list(speedups.MODULES)
    assert compiled["scores"] == pure["scores"]


def test_stale_or_unstamped_builds_are_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "korean.cpython-311-x86_64-linux-gnu.so"
    fake.write_bytes(b"")
    monkeypatch.setattr(speedups, "compiled_paths", lambda module: [fake])
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
    monkeypatch.setattr(speedups, "compiled_paths", lambda module: [Path("x.so")])
    monkeypatch.setattr(speedups, "stale_modules", lambda: ["sanctionwatch.screen.korean"])
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
