from __future__ import annotations

import pytest

from sanctionwatch.screen.normalize import (
    MAX_NAME_CHARS,
    InvalidNameError,
    normalize_text,
    prepare_name,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kim Jong-un", "kim jong un"),
        ("KIM Chŏng-ŭn", "kim chong un"),
        ("Ким Чен Ын", "kim chen yn"),
        ("김정은", "gim jeong eun"),
        ("ООО «Мехянсан»", "ooo mekhyansan"),
        ("O'Neil & Sons", "oneil and sons"),
        ("TONGSAN2", "tongsan 2"),
        ("Müller-Lüdenscheidt", "muller ludenscheidt"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_legal_forms_are_stripped_and_kept_for_organisations() -> None:
    form = prepare_name("Korea Pugang Trading Co., Ltd.", "Company")
    assert form.texts == ("korea", "pugang", "trading")
    assert form.legal_forms == {"ltd"}
    russian = prepare_name("ООО «Мехянсан»", "Company")
    assert russian.texts == ("mekhyansan",)
    assert russian.legal_forms == {"llc"}


def test_misspelt_legal_form_is_still_a_legal_form() -> None:
    assert prepare_name("Orion Insurance Corproation", "Company").legal_forms == {"corp"}


def test_person_names_keep_tokens_that_look_like_legal_forms() -> None:
    assert prepare_name("Ao Ling", "Person").texts == ("ao", "ling")


def test_legal_form_alone_is_kept_as_the_name() -> None:
    assert prepare_name("Limited", "Company").texts == ("limited",)


def test_numbers_are_separate_tokens() -> None:
    assert prepare_name("Tong San No. 2", "Vessel").numbers == {"2"}


@pytest.mark.parametrize(
    "bad", ["", "   ", "🙂🙂🙂", "?!...---", "x" * (MAX_NAME_CHARS + 1), "a" * 10_000]
)
def test_absurd_names_are_refused(bad: str) -> None:
    with pytest.raises(InvalidNameError):
        prepare_name(bad, "Person")


@pytest.mark.parametrize(
    ("name", "texts", "forms"),
    [
        ("Joint Stock Commpany Alpha Zavod", ("alpha", "zavod"), {"jsc"}),
        ("Limited Liabillity Company Orion", ("orion",), {"llc"}),
        ("Orion Lmited", ("orion",), {"ltd"}),
        ("Alpha OO", ("alpha",), {"llc"}),
        ("Beta Holding Innc", ("beta",), {"group", "corp"}),
        ("Public Joint Stock Gamma", ("gamma",), {"jsc"}),
        ("Greenfield Optics AB", ("greenfield", "optics"), {"ab"}),
    ],
)
def test_legal_forms_with_typos_are_still_legal_forms(
    name: str, texts: tuple[str, ...], forms: set[str]
) -> None:
    form = prepare_name(name, "Company")
    assert form.texts == texts
    assert form.legal_forms == forms


def test_brands_one_letter_from_a_short_legal_word_stay_brands() -> None:
    assert prepare_name("Gropu Alpha", "Company").texts == ("gropu", "alpha")
    assert prepare_name("Stocks Trading", "Company").texts == ("stocks", "trading")


def test_greek_capitals_lower_case_with_the_final_sigma() -> None:
    from sanctionwatch.screen.normalize import normalized_parts

    assert normalized_parts("ΤΗΣ ΡΩΣΙΚΗΣ ΟΜΟΣΠΟΝΔΙΑΣ") == ["της", "ρωσικης", "ομοσπονδιας"]
