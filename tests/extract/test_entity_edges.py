"""Session 6 (`entfix`): entity spans and types that recur across real pages, and the entity
code debts. Every sentence and name is invented for these tests, in varied forms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.language import Language
from spacy.tokens import Span

from sanctionwatch.extract.entities import (
    _abbreviates,
    _bracketed_acronyms,
    _Candidate,
    _word_prefixes,
    extractor_version,
    find_mentions,
    find_roles,
)
from sanctionwatch.extract.entity_spans import (
    caption_credits,
    header_pieces,
    honorific_name_end,
)
from sanctionwatch.extract.entity_typing import (
    TYPING_RULES_PATH,
    load_typing_rules,
    parse_typing_rules,
)
from sanctionwatch.extract.rulefile import rule_phrases, rule_strings
from sanctionwatch.extract.ruler import RuleComponent
from sanctionwatch.extract.rules import (
    RULES_PATH,
    RulesError,
    honorific_length,
    load_entity_rules,
    parse_rules,
)
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.offsets import OffsetMap


def _mentions(nlp: Language, text: str) -> list[Mention]:
    return find_mentions(nlp(text), DocumentContext("doc", text, OffsetMap.identity(len(text))))


def _found(nlp: Language, text: str) -> dict[str, str]:
    return {m.text: m.schema for m in _mentions(nlp, text)}


def _groups(nlp: Language, text: str) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for mention in _mentions(nlp, text):
        groups.setdefault(mention.canonical, set()).add(mention.text)
    return groups


def _territory(name: str) -> str:
    known = {"washington": "place", "ruritania": "country", "north korea": "country"}
    return known.get(name.casefold(), "unknown")


# ---------------------------------------------------------------- letterheads and headings


@pytest.mark.parametrize(
    ("line", "names"),
    [
        (
            "MINISTRY OF FINANCE MINISTRY OF TRADE RURITANIA",
            ["MINISTRY OF FINANCE", "MINISTRY OF TRADE", "RURITANIA"],
        ),
        (
            "DEPARTMENT OF LABOR OFFICE OF THE SECRETARY WASHINGTON",
            ["DEPARTMENT OF LABOR", "OFFICE OF THE SECRETARY", "WASHINGTON"],
        ),
        ("BUREAU OF MINES Advisory Notice", ["BUREAU OF MINES", "Advisory Notice"]),
        ("Ruritania The Ministry of Fisheries", ["Ruritania", "The Ministry of Fisheries"]),
        ("12345 BUREAU OF MINES", ["BUREAU OF MINES"]),
    ],
)
def test_a_letterhead_joined_into_one_line_is_cut_into_its_names(
    line: str, names: list[str]
) -> None:
    rules = load_entity_rules()
    pieces = header_pieces(line, 0, len(line), rules, _territory)
    assert pieces is not None
    assert [line[start:end] for start, end in pieces] == names


@pytest.mark.parametrize(
    "name",
    [
        "NORTH KOREA",
        "Department 12 of The Ministry of Fisheries",
        "U.S. Department of Labor",
        "Bureau 39",
        "The OFAC SDN List",
        "the DPRK KOMID office",
        "UN OCHA Regional Office",
    ],
)
def test_one_name_is_not_cut_as_a_letterhead(name: str) -> None:
    assert header_pieces(name, 0, len(name), load_entity_rules(), _territory) is None


def test_two_acronyms_before_a_name_are_no_letterhead(nlp: Language) -> None:
    found = _found(nlp, "The OFAC SDN List added the Ruritanian firm in 2016.")
    assert not {"The", "List"} & set(found), found


def test_a_letterhead_on_a_page_gives_each_body_and_the_city(nlp: Language) -> None:
    text = (
        "MINISTRY OF FINANCE MINISTRY OF FISHERIES WASHINGTON, D.C. 20001 Seafood Advisory "
        "Issued: May 2, 2019 Title: Risks for Importers of Fish\n"
        "The Ministry of Fisheries issued a notice on seafood imports."
    )
    found = _found(nlp, text)
    assert found.get("MINISTRY OF FINANCE") == "Organization"
    assert found.get("MINISTRY OF FISHERIES") == "Organization"
    assert found.get("WASHINGTON") == "Place"
    assert not any(name.count("MINISTRY") > 1 for name in found)


def test_a_heading_written_twice_is_still_a_heading(nlp: Language) -> None:
    title = "In Ruritania, Dockers' Pay Goes to Pyongyang"
    text = f"{title}\n{title}\nThe dockers were paid little, said an official in Ruritania."
    assert "Dockers" not in _found(nlp, text)


# ---------------------------------------------------------------- names cut at a possessive


@pytest.mark.parametrize(
    ("text", "office"),
    [
        (
            "The United States Attorney’s Office for the District of Vermont filed charges.",
            "United States Attorney’s Office for the District of Vermont",
        ),
        (
            "A spokesman for the Prosecutor General's Office of Ruritania declined to comment.",
            "Prosecutor General's Office of Ruritania",
        ),
        (
            "Investigators of the Inspector General's Office found two shell firms.",
            "Inspector General's Office",
        ),
    ],
)
def test_an_office_named_after_its_holder_keeps_the_possessive(
    nlp: Language, text: str, office: str
) -> None:
    assert _found(nlp, text).get(office) == "Organization"


def test_a_possessive_of_a_body_still_makes_two_names(nlp: Language) -> None:
    found = _found(nlp, "The Treasury's Office of Asset Control froze the funds.")
    assert "Office of Asset Control" in found
    assert not any("Treasury's" in name or "Treasury’s" in name for name in found)


# ---------------------------------------------------------------- honorifics


@pytest.mark.parametrize(
    ("text", "written", "canonical"),
    [
        (
            "The deputy minister, Datuk Seri Wan Aziz Tuanku Rahman, spoke to reporters.",
            "Datuk Seri Wan Aziz Tuanku Rahman",
            "Wan Aziz Tuanku Rahman",
        ),
        (
            "Tan Sri Lim Boon Keat, the chairman, denied it.",
            "Tan Sri Lim Boon Keat",
            "Lim Boon Keat",
        ),
        ("Sheikh Hamad Al Rashid met the envoy in Doha.", "Sheikh Hamad Al Rashid", None),
    ],
)
def test_an_honorific_is_written_with_the_name_but_is_no_part_of_it(
    nlp: Language, text: str, written: str, canonical: str | None
) -> None:
    people = {m.text: m.canonical for m in _mentions(nlp, text) if m.schema == "Person"}
    name = next((n for n in people if n.endswith(written.split()[-1])), None)
    assert name is not None, people
    assert not any(p.split()[0] in ("Seri", "Tuanku", "Sri") for p in people)
    if canonical is not None:
        assert people[name] == canonical


@pytest.mark.parametrize(
    ("text", "model_span", "name"),
    [
        ("chaired by Tan Sri Aziz Rahman Ruritania's former envoy", "Tan Sri Aziz", "Aziz Rahman"),
        ("met Datuk Seri Wan Aziz Washington on Friday", "Datuk Seri Wan", "Wan Aziz"),
        ("met Datuk Seri Wan Aziz Tuanku Rahman", "Datuk Seri Wan", "Wan Aziz Tuanku Rahman"),
    ],
)
def test_a_name_after_an_honorific_runs_on_up_to_a_known_place(
    text: str, model_span: str, name: str
) -> None:
    start = text.index(model_span)
    end = honorific_name_end(text, start, start + len(model_span), load_entity_rules(), _territory)
    assert text[start:end].endswith(name)


def test_honorifics_of_several_words_are_one_honorific() -> None:
    rules = load_entity_rules()
    assert honorific_length(["Tan", "Sri", "Lim"], rules) == 2
    assert honorific_length(["Datuk", "Seri", "Wan"], rules) == 2
    assert honorific_length(["Tan", "Chee", "Keong"], rules) == 0  # "Tan" is a family name
    assert honorific_length(["Mr.", "Li"], rules) == 1


# ---------------------------------------------------------------- descriptor nouns


@pytest.mark.parametrize(
    ("text", "name", "schema"),
    [
        ("Smugglers crossed the Sorak river at night.", "Sorak river", "Place"),
        ("Families in Ryanggang province were told to wait.", "Ryanggang province", "Place"),
        ("Forty workers died at the Kumdok coal mine last year.", "Kumdok coal mine", "Company"),
        ("Welders at the Sinpo shipyard were sent abroad.", "Sinpo shipyard", "Company"),
    ],
)
def test_a_class_noun_that_picks_the_thing_belongs_to_the_name(
    nlp: Language, text: str, name: str, schema: str
) -> None:
    assert _found(nlp, text).get(name) == schema


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Traders in China's Jilin province hire them.", "Jilin"),
        ("Rebuilding the Donbass region will take years.", "Donbass"),
        ("The Hunchun factory hired 300 workers.", "Hunchun"),
    ],
)
def test_a_class_noun_after_a_known_place_adds_nothing(nlp: Language, text: str, name: str) -> None:
    assert _found(nlp, text).get(name) == "Place"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The report was carried by the state-run Tonggil news agency.", "Tonggil"),
        ("A reporter for the Kumsong daily newspaper asked.", "Kumsong"),
    ],
)
def test_a_descriptor_after_an_outlet_is_no_part_of_its_name(
    nlp: Language, text: str, name: str
) -> None:
    found = _found(nlp, text)
    assert not any(n.startswith(name) and n != name for n in found), found


# ---------------------------------------------------------------- peoples, pairs, glue


@pytest.mark.parametrize(
    "text",
    [
        "Some 200 North Koreans were stranded at the airport.",
        "Police said the Malaysians had left before the deadline.",
        "Vietnamese and Chinese traders met with South Koreans in Hanoi.",
    ],
)
def test_a_nationality_in_the_plural_is_no_place(nlp: Language, text: str) -> None:
    found = _found(nlp, text)
    assert not any(name.endswith(("Koreans", "Malaysians")) for name in found), found


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Trade on the Mongolia-North Korea route grew.", {"Mongolia", "North Korea"}),
        ("A riot near the China-North Korea border was put down.", {"China", "North Korea"}),
        ("The Laos-Vietnam railway opened.", {"Laos", "Vietnam"}),
    ],
)
def test_two_countries_joined_by_a_hyphen_are_two_places(
    nlp: Language, text: str, places: set[str]
) -> None:
    found = _found(nlp, text)
    assert places <= {name for name, schema in found.items() if schema == "Place"}
    assert not any("-" in name for name in found), found


def test_hyphenated_names_that_are_no_pair_stay_whole(nlp: Language) -> None:
    found = _found(nlp, "He moved from Yuzhno-Sakhalinsk to work for Vostok-Stroy.")
    assert "Yuzhno-Sakhalinsk" in found and "Vostok-Stroy" in found


def test_link_text_glued_to_a_place_is_cut_off(nlp: Language) -> None:
    found = _found(nlp, "Workers came home from China and MongoliaRead more")
    assert found.get("Mongolia") == "Place"
    assert not any("Read" in name for name in found)


# ---------------------------------------------------------------- company names


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("The office listed its subsidiary, AO Volna-Trans, among the entities.", "AO Volna-Trans"),
        ("Funds went through PAO Sevmorlink in 2019.", "PAO Sevmorlink"),
        (
            "Workers were hired by LLC Overseas Trade Corporation “Pobeda” in Tomsk.",
            "LLC Overseas Trade Corporation “Pobeda”",
        ),
    ],
)
def test_a_legal_form_written_before_the_name_is_a_company(
    nlp: Language, text: str, company: str
) -> None:
    found = _found(nlp, text)
    assert found.get(company) == "Company", found


def test_a_form_after_its_name_does_not_take_the_next_words(nlp: Language) -> None:
    found = _found(nlp, "Arrowcrest LLC Chief Executive Jane Roe said so.")
    assert found.get("Arrowcrest LLC") == "Company"


@pytest.mark.parametrize(
    ("text", "company"),
    [
        (
            "Workers were sent by the Korea General Corporation for Overseas Fisheries.",
            "Korea General Corporation for Overseas Fisheries",
        ),
        (
            "The Ryongsong Trading Company for Machine Exports paid them.",
            "Ryongsong Trading Company for Machine Exports",
        ),
    ],
)
def test_a_state_corporation_keeps_its_purpose(nlp: Language, text: str, company: str) -> None:
    assert _found(nlp, text).get(company) == "Company"


def test_a_corporation_for_a_place_is_not_a_longer_name(nlp: Language) -> None:
    found = _found(nlp, "Mirae Trading Corporation for Angola opened an office.")
    assert not any(name.endswith("for Angola") for name in found), found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Seoul listed General Bureau 412 of the Ministry of Fisheries.", "General Bureau 412"),
        ("Hackers of Bureau 77 stole the funds.", "Bureau 77"),
    ],
)
def test_a_number_after_an_organisation_head_is_part_of_the_name(
    nlp: Language, text: str, name: str
) -> None:
    assert _found(nlp, text).get(name) == "Organization"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The Labour Ministry 2021 report named six suppliers.", "Labour Ministry"),
        ("The Fisheries Department 12 days ago revoked the licence.", "Fisheries Department"),
        ("The Trade Bureau 40 percent stake was sold.", "Trade Bureau"),
    ],
)
def test_a_date_or_an_amount_after_an_organisation_is_not_its_number(
    nlp: Language, text: str, name: str
) -> None:
    found = _found(nlp, text)
    assert found.get(name) == "Organization", found
    assert not any(other.startswith(name + " ") for other in found), found


# ---------------------------------------------------------------- embassies


def test_an_embassy_in_a_country_is_one_name(nlp: Language) -> None:
    text = "He was a third secretary at the Ruritanian Embassy in Mongolia until May."
    found = _found(nlp, text)
    assert found.get("Ruritanian Embassy in Mongolia") == "Organization"
    assert "Mongolia" not in found


def test_an_embassy_in_a_city_leaves_the_city_a_place(nlp: Language) -> None:
    found = _found(nlp, "Protesters gathered outside the Ruritanian Embassy in Berlin.")
    assert found.get("Berlin") == "Place"


# ---------------------------------------------------------------- debts


def test_role_words_and_appositive_articles_are_data() -> None:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    rules = parse_rules(RULES_PATH, data)
    assert rules.role_prefixes == {"under", "vice"}
    assert rules.role_portfolio_words == {"the", "and", "on"}
    assert rules.appositive_articles == {"a", "an", "another"}
    data["role_prefixes"] = "under"
    with pytest.raises(RulesError, match=r"'role_prefixes' must be a list of strings"):
        parse_rules(RULES_PATH, data)


def test_a_role_prefix_from_the_data_file_reaches_the_position(nlp: Language) -> None:
    text = "Under Secretary Kim Chol Su visited the port."
    roles = {r.mention.text: r.text for r in find_roles(nlp(text), _mentions(nlp, text))}
    assert roles.get("Kim Chol Su") == "Under Secretary"


def test_an_appositive_article_from_the_data_file_types_the_name(nlp: Language) -> None:
    text = "Sobaek Haeun, another Rason-based trading company, hired 40 cooks."
    assert _found(nlp, text).get("Sobaek Haeun") == "Company"


def test_one_acronym_check_initials_or_letters_in_order_when_bracketed() -> None:
    rules = load_entity_rules()
    assert _abbreviates("FBI", "Federal Bureau of Investigation", rules)
    assert not _abbreviates("KOMID", "Korea Mining Development Trading Corporation", rules)
    assert _abbreviates(
        "KOMID", "Korea Mining Development Trading Corporation", rules, bracketed=True
    )
    assert not _abbreviates("XYZ", "Korea Mining Development", rules, bracketed=True)


def test_a_bracketed_acronym_is_decided_once_and_joined_by_the_resolver(nlp: Language) -> None:
    text = "Hwasong Mining Export Corporation (HOMEX) sold ore. HOMEX also sold coal."
    found = [
        _Candidate(0, len("Hwasong Mining Export Corporation"), "Company", "rule:legal-form", 5, 5)
    ]
    added = _bracketed_acronyms(text, found, load_entity_rules())
    assert [(text[a.start : a.end], a.abbreviates) for a in added] == [("HOMEX", 0)]
    groups = _groups(nlp, text)
    assert groups["Hwasong Mining Export Corporation"] >= {"HOMEX"}


def test_the_typing_file_uses_the_shared_list_check(tmp_path: Path) -> None:
    data = yaml.safe_load(TYPING_RULES_PATH.read_text(encoding="utf-8"))
    data["known_organisations"] = ["Yonhap", 3]
    with pytest.raises(RulesError, match=r"'known_organisations' must be a list of strings"):
        parse_typing_rules(tmp_path / "typing.yaml", data)
    # the shared check keeps names as written; the relation files' phrases are normalised
    assert rule_strings(Path("x.yaml"), {"k": ["The Guardian"]}, "k") == ("The Guardian",)
    assert rule_phrases(Path("x.yaml"), {"k": ["The Guardian"]}, "k") == ("guardian",)
    assert "The Guardian" in load_typing_rules().known_organisations


@pytest.mark.parametrize(
    "text",
    [
        "The Minister of Labour on Monday said the permits would end.",
        "Deputy Minister of Fisheries for Coastal Affairs Ann Moor resigned.",
        "The Secretary of State for Trade on Friday said so.",
    ],
)
def test_a_portfolio_after_a_title_names_no_organisation(nlp: Language, text: str) -> None:
    found = _found(nlp, text)
    assert not any(schema == "Organization" for schema in found.values()), found


def test_a_body_after_a_title_with_a_portfolio_is_an_organisation(nlp: Language) -> None:
    text = "The Under Secretary of the Treasury for Sanctions Policy Ann Moor spoke."
    found = _found(nlp, text)
    assert found.get("Treasury") == "Organization" and found.get("Ann Moor") == "Person"


def test_a_patronymic_needs_no_place_tagged_around_it(nlp: Language) -> None:
    component = RuleComponent(nlp)
    doc = nlp.make_doc("Crowds filled Old Ipswich Abbey on Sunday.")
    people = list(component.patronymic_spans(doc))
    assert [span.text for span in people] == ["Old Ipswich Abbey"]  # nothing tagged: read
    doc.ents = [Span(doc, 2, 4, label="GPE")]  # the model tags "Old Ipswich" a place
    assert list(component.patronymic_spans(doc)) == []


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("The U.S. Treasury Department listed the firm. Treasury said it paid workers.", True),
        (
            "U.S. officials said the Treasury would act. The Department of the Treasury "
            "named two firms.",
            True,
        ),
        ("HM Treasury froze the funds. The Treasury said more would follow.", True),
    ],
)
def test_a_bare_treasury_joins_the_authority_of_the_page_country(
    nlp: Language, text: str, joined: bool
) -> None:
    groups = _groups(nlp, text)
    treasury = [name for name, texts in groups.items() if "Treasury" in texts]
    assert treasury and treasury[0] != "Treasury"


def test_a_bare_treasury_on_a_page_about_no_listed_country_stays_alone(nlp: Language) -> None:
    text = "The Treasury in Wellington said the budget would grow. New Zealand will borrow."
    groups = _groups(nlp, text)
    assert groups.get("Treasury") == {"Treasury"}


def test_bare_authorities_must_name_a_known_group() -> None:
    data = yaml.safe_load(TYPING_RULES_PATH.read_text(encoding="utf-8"))
    data["bare_authorities"].append(
        {"name": "Exchequer", "country": "gb", "authority": "Ministry of Coins"}
    )
    with pytest.raises(RulesError, match=r"'Ministry of Coins' is in no authorities group"):
        parse_typing_rules(TYPING_RULES_PATH, data)


def test_the_rule_files_versions_reach_the_extractor_version() -> None:
    assert f".t{load_typing_rules().version}." in extractor_version()
    assert extractor_version().startswith(f"1.r{load_entity_rules().version}")


# ---------------------------------------------------------------- credits and bylines


@pytest.mark.parametrize(
    ("text", "credited"),
    [
        (
            "Cooks at a restaurant in Dandong, May 2, 2013. (Jane Roe/AFP)\nIt closed.",
            {"Jane Roe": "Person", "AFP": "Organization"},
        ),
        (
            "Builders at work in occupied Mariupol PAVEL ORLOV/AFP/GETTY IMAGES\nThey left.",
            {"PAVEL ORLOV": "Person", "GETTY IMAGES": "Organization"},
        ),
        ("A sign at the border.(Pixabank)\nThe border closed.", {"Pixabank": "Company"}),
        ("[Stockfoto Pro]\nHackers stole the funds.", {"Stockfoto Pro": "Company"}),
        (
            "Workers were sent home. File Photo by Minju Joson\nThey left.",
            {"Minju Joson": "Organization"},
        ),
        ("SEOUL, May 2 (UPI) -- About 300 workers left Oman.", {"UPI": "Organization"}),
    ],
)
def test_caption_credits_and_datelines_name_who_is_credited(
    nlp: Language, text: str, credited: dict[str, str]
) -> None:
    found = _found(nlp, text)
    assert {name: found.get(name) for name in credited} == credited
    assert "File Photo" not in found


def test_a_bracketed_acronym_after_a_name_is_no_credit(nlp: Language) -> None:
    found = _found(nlp, "The Korea Fisheries Trading Corporation (KFTC) hired them.")
    assert found.get("KFTC") == "Company"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        (
            "By Jane Doe for Radio Ruritania\n",
            {"Jane Doe": "Person", "Radio Ruritania": "Organization"},
        ),
        ("By 김민수\n", {"김민수": "Person"}),
    ],
)
def test_a_byline_names_the_author_and_the_outlet(
    nlp: Language, byline: str, names: dict[str, str]
) -> None:
    found = _found(nlp, byline + "Workers left the restaurant in May.")
    assert {name: found.get(name) for name in names} == names


@pytest.mark.parametrize("text", ["Due to the COVID-19 pandemic, tourism stopped."])
def test_a_pandemic_is_no_name(nlp: Language, text: str) -> None:
    assert _found(nlp, text) == {}


def test_a_plural_nationality_after_the_is_no_place(nlp: Language) -> None:
    found = _found(nlp, "Most of the North Koreans who work abroad are in China.")
    assert found == {"China": "Place"}
    found = _found(nlp, "The Bahamas and the Philippines signed it.")
    assert found == {"Bahamas": "Place", "Philippines": "Place"}


def test_an_acronym_of_word_beginnings_joins_the_one_name_it_spells(nlp: Language) -> None:
    text = (  # KOTRA skips two of the words: it joins a name written next to it (`entleft`)
        "According to KOTRA, the Korea Trade-Investment Promotion Agency, the workers left. "
        "The KOTRA paper said more would follow."
    )
    groups = _groups(nlp, text)
    assert groups.get("Korea Trade-Investment Promotion Agency", set()) >= {"KOTRA"}


def test_word_beginnings_need_two_words_and_one_name_only() -> None:
    rules = load_entity_rules()
    assert _word_prefixes("KOTRA", "Korea Trade-Investment Promotion Agency", rules)
    assert _word_prefixes("GENCO", "Korea General Corporation for External Construction", rules)
    assert not _word_prefixes("GUR", "Main Intelligence Agency", rules)
    assert not _word_prefixes("KORE", "Korea", rules)  # one word is no acronym


@pytest.mark.parametrize(
    "text",
    [
        "Its neighbour (Ruritania) – a key partner – refused to vote.",
        "The Panel named the Ruritania Mining Corporation (RMC)— a state firm — in May.",
    ],
)
def test_a_bracketed_name_before_a_dash_is_no_dateline_agency(text: str) -> None:
    assert caption_credits(text, frozenset()) == []


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("SEOUL, May 2 (UPI) -- The ship left port.", "UPI"),
        ("NEW YORK (Reuters) — The ship left port.", "Reuters"),
        ("Riga, Jan. 3 (LETA) – The ship left port.", "LETA"),
    ],
)
def test_the_agency_of_a_dateline_is_credited(text: str, agency: str) -> None:
    names = [text[p.start : p.end] for p in caption_credits(text, frozenset())]
    assert names == [agency]


@pytest.mark.parametrize(
    "text",
    [
        "The loaders worked at night.\n(Photo courtesy of the author)",
        "The decree was published. (in Ruritanian)",
    ],
)
def test_a_bracketed_phrase_in_lower_case_is_no_picture_credit(text: str) -> None:
    assert caption_credits(text, frozenset()) == []


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("A crane loads coal at the port. [Adobe Stock]", "Adobe Stock"),
        ("A crane loads coal at the port.\n(iStock)", "iStock"),
        ("A crane loads coal at the port.(123rf)", "123rf"),
    ],
)
def test_a_bracketed_picture_agency_is_credited(text: str, credit: str) -> None:
    names = [text[p.start : p.end] for p in caption_credits(text, frozenset())]
    assert names == [credit]


def test_a_place_index_left_by_another_rules_object_is_not_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The index cache is keyed by ``id``: an entry another (freed) rules object left under the
    same id must not be served for a new one."""
    import dataclasses

    from sanctionwatch.extract import entities
    from sanctionwatch.extract.rules import load_entity_rules

    rules = load_entity_rules()
    other = dataclasses.replace(rules, places=("Zzyzxville",))
    stale = {"zzyzxville": ["zzyzxville"]}
    monkeypatch.setitem(entities._PLACE_INDEXES, id(rules), (other, stale))
    assert "zzyzxville" not in entities._place_index(rules)
