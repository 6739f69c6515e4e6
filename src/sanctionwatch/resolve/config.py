"""The resolver's tunables, read from ``data/resolve/resolver.yaml`` and validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sanctionwatch.rulefile import RuleFileError, read_rule_file

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
OPTIONAL_WEIGHTS = {"generic_words_only": 0.0}
"""Weights a tunables file may leave out (older files), with the value that changes nothing."""


class ConfigError(RuleFileError):
    """A tunables file is missing a field or has one of the wrong type (a
    :class:`RuleFileError`: every command reports it in one line)."""


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
    generic_words: frozenset[str] = frozenset()
    """Words that never identify a firm on their own: the legal forms, trade descriptors and
    country words above, the file's ``generic_words`` and, when it asks, the extraction rules'
    generic name words and organisation head nouns ("ministry", "service")."""


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
    legal_forms = frozenset(str(w) for w in _require(data, "legal_forms", list, path))
    country_words = frozenset(str(w) for w in _require(data, "country_words", list, path))
    generic = _generic_words(data.get("generic_words", {}), path)
    return ResolverConfig(
        version=version,
        merge_threshold=merge,
        review_threshold=review,
        max_block_size=int(_number(blocking, "max_block_size", path)),
        min_token_length=int(_number(blocking, "min_token_length", path)),
        distinctive_max_entities=int(_number(blocking, "distinctive_max_entities", path)),
        weights={
            **{name: _number(weights, name, path) for name in WEIGHT_NAMES},
            **{
                name: _number(weights, name, path) if name in weights else default
                for name, default in OPTIONAL_WEIGHTS.items()
            },
        },
        legal_forms=legal_forms,
        descriptors={str(k): str(v) for k, v in descriptors.items()},
        country_words=country_words,
        generic_words=generic | legal_forms | country_words | {str(k) for k in descriptors},
    )


def _generic_words(section: Any, path: Path) -> frozenset[str]:
    """The ``generic_words`` section: its own ``words`` plus, with ``include_extraction_rules``,
    the extraction rules' generic name words and organisation head nouns, normalised the way
    names are (so "Ministry" matches the token "ministry")."""
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: field 'generic_words' must be a mapping")
    words = section.get("words", [])
    if not isinstance(words, list):
        raise ConfigError(f"{path}: field 'generic_words.words' must be a list")
    found = {str(word) for word in words}
    include = section.get("include_extraction_rules", False)
    if not isinstance(include, bool):
        raise ConfigError(f"{path}: field 'generic_words.include_extraction_rules' must be a bool")
    if include:
        found |= extraction_generic_words()
    return frozenset(_normalised(word) for word in found if _normalised(word))


def _normalised(word: str) -> str:
    from sanctionwatch.screen.normalize import normalize_text

    return normalize_text(word)


@lru_cache(maxsize=1)
def extraction_generic_words() -> frozenset[str]:
    """Generic name words and organisation head nouns of ``data/extract/entity_rules.yaml``."""
    from sanctionwatch.extract.rules import load_entity_rules

    rules = load_entity_rules()
    return frozenset({*rules.generic_name_words, *(w.casefold() for w in rules.organisation_heads)})


def load_resolver_config(path: Path | None = None) -> ResolverConfig:
    """Read and validate a resolver tunables file (the packaged one by default)."""
    if path is None:
        return _packaged_config()
    return _read(path)


def _read(path: Path) -> ResolverConfig:
    return parse_resolver_config(read_rule_file(path, "resolver tunables", ConfigError), path)


@lru_cache(maxsize=1)
def _packaged_config() -> ResolverConfig:
    return _read(RESOLVER_CONFIG)
