"""Company or Organization from the evidence around a name, spans that carry over (titles with
portfolios, lower-case heads, apostrophes, Korean names, bylines) and short forms of authorities
(sentences and names invented for these tests, in varied forms)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from sanctionwatch.extract.entities import extractor_version, find_mentions, find_roles
from sanctionwatch.extract.entity_typing import (
    TYPING_RULES_PATH,
    authority_key,
    load_typing_rules,
    load_typing_rules_file,
    parse_typing_rules,
)
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.extract.ruler import GazetteerName, RuleComponent
from sanctionwatch.extract.rules import RulesError, load_entity_rules, name_head
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.offsets import OffsetMap


def _context(text: str) -> DocumentContext:
    return DocumentContext("doc", text, OffsetMap.identity(len(text)))


def _mentions(nlp: Language, text: str) -> list[Mention]:
    return find_mentions(nlp(text), _context(text))


def _schema_of(nlp: Language, text: str, name: str) -> str | None:
    found = [m.schema for m in _mentions(nlp, text) if m.text == name]
    return found[0] if found else None


def _entities(mentions: list[Mention]) -> dict[str, set[str]]:
    """Canonical name -> every text its mentions were written as."""
    groups: dict[str, set[str]] = {}
    for mention in mentions:
        groups.setdefault(mention.canonical, set()).add(mention.text)
    return groups


# ---------------------------------------------------------------- data file


def test_typing_rules_load_and_version_reaches_the_extractor_version() -> None:
    rules = load_typing_rules()
    assert "hire" in rules.business_verbs and "employees" in rules.owned_nouns
    assert rules.anaphora_nouns["company"] == "Company"
    assert rules.gazetteer_schemata["LegalEntity"] == "Company"
    assert f".t{rules.version}." in extractor_version()


def test_typing_rules_missing_key_names_the_file_and_key(tmp_path: Path) -> None:
    data = yaml.safe_load(TYPING_RULES_PATH.read_text(encoding="utf-8"))
    del data["business_verbs"]
    path = tmp_path / "typing.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RulesError, match=r"typing\.yaml: 'business_verbs'") as raised:
        load_typing_rules_file(path)
    assert isinstance(raised.value, RuleFileError)  # the shared check raises it, unwrapped
    assert raised.value.__cause__ is None


def test_typing_rules_refuse_unknown_schema_and_a_name_in_two_groups() -> None:
    data = yaml.safe_load(TYPING_RULES_PATH.read_text(encoding="utf-8"))
    data["anaphora_nouns"]["firm"] = "Firm"
    with pytest.raises(RulesError, match=r"anaphora_nouns\.firm"):
        parse_typing_rules(Path("typing.yaml"), data)
    data = yaml.safe_load(TYPING_RULES_PATH.read_text(encoding="utf-8"))
    data["authorities"].append(["US Treasury", "Ministry of Finance"])
    with pytest.raises(RulesError, match=r"'US Treasury' is in two groups"):
        parse_typing_rules(Path("typing.yaml"), data)


def test_authority_key_ignores_case_dots_and_the() -> None:
    assert authority_key("the U.S. Treasury") == authority_key("US treasury")


@pytest.mark.parametrize(
    ("words", "schema"),
    [
        ("Kwangmyong Construction", "Company"),
        ("Ministry of Construction", "Organization"),
        ("Overseas Construction Bureau", "Organization"),
        ("Sinhung Project Group of Companies", "Company"),
        ("Bank of Dandong", "Company"),
        ("Paektu Haeun", None),
    ],
)
def test_name_head_is_the_leading_head_before_a_connector_else_the_last(
    words: str, schema: str | None
) -> None:
    assert name_head(words.split(), load_entity_rules()) == schema


# ---------------------------------------------------------------- Company from evidence


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Kwangmyong Construction sent 300 workers to Vladivostok last year.",
            "Kwangmyong Construction",
        ),
        ("Haegum Industrial exported coal to China through Nampo.", "Haegum Industrial"),
        ("The sanctions also named Chollima Ventures on Friday.", "Chollima Ventures"),
        ("Investors in Ryongsong Engineering lost money.", "Ryongsong Engineering"),
    ],
)
def test_business_head_words_type_a_company_without_a_legal_form(
    nlp: Language, text: str, name: str
) -> None:
    assert _schema_of(nlp, text, name) == "Company"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sobaek Haeun, an IT front, placed workers in Laos.", "Sobaek Haeun"),
        ("Ryonbong, a supplier of machine parts, was named.", "Ryonbong"),
        ("Kumrung, a Dandong-based trading company, hired 30 workers.", "Kumrung"),
        ("The shipping company Tonghae Haeun operated two vessels.", "Tonghae Haeun"),
        (
            "Officials said front company Ryonghung Development paid the workers.",
            "Ryonghung Development",
        ),
        ("The IT firm Haedong Solutions hired engineers in Shenyang.", "Haedong Solutions"),
    ],
)
def test_the_noun_a_name_is_apposed_to_or_named_by_types_it(
    nlp: Language, text: str, name: str
) -> None:
    assert _schema_of(nlp, text, name) == "Company"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Radio Free Asia reported that Haedong hired 20 workers.", "Haedong"),
        ("The workers were employed by Sinpo Haeun in Russia.", "Sinpo Haeun"),
        ("Kumsong's employees were paid in cash, the report said.", "Kumsong"),
        ("Korea Haegum's North Korean workers were sent home.", "Korea Haegum"),
        ("Sonbong Tech sent engineers to Laos in 2019. The company denies it.", "Sonbong Tech"),
        (
            "Kyonghung Maritime sent engineers to Laos in 2019. The firm denies it.",
            "Kyonghung Maritime",
        ),
    ],
)
def test_business_verbs_owned_nouns_and_the_company_type_a_guessed_name(
    nlp: Language, text: str, name: str
) -> None:
    assert _schema_of(nlp, text, name) == "Company"


@pytest.mark.parametrize(
    "text",
    [
        "Sinpo Haeun, a Chinese trading firm, paid them.",
        "Sinpo Haeun is a shipping company registered in Hong Kong.",
        "Sinpo Haeun (a shipping company) paid them.",
        "Auditors say Sinpo Haeun, another Dandong-based IT company, paid them.",
    ],
)
def test_a_name_the_model_misses_is_found_by_its_appositive(nlp: Language, text: str) -> None:
    assert _schema_of(nlp, text, "Sinpo Haeun") == "Company"


@pytest.mark.parametrize(
    ("text", "name", "schema"),
    [
        ("China, a major importer of coal, paid them.", "China", "Place"),
        ("In Russia, a company hired them.", "Russia", "Place"),
        ("Jane Roe, a firm believer in sanctions, spoke.", "Jane Roe", "Person"),
        ("Kim Chol Su, a company director, spoke.", "Kim Chol Su", "Person"),
    ],
)
def test_an_appositive_types_no_country_and_no_person_it_only_modifies(
    nlp: Language, text: str, name: str, schema: str
) -> None:
    assert _schema_of(nlp, text, name) == schema


@pytest.mark.parametrize(
    "text",
    [
        "Haeju exported coal to China last year.",
        "Haeju workers were sent to Russia.",
        "Kursk factories hired workers from abroad.",
    ],
)
def test_a_town_that_exports_or_has_workers_stays_a_place(nlp: Language, text: str) -> None:
    place = text.split()[0]
    assert _schema_of(nlp, text, place) == "Place"


def test_the_company_needs_to_be_the_next_subject(nlp: Language) -> None:
    text = "Kyonghung Maritime sent engineers to Laos. Officials at the company deny it."
    assert _schema_of(nlp, text, "Kyonghung Maritime") == "Organization"
    named = "Kyonghung Maritime sent engineers to Laos. The company Sobaek denies it."
    assert _schema_of(nlp, named, "Kyonghung Maritime") == "Organization"


@pytest.mark.parametrize(
    ("text", "name", "schema"),
    [
        ("The Workers' Party of Korea hired cadres.", "Workers' Party of Korea", "Organization"),
        ("Kim Il Sung University hired lecturers.", "Kim Il Sung University", "Organization"),
        ("The Korean People's Army exported coal.", "Korean People's Army", "Organization"),
        (
            "The Ministry of Construction hired programmers.",
            "Ministry of Construction",
            "Organization",
        ),
        (
            "The Overseas Construction Bureau sent them.",
            "Overseas Construction Bureau",
            "Organization",
        ),
        (
            "The Korean Central News Agency reported the visit. The agency said so.",
            "Korean Central News Agency",
            "Organization",
        ),
        (
            "Mansudae Art Studio made statues. The company denies it.",
            "Mansudae Art Studio",
            "Organization",
        ),
        ("Kim Joo-il, a former army officer, said so.", "Kim Joo-il", "Person"),
        ("Kim Chol Su hired 20 workers. The company paid them.", "Kim Chol Su", "Person"),
        ("John Smith's employees were paid.", "John Smith", "Person"),
    ],
)
def test_state_bodies_parties_media_and_people_do_not_flip(
    nlp: Language, text: str, name: str, schema: str
) -> None:
    assert _schema_of(nlp, text, name) == schema


def test_a_short_form_typed_by_a_verb_stays_with_the_head_typed_name(nlp: Language) -> None:
    text = "Mansudae Art Studio is run by the state. Buyers say Mansudae sells statues abroad."
    schemata = {m.text: m.schema for m in _mentions(nlp, text)}
    assert schemata == {"Mansudae Art Studio": "Organization", "Mansudae": "Organization"}


def _with_gazetteer(nlp: Language, text: str, schema: str, name: str) -> list[Mention]:
    component = RuleComponent(nlp)
    component.set_gazetteer([GazetteerName(name, schema, "un_sc")])
    doc = component(nlp(text))
    return find_mentions(doc, _context(text))


def test_a_listed_legal_entity_is_a_company_unless_its_head_says_otherwise(
    nlp: Language,
) -> None:
    firm = _with_gazetteer(
        nlp, "Buyers met Sonbong Pyolmuri in May.", "LegalEntity", "Sonbong Pyolmuri"
    )
    assert [(m.text, m.schema) for m in firm] == [("Sonbong Pyolmuri", "Company")]
    text = "Buyers met the Songun Guidance Bureau in May."
    body = _with_gazetteer(nlp, text, "LegalEntity", "Songun Guidance Bureau")
    assert [(m.text, m.schema) for m in body] == [("Songun Guidance Bureau", "Organization")]


def test_a_listed_name_with_its_acronym_in_brackets_is_the_name_and_its_short_form(
    nlp: Language,
) -> None:
    listed = "Ministry of the Coastal Guard Forces (MCGF)"
    text = f"The EU listed the {listed} in May. The MCGF denied it."
    mentions = _with_gazetteer(nlp, text, "Organization", listed)
    name = "Ministry of the Coastal Guard Forces"
    assert _entities(mentions)[name] == {name, "MCGF"}
    assert not any("(" in mention.text for mention in mentions)


# ---------------------------------------------------------------- spans


@pytest.mark.parametrize(
    ("text", "person", "organisation"),
    [
        (
            "Under Secretary of the Treasury for Terrorism and Financial Intelligence "
            "Mark T. Ellison said the network was dismantled.",
            "Mark T. Ellison",
            "Treasury",
        ),
        (
            "Assistant Secretary of State for East Asian and Pacific Affairs Daniel Kritenbrink "
            "visited Seoul.",
            "Daniel Kritenbrink",
            None,
        ),
        (
            "Deputy Minister of Labour for Overseas Employment Ada Vorn denied it.",
            "Ada Vorn",
            None,
        ),
        (
            "Vice Minister of the Interior for Migration Affairs Kim Chol Su attended.",
            "Kim Chol Su",
            None,
        ),
    ],
)
def test_a_title_with_a_portfolio_gives_the_person_and_the_authority(
    nlp: Language, text: str, person: str, organisation: str | None
) -> None:
    found = {m.text: m.schema for m in _mentions(nlp, text)}
    assert found.get(person) == "Person"
    assert not any(("Terrorism" in n or "Affairs" in n or "Overseas" in n) for n in found)
    if organisation is not None:
        assert found.get(organisation) == "Organization"
    else:  # a portfolio ("Labour", "State", "the Interior") names no organisation
        assert [name for name, schema in found.items() if schema == "Organization"] == []


def test_a_title_without_a_holder_leaves_only_the_authority(nlp: Language) -> None:
    text = "The Under Secretary of the Treasury for Terrorism and Financial Intelligence said so."
    assert {m.text: m.schema for m in _mentions(nlp, text)} == {"Treasury": "Organization"}


def test_the_title_with_its_portfolio_becomes_the_position(nlp: Language) -> None:
    text = (
        "Under Secretary of the Treasury for Terrorism and Financial Intelligence "
        "Mark T. Ellison said the network was dismantled."
    )
    doc = nlp(text)
    roles = find_roles(doc, find_mentions(doc, _context(text)))
    positions = {role.mention.text: role.text for role in roles}
    assert positions["Mark T. Ellison"].startswith("Under Secretary of the Treasury for Terrorism")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Members of the North Korea Human Rights Watch Functions division interviewed them.",
            "North Korea Human Rights Watch Functions division",
        ),
        ("The Kangso Youth Labour committee met twice.", "Kangso Youth Labour committee"),
    ],
)
def test_a_lower_case_head_after_the_name_belongs_to_it(
    nlp: Language, text: str, name: str
) -> None:
    assert name in {m.text for m in _mentions(nlp, text)}


def test_a_role_after_the_lower_case_head_keeps_it_out(nlp: Language) -> None:
    text = "The Asia Press International bureau chief in Osaka said so."
    names = {m.text for m in _mentions(nlp, text)}
    assert "Asia Press International" in names and not any("bureau" in n for n in names)


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_curly_and_straight_apostrophes_keep_a_name_whole(nlp: Language, apostrophe: str) -> None:
    text = (
        f"The Ministry of the People{apostrophe}s Armed Forces runs units abroad, and the "
        f"Workers{apostrophe} Party of Korea sends its cadres."
    )
    names = {m.text for m in _mentions(nlp, text)}
    assert f"Ministry of the People{apostrophe}s Armed Forces" in names
    assert f"Workers{apostrophe} Party of Korea" in names


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("South Korean lawmaker Wi Sung Lac said the workers were sent to Kursk.", "Wi Sung Lac"),
        ("Former envoy Bae Ki Chan met the delegation.", "Bae Ki Chan"),
        ("The trader Ku Bon Chol was named.", "Ku Bon Chol"),
        ("Foreign Minister Choe Son Hui met the delegation.", "Choe Son Hui"),
    ],
)
def test_a_three_syllable_korean_name_is_not_split(nlp: Language, text: str, person: str) -> None:
    people = {m.text for m in _mentions(nlp, text) if m.schema == "Person"}
    assert people == {person}


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "Officials also named Russian national Vitaliy Sergeyevich Andreyev.",
            "Vitaliy Sergeyevich Andreyev",
        ),
        ("Mariya Ivanovna Petrova, a customs broker, signed it.", "Mariya Ivanovna Petrova"),
    ],
)
def test_a_name_with_a_patronymic_is_a_person(nlp: Language, text: str, person: str) -> None:
    assert _schema_of(nlp, text, person) == "Person"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Delegates at The Munich Security Conference met on Friday.", "Munich Security"),
        ("Officials in East Greenwich Village said the shop had closed.", "Greenwich"),
        ("Ministers flew to The Ostrich Farm Hotel for the talks.", "Ostrich"),
    ],
)
def test_a_place_or_an_event_ending_in_ich_is_no_patronymic(
    nlp: Language, text: str, words: str
) -> None:
    people = [m.text for m in _mentions(nlp, text) if m.schema == "Person"]
    assert not any(words in name for name in people), people


def test_cited_news_organisations_are_found_as_written(nlp: Language) -> None:
    text = "Workers left in May, Yonhap reported. The guardian of one worker told Daily NK more."
    found = {m.text: m.schema for m in _mentions(nlp, text)}
    assert found.get("Yonhap") == "Organization" and found.get("Daily NK") == "Organization"
    assert not any("guardian" in name for name in found)


@pytest.mark.parametrize(
    "byline",
    ["By Tomas Varga and Ilse Brandt\n", "Reporting by Tomas Varga and Ilse Brandt\n"],
)
def test_a_byline_pair_is_two_people(nlp: Language, byline: str) -> None:
    text = byline + "Workers were sent to Tomsk in May."
    people = {m.text for m in _mentions(nlp, text) if m.schema == "Person"}
    assert people == {"Tomas Varga", "Ilse Brandt"}


# ---------------------------------------------------------------- short forms


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Treasury Department sanctioned the firm. Treasury said it earned millions.",
        "The Department of the Treasury acted on Monday. The Treasury Department said so.",
        "The U.S. Department of the Treasury named two firms, the US Treasury said.",
    ],
)
def test_treasury_short_forms_join_the_full_name(nlp: Language, text: str) -> None:
    groups = _entities([m for m in _mentions(nlp, text) if "Treasury" in m.text])
    assert len(groups) == 1, groups
    assert len(next(iter(groups.values()))) == 2


def test_authorities_of_two_countries_stay_apart(nlp: Language) -> None:
    text = "HM Treasury froze the funds, and the U.S. Treasury Department listed the firm."
    groups = _entities(_mentions(nlp, text))
    assert groups["HM Treasury"] == {"HM Treasury"}
    assert groups["U.S. Treasury Department"] == {"U.S. Treasury Department"}


def test_security_council_joins_the_un_security_council(nlp: Language) -> None:
    text = "The UN Security Council met in May. The Security Council then listed two firms."
    groups = _entities([m for m in _mentions(nlp, text) if "Council" in m.text])
    assert groups == {"UN Security Council": {"UN Security Council", "Security Council"}}


def test_an_acronym_in_brackets_is_the_short_form_of_the_name_before_it(nlp: Language) -> None:
    text = (
        "OFAC designated Korea Mining Development Trading Corporation (KOMID) in 2016. "
        "Buyers say KOMID sold arms."
    )
    groups = _entities(_mentions(nlp, text))
    komid = groups["Korea Mining Development Trading Corporation"]
    assert "KOMID" in komid
    schemata = {m.schema for m in _mentions(nlp, text) if m.text == "KOMID"}
    assert schemata == {"Company"}


def test_an_acronym_whose_letters_are_not_in_the_name_stays_apart(nlp: Language) -> None:
    text = "Buyers met Sinhung Trading Corporation (RGB) in May."
    groups = _entities(_mentions(nlp, text))
    assert groups.get("Sinhung Trading Corporation") == {"Sinhung Trading Corporation"}
