"""Units added in session 4: visas, countries, firms by other nouns, designated individuals, a
count of "one" in a list of counts, and counts sharing one noun. Sentences written for the tests."""

from __future__ import annotations

from spacy.language import Language
from test_claims import read


def _found(nlp: Language, text: str) -> list[tuple[str, float, str, str | None]]:
    return [(c.measure, c.value, c.unit, c.as_of) for c in read(nlp, text)]


def test_counts_sharing_one_noun_keep_their_own_kind_and_the_phrase_date(nlp: Language) -> None:
    found = _found(
        nlp, "Mongolia issued 4,120 tourist and 1,870 student visas to North Koreans in 2018."
    )
    assert found == [
        ("tourist_visas_issued:mongolia", 4120, "visas", "2018"),
        ("student_visas_issued:mongolia", 1870, "visas", "2018"),
    ]


def test_visas_granted_in_a_passive_clause(nlp: Language) -> None:
    found = _found(
        nlp, "The agency said 3,400 visas were granted to North Korean citizens in 2017."
    )
    assert [(m.split(":")[0], v, u, d) for m, v, u, d in found] == [
        ("visas_issued", 3400, "visas", "2017")
    ]


def test_countries_where_a_body_builds(nlp: Language) -> None:
    claims = read(
        nlp, "The studio has erected monuments in at least 12 African countries, the panel said."
    )
    assert [(c.measure, c.value, c.unit, c.qualifier) for c in claims] == [
        ("countries_of_operation", 12, "countries", "at_least")
    ]


def test_one_individual_in_a_list_of_counts(nlp: Language) -> None:
    found = _found(nlp, "The Treasury designated one individual and three entities on Tuesday.")
    assert [(m, v, u) for m, v, u, _ in found] == [
        ("designated_individuals", 1, "persons"),
        ("designated_entities", 3, "entities"),
    ]


def test_one_alone_is_not_a_figure(nlp: Language) -> None:
    assert read(nlp, "One worker said the Treasury designated the company on Tuesday.") == []


def test_individuals_are_persons_when_designated(nlp: Language) -> None:
    found = _found(nlp, "The sanctions named two individuals and four entities in the scheme.")
    assert [(m, v, u) for m, v, u, _ in found] == [
        ("designated_individuals", 2, "persons"),
        ("designated_entities", 4, "entities"),
    ]


def test_processors_that_employ_north_koreans_are_employers(nlp: Language) -> None:
    found = _found(nlp, "Reporters found three seafood processors that employ North Koreans.")
    assert [(m, v, u) for m, v, u, _ in found] == [("dprk_workers_employers", 3, "companies")]


def test_numbers_of_nothing_of_interest_stay_out(nlp: Language) -> None:
    text = "The museum has 12 rooms, 3 visas on display and a garden of 40 trees."
    assert read(nlp, text) == []
    assert read(nlp, "The team visited 7 countries on holiday and saw 20 statues.") == []


def test_a_total_over_two_kinds_of_noun_is_not_a_count_of_either(nlp: Language) -> None:
    text = (
        "The ministry on Friday sanctioned eight North Korean nationals and firms over forced "
        "labor. It listed five North Korean nationals and three firms."
    )
    assert [(c.value, c.unit) for c in read(nlp, text)] == [(5, "persons"), (3, "companies")]


def test_a_share_of_wages_after_an_aside(nlp: Language) -> None:
    claims = read(nlp, "The regime takes up to 80% — and sometimes more — of the workers' wages.")
    assert [(c.measure, c.value, c.unit, c.qualifier) for c in claims] == [
        ("dprk_wage_share_withheld", 80, "percent", "at_most")
    ]


def test_bare_counts_after_of_which_count_the_noun_before(nlp: Language) -> None:
    text = (
        "Officials estimated that 60,000 North Korean laborers worked abroad, of which some "
        "20,000 were in Kuwait and 15,000 in Qatar."
    )
    found = [(c.measure, c.value) for c in read(nlp, text)]
    assert found == [
        ("dprk_workers_in:world", 60000),
        ("dprk_workers_in:kuwait", 20000),
        ("dprk_workers_in:qatar", 15000),
    ]


