"""Reading and scoring the learned components' multinomial logistic regressions in pure Python.

The relation model (:mod:`sanctionwatch.extract.relation_model`), the attribute tagger
(:mod:`sanctionwatch.extract.relation_attributes`) and the entity typer
(:mod:`sanctionwatch.extract.entity_typer`) ship their weights as JSON written by a trainer in
``bench/``: a bias per class and, per feature, a weight per class (a missing class weighs 0).
All three score the same way and check the same shapes, so that lives here once; each component
keeps its own keys, thresholds and error class (``fail`` turns a problem into that error).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

Fail = Callable[[str], Exception]
"""Makes the component's one-line error (naming its file) from a problem."""

Model = TypeVar("Model")
_OFF = ("off", "0", "false", "no")
_ON = ("on", "1", "true", "yes")


@dataclass(frozen=True, slots=True)
class Switch:
    """What the extractor version and the on/off decision need of a model file."""

    version: str
    enabled: bool


def parse_switch(data: Any, fail: Fail) -> Switch:
    """The checked ``version`` and ``enabled`` of a model file's parsed JSON, without reading
    its weights (a switched-off model with a broken body never stops extraction)."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise fail("expected a mapping with a 'version' string")
    enabled = data.get("enabled", False)
    if not isinstance(enabled, bool):
        raise fail("'enabled' must be true or false")
    return Switch(data["version"], enabled)


def softmax(
    bias: Mapping[str, float],
    weights: Mapping[str, Mapping[str, float]],
    features: Iterable[str],
) -> dict[str, float]:
    """Probability of every class: softmax of its bias plus the weights of ``features``."""
    scores = dict(bias)
    for feature in features:
        for label, weight in weights.get(feature, {}).items():
            scores[label] += weight
    top = max(scores.values())
    exps = {label: math.exp(score - top) for label, score in scores.items()}
    total = sum(exps.values())
    return {label: value / total for label, value in exps.items()}


def number(value: Any, what: str, fail: Fail) -> float:
    """``value`` as a float; a bool, a non-number or an infinity fails naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(f"'{what}' must be a number")
    return float(value)


def class_weights(data: Any, classes: Sequence[str], fail: Fail) -> dict[str, dict[str, float]]:
    """The checked ``weights`` section: each feature maps known classes to numbers."""
    if not isinstance(data, dict):
        raise fail("'weights' must map features to per-class weights")
    weights: dict[str, dict[str, float]] = {}
    for feature, row in data.items():
        if not isinstance(row, dict) or not set(row) <= set(classes):
            raise fail(f"weights of {feature!r} must map known classes to numbers")
        weights[str(feature)] = {
            label: number(value, f"weights.{feature}", fail) for label, value in row.items()
        }
    return weights


def read_json(path: Path, what: str, fail: Fail) -> Any:
    """The parsed JSON of ``path``; an unreadable file or bad JSON fails in one line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise fail(f"cannot read the {what}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON (line {exc.lineno}: {exc.msg})") from exc


def active(
    setting: str,
    packaged: Path,
    load: Callable[[str], Model],
    enabled: Callable[[str], bool],
) -> Model | None:
    """The model a component uses now (None when off): the environment ``setting`` says off,
    on or a file's path; unset, the ``packaged`` file's ``enabled`` decides, and a switched-off
    packaged file's weights are not read."""
    value = os.environ.get(setting, "").strip()
    if value.lower() in _OFF:
        return None
    if value.lower() in _ON:
        return load(str(packaged))
    if value:
        return load(value)
    return load(str(packaged)) if enabled(str(packaged)) else None
