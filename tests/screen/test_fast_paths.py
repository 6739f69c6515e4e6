"""Every shortcut of the cold matcher path decides exactly as the long way round.

Each test runs the shortcut and the plain computation side by side over every labelled name
pair (and random strings where the input space is open) and demands identical results.
"""

from __future__ import annotations

import csv
import random
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.screen import features
from sanctionwatch.screen.data import LatinVariants, load_latin_variants, rule_first_letters
from sanctionwatch.screen.korean import MAX_SYLLABLES, MAX_TOKEN_CHARS, inventory, segment
from sanctionwatch.screen.normalize import make_token, normalized_parts, prepare_name

DATA = Path(__file__).parents[2] / "bench" / "data"


def _rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in ("name_pairs_train.csv", "name_pairs_heldout.csv"):
        with (DATA / name).open(encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def _tokens() -> list[str]:
    return sorted(
        {t for row in _rows() for n in (row["name1"], row["name2"]) for t in normalized_parts(n)}
    )


def _random_tokens(count: int, letters: str = "abcdeghijklmnoprstuwyz") -> list[str]:
    generator = random.Random(6)
    return [
        "".join(generator.choice(letters) for _ in range(generator.randint(1, 12)))
        for _ in range(count)
    ]


def test_identical_token_shortcut_equals_the_feature_functions() -> None:
    rows = _rows()
    seen = 0
    for row in rows:
        for name in (row["name1"], row["name2"]):
            form = prepare_name(name, row["schema"])
            assert features.name_features(form, form) == features.reference_name_features(
                form, form
            ), name
            seen += 1
    assert seen > 6000


def test_identical_tokens_with_different_legal_forms_keep_the_form_mismatch() -> None:
    left, right = (
        prepare_name("Acme Trading LLC", "Company"),
        prepare_name("Acme Trading JSC", "Company"),
    )
    assert left.tokens == right.tokens
    fused = features.name_features(left, right)
    assert fused == features.reference_name_features(left, right)
    assert fused["legal_form_mismatch"] == 1.0


def _old_spells(text: str, targets: list[Any]) -> bool:
    return any(features._spells(make_token(text), target) for target in targets)


def test_lazy_concatenation_check_equals_preparing_the_token() -> None:
    checked = 0
    for row in _rows():
        left = prepare_name(row["name1"], row["schema"])
        right = prepare_name(row["name2"], row["schema"])
        short, long = sorted((left.tokens, right.tokens), key=len)
        targets = [t for t in short if not t.is_number and len(t.text) > 3]
        if not targets or len(short) == len(long):
            continue
        texts = [t.text for t in long]
        for span in (2, 3):
            for start in range(len(texts) - span + 1):
                text = "".join(texts[start : start + span])
                assert features._text_spells(text, targets) == _old_spells(text, targets)
                checked += 1
    assert checked > 500


def _plain_fold(variants: LatinVariants, token: str) -> str:
    for pattern, replacement in variants.rules:
        token = pattern.sub(replacement, token)
    return token


def test_gated_fold_equals_applying_every_rule() -> None:
    variants = load_latin_variants()
    assert any(gate is not None for gate in variants.gates)
    for token in _tokens() + _random_tokens(5000, "abcdehijkloprstuvwxyz"):
        assert variants.fold(token) == _plain_fold(variants, token), token


def test_first_letters_of_rules() -> None:
    import re

    assert rule_first_letters(re.compile(r"(?<=[a-z])(iy|ij|yi|y)$")) == ("i", "y")
    assert rule_first_letters(re.compile("c(?![eih])")) == ("c",)
    assert rule_first_letters(re.compile(r"^ye|^je")) == ("j", "y")
    assert rule_first_letters(re.compile(r"a?b")) == ("a", "b")
    assert rule_first_letters(re.compile(r"([a-z])\1+")) is None  # 26 letters: no help
    assert rule_first_letters(re.compile(r".x")) is None
    assert rule_first_letters(re.compile(r"x*")) is None  # matches the empty string


def _reference_segment(token: str) -> tuple[frozenset[int], ...] | None:
    """The session-3 dynamic programme, kept as the oracle (tuples, trie walk by index)."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isalpha():
        return None
    if not set("fqx").isdisjoint(token) or "z" in token.replace("zh", ""):
        return None  # no Korean romanisation writes f, q, x or z (but Russian чж = chzh)
    root: dict[str, Any] = inventory().trie
    size = len(token)
    best: list[tuple[int, int, int, frozenset[int]] | None] = [None] * (size + 1)
    best[0] = (0, 0, 0, frozenset())
    for start in range(size):
        before = best[start]
        if before is None:
            continue
        node: Any = root
        for end in range(start, size):
            node = node.get(token[end])
            if node is None:
                break
            entry = node.get("")
            if entry is None:
                continue
            preferred = 32 - entry[1]
            candidate = (before[0] + 1, before[1] - preferred, start, entry[0])
            current = best[end + 1]
            if current is None or candidate[:2] < current[:2]:
                best[end + 1] = candidate
    final = best[size]
    if final is None or final[0] > MAX_SYLLABLES:
        return None
    pieces: list[frozenset[int]] = []
    end = size
    while end > 0:
        entry = best[end]
        assert entry is not None
        pieces.append(entry[3])
        end = entry[2]
    return tuple(reversed(pieces))


def test_segmentation_equals_the_reference_programme() -> None:
    tokens = _tokens()
    tokens += [a + b for a, b in pairwise(tokens)]
    tokens += _random_tokens(8000)
    split = 0
    for token in tokens:
        expected = _reference_segment(token)
        assert segment(token) == expected, token
        split += expected is not None
    assert split > 1000


@pytest.mark.parametrize("name", ["Kim Jong Un", "Pak Pong Ju", "Ri Su Yong"])
def test_korean_order_shortcut_matches_reference(name: str) -> None:
    left = prepare_name(name, "Person")
    for other in ("Kim Jong Un", "Jong Un Kim", "Un Jong Kim", "Ju Pong Pak", "Yong Su Ri"):
        right = prepare_name(other, "Person")
        assert features.name_features(left, right) == features.reference_name_features(left, right)
