"""The resolver's tunables, read from ``data/resolve/resolver.yaml`` and validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "resolve"
RESOLVER_CONFIG = DATA_DIR / "resolver.yaml"

WEIGHT_NAMES = (
    "same_identifier",
    "different_identifier",
    "same_country",
    "different_country",
    "shared_document",
    "different_birth_date",
    "same_birth_date",
)


class ConfigError(ValueError):
    """A tunables file is missing a field or has one of the wrong type."""


@dataclass(frozen=True)
class ResolverConfig:
    version: int
    merge_threshold: float
    review_threshold: float
    max_block_size: int
    min_token_length: int
    distinctive_max_entities: int
    weights: dict[str, float]
    legal_forms: frozenset[str]
    descriptors: dict[str, str]
    country_words: frozenset[str]


def _require(data: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise ConfigError(f"{path}: field '{key}' must be a {kind.__name__}")
    return value


def _number(data: dict[str, Any], key: str, path: Path) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{path}: field '{key}' must be a number")
    return float(value)


def parse_resolver_config(data: Any, path: Path) -> ResolverConfig:
    """Validate the parsed YAML of a resolver tunables file."""
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    version = _require(data, "version", int, path)
    thresholds = _require(data, "thresholds", dict, path)
    blocking = _require(data, "blocking", dict, path)
    weights = _require(data, "weights", dict, path)
    merge, review = _number(thresholds, "merge", path), _number(thresholds, "review", path)
    if not 0 < review <= merge <= 1:
        raise ConfigError(f"{path}: thresholds need 0 < review <= merge <= 1")
    descriptors = _require(data, "descriptors", dict, path)
    return ResolverConfig(
        version=version,
        merge_threshold=merge,
        review_threshold=review,
        max_block_size=int(_number(blocking, "max_block_size", path)),
        min_token_length=int(_number(blocking, "min_token_length", path)),
        distinctive_max_entities=int(_number(blocking, "distinctive_max_entities", path)),
        weights={name: _number(weights, name, path) for name in WEIGHT_NAMES},
        legal_forms=frozenset(str(w) for w in _require(data, "legal_forms", list, path)),
        descriptors={str(k): str(v) for k, v in descriptors.items()},
        country_words=frozenset(str(w) for w in _require(data, "country_words", list, path)),
    )


def load_resolver_config(path: Path | None = None) -> ResolverConfig:
    """Read and validate a resolver tunables file (the packaged one by default)."""
    if path is None:
        return _packaged_config()
    return _read(path)


def _read(path: Path) -> ResolverConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from exc
    return parse_resolver_config(data, path)


@lru_cache(maxsize=1)
def _packaged_config() -> ResolverConfig:
    return _read(RESOLVER_CONFIG)
