"""Loaders for the matcher's tunables: legal forms, transliteration tables, weights.

Analysts edit these YAML files under ``sanctionwatch/data/screen/``; each carries a ``version``
that ends up in :data:`sanctionwatch.screen.matcher.MATCHER_VERSION`, so stored matches say which
tables produced them. Every loader validates the shape and fails with the file name and problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sanctionwatch.settings import DATA_DIR

# libyaml's parser when PyYAML has it: the same safe loading, ten times faster (these files are
# read whenever the matcher is imported, so by every ``sanctionwatch screen``).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCREEN_DATA_DIR = DATA_DIR / "screen"
TRANSLIT_DIR = SCREEN_DATA_DIR / "transliteration"
HANGUL_BASE = 0xAC00
HANGUL_LAST = 0xD7A3


class ScreenDataError(ValueError):
    """A matcher data file is missing, malformed or inconsistent."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Read one data file and check it is a mapping with a string ``version``."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ScreenDataError(f"{path}: cannot read ({exc})") from exc
    if not isinstance(data, dict):
        raise ScreenDataError(f"{path}: expected a mapping at the top level")
    if not isinstance(data.get("version"), str):
        raise ScreenDataError(f"{path}: missing string field 'version'")
    return data


def _string_list(path: Path, where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ScreenDataError(f"{path}: {where} must be a list of strings")
    return list(value)


@dataclass(frozen=True)
class LegalForms:
    """Spelling (as a tuple of normalised tokens) → canonical legal form."""

    version: str
    spellings: dict[tuple[str, ...], str]
    longest: int
    aliases: dict[str, str]


@cache
def load_legal_forms(path: Path = SCREEN_DATA_DIR / "legal_forms.yaml") -> LegalForms:
    data = read_yaml(path)
    forms = data.get("forms")
    if not isinstance(forms, dict) or not forms:
        raise ScreenDataError(f"{path}: 'forms' must map canonical forms to spellings")
    aliases = data.get("token_aliases", {})
    if not isinstance(aliases, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()
    ):
        raise ScreenDataError(f"{path}: 'token_aliases' must map abbreviations to words")
    spellings: dict[tuple[str, ...], str] = {}
    for canonical, variants in forms.items():
        for variant in [canonical, *_string_list(path, f"forms.{canonical}", variants)]:
            key = tuple(aliases.get(word, word) for word in str(variant).split())
            spellings[key] = str(canonical)
    longest = max(len(key) for key in spellings)
    return LegalForms(data["version"], spellings, longest, dict(aliases))


@dataclass(frozen=True)
class Cyrillic:
    version: str
    table: dict[int, str]


@cache
def load_cyrillic(path: Path = TRANSLIT_DIR / "cyrillic.yaml") -> Cyrillic:
    data = read_yaml(path)
    letters = data.get("letters")
    if not isinstance(letters, dict):
        raise ScreenDataError(f"{path}: 'letters' must map Cyrillic letters to Latin")
    table: dict[int, str] = {}
    for letter, latin in letters.items():
        if not isinstance(letter, str) or len(letter) != 1 or not isinstance(latin, str):
            raise ScreenDataError(f"{path}: bad entry {letter!r}: {latin!r}")
        table[ord(letter)] = latin
        table[ord(letter.upper())] = latin
    return Cyrillic(data["version"], table)


def _jamo_table(
    path: Path, system: str, part: str, size: int, data: dict[str, Any]
) -> list[list[str]]:
    block = data.get(system)
    rows = block.get(part) if isinstance(block, dict) else None
    if not isinstance(rows, list) or len(rows) != size:
        raise ScreenDataError(f"{path}: {system}.{part} must list {size} jamo")
    return [_string_list(path, f"{system}.{part}[{index}]", row) for index, row in enumerate(rows)]


@dataclass(frozen=True)
class Hangul:
    """Spellings of every Hangul syllable in each system, keyed by syllable index."""

    version: str
    systems: dict[str, tuple[list[list[str]], list[list[str]], list[list[str]]]]

    def syllable_parts(self, index: int) -> tuple[int, int, int]:
        return index // (21 * 28), (index // 28) % 21, index % 28

    def spell(self, index: int, system: str = "rr") -> str:
        """The first (preferred) spelling of syllable ``index`` in ``system``."""
        initials, medials, finals = self.systems[system]
        i, m, f = self.syllable_parts(index)
        return initials[i][0] + medials[m][0] + finals[f][0]

    def spellings(self, index: int, system: str) -> set[str]:
        initials, medials, finals = self.systems[system]
        i, m, f = self.syllable_parts(index)
        return {a + b + c for a in initials[i] for b in medials[m] for c in finals[f]}


@cache
def load_hangul(path: Path = TRANSLIT_DIR / "hangul.yaml") -> Hangul:
    data = read_yaml(path)
    systems = {}
    for system in ("rr", "mr", "kontsevich"):
        systems[system] = (
            _jamo_table(path, system, "initials", 19, data),
            _jamo_table(path, system, "medials", 21, data),
            _jamo_table(path, system, "finals", 28, data),
        )
    return Hangul(data["version"], systems)


@dataclass(frozen=True)
class KoreanNames:
    version: str
    syllables: dict[str, list[str]]
    vowel_rules: list[tuple[str, str]]


@cache
def load_korean_names(path: Path = TRANSLIT_DIR / "korean_names.yaml") -> KoreanNames:
    data = read_yaml(path)
    syllables = data.get("syllables")
    if not isinstance(syllables, dict):
        raise ScreenDataError(f"{path}: 'syllables' must map RR syllables to spellings")
    parsed = {
        str(key): _string_list(path, f"syllables.{key}", value) for key, value in syllables.items()
    }
    rules = data.get("vowel_rules", [])
    if not isinstance(rules, list) or not all(
        isinstance(rule, list) and len(rule) == 2 and all(isinstance(x, str) for x in rule)
        for rule in rules
    ):
        raise ScreenDataError(f"{path}: 'vowel_rules' must be a list of [from, to] pairs")
    return KoreanNames(data["version"], parsed, [(rule[0], rule[1]) for rule in rules])


_LITERALS = re.compile(r"[a-z]+(\|[a-z]+)*")


@dataclass(frozen=True)
class LatinVariants:
    version: str
    rules: list[tuple[re.Pattern[str], str]]
    needles: list[str | None] = field(default_factory=list)
    """Per rule, a substring every match contains when the rule is a plain ``a|b`` pattern:
    testing it is much cheaper than a regular-expression search, and most rules do not
    apply to most tokens."""
    _steps: list[tuple[str | None, Any, Any, str]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        needles = self.needles or [None] * len(self.rules)
        steps = [
            (needle, pattern.search, pattern.sub, replacement)
            for (pattern, replacement), needle in zip(self.rules, needles, strict=True)
        ]
        object.__setattr__(self, "_steps", steps)

    def fold(self, token: str) -> str:
        for needle, search, substitute, replacement in self._steps:
            if needle is not None and needle not in token:
                continue
            if search(token) is not None:
                token = substitute(replacement, token)
        return token


def rule_needle(pattern: str) -> str | None:
    """The longest substring shared by every alternative of a plain ``a|b`` pattern."""
    if not _LITERALS.fullmatch(pattern):
        return None
    first, *others = pattern.split("|")
    for size in range(len(first), 0, -1):
        for start in range(len(first) - size + 1):
            piece = first[start : start + size]
            if all(piece in other for other in others):
                return piece
    return None


@cache
def load_latin_variants(path: Path = TRANSLIT_DIR / "latin_variants.yaml") -> LatinVariants:
    data = read_yaml(path)
    rules = data.get("rules")
    if not isinstance(rules, list):
        raise ScreenDataError(f"{path}: 'rules' must be a list of [pattern, replacement]")
    compiled = []
    for rule in rules:
        if not isinstance(rule, list) or len(rule) != 2:
            raise ScreenDataError(f"{path}: bad rule {rule!r}")
        try:
            compiled.append((re.compile(str(rule[0])), str(rule[1])))
        except re.error as exc:
            raise ScreenDataError(f"{path}: bad pattern {rule[0]!r} ({exc})") from exc
    needles = [rule_needle(pattern.pattern) for pattern, _ in compiled]
    return LatinVariants(data["version"], compiled, needles)


def data_versions() -> dict[str, str]:
    """Versions of every table the matcher reads (shown in ``MATCHER_VERSION``)."""
    return {
        "legal_forms": load_legal_forms().version,
        "cyrillic": load_cyrillic().version,
        "hangul": load_hangul().version,
        "korean_names": load_korean_names().version,
        "latin_variants": load_latin_variants().version,
    }
