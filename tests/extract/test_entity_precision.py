"""Entity precision rules for real pages: a country's government is the country, an
abbreviation used as an adjective names no place, acronyms and country-prefixed names join the
right entity, numbered instruments in enumerations (sentences written for these tests)."""

from __future__ import annotations

from spacy.language import Language

from sanctionwatch.extract.entities import (
    _cached_text,
    _Candidate,
    _heading_place,
    _split_coordinated,
    find_mentions,
)
from sanctionwatch.extract.rules import load_entity_rules
from sanctionwatch.extract.types import DocumentContext, Mention
from sanctionwatch.store.offsets import OffsetMap


def _mentions(nlp: Language, text: str) -> list[Mention]:
    return find_mentions(nlp(text), DocumentContext("doc", text, OffsetMap.identity(len(text))))


def _canonicals(mentions: list[Mention], schema: str) -> set[str]:
    return {m.canonical for m in mentions if m.schema == schema}


def test_government_of_a_country_is_the_country(nlp: Language) -> None:
    text = (
        "The Government of Belarus continues to send loggers abroad. "
        "Observers in Belarus say the practice is growing."
    )
    mentions = _mentions(nlp, text)
    assert not [m for m in mentions if "Government" in m.text]
    places = [m for m in mentions if m.canonical == "Belarus"]
    assert len(places) == 2 and len({m.entity_id for m in places}) == 1
    assert all(m.schema == "Place" for m in places)


def test_government_of_something_else_is_kept_as_it_was(nlp: Language) -> None:
    text = "The Government Accountability Office published a review of export controls."
    mentions = _mentions(nlp, text)
    assert any("Accountability" in m.canonical for m in mentions)


def test_abbreviation_used_as_an_adjective_names_no_place(nlp: Language) -> None:
    text = (
        "U.S. officials say the permits violate the ban. "
        "Enforcement of U.S. and UN sanctions is uneven."
    )
    assert "U.S." not in {m.text for m in _mentions(nlp, text) if m.schema == "Place"}


def test_abbreviation_as_a_noun_is_a_place(nlp: Language) -> None:
    text = "The workers never reached the U.S. and stayed in Vladivostok instead."
    assert "U.S." in {m.text for m in _mentions(nlp, text) if m.schema == "Place"}


def test_an_acronym_is_not_short_for_a_longer_name_it_starts(nlp: Language) -> None:
    text = (
        "The U.N. Security Council barred new work permits in September. "
        "U.N. officials say the ban is widely ignored."
    )
    mentions = _mentions(nlp, text)
    council = {m.entity_id for m in mentions if m.canonical == "U.N. Security Council"}
    short = [m for m in mentions if m.text == "U.N."]
    assert council and short
    assert all(m.entity_id not in council for m in short)


def test_name_without_its_country_prefix_joins_the_full_name(nlp: Language) -> None:
    text = (
        "The U.S. Department of Commerce added the firm to its list in March. "
        "A spokesman for the Department of Commerce declined to comment."
    )
    mentions = [m for m in _mentions(nlp, text) if "Commerce" in m.text]
    assert len(mentions) == 2
    assert len({m.entity_id for m in mentions}) == 1
    assert mentions[0].canonical == "U.S. Department of Commerce"


def test_enumerated_resolution_numbers_are_each_an_instrument(nlp: Language) -> None:
    text = (
        "Member states had to expel the laborers under UN Security Council Resolutions 2270 "
        "and 2321, and under Resolutions (UNSCR) 2375, 2397."
    )
    found = _canonicals(_mentions(nlp, text), "LegalInstrument")
    assert found == {f"UN Security Council Resolution {n}" for n in (2270, 2321, 2375, 2397)}
    assert not _canonicals(_mentions(nlp, text), "Organization")


def test_executive_order_with_its_bracketed_abbreviation(nlp: Language) -> None:
    text = "The firm was designated pursuant to Executive Order (E.O.) 13810 and 13722."
    found = _canonicals(_mentions(nlp, text), "LegalInstrument")
    assert found == {"Executive Order 13810", "Executive Order 13722"}


def test_heading_of_common_words_with_an_organisation_head_is_no_company(nlp: Language) -> None:
    text = (
        "Broad Reach, Varied Industries\n\n"
        "Laborers from the North work in construction, fishing and logging across Siberia."
    )
    assert not _canonicals(_mentions(nlp, text), "Company")


def test_heading_name_the_body_repeats_is_kept(nlp: Language) -> None:
    text = (
        "Sinbong Heavy Industries\n\n"
        "Sinbong Heavy Industries sent welders to a shipyard near Nakhodka last spring."
    )
    assert "Sinbong Heavy Industries" in _canonicals(_mentions(nlp, text), "Company")


