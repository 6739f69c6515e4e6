"""Fit the matcher's name weights on the TRAINING pairs and write them to weights.yaml.

A plain L2-regularised logistic regression (numpy gradient descent) over the name features;
the threshold is the one that maximises F1 on the training pairs. The held-out pairs are never
read here (``bench/matcher_quality.py`` reports on them).

    PYTHONPATH=src python bench/fit_weights.py
"""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

from sanctionwatch.screen.features import NAME_FEATURES, NamePair
from sanctionwatch.screen.normalize import prepare_name

TRAIN = Path(__file__).parent / "data" / "name_pairs_train.csv"
WEIGHTS = Path(__file__).parents[1] / "src" / "sanctionwatch" / "data" / "screen" / "weights.yaml"


def feature_matrix(path: Path) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pair = NamePair(
                prepare_name(row["name1"], row["schema"]), prepare_name(row["name2"], row["schema"])
            )
            rows.append([function(pair) for function in NAME_FEATURES.values()])
            labels.append(float(row["label"]))
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Newton's method (iteratively reweighted least squares) with a small L2 penalty."""
    design = np.hstack([np.ones((len(x), 1)), x])
    theta = np.zeros(design.shape[1])
    penalty = l2 * len(y) * np.eye(design.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        predictions = 1 / (1 + np.exp(-design @ theta))
        gradient = design.T @ (predictions - y) + penalty @ theta
        hessian = (design.T * (predictions * (1 - predictions))) @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return theta


def best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best = (0.5, 0.0)
    for threshold in np.arange(0.2, 0.9, 0.01):
        predicted = scores >= threshold
        tp = float(np.sum(predicted & (y == 1)))
        precision = tp / max(1.0, float(np.sum(predicted)))
        recall = tp / max(1.0, float(np.sum(y == 1)))
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        if f1 > best[1] + 1e-9:
            best = (float(threshold), f1)
    return best


def main() -> None:
    x, y = feature_matrix(TRAIN)
    theta = fit(x, y)
    scores = 1 / (1 + np.exp(-(theta[0] + x @ theta[1:])))
    threshold, f1 = best_threshold(scores, y)
    data = yaml.safe_load(WEIGHTS.read_text(encoding="utf-8"))
    data["version"] = datetime.now(UTC).strftime("%Y.%m.%d-fit%H%M")
    data["bias"] = round(float(theta[0]), 4)
    data["threshold"] = round(threshold, 2)
    data["name_weights"] = {
        name: round(float(w), 4) for name, w in zip(NAME_FEATURES, theta[1:], strict=True)
    }
    header = "".join(
        line + "\n" for line in WEIGHTS.read_text(encoding="utf-8").splitlines() if line[:1] == "#"
    )
    WEIGHTS.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    print(f"fitted on {len(y)} training pairs: train F1 {f1:.3f} at threshold {threshold:.2f}")
    for name, weight in data["name_weights"].items():
        print(f"  {name:32s} {weight:+.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
