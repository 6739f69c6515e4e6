"""Reading the form of figures: digits, words, money, percents, fractions, ranges, qualifiers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sanctionwatch.extract.claimkit.numbers import Quantity, find_quantities, parse_words
from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)


def quantities(text: str) -> list[Quantity]:
    return find_quantities(text, default_vocabulary())


def only(text: str) -> Quantity:
    found = quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Roughly 4,250 labourers arrived.", 4250),
        ("They counted thirty thousand labourers.", 30_000),
        ("Some one hundred and twenty firms closed.", 120),
        ("Twenty-five brigades left.", 25),
        ("A dozen firms were listed.", 12),
        ("Half a million people moved.", 500_000),
        ("It employs 1.5 million people.", 1_500_000),
        ("It employs 2 million people.", 2_000_000),
        ("A total of 3.2bn was moved.", 3_200_000_000),
    ],
)
def test_numbers_in_digits_and_words(text: str, value: float) -> None:
    assert only(text).value == value


def test_decimal_comma_is_read_as_a_decimal_and_flagged() -> None:
    comma = only("a 1,5 million rouble fine")
    point = only("a 1.5 million rouble fine")
    assert comma.value == point.value == 1_500_000
    assert comma.decimal_comma and not point.decimal_comma
    assert only("exactly 1,500 people").value == 1500  # three digits after a comma group
    assert only("about 1,5 people").value == 1.5


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("The bank moved $1 million.", 1_000_000, "USD"),
        ("It paid US$500 million.", 500_000_000, "USD"),
        ("Fines reached 2 billion rubles.", 2_000_000_000, "RUB"),
        ("Fines reached 3 million roubles.", 3_000_000, "RUB"),
        ("Assets of €40 million were frozen.", 40_000_000, "EUR"),
        ("A payment of 700 dollars.", 700, "USD"),
        ("Escaped markdown \\$11 billion stays money.", 11_000_000_000, "USD"),
    ],
)
def test_money(text: str, value: float, currency: str) -> None:
    quantity = only(text)
    assert (quantity.kind, quantity.value, quantity.currency) == ("money", value, currency)


def test_percents_and_fractions() -> None:
    assert (only("40 percent of the firms").kind, only("40 percent of the firms").value) == (
        "percent",
        40,
    )
    assert only("a 12% share").value == 12
    fraction = only("nearly two-thirds of the crews")
    assert (fraction.kind, fraction.value, fraction.qualifier) == ("ratio", 0.6667, "approx")
    assert only("a third of the crews").value == pytest.approx(0.3333)
    assert only("half of the crews").value == 0.5
    assert quantities("the third round of talks") == []
    assert quantities("his half-brother") == []


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("about 300 workers", "approx"),
        ("around 300 workers", "approx"),
        ("approximately 300 workers", "approx"),
        ("nearly 300 workers", "approx"),
        ("some 300 workers", "approx"),
        ("an estimated 300 workers", "approx"),
        ("at least 300 workers", "at_least"),
        ("no fewer than 300 workers", "at_least"),
        ("300 workers or more", "at_least"),
        ("more than 300 workers", "more_than"),
        ("over 300 workers", "more_than"),
        ("up to 300 workers", "at_most"),
        ("as many as 300 workers", "at_most"),
        ("fewer than 300 workers", "less_than"),
        ("less than 300 workers", "less_than"),
        ("only 300 workers", "exact"),
        ("300 workers", "exact"),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    quantity = only(text)
    assert (quantity.value, quantity.qualifier) == (300, qualifier)
    assert text[quantity.start : quantity.end] == quantity.text


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("between 20,000 and 50,000 workers", 20_000, 50_000),
        ("from 200 to 300 workers", 200, 300),
        ("200-300 workers", 200, 300),
        ("20 to 30 million dollars", 20_000_000, 30_000_000),
    ],
)
def test_ranges(text: str, low: float, high: float) -> None:
    quantity = only(text)
    assert (quantity.low, quantity.high, quantity.value, quantity.qualifier) == (
        low,
        high,
        low,
        "range",
    )


@pytest.mark.parametrize(
    "text",
    [
        "under UN Security Council resolution 2397",
        "Executive Order 13722 applies",
        "Council Regulation (EU) 2017/1509",
        "listed as KPe.038 by the committee",
        "a man aged 45",
        "a 45-year-old courier",
        "at 12 Tverskaya Street, Moscow",
        "call +7 423 222 1234 today",
        "see page 12",
        "on December 22, 2017",
        "on 22 December",
        "in 2019",
        "the G20 summit",
        "the 22nd session",
        "one such eatery",
    ],
)
def test_labels_dates_and_identifiers_are_not_quantities(text: str) -> None:
    assert quantities(text) == []


def test_vague_magnitudes_are_marked() -> None:
    found = quantities("tens of thousands of workers and thousands of firms")
    assert [(q.value, q.vague) for q in found] == [(10_000, True), (1_000, True)]


def test_a_year_followed_by_a_counted_noun_is_a_count() -> None:
    assert only("they hired 2000 workers").value == 2000


def test_parse_words_rejects_non_numbers() -> None:
    assert parse_words("thirty two") == 32
    assert parse_words("thirty apples") is None


def test_non_latin_text_has_no_spurious_quantities() -> None:
    assert quantities("ООО «Мехянсан» и 김정은 — 북한") == []
    found = quantities("В России 13\u00a0000 рабочих; 13,000 workers; код 038")
    assert [q.value for q in found] == [13_000, 13_000]


def test_vocabulary_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "vocabulary.yaml"
    broken.write_text("version: 1\nmeasures: []\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"vocabulary\.yaml.*measures"):
        load_vocabulary(broken)
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    data["measures"][0]["units"] = ["kilograms"]
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"measures\[0\]\.units"):
        load_vocabulary(broken)
    with pytest.raises(VocabularyError, match="cannot read"):
        load_vocabulary(tmp_path / "missing.yaml")


def test_default_vocabulary_has_a_version_and_measures() -> None:
    vocabulary = default_vocabulary()
    assert vocabulary.version
    assert any(rule.key == "dprk_workers_in" for rule in vocabulary.measures)
    assert vocabulary.place_key("The Russian Federation") == "russia"


def test_random_mixtures_of_number_and_date_words_never_crash() -> None:
    from datetime import date
    from random import Random

    from sanctionwatch.extract.claimkit.dates import find_dates

    pieces = ["1,5", "1.5", "million", "$", "US$", "€", "between", "and", "to", "-", "percent",
              "%", "two-thirds", "of", "workers", "North Korean", "by", "October", "last", "year",
              "2019", "as of", "a month before that", "some", "at least", "or more", "thousand",
              "a", "dozen", "half", "\\$", "13\u00a0000", "KPe.038", "+7", "(423)", "Street",
              "aged", "resolution", "2397", "—", "ООО", "북한", "\n", ".", ",", "0", "00",
              "9999999999999999999", "½"]  # fmt: skip
    random = Random(7)
    vocabulary = default_vocabulary()
    for _ in range(3000):
        text = " ".join(random.choice(pieces) for _ in range(random.randint(0, 14)))
        for quantity in find_quantities(text, vocabulary):
            assert text[quantity.start : quantity.end] == quantity.text
        for expression in find_dates(text, date(2019, 1, 1), vocabulary, anchor="2018-11"):
            assert text[expression.start : expression.end] == expression.text
