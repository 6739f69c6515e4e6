from __future__ import annotations

import pytest

from sanctionwatch.screen.korean import equivalent, inventory, segment


def readings(token: str) -> list[set[str]]:
    pieces = segment(token)
    assert pieces is not None, token
    names = inventory().rr
    return [{names[i] for i in piece} for piece in pieces]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("jong", "jeong"),
        ("chong", "jeong"),
        ("chen", "jeong"),
        ("un", "eun"),
        ("yn", "eun"),
        ("woon", "eun"),
        ("kim", "gim"),
        ("ri", "i"),
        ("lee", "rhee"),
        ("pak", "park"),
        ("choi", "choe"),
        ("shin", "sin"),
        ("ryu", "yu"),
        ("mekhyansan", "myohyangsan"),
        ("phenyan", "pyongyang"),
    ],
)
def test_romanisation_variants_are_equivalent(left: str, right: str) -> None:
    one, other = segment(left), segment(right)
    assert one is not None and other is not None
    assert equivalent(one, other)


@pytest.mark.parametrize(("left", "right"), [("un", "nam"), ("jong", "il"), ("kim", "pak")])
def test_different_syllables_are_not_equivalent(left: str, right: str) -> None:
    one, other = segment(left), segment(right)
    assert one is not None and other is not None
    assert not equivalent(one, other)


def test_joined_given_name_splits_into_name_syllables() -> None:
    assert len(readings("jongun")) == 2
    assert "eun" in readings("jongun")[1]


def test_non_korean_tokens_do_not_split() -> None:
    assert segment("smith") is None
    assert segment("fox") is None
    assert segment("2") is None
