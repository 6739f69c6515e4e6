"""Span corrections and name rules that carry over to new pages: titles, times, credits,
possessives, headline words, names joined by "and"/"&", international legal forms, hyphenated
and possessive name words (sentences and names invented for these tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from sanctionwatch.extract.entities import extractor_version, find_mentions
from sanctionwatch.extract.entity_spans import (
    SPAN_RULES_PATH,
    is_acronym,
    load_span_rules,
    load_span_rules_file,
    parse_span_rules,
    split_span,
    western_korean_name,
)
from sanctionwatch.extract.rules import RulesError, load_entity_rules
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.offsets import OffsetMap


def _mentions(nlp: Language, text: str) -> list[Mention]:
    return find_mentions(nlp(text), DocumentContext("doc", text, OffsetMap.identity(len(text))))


def _by_text(mentions: list[Mention]) -> dict[str, str]:
    return {m.text: m.schema for m in mentions}


def _never_a_territory(name: str) -> str:
    return "unknown"


# ---------------------------------------------------------------- data file


def test_span_rules_load_and_version_reaches_the_extractor_version() -> None:
    rules = load_span_rules()
    assert "secretary" in rules.title_words and "thursday" in rules.time_words
    assert rules.comma_cues["company"] == "Company"
    assert extractor_version().endswith(f".s{rules.version}")


def test_span_rules_missing_key_names_the_file_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load(SPAN_RULES_PATH.read_text(encoding="utf-8"))
    del data["time_words"]
    path = tmp_path / "spans.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RulesError, match=r"spans\.yaml: 'time_words'"):
        load_span_rules_file(path)


def test_span_rules_unknown_schema_is_refused() -> None:
    data = yaml.safe_load(SPAN_RULES_PATH.read_text(encoding="utf-8"))
    data["comma_cues"]["firm"] = "Firm"
    with pytest.raises(RulesError, match=r"comma_cues\.firm"):
        parse_span_rules(Path("spans.yaml"), data)


# ---------------------------------------------------------------- split_span on its own


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Interior Minister Ada Vorn", ["Ada Vorn"]),
        ("Minister of Fisheries Pak Chol Min", ["Pak Chol Min"]),
        ("Ministry of Trade on Friday", ["Ministry of Trade"]),
        ("Harbour Office this morning", ["Harbour Office"]),
        ("Lisbon harbour Credit: EPA", ["Lisbon", "EPA"]),
        ("New Ministry", ["Ministry"]),
    ],
)
def test_split_span_cuts_what_is_not_the_name(text: str, expected: list[str]) -> None:
    pieces = split_span(
        text, 0, len(text), load_span_rules(), load_entity_rules(), _never_a_territory
    )
    assert pieces is not None
    assert sorted(text[p.start : p.end] for p in pieces) == sorted(expected)


@pytest.mark.parametrize(
    "text", ["Ada Vorn", "Ministry of Trade", "New Delhi Textiles", "Secretary General"]
)
def test_split_span_leaves_a_plain_name_alone(text: str) -> None:
    rules, heads = load_span_rules(), load_entity_rules()
    assert split_span(text, 0, len(text), rules, heads, _never_a_territory) is None


def test_a_title_cut_types_the_name_as_a_person() -> None:
    text = "Trade Secretary Ilse Marrow"
    pieces = split_span(
        text, 0, len(text), load_span_rules(), load_entity_rules(), _never_a_territory
    )
    assert pieces is not None and [(p.schema, p.score) for p in pieces] == [("Person", 3)]


def test_western_order_korean_name() -> None:
    heads = load_entity_rules()
    assert western_korean_name("Min-Seo Park", heads)
    assert not western_korean_name("Min-Seo Parker", heads)
    assert not western_korean_name("Park Min-seo", heads)


# ---------------------------------------------------------------- through the extractor


def test_title_before_a_name_is_not_part_of_it(nlp: Language) -> None:
    text = '"We will act," Finance Secretary Oren Baxley said on Tuesday.'
    found = _by_text(_mentions(nlp, text))
    assert found.get("Oren Baxley") == "Person"
    assert not [name for name in found if "Secretary" in name]


def test_weekday_after_an_organisation_is_cut(nlp: Language) -> None:
    text = "The Commerce Department on Wednesday fined three shipping firms."
    found = _by_text(_mentions(nlp, text))
    assert "Commerce Department" in found
    assert not [name for name in found if "Wednesday" in name]


def test_caption_credit_is_an_agency_and_ends_the_name(nlp: Language) -> None:
    text = (
        "Welders at work in Gdynia harbour Credit: EPA\n"
        "Hundreds of foreign welders work in the yards of the city."
    )
    found = _by_text(_mentions(nlp, text))
    assert found.get("EPA") == "Organization"
    assert not [name for name in found if "Credit" in name]


def test_two_companies_joined_by_and_are_two(nlp: Language) -> None:
    text = "The hulls were welded by Baltmar SA and Portwell SA, both based in Szczecin."
    found = _by_text(_mentions(nlp, text))
    assert found.get("Baltmar SA") == "Company" and found.get("Portwell SA") == "Company"
    assert not [name for name in found if " and " in name]


def test_two_companies_joined_by_ampersand_are_two(nlp: Language) -> None:
    text = (
        "Buyers included Joint venture Tumen Kelp Processing & Trade Co. Ltd. & "
        "Rajin Harbour Industry Co. Ltd. and several others."
    )
    companies = {m.text for m in _mentions(nlp, text) if m.schema == "Company"}
    assert "Tumen Kelp Processing & Trade Co. Ltd." in companies
    assert "Rajin Harbour Industry Co. Ltd." in companies


@pytest.mark.parametrize(
    "name", ["Kordal Sp Zoo", "Kordal Sp. z o.o", "Velmar SpA", "Ostrava Kft", "Daria Pvt Ltd"]
)
def test_international_legal_forms_make_a_company(nlp: Language, name: str) -> None:
    text = f"The welders were hired through {name}, a labour agency, last spring."
    assert _by_text(_mentions(nlp, text)).get(name) == "Company"


def test_hyphenated_name_word_keeps_the_name_whole(nlp: Language) -> None:
    text = "Crews came from Korea East-West Shipping Corp and a smaller broker."
    companies = {m.text for m in _mentions(nlp, text) if m.schema == "Company"}
    assert "Korea East-West Shipping Corp" in companies


def test_possessive_inside_an_organisation_name_is_kept(nlp: Language) -> None:
    text = "Orders came from the Bureau of the People's Maritime Forces in the capital."
    names = {m.canonical for m in _mentions(nlp, text)}
    assert "Bureau of the People's Maritime Forces" in names


def test_possessive_of_a_second_organisation_is_not_joined(nlp: Language) -> None:
    text = "The Ministry of Finance's Office of Customs Audit issued the notice."
    names = {m.canonical for m in _mentions(nlp, text)}
    assert not [name for name in names if "Finance's Office" in name]


def test_agency_possessive_before_a_city_is_two_names(nlp: Language) -> None:
    text = "A reporter from AFP's Vladivostok bureau visited the site."
    found = _by_text(_mentions(nlp, text))
    assert found.get("Vladivostok") == "Place"
    assert not [name for name in found if "’s" in name or "'s" in name]


def test_comma_after_a_company_noun_types_the_name(nlp: Language) -> None:
    text = "OFAC also named its Minsk-based sister company, Ardent Blue Star"
    found = _by_text(_mentions(nlp, text))
    assert found.get("Ardent Blue Star") == "Company"


def test_family_name_used_as_a_modifier_is_no_person(nlp: Language) -> None:
    text = "The Kim regime earns hard currency from crews sent abroad by Pak Chol Min."
    people = {m.text for m in _mentions(nlp, text) if m.schema == "Person"}
    assert "Kim" not in people


def test_lone_head_word_joins_the_one_name_it_starts(nlp: Language) -> None:
    text = (
        "Bureau 27 Shipping Corporation runs the depots for the City Transport Bureau.\n"
        "- A Bureau 27 front company keeps drivers in Laos."
    )
    mentions = _mentions(nlp, text)
    full = [m for m in mentions if m.canonical == "Bureau 27 Shipping Corporation"]
    assert full, [m.text for m in mentions]
    lone = [m for m in mentions if m.text == "Bureau"]
    assert all(m.entity_id == full[0].entity_id for m in lone)


def test_list_item_naming_a_party_is_not_a_heading(nlp: Language) -> None:
    text = (
        "The sanctioned parties include:\n- Korea Sobaek Shipping Co\n- Hanbit Trading Corporation"
    )
    names = {m.canonical for m in _mentions(nlp, text)}
    assert {"Korea Sobaek Shipping Co", "Hanbit Trading Corporation"} <= names


def test_a_name_found_once_is_a_mention_wherever_written() -> None:
    from sanctionwatch.extract.entities import _Candidate, _with_repeats

    text = "Blue Kelp Star sells kelp. Buyers say Blue Kelp Star pays well, unlike Kelp Star."
    first = _Candidate(0, 14, "Company", "model", 1, 1)
    place = _Candidate(38, 42, "Place", "model", 1, 1)  # "Blue" mistaken for a place
    found = _with_repeats(text, [first, place])
    spans = [(c.start, c.end, c.schema) for c in found]
    assert spans == [(0, 14, "Company"), (38, 52, "Company")]


def test_a_short_form_goes_to_the_organisation_introduced_first(nlp: Language) -> None:
    text = (
        "Kalma Art Studio, the country's largest art producer, builds statues abroad. "
        "Experts say a part of Kalma called Kalma Overseas Trading Corporation built bases. "
        "No one from Kalma could be reached."
    )
    mentions = _mentions(nlp, text)
    studio = {m.entity_id for m in mentions if m.canonical == "Kalma Art Studio"}
    short = [m for m in mentions if m.text == "Kalma"]
    assert short and len(studio) == 1
    assert all(m.entity_id in studio for m in short)


def test_quoted_alias_after_aka_is_the_company(nlp: Language) -> None:
    text = (
        "OFAC designated Tumen Kelp Network Co., Ltd. (a.k.a. “Blue Kelp Star”) on Monday. "
        "Blue Kelp Star sold software."
    )
    mentions = _mentions(nlp, text)
    alias = [m for m in mentions if m.text == "Blue Kelp Star"]
    assert alias and all(m.canonical == "Tumen Kelp Network Co., Ltd." for m in alias)
    assert all(m.schema == "Company" for m in alias)


def test_nationality_adjective_belongs_to_a_state_body(nlp: Language) -> None:
    text = "The Latvian Foreign Ministry denied that any permits had been issued."
    names = {m.canonical for m in _mentions(nlp, text) if m.schema == "Organization"}
    assert "Latvian Foreign Ministry" in names


def test_national_prefix_only_before_a_state_body() -> None:
    from sanctionwatch.extract.entity_spans import national_prefix

    rules = load_span_rules()
    text = "the Russian Foreign Ministry and the Russian Daltrans Company"
    body = text.index("Foreign")
    assert national_prefix(text, body, body + len("Foreign Ministry"), rules) == text.index(
        "Russian"
    )
    firm = text.index("Daltrans")
    assert national_prefix(text, firm, len(text), rules) == firm


def test_one_acronym_test_serves_names_and_possessive_owners() -> None:
    assert is_acronym("KCNA") and is_acronym("U.N.") and is_acronym("KOMID")
    assert is_acronym("ORBEXA")  # six letters: a name's acronym
    assert not is_acronym("ORBEXA", longest=5)  # a possessive owner is at most five
    assert not is_acronym("Kcna") and not is_acronym("K") and not is_acronym("K2")
    assert not is_acronym("ORBEXAL")
