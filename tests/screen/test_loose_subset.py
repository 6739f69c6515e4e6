"""Unlike names that share syllables (``loose_subset``), split and joined words, Russian чж."""

from __future__ import annotations

import pytest

from sanctionwatch.screen.features import merged_tokens, name_features
from sanctionwatch.screen.korean import equivalent, segment
from sanctionwatch.screen.matcher import compare_names, default_threshold
from sanctionwatch.screen.normalize import prepare_name


def _features(left: str, right: str) -> dict[str, float]:
    return name_features(prepare_name(left, "Person"), prepare_name(right, "Person"))


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("Cho Ranil", "James Koang Chol Ranley"),
        ("Lena Castellano", "Maria Helena Ruiz Castano"),
        ("Marta Galloway", "Mayra Galaviz Martin"),
        ("Elias Moreira", "Elvis Angus Logan Morey"),
        ("Jin Mira", "Jinny Miranda Cole"),
    ],
)
def test_a_short_name_found_only_loosely_in_a_longer_one_is_no_match(short: str, long: str) -> None:
    features = _features(short, long)
    assert features["tokens_all_matched"] == 1.0  # every word has a look-alike ...
    assert features["loose_subset"] > 0.5  # ... but each only loosely
    result = compare_names(short, long, "Person")
    assert result.score < default_threshold(), (result.score, result.explanation)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("Pablo Sandoval", "Pablo Roberto Sandoval"),  # middle name left out
        ("Ivan Petrov", "Ivan Sergeyevich Petrov"),  # patronymic left out
        ("Kim Chol", "Daniel Kim Chol"),  # Western name used with a Korean one
    ],
)
def test_an_exact_subset_is_not_loose(short: str, long: str) -> None:
    features = _features(short, long)
    assert features["loose_subset"] == 0.0
    assert compare_names(short, long, "Person").match


def test_one_typo_in_a_subset_costs_less_than_every_word_loose() -> None:
    typo = _features("Pablo Sandovla", "Pablo Roberto Sandoval")["loose_subset"]
    loose = _features("Cho Ranil", "James Koang Chol Ranley")["loose_subset"]
    assert 0.0 < typo < loose
    assert compare_names("Pablo Sandovla", "Pablo Roberto Sandoval", "Person").match


def test_names_of_equal_length_are_never_a_loose_subset() -> None:
    assert _features("Pablo Sandovla", "Pablo Sandoval")["loose_subset"] == 0.0


def test_a_split_word_of_the_shorter_name_joins_when_spelt_exactly() -> None:
    result = compare_names("Ran-yong Chang", "Susan Chang Ranyong", "Person")
    assert result.match, result.explanation
    short, _ = merged_tokens(
        prepare_name("Ran-yong Chang", "Person").tokens,
        prepare_name("Susan Chang Ranyong", "Person").tokens,
    )
    assert "ranyong" in {token.text for token in short}


def _short_tokens(left: str, right: str) -> list[str]:
    left_tokens, right_tokens = (
        prepare_name(left, "Person").tokens,
        prepare_name(right, "Person").tokens,
    )
    short, _ = merged_tokens(left_tokens, right_tokens)
    return [token.text for token in short]


@pytest.mark.parametrize(
    ("split", "joined", "expected"),
    [
        ("Ri Yong Chang", "Chang Liyong Su", "riyong"),  # Ri written Li
        ("Yi Yong Chol Pak", "Pak Riyong Chol Kim", "yiyong"),  # Yi written Ri
        ("Ri Chol Kim", "Kim Yichol Man", "richol"),  # Ri written Yi
        ("Li Song Hak", "Hak Isong Pak", "lisong"),  # Li written I
        ("O Namwon", "O Nam-won", "onamwon"),  # a one-letter word before a joined one
    ],
)
def test_a_split_korean_initial_joins_in_another_romanisation(
    split: str, joined: str, expected: str
) -> None:
    """Ri, Li, Yi, I and Rhee spell one Korean initial but share no first letters."""
    assert expected in _short_tokens(split, joined)


def test_a_split_korean_syllable_joins_only_when_it_spells_the_word() -> None:
    assert _short_tokens("Ri Yong Chang", "Chang Rayong Su") == ["ri", "yong", "chang"]
    assert _short_tokens("Pak Yong Chol", "Kim Liyong Su") == ["pak", "yong", "chol"]


def test_a_joined_korean_name_in_another_romanisation_matches() -> None:
    result = compare_names("Yi Yong Chol Pak", "Pak Riyong Chol Kim", "Person")
    assert result.match, result.explanation
    joined = compare_names("O NAMWON", "O NAM-WON", "Person")  # was 0.65 before the join
    assert joined.score >= default_threshold(), joined.explanation


def test_an_initial_never_joins_the_next_word() -> None:
    short, _ = merged_tokens(
        prepare_name("M. Stewwart", "Person").tokens,
        prepare_name("Mark Stewart", "Person").tokens,
    )
    assert [token.text for token in short] == ["m", "stewwart"]


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Pak Pong Ju", "Пак Пон Чжу"), ("Ju Kyu Chang", "Чжу Гю Чхан"), ("Jin Ho", "Джин Хо")],
)
def test_russian_chzh_and_dzh_are_read_as_korean(latin: str, cyrillic: str) -> None:
    assert compare_names(latin, cyrillic, "Person").match


def test_zh_is_korean_only_as_a_russian_digraph() -> None:
    chzhu, ju = segment("chzhu"), segment("ju")
    assert chzhu is not None and ju is not None and equivalent(chzhu, ju)
    assert segment("zhang") is None  # pinyin stays out
    assert segment("kazan") is None  # a z alone is never Korean
