"""bench/training.py: the plumbing the three trainers share (folds, cache, weights, file text)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from benchkit import REPO, load_bench

training = load_bench("training")


def test_folds_hold_out_each_set_once_and_train_on_the_rest() -> None:
    folds = list(training.folds(["a", "b", "c"]))
    assert folds == [("a", ["b", "c"]), ("b", ["a", "c"]), ("c", ["a", "b"])]


def test_cached_sets_collect_once_then_reuse_the_pickle(tmp_path: Path) -> None:
    cache = tmp_path / "sets.pickle"
    calls: list[int] = []

    def collect() -> list[str]:
        calls.append(1)
        return ["seeds", "examples"]

    assert training.cached_sets(cache, collect) == ["seeds", "examples"]
    assert training.cached_sets(cache, collect) == ["seeds", "examples"]
    assert len(calls) == 1
    assert training.cached_sets(None, collect) == ["seeds", "examples"]
    assert len(calls) == 2


def test_regression_weights_drop_small_weights_and_sort_features() -> None:
    regression = SimpleNamespace(
        coef_=[[0.5, 0.001, 0.02], [-0.123456, 0.004, 0.0]], intercept_=[0.11111, -2.0]
    )
    classes = ["none", "employment>"]
    weights = training.regression_weights(regression, classes, ["zeta", "alpha", "mid"])
    assert list(weights) == ["mid", "zeta"]
    assert weights["zeta"] == {"none": 0.5, "employment>": -0.1235}
    assert weights["mid"] == {"none": 0.02}
    stricter = training.regression_weights(regression, classes, ["zeta", "alpha", "mid"], 0.05)
    assert list(stricter) == ["zeta"]
    assert training.regression_bias(regression, classes) == {"none": 0.1111, "employment>": -2.0}


def test_model_json_reproduces_the_shipped_model_files() -> None:
    data_dir = REPO / "src" / "sanctionwatch" / "data" / "extract"
    files = [
        data_dir / "relations" / "model.json",
        data_dir / "relations" / "attribute_model.json",
        data_dir / "entities" / "typer_model.json",
    ]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert training.model_json(json.loads(text)) == text, path


def test_the_parser_has_the_common_options(tmp_path: Path) -> None:
    parser = training.training_parser("Train something.\n\nMore.", tmp_path / "m.json")
    args = parser.parse_args(["--heldout-dir", "x", "--heldout-dir", "y", "--write", "--loso"])
    assert args.heldout_dir == [Path("x"), Path("y")]
    assert args.write == tmp_path / "m.json" and args.loso and not args.enable
    assert parser.description == "Train something."