def test_the_data_continues_a_dated_sentence_without_figures(nlp: Language) -> None:
    text = (
        "Border Guard Service figures released on Monday showed that arrivals of North Korean "
        "workers in Mongolia rose sharply last year. The data showed Mongolia issued 5,210 visas."
    )
    claims = read(nlp, text)
    assert [(c.value, c.unit, c.as_of, c.as_of_rule) for c in claims] == [
        (5210, "visas", "2018", "continuation")
    ]
    assert claims[0].asserted_by == "Border Guard Service"


def test_an_opening_without_a_pointer_keeps_the_publication_date(nlp: Language) -> None:
    text = (
        "Customs figures released on Monday showed that arrivals rose sharply last year.\n\n"
        "Mongolia issued 5,210 visas to North Koreans, officials said."
    )
    claims = read(nlp, text)
    assert [(c.value, c.as_of_rule) for c in claims] == [(5210, "document-date")]


def test_one_individual_tagged_an_adjective_is_still_counted(nlp: Language) -> None:
    text = (
        "Friday’s action against three vessels and one individual targets the income the "
        "regime draws from crews overseas."
    )
    found = [(c.measure, c.value, c.unit) for c in read(nlp, text)]
    assert ("designated_individuals", 1, "persons") in found


def test_money_in_more_forms(nlp: Language) -> None:
    cases = {
        "Pyongyang earned US$ 400 million a year from its laborers abroad.": (4e8, "USD", "year"),
        "The project earned KRW 3 billion for the regime from its workers abroad.": (
            3e9,
            "KRW",
            None,
        ),
        "The workers earned 5 billion South Korean won a year for the regime abroad.": (
            5e9,
            "KRW",
            "year",
        ),
        "North Korea earned $2bn from overseas labourers, the report said.": (2e9, "USD", None),
    }
    for text, expected in cases.items():
        claims = read(nlp, text)
        assert [(c.value, c.unit, c.period) for c in claims] == [expected], text


def test_a_monthly_rate_is_a_worker_s_pay_and_a_yearly_sum_the_state_s(nlp: Language) -> None:
    text = (
        "Each worker earns $200-$300 per month on average, the rapporteur said, while the "
        "state earns $1 billion a year from them."
    )
    found = [(c.measure, c.value, c.period) for c in read(nlp, text)]
    assert found == [
        ("dprk_worker_pay", 200, "month"),
        ("dprk_overseas_earnings", 1e9, "year"),
    ]


def test_workers_from_north_korea_are_north_korean_workers(nlp: Language) -> None:
    found = [
        (c.measure, c.value) for c in read(nlp, "Russia deported 30 workers from North Korea.")
    ]
    assert found == [("dprk_workers_expelled_from:russia", 30)]
    hired = read(nlp, "The company hired 150 IT workers from North Korea.")
    assert [(c.measure.split(":")[0], c.value, c.unit) for c in hired] == [
        ("dprk_workers_in", 150, "persons")
    ]
    assert read(nlp, "The firm brought 40 engineers from Germany to Russia.") == []


def test_a_figure_restated_without_its_place_is_kept_once(nlp: Language) -> None:
    text = (
        "About 1,000 North Korean workers remain in Russia, the ministry said. The talks were "
        "long. Officials met twice. The weather was cold. The official repeated that about "
        "1,000 North Korean workers remain."
    )
    assert [c.measure for c in read(nlp, text)] == ["dprk_workers_in:russia"]
    other = text.replace("repeated that about 1,000", "added that about 2,000")
    assert [c.measure for c in read(nlp, other)] == [
        "dprk_workers_in:russia",
        "dprk_workers_in:unspecified",
    ]
