"""Korean names across romanisation systems.

One Hangul syllable has many Latin spellings: 정 is *jeong* (Revised Romanization), *chong*
(McCune–Reischauer without breves), *chen* or *chon* (Russian transcription read back into Latin)
and *jong* or *chung* by custom. We map every known spelling to the set of Revised Romanization
syllables it can stand for; two spellings are *romanisation-equivalent* when their sets share a
syllable. A Latin token such as ``jongun`` is split into syllables (``jong`` + ``un``) by dynamic
programming, preferring the fewest syllables and then syllables common in names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from sanctionwatch.screen.data import (
    HANGUL_BASE,
    HANGUL_LAST,
    ScreenDataError,
    load_cyrillic,
    load_hangul,
    load_korean_names,
)

Syllables = tuple[frozenset[int], ...]
"""A segmented token: for each syllable, the ids of the RR syllables it may stand for."""

MAX_SYLLABLES: Final = 4
"""Tokens of more syllables are not treated as Korean (they are rarely one name part)."""
MAX_TOKEN_CHARS: Final = 24
_NON_KOREAN: Final = frozenset("fqxz")
"""Letters no romanisation of Korean uses (but *z* in *zh*: Russian чж/дж read back into Latin,
*Чжу* = *chzhu* = 주)."""


@dataclass(frozen=True)
class SyllableInventory:
    """Latin spelling → RR syllable ids, the RR spelling of each id, preferred spellings."""

    spellings: dict[str, frozenset[int]]
    rr: tuple[str, ...]
    preferred: frozenset[str]
    longest: int
    prefixes: frozenset[str]
    common: frozenset[int]
    """RR syllable ids listed in korean_names.yaml (common in names and place names)."""
    trie: dict[str, Any] = field(default_factory=dict)
    """Spellings letter by letter; the key ``""`` of a node holds (RR ids, cost) of the
    spelling ending there, cost being ``_SCALE`` less one for a preferred spelling (walking
    it is cheaper than slicing and hashing every prefix)."""


@cache
def inventory() -> SyllableInventory:
    """Build the spelling table from the jamo tables and customary spellings (once)."""
    hangul = load_hangul()
    cyrillic = load_cyrillic().table
    rules = load_korean_names().vowel_rules
    rr_ids: dict[str, int] = {}
    spellings: dict[str, set[int]] = {}
    for index in range(HANGUL_LAST - HANGUL_BASE + 1):
        rr = hangul.spell(index, "rr")
        rr_id = rr_ids.setdefault(rr, len(rr_ids))
        variants = hangul.spellings(index, "rr") | hangul.spellings(index, "mr")
        variants |= {v.replace(old, new) for v in variants for old, new in rules if old in v}
        variants |= {v.translate(cyrillic) for v in hangul.spellings(index, "kontsevich")}
        for variant in variants:
            if variant:
                spellings.setdefault(variant, set()).add(rr_id)
    names = load_korean_names()
    preferred: set[str] = set()
    for rr, customs in names.syllables.items():
        if rr not in rr_ids:
            raise ScreenDataError(
                f"korean_names.yaml: {rr!r} is not a Revised Romanization syllable"
            )
        preferred.add(rr)
        for custom in customs:
            spellings.setdefault(custom, set()).add(rr_ids[rr])
            preferred.add(custom)
    rr_names = tuple(sorted(rr_ids, key=rr_ids.__getitem__))
    frozen = {key: frozenset(value) for key, value in spellings.items()}
    prefixes = frozenset(key[:size] for key in frozen for size in range(1, len(key) + 1))
    common = frozenset(rr_ids[rr] for rr in names.syllables)
    return SyllableInventory(
        frozen,
        rr_names,
        frozenset(preferred),
        max(map(len, frozen)),
        prefixes,
        common,
        _trie(frozen, preferred),
    )


def _trie(spellings: dict[str, frozenset[int]], preferred: set[str]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for spelling, ids in spellings.items():
        node = root
        for letter in spelling:
            node = node.setdefault(letter, {})
        node[""] = (ids, _SCALE - (spelling in preferred))
    return root


@cache
def hangul_translation() -> dict[int, str]:
    """``str.translate`` table writing each Hangul syllable in RR, as its own token."""
    hangul = load_hangul()
    return {
        HANGUL_BASE + index: f" {hangul.spell(index, 'rr')} "
        for index in range(HANGUL_LAST - HANGUL_BASE + 1)
    }


_SCALE: Final = 32
"""Path cost = syllables * _SCALE - preferred syllables: one integer that orders splits by
fewest syllables, then most preferred (a token has at most ``MAX_TOKEN_CHARS`` < _SCALE)."""
_UNREACHED: Final = 1 << 30
_NON_KOREAN_LETTER: Final = re.compile(f"[{''.join(sorted(_NON_KOREAN - {'z'}))}]|z(?!h)")


def segment(token: str) -> Syllables | None:
    """Split a Latin token into romanised Korean syllables, or ``None`` if it does not split.

    Among splits with the fewest syllables, the one using most name-common syllables wins, so
    ``jongun`` is *jong + un*, not *jon + gun*.
    """
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isalpha():
        return None
    if _NON_KOREAN_LETTER.search(token) is not None:
        return None
    root: dict[str, Any] = inventory().trie
    size = len(token)
    # forward relaxation walking the spelling trie from each reachable cut: costs[i] is the
    # best cost of token[:i], cuts[i] where its last syllable starts, readings[i] its RR ids
    costs = [_UNREACHED] * (size + 1)
    cuts = [0] * (size + 1)
    readings: list[frozenset[int]] = [frozenset()] * (size + 1)
    costs[0] = 0
    for start in range(size):
        base = costs[start]
        if base == _UNREACHED:
            continue
        node: Any = root
        end = start
        for letter in token[start:]:
            node = node.get(letter)
            if node is None:
                break
            end += 1
            entry = node.get("")
            if entry is not None and base + entry[1] < costs[end]:
                costs[end] = base + entry[1]
                cuts[end] = start
                readings[end] = entry[0]
    if costs[size] == _UNREACHED:
        return None
    pieces: list[frozenset[int]] = []
    end = size
    while end > 0:
        if len(pieces) == MAX_SYLLABLES:
            return None
        pieces.append(readings[end])
        end = cuts[end]
    pieces.reverse()
    return tuple(pieces)


def equivalent(left: Syllables, right: Syllables) -> bool:
    """Same number of syllables and each pair may be the same Hangul syllable."""
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):  # noqa: SIM110 (a loop beats all() on hot paths)
        if a.isdisjoint(b):
            return False
    return True


def rr_keys(syllables: Syllables) -> list[str]:
    """Index keys: every RR reading of every syllable (small sets, so few keys)."""
    names = inventory().rr
    return [names[rr_id] for piece in syllables for rr_id in piece]
