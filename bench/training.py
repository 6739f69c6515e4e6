"""Plumbing the three trainers share (``train_relation_model.py``, ``train_attribute_model.py``,
``train_entity_typer.py``); each keeps its own features, labels, scores and tables.

What lives here: the common command line (``--heldout-dir``, ``--loso``, ``--write``,
``--enable``, ``--cache``, ``--verbose``), collecting every gold set once (seeds, examples and
each ``--heldout-dir``) or reusing the pickle cache, the leave-one-set-out split, the machine
line of the tables, and turning a fitted regression into the shipped JSON's weights and text.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
import extraction_quality as eq  # noqa: E402

T = TypeVar("T")
MIN_WEIGHT = 0.005
"""Weights closer to zero are left out of the model files by default (they change no
decision)."""


def training_parser(
    doc: str, model_file: Path, cached: str = "candidates"
) -> argparse.ArgumentParser:
    """The trainers' common options; a trainer adds its own before parsing."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--heldout-dir", type=Path, action="append", default=[])
    parser.add_argument("--loso", action="store_true", help="leave-one-set-out table")
    parser.add_argument("--write", type=Path, nargs="?", const=model_file, help="model file")
    parser.add_argument("--enable", action="store_true", help="mark the written model enabled")
    parser.add_argument("--cache", type=Path, help=f"reuse/save collected {cached} (pickle)")
    parser.add_argument("--verbose", "-v", action="store_true")
    return parser


def collect_gold_sets(folders: list[Path], collect_set: Callable[..., T]) -> list[T]:
    """Every gold set, each collected by ``collect_set(name, docs, gold_dir[, urls,
    published])``: the seeds (when present), examples/, then each held-out folder."""
    sets = []
    seeds = sorted(eq.DEFAULT_SEEDS.glob("*.txt"))
    if seeds:
        sets.append(collect_set("seeds", seeds, eq.DEFAULT_GOLD))
    examples = sorted(p for p in eq.HELDOUT_DOCS.iterdir() if p.is_file())
    sets.append(collect_set("examples", examples, eq.HELDOUT_GOLD))
    for held in eq.heldout_sets(folders):
        source = held.sources
        sets.append(collect_set(held.name, held.docs, source.gold, source.urls, source.published))
        print(f"# collected {held.name}", file=sys.stderr)
    return sets


def cached_sets(cache: Path | None, collect: Callable[[], list[T]]) -> list[T]:
    """The sets from ``cache`` when it exists, else collected (and saved there if named)."""
    if cache is not None and cache.is_file():
        sets: list[T] = pickle.loads(cache.read_bytes())
        return sets
    sets = collect()
    if cache is not None:
        cache.write_bytes(pickle.dumps(sets))
    return sets


def folds(sets: Sequence[T]) -> Iterator[tuple[T, list[T]]]:
    """Leave-one-set-out: each set with every other set (its training sets), in order."""
    for position, held in enumerate(sets):
        yield held, [data for index, data in enumerate(sets) if index != position]


def machine() -> str:
    """The machine line the tables start with (numbers on a shared box are pessimistic)."""
    return f"{platform.platform()}, python {platform.python_version()}, {os.cpu_count()} cores"


def regression_weights(
    regression: Any,
    classes: Sequence[str],
    feature_names: Sequence[str],
    min_weight: float = MIN_WEIGHT,
) -> dict[str, dict[str, float]]:
    """Per feature (sorted), its weight per class rounded to 4 places; weights below
    ``min_weight`` left out."""
    weights: dict[str, dict[str, float]] = {}
    for column, feature in enumerate(feature_names):
        row = {
            classes[k]: round(float(regression.coef_[k][column]), 4)
            for k in range(len(classes))
            if abs(regression.coef_[k][column]) >= min_weight
        }
        if row:
            weights[str(feature)] = row
    return dict(sorted(weights.items()))


def regression_bias(regression: Any, classes: Sequence[str]) -> dict[str, float]:
    """The fitted intercept per class, rounded to 4 places."""
    return {classes[k]: round(float(regression.intercept_[k]), 4) for k in range(len(classes))}


def model_json(data: dict[str, Any]) -> str:
    """The model file's text: the header indented, one line per feature's weights (diffable)."""
    head = {key: value for key, value in data.items() if key != "weights"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    rows = [
        f"  {json.dumps(feature, ensure_ascii=False)}: {json.dumps(row, ensure_ascii=False)}"
        for feature, row in data["weights"].items()
    ]
    return text + ',\n "weights": {\n' + ",\n".join(rows) + "\n }\n}\n"
