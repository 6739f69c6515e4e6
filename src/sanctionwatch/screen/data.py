"""Loaders for the matcher's tunables: legal forms, transliteration tables, weights.

Analysts edit these YAML files under ``sanctionwatch/data/screen/``; each carries a ``version``
that ends up in :data:`sanctionwatch.screen.matcher.MATCHER_VERSION`, so stored matches say which
tables produced them. Every loader validates the shape and fails with the file name and problem.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.settings import DATA_DIR

# libyaml's parser when PyYAML has it: the same safe loading, ten times faster (these files are
# read whenever the matcher is imported, so by every ``sanctionwatch screen``).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCREEN_DATA_DIR = DATA_DIR / "screen"
TRANSLIT_DIR = SCREEN_DATA_DIR / "transliteration"
HANGUL_BASE = 0xAC00
HANGUL_LAST = 0xD7A3


class ScreenDataError(RuleFileError):
    """A matcher data file is missing, malformed or inconsistent (a :class:`RuleFileError`:
    every command reports it in one line)."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Read one data file and check it is a mapping with a string ``version``."""
    data = read_rule_file(path, "matcher data", ScreenDataError, loader=_YAML_LOADER)
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
_GATE_LIMIT = 3
"""Rules whose matches may start with more letters than this are searched on every token
(testing each letter with ``in`` would cost about as much as the search)."""


@dataclass(frozen=True)
class LatinVariants:
    version: str
    rules: list[tuple[re.Pattern[str], str]]
    needles: list[str | None] = field(default_factory=list)
    """Per rule, a substring every match contains when the rule is a plain ``a|b`` pattern:
    testing it is much cheaper than a regular-expression search, and most rules do not
    apply to most tokens."""
    gates: list[tuple[str, ...] | None] = field(default_factory=list)
    """Per rule without a needle, the few letters a match can start with
    (:func:`rule_first_letters`): a token with none of them is not searched. Patterns that
    open with a look-behind are tried at every position by the regex engine, so this saves
    most of the searching."""
    _steps: list[tuple[str | None, tuple[str, ...] | None, Any, Any, str]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        needles = self.needles or [None] * len(self.rules)
        gates = self.gates or [None] * len(self.rules)
        steps = [
            (needle, gate if needle is None else None, pattern.search, pattern.sub, replacement)
            for (pattern, replacement), needle, gate in zip(self.rules, needles, gates, strict=True)
        ]
        object.__setattr__(self, "_steps", steps)

    def fold(self, token: str) -> str:
        """Apply every rule in order, skipping rules that cannot match ``token``."""
        for needle, gate, search, substitute, replacement in self._steps:
            if needle is not None:
                if needle not in token:
                    continue
            elif gate is not None:
                for letter in gate:
                    if letter in token:
                        break
                else:
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


_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})


def _first_letters(items: Any) -> tuple[set[str], bool] | None:
    """(letters a match of this parsed sequence can start with, may it match nothing?), or
    None when the sequence holds anything but literals, classes of literals, groups,
    alternatives, repeats and zero-width assertions."""
    letters: set[str] = set()
    for op, value in items:
        name = op.name
        if name in _ZERO_WIDTH:
            continue
        if name == "LITERAL":
            return letters | {chr(value)}, False
        if name == "IN":
            found = _class_letters(value)
            return None if found is None else (letters | found, False)
        if name == "SUBPATTERN":
            inner = _first_letters(value[-1])
        elif name == "BRANCH":
            inner = _branch_letters(value[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            inner = _first_letters(value[2])
            inner = None if inner is None else (inner[0], inner[1] or value[0] == 0)
        else:
            return None
        if inner is None:
            return None
        letters |= inner[0]
        if not inner[1]:
            return letters, False
    return letters, True


def _branch_letters(branches: Any) -> tuple[set[str], bool] | None:
    letters: set[str] = set()
    empty = False
    for branch in branches:
        found = _first_letters(branch)
        if found is None:
            return None
        letters |= found[0]
        empty = empty or found[1]
    return letters, empty


def _class_letters(members: Any) -> set[str] | None:
    letters: set[str] = set()
    for op, value in members:
        if op.name == "LITERAL":
            letters.add(chr(value))
        elif op.name == "RANGE":
            letters.update(chr(code) for code in range(value[0], value[1] + 1))
        else:
            return None
    return letters


def rule_first_letters(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The characters every match of ``pattern`` starts with (lookarounds and anchors are
    zero-width, so they are passed over), or None if that cannot be told or is no help
    (case-insensitive patterns, back-references, wildcards, more than ``_GATE_LIMIT``)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = importlib.import_module("re._parser").parse(pattern.pattern)
        found = _first_letters(parsed.data)
    except (ImportError, AttributeError, re.error):
        return None
    if found is None or found[1] or len(found[0]) > _GATE_LIMIT:
        return None
    return tuple(sorted(found[0]))


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
    gates = [rule_first_letters(pattern) for pattern, _ in compiled]
    return LatinVariants(data["version"], compiled, needles, gates)


def data_versions() -> dict[str, str]:
    """Versions of every table the matcher reads (shown in ``MATCHER_VERSION``)."""
    return {
        "legal_forms": load_legal_forms().version,
        "cyrillic": load_cyrillic().version,
        "hangul": load_hangul().version,
        "korean_names": load_korean_names().version,
        "latin_variants": load_latin_variants().version,
    }
