"""Named entities: rules over the model, typing from context, coreference, roles."""

from __future__ import annotations

from spacy.language import Language

from sanctionwatch.extract.entities import entity_statements, find_mentions, find_roles
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.offsets import OffsetMap


def context_for(text: str) -> DocumentContext:
    return DocumentContext("doc", text, OffsetMap.identity(len(text)))


def _mentions(nlp: Language, text: str) -> list[Mention]:
    return find_mentions(nlp(text), context_for(text))


def _by_text(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.text: m for m in mentions}


def test_legal_form_makes_a_company_whatever_the_model_says(nlp: Language) -> None:
    text = (
        "Investigators say Brightwater Holdings Limited paid the crew. Orlov Trading LLC did too."
    )
    found = _by_text(_mentions(nlp, text))
    assert found["Brightwater Holdings Limited"].schema == "Company"
    assert found["Orlov Trading LLC"].schema == "Company"


def test_appositive_types_a_bare_name(nlp: Language) -> None:
    text = (
        "Regulators closed Zolotobank, a bank accused of moving cash for Pyongyang. "
        "Taebaeksan, another Khabarovsk-based company, hired forty welders."
    )
    found = _by_text(_mentions(nlp, text))
    assert found["Zolotobank"].schema == "Company"
    assert found["Taebaeksan"].schema == "Company"
    assert found["Khabarovsk"].schema == "Place"


def test_appositive_with_a_non_party_head_drops_the_mention(nlp: Language) -> None:
    text = "Kumgangsan is a mountain on the east coast of the peninsula."
    assert "Kumgangsan" not in _by_text(_mentions(nlp, text))


def test_surname_and_title_forms_join_the_full_name(nlp: Language) -> None:
    text = (
        "Oleg Petrenko runs a sawmill near Khabarovsk. Petrenko said the workers left in May. "
        '"We will miss them," Mr. Petrenko added.'
    )
    mentions = _mentions(nlp, text)
    people = [m for m in mentions if m.schema == "Person"]
    assert len(people) == 3
    assert {m.canonical for m in people} == {"Oleg Petrenko"}
    assert len({m.entity_id for m in people}) == 1
    assert any(m.source == "coref" for m in people)


def test_korean_family_name_first_joins(nlp: Language) -> None:
    text = "Pak Chol Min, a trader in Nakhodka, opposed the ban. Mr. Pak said business was slow."
    people = [m for m in _mentions(nlp, text) if m.schema == "Person"]
    assert {m.canonical for m in people} == {"Pak Chol Min"}
    assert len(people) == 2


def test_distinctive_head_token_joins_the_company(nlp: Language) -> None:
    text = (
        "The Korea Sobaeksu General Trading Corporation sends builders abroad. "
        "Treasury designated Sobaeksu in 2018."
    )
    mentions = [m for m in _mentions(nlp, text) if "Sobaeksu" in m.text]
    assert len(mentions) == 2
    assert {m.canonical for m in mentions} == {"Korea Sobaeksu General Trading Corporation"}
    assert {m.schema for m in mentions} == {"Company"}


def test_acronym_joins_its_expansion(nlp: Language) -> None:
    text = (
        "The Centre for Maritime Security Studies published a map of the ships. "
        "CMSS analysts tracked every transfer."
    )
    found = [m for m in _mentions(nlp, text) if m.schema == "Organization"]
    acronym = [m for m in found if m.text == "CMSS"]
    assert acronym and acronym[0].canonical == "Centre for Maritime Security Studies"


def test_instruments_get_a_canonical_name(nlp: Language) -> None:
    text = (
        "Paragraph 8 of UNSCR 2397 set a deadline. Executive Order 13722 blocks property, "
        "and Council Regulation (EU) 2017/1509 lists the firms. Resolution 2375 came first."
    )
    canon = {m.canonical for m in _mentions(nlp, text) if m.schema == "LegalInstrument"}
    assert canon == {
        "UN Security Council Resolution 2397",
        "Executive Order 13722",
        "Council Regulation (EU) 2017/1509",
        "UN Security Council Resolution 2375",
    }


def test_countries_join_across_spellings_and_nationalities_are_not_entities(
    nlp: Language,
) -> None:
    text = "The United States sanctioned two firms. The U.S. said North Korean workers stayed."
    mentions = _mentions(nlp, text)
    places = [m for m in mentions if m.schema == "Place"]
    assert {m.canonical for m in places} == {"United States"}
    assert len(places) == 2
    assert not any("Korean" in m.text for m in mentions)