def test_byline_names_people_also_on_its_continuation_line(nlp: Language) -> None:
    text = (
        "Loggers return to the taiga\n\n"
        "By Miroslava Tkachenko in Khabarovsk and\n\n"
        "Eduard Zvyagintsev in Vladivostok, Russia\n\n"
        "Hundreds of loggers crossed the border in March, officials said."
    )
    people = _canonicals(_mentions(nlp, text), "Person")
    assert {"Miroslava Tkachenko", "Eduard Zvyagintsev"} <= people
    assert not {"Khabarovsk", "Vladivostok"} & people


def test_a_sentence_starting_with_by_is_no_byline(nlp: Language) -> None:
    text = "By October Moscow had sent most of the crews home, the ministry said."
    assert not _canonicals(_mentions(nlp, text), "Person")


def test_two_names_joined_by_and_in_one_model_span_are_split() -> None:
    text = "KOMID paid them. Contracts went to KOMID and Tumen Construction in 2014."
    joint = text.index("KOMID and")
    end = text.index(" in 2014")

    def model(start: int, stop: int) -> _Candidate:
        return _Candidate(start, stop, "Organization", "model", 1, 1)

    split = _split_coordinated(text, [model(0, 5), model(joint, end)])
    assert [text[c.start : c.end] for c in split] == ["KOMID", "KOMID", "Tumen Construction"]
    # a name whose first part is never named alone stays whole
    whole = "Contracts went to Procter and Gamble in 2014."
    start = whole.index("Procter")
    kept = _split_coordinated(whole, [model(start, whole.index(" in 2014"))])
    assert [whole[c.start : c.end] for c in kept] == ["Procter and Gamble"]


def test_compass_word_before_a_region_is_part_of_its_name(nlp: Language) -> None:
    text = "Tensions rose across North-east Asia after the test, officials in Seoul said."
    assert "North-east Asia" in _canonicals(_mentions(nlp, text), "Place")


def test_north_and_south_korea_names_south_korea(nlp: Language) -> None:
    text = "A pipeline through North and South Korea could carry Russian gas to Japan."
    places = _canonicals(_mentions(nlp, text), "Place")
    assert "South Korea" in places
    assert not [p for p in places if " and " in p]


def test_country_nickname_joins_the_country(nlp: Language) -> None:
    text = (
        "North Korea sent more loggers in 2017. Trade with the Hermit Kingdom has since "
        "collapsed, customs data show."
    )
    places = [m for m in _mentions(nlp, text) if m.schema == "Place"]
    ids = {m.entity_id for m in places if m.text in ("North Korea", "Hermit Kingdom")}
    assert len(ids) == 1
    assert {m.canonical for m in places if m.text == "Hermit Kingdom"} == {"North Korea"}


def test_shared_plural_head_gives_the_second_place_a_singular_name(nlp: Language) -> None:
    text = "Moscow recognised the so-called Donetsk and Luhansk People's Republics in 2022."
    assert "Luhansk People's Republic" in _canonicals(_mentions(nlp, text), "Place")


def test_topic_word_glued_to_a_place_in_a_heading_is_dropped(nlp: Language) -> None:
    text = (
        "Daily Digest: Russia and Mongolia Talks\n\n"
        "Officials from Mongolia Talks Bureau met in Ulaanbaatar on Monday to discuss freight."
    )
    rules = load_entity_rules()
    doc = nlp(text)
    heading = _Candidate(text.index("Mongolia"), text.index("\n"), "Place", "model", 1, 1)
    body_start = text.index("Mongolia Talks Bureau")
    body = _Candidate(body_start, body_start + len("Mongolia Talks"), "Place", "model", 1, 1)
    with _cached_text(doc):  # as inside find_mentions
        assert _heading_place(doc, heading, "Mongolia Talks", rules) == "Mongolia"
        assert _heading_place(doc, body, "Mongolia Talks", rules) == "Mongolia Talks"


def test_object_of_an_organisation_head_joins_the_full_name(nlp: Language) -> None:
    text = (
        "The U.S. Department of the Treasury added the firm in March. "
        "Treasury later removed two of its subsidiaries."
    )
    mentions = [m for m in _mentions(nlp, text) if "Treasury" in m.text]
    assert len(mentions) == 2 and len({m.entity_id for m in mentions}) == 1


def test_korean_family_name_im_is_one_token(nlp: Language) -> None:
    text = "The EU listed two nationals, Im Chol Su and Ri Kwang Nam, in April."
    people = _canonicals(_mentions(nlp, text), "Person")
    assert {"Im Chol Su", "Ri Kwang Nam"} <= people
