"""Session 8 (`claimrec`): currency forms are data (``data/extract/claims/currencies.yaml``).

Sums written with a symbol, a code or a word of any listed currency are read with its ISO code;
a malformed file is a one-line error naming the file. Sentences are written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.language import Language
from test_claims import read

from sanctionwatch.extract.claimkit.currencies import (
    CURRENCIES_PATH,
    CurrencyFileError,
    load_currencies,
    parse_currencies,
)
from sanctionwatch.extract.claimkit.numbers import find_quantities
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary


def _money(text: str) -> list[tuple[float, str | None]]:
    return [
        (q.value, q.currency)
        for q in find_quantities(text, default_vocabulary())
        if q.kind == "money"
    ]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("a hospital worth an estimated N$450 million", 450_000_000, "NAD"),
        ("fees of 300 Namibian dollars a month", 300, "NAD"),
        ("they keep just USD 200 of it", 200, "USD"),
        ("paid USD1,200 in cash", 1200, "USD"),
        ("wired HK$ 3 million to a shell firm", 3_000_000, "HKD"),
        ("a contract of RM5 million", 5_000_000, "MYR"),
        ("tolls of 12,000 tugriks", 12_000, "MNT"),
        ("1.2 billion South Korean won", 1_200_000_000, "KRW"),
        ("300,000 won in wages", 300_000, "KPW"),
        ("US$ 40 million a year", 40_000_000, "USD"),
        ("an estimated $75 million USD in revenue", 75_000_000, "USD"),
        ("a \\$12 million fine", 12_000_000, "USD"),
        ("a loan of NT$ 90 million from a Taipei bank", 90_000_000, "TWD"),
        ("fishing rights sold for NZ$4 million", 4_000_000, "NZD"),
        ("a R$2.5 million shipment", 2_500_000, "BRL"),
        ("chips worth MOP$ 600,000 at the casino", 600_000, "MOP"),
        ("a S$1.1 million transfer", 1_100_000, "SGD"),
        ("rent of 45,000 patacas a month", 45_000, "MOP"),
    ],
)
def test_currency_forms_are_read_with_their_code(text: str, value: float, currency: str) -> None:
    assert _money(text) == [(value, currency)]


def test_a_longer_word_wins_over_its_tail() -> None:
    # "Namibian dollars" is NAD although "dollars" alone is USD
    assert _money("3,000 Namibian dollars and 500 dollars") == [(3000, "NAD"), (500, "USD")]


def test_a_prefixed_dollar_is_not_read_as_us_dollars() -> None:
    # the letters before "$" name the currency; a bare "$" after them stays USD
    assert _money("NT$300 and then $300") == [(300, "TWD"), (300, "USD")]
    assert _money("a fee of 5 real workers") == []


def test_a_code_is_a_currency_only_before_digits() -> None:
    assert _money("The USD weakened while 40 firms closed.") == []


def test_the_shipped_file_loads_and_names_every_code_once() -> None:
    currencies = load_currencies()
    assert currencies.code_before("N$") == "NAD"
    assert currencies.code_before("US $") == "USD"
    assert currencies.code_after("South  Korean won") == "KRW"
    assert currencies.code_after("won") == "KPW"
    assert currencies.version


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data.pop("version"), "no `version`"),
        (lambda data: data.update(currencies=[]), "must map ISO codes"),
        (lambda data: data["currencies"].update(usd={"codes": ["X"]}), "ISO code"),
        (lambda data: data["currencies"]["EUR"].update(words=["dollars"]), "already USD"),
        (lambda data: data["currencies"]["EUR"].update(signs=["€"]), "expected only"),
        (lambda data: data["currencies"]["EUR"].update(codes="EUR"), "list of strings"),
    ],
)
def test_a_malformed_currency_file_is_one_clear_error(
    change: object, message: str, tmp_path: Path
) -> None:
    data = yaml.safe_load(CURRENCIES_PATH.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path = tmp_path / "currencies.yaml"
    with pytest.raises(CurrencyFileError, match=message) as raised:
        parse_currencies(data, path)
    assert str(path) in str(raised.value)


def test_a_field_left_empty_is_an_empty_list(tmp_path: Path) -> None:
    # review (rv-claimrec): "symbols:" with nothing after it read as None used to crash
    data = yaml.safe_load(CURRENCIES_PATH.read_text(encoding="utf-8"))
    data["currencies"]["KPW"]["symbols"] = None
    assert parse_currencies(data, tmp_path / "currencies.yaml").code_after("won") == "KPW"


def test_an_unreadable_currency_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "currencies.yaml"
    path.write_text("currencies: [unclosed", encoding="utf-8")
    with pytest.raises(CurrencyFileError, match="cannot read currencies"):
        load_currencies(path)


def test_a_currency_file_not_in_utf8_is_one_line_naming_the_file(tmp_path: Path) -> None:
    # second read (rd-claims): read through rulefile, a bad encoding is the loader's own error
    # (it escaped as a bare UnicodeDecodeError) and a YAML error stays on one line
    path = tmp_path / "currencies.yaml"
    path.write_bytes(b"version: 1\ncurrencies:\n  EUR: {words: [\xff\xfe]}\n")
    with pytest.raises(CurrencyFileError, match="cannot read currencies") as raised:
        load_currencies(path)
    assert str(path) in str(raised.value)
    path.write_text("version: 1\ncurrencies: [unclosed\n", encoding="utf-8")
    with pytest.raises(CurrencyFileError) as broken:
        load_currencies(path)
    assert "\n" not in str(broken.value)


# --- the value of a contract or deal with a North Korean party (vocabulary 11) -------------


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        (
            "The ministry cancelled the barracks project it had awarded to the North Korean firm "
            "for an estimated N$90 million.",
            90_000_000,
            "NAD",
        ),
        (
            "Uganda is investigating military dealings with a North Korean company, valued at "
            "some $8 million.",
            8_000_000,
            "USD",
        ),
    ],
)
def test_a_contract_value_with_a_north_korean_party(
    nlp: Language, text: str, value: float, currency: str
) -> None:
    assert [(c.measure, c.value, c.unit) for c in read(nlp, text)] == [
        ("dprk_contract_value", value, currency)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "North Korea's nuclear project has cost $1 billion, analysts estimate.",
        "Pyongyang's satellite projects swallowed some $300 million last year.",
        "The North Korean missile project is thought to have cost $600 million.",
    ],
)
def test_a_project_without_a_contract_or_works_is_no_contract_value(
    nlp: Language, text: str
) -> None:
    # review (rv-claimrec): "project" alone made any North Korean spending a contract value
    assert "dprk_contract_value" not in {c.measure for c in read(nlp, text)}


@pytest.mark.parametrize(
    "text",
    [
        "A North Korean firm won the housing project, worth $40 million, in 2017.",
        "The construction project given to a North Korean company was worth $12 million.",
        "The deal with the North Korean importer was put at $3 million.",
    ],
)
def test_a_works_project_or_a_deal_with_the_north_stays_a_contract_value(
    nlp: Language, text: str
) -> None:
    assert "dprk_contract_value" in {c.measure for c in read(nlp, text)}


def test_a_contract_value_needs_north_korea_in_the_sentence(nlp: Language) -> None:
    assert read(nlp, "The stadium project cost $200 million, the city said.") == []


def test_promised_pay_stays_promised_pay_beside_a_contract(nlp: Language) -> None:
    text = "Workers on three-year contracts from North Korea are promised $850 a month."
    claims = read(nlp, text)
    assert [(c.measure, c.value, c.period) for c in claims] == [
        ("dprk_worker_promised_pay", 850, "month")
    ]