def test_junk_is_filtered(nlp: Language) -> None:
    text = "He said it was over. They left on Monday with 300 workers."
    assert _mentions(nlp, text) == []


def test_cyrillic_company_with_legal_form_is_kept_verbatim(nlp: Language) -> None:
    text = "The workers were hired by ООО «Мехянсан» in Irkutsk."
    found = _by_text(_mentions(nlp, text))
    assert found["ООО «Мехянсан»"].schema == "Company"


def test_roles_become_positions(nlp: Language) -> None:
    text = (
        "Irina Volkova, senior researcher at the Baltic Policy Institute, disagreed. "
        "Deputy Foreign Minister Sergei Lavrenko was not available."
    )
    doc = nlp(text)
    mentions = find_mentions(doc, context_for(text))
    roles = {(r.mention.canonical, r.text) for r in find_roles(doc, mentions)}
    assert ("Irina Volkova", "senior researcher at the Baltic Policy Institute") in roles
    assert ("Sergei Lavrenko", "Deputy Foreign Minister") in roles
    statements = entity_statements(context_for(text), mentions, find_roles(doc, mentions))
    positions = [s for s in statements if s.prop == "position"]
    assert positions and all(text[s.start : s.end] == s.value for s in positions)


def test_statements_carry_provenance(nlp: Language) -> None:
    text = "Brightwater Holdings Limited is registered in Cyprus."
    mentions = _mentions(nlp, text)
    statements = entity_statements(context_for(text), mentions)
    names = [s for s in statements if s.prop in ("name", "full")]
    assert names
    for statement in names:
        assert statement.origin == "extract:entities"
        assert statement.origin_version
        assert statement.sentence == text
        assert 0 < statement.confidence <= 1
    country = [s for s in statements if s.prop == "country"]
    assert [s.value for s in country] == ["cy"]


def test_names_across_hyphens_apostrophes_and_parentheses(nlp: Language) -> None:
    text = (
        "The crews were hired through Vostok-Stroy Service LLC in Khabarovsk. "
        "The Pyongyang City Committee of the Workers' Party of Korea oversees the trading firm. "
        "Kumsan Building (Namibia) CC was registered in Windhoek."
    )
    names = {(m.text, m.schema) for m in _mentions(nlp, text)}
    assert ("Vostok-Stroy Service LLC", "Company") in names
    assert ("Workers' Party of Korea", "Organization") in names
    assert ("Kumsan Building (Namibia) CC", "Company") in names
    assert ("Windhoek", "Place") in names


def test_irkutsk_based_keeps_the_place_and_drops_the_modifier(nlp: Language) -> None:
    text = "An Irkutsk-based firm and a U.N.-sanctioned bank were named."
    places = [m.text for m in _mentions(nlp, text) if m.schema == "Place"]
    assert places == ["Irkutsk"]


def test_also_known_as_joins_two_names(nlp: Language) -> None:
    text = "Treasury named Haegumgang Construction Company, also known as Sobong, in 2022."
    mentions = _mentions(nlp, text)
    aka = [m for m in mentions if m.text == "Sobong"]
    assert aka and aka[0].canonical == "Haegumgang Construction Company"
    assert aka[0].schema == "Company"


def test_korean_names_without_help_from_the_model(nlp: Language) -> None:
    text = "The EU listed two nationals, Ri Chol Jin and Choe Myong Sok, as managers."
    people = {m.text for m in _mentions(nlp, text) if m.schema == "Person"}
    assert {"Ri Chol Jin", "Choe Myong Sok"} <= people


def test_a_misspelt_surname_is_the_same_person(nlp: Language) -> None:
    text = "Viktor Melnikov said the crews had left. Later, Viktor Melnikow said they returned."
    people = [m for m in _mentions(nlp, text) if m.schema == "Person"]
    assert len(people) == 2
    assert len({m.entity_id for m in people}) == 1


def test_place_heads_make_places(nlp: Language) -> None:
    text = "North Korean builders worked on the Luzhniki Stadium in Moscow."
    found = _by_text(_mentions(nlp, text))
    assert found["Luzhniki Stadium"].schema == "Place"
