"""Relation extraction on sentences written for these tests: phrasings, negatives, spans."""

from __future__ import annotations

from datetime import date

import pytest
from test_relations_support import extract, rows_of, triples

from sanctionwatch.extract.relations import ORIGIN, RELATION_KINDS, extractor_version
from sanctionwatch.store.offsets import OffsetMap

OWNER = "Zelenov Holdings"
ASSET = "Baltic Timber LLC"
COMPANIES = {OWNER: "Company", ASSET: "Company"}


@pytest.mark.parametrize(
    "text",
    [
        f"{OWNER} owns 49% of {ASSET}.",
        f"{ASSET} is owned by {OWNER}, according to the registry.",
        f"{OWNER} holds a 49 percent stake in {ASSET}.",
        f"{OWNER}, the main shareholder of {ASSET}, declined to comment.",
        f"Investigators said {OWNER} was the majority shareholder in {ASSET}.",
        f"{OWNER} acquired {ASSET} in March 2015.",
        f"{ASSET}, a {OWNER}-owned sawmill, exports to China.",
    ],
)
def test_ownership_phrasings(text: str) -> None:
    rows = rows_of(text, COMPANIES)
    assert ("ownership", OWNER, ASSET) in triples(rows), rows


def test_ownership_percentage_and_date() -> None:
    rows = rows_of(f"{OWNER} owns 49% of {ASSET}.", COMPANIES)
    (row,) = [row for row in rows if row.kind == "ownership"]
    assert row.properties["percentage"] == ["49"]
    acquired = rows_of(f"{OWNER} acquired {ASSET} in March 2015.", COMPANIES)
    assert [r.properties.get("startDate") for r in acquired] == [["2015-03"]]


@pytest.mark.parametrize(
    "text",
    [
        f"{OWNER} did not say who owns {ASSET}.",
        f"{OWNER} and {ASSET} both own ships registered abroad.",
        f"The owner of {ASSET} was not named, and {OWNER} declined to comment.",
        f"{OWNER} said it had never held shares in any company.",
    ],
)
def test_no_ownership_without_both_parties_linked(text: str) -> None:
    rows = rows_of(text, COMPANIES)
    assert not [row for row in rows if row.kind == "ownership"], rows


@pytest.mark.parametrize(
    "text",
    [
        "Zelenov Holdings registered a Russian subsidiary, Amur Forest LLC.",
        "Amur Forest LLC, a subsidiary of Zelenov Holdings, ships timber to Niigata.",
        "Amur Forest LLC is a known Zelenov Holdings subsidiary.",
        "Zelenov Holdings is the parent company of Amur Forest LLC.",
    ],
)
def test_subsidiary_phrasings(text: str) -> None:
    rows = rows_of(text, {OWNER: "Company", "Amur Forest LLC": "Company"})
    assert ("subsidiary", OWNER, "Amur Forest LLC") in triples(rows), rows
    (row,) = [row for row in rows if row.kind == "subsidiary"]
    assert row.schema == "Ownership"


PEOPLE = {
    "Ivan Petrov": "Person",
    "Amur Forest LLC": "Company",
    "Baltic Research Institute": "Organization",
}


@pytest.mark.parametrize(
    ("text", "kind", "target"),
    [
        (
            "Ivan Petrov, director of Amur Forest LLC, refused to comment.",
            "directorship",
            "Amur Forest LLC",
        ),
        (
            "Amur Forest LLC chairman Ivan Petrov defended the contracts.",
            "directorship",
            "Amur Forest LLC",
        ),
        (
            "Ivan Petrov is the general director of Amur Forest LLC.",
            "directorship",
            "Amur Forest LLC",
        ),
        (
            "Ivan Petrov is a senior analyst at Baltic Research Institute.",
            "employment",
            "Baltic Research Institute",
        ),
        (
            "Ivan Petrov works for Baltic Research Institute in Riga.",
            "employment",
            "Baltic Research Institute",
        ),
        (
            "Baltic Research Institute spokesman Ivan Petrov confirmed the visit.",
            "employment",
            "Baltic Research Institute",
        ),
        (
            "The study was led by Ivan Petrov, a fellow at Baltic Research Institute.",
            "employment",
            "Baltic Research Institute",
        ),
    ],
)
def test_people_and_organisations(text: str, kind: str, target: str) -> None:
    rows = rows_of(text, PEOPLE)
    assert (kind, "Ivan Petrov", target) in triples(rows), rows


def test_director_of_a_programme_at_an_institute_gives_both_links() -> None:
    names = {
        "Ivan Petrov": "Person",
        "Arctic Program": "Organization",
        "Baltic Research Institute": "Organization",
    }
    rows = rows_of(
        "Ivan Petrov, director of the Arctic Program at Baltic Research Institute, spoke.", names
    )
    found = triples(rows)
    assert ("directorship", "Ivan Petrov", "Arctic Program") in found
    assert ("employment", "Ivan Petrov", "Baltic Research Institute") in found
    (employment,) = [row for row in rows if row.kind == "employment"]
    assert "director" in employment.properties["role"][0]


@pytest.mark.parametrize(
    "text",
    [
        "Ivan Petrov met the director of Amur Forest LLC last week.",
        "Ivan Petrov criticised Amur Forest LLC and its director.",
        "Amur Forest LLC did not say whether Ivan Petrov ever visited.",
    ],
)
def test_no_person_role_when_the_title_belongs_to_someone_else(text: str) -> None:
    rows = rows_of(text, PEOPLE)
    assert not [row for row in rows if row.kind in ("directorship", "employment")], rows


@pytest.mark.parametrize(
    ("text", "employer", "group"),
    [
        (
            "Amur Forest LLC employs 300 North Korean workers.",
            "Amur Forest LLC",
            "North Korean workers",
        ),
        (
            "Ivan Petrov has hired dozens of North Korean laborers since 2016.",
            "Ivan Petrov",
            "North Korean laborers",
        ),
        (
            "Ivan Petrov said he had employed North Korean builders at his sawmills.",
            "Ivan Petrov",
            "North Korean builders",
        ),
    ],
)
def test_employment_of_worker_groups(text: str, employer: str, group: str) -> None:
    rows = rows_of(text, PEOPLE)
    employments = [row for row in rows if row.kind == "employment"]
    assert [(row.source, row.target) for row in employments] == [(group, employer)], rows
    assert employments[0].properties["description"] == [group]
    assert "employee" not in employments[0].properties  # the group is not a person


def test_worker_group_start_date() -> None:
    rows = rows_of("Ivan Petrov has hired dozens of North Korean laborers since 2016.", PEOPLE)
    assert rows[0].properties["startDate"] == ["2016"]


def test_workers_employed_by_a_country_are_not_a_party_link() -> None:
    rows = rows_of("Russia employs thousands of North Korean workers.", {"Russia": "Place"})
    assert rows == []


MEMBERS = {"Baltic Bank": "Company", "Eurasian Trade Association": "Organization"}


@pytest.mark.parametrize(
    "text",
    [
        "Baltic Bank is a member of the Eurasian Trade Association.",
        "Baltic Bank, an affiliate of the Eurasian Trade Association, denied the report.",
        "Baltic Bank joined the Eurasian Trade Association in 2012.",
    ],
)
def test_membership_phrasings(text: str) -> None:
    rows = rows_of(text, MEMBERS)
    assert ("membership", "Baltic Bank", "Eurasian Trade Association") in triples(rows), rows


FIRMS = {"Arctic Star Ltd": "Company", "Tumen Trading Company": "Company", "Kim Chol": "Person"}


@pytest.mark.parametrize(
    "text",
    [
        "Arctic Star Ltd, a company registered in Cyprus, paid the invoices.",
        "Arctic Star Ltd is registered in Cyprus.",
        "The invoices were paid by Arctic Star Ltd, which was incorporated in Cyprus.",
    ],
)
def test_registration_gives_jurisdiction(text: str) -> None:
    statements, rows = extract(text, FIRMS)
    assert ("registration", "Arctic Star Ltd", "Cyprus") in triples(rows), rows
    jurisdiction = [s for s in statements if s.prop == "jurisdiction"]
    assert [s.value for s in jurisdiction] == ["cy"]
    assert jurisdiction[0].schema == "Company"


def test_based_versus_listed_location() -> None:
    text = "Arctic Star Ltd, a Vladivostok-based firm, was listed as a China-based company."
    statements, rows = extract(text, {"Arctic Star Ltd": "Company"})
    by_prop = {(s.prop, s.value): s for s in statements}
    assert by_prop[("address", "Vladivostok")].original_value == "Vladivostok-based"
    listed = by_prop[("country", "cn")]
    assert listed.original_value == "listed as China-based"
    assert ("notes", "listed as China-based") in by_prop
    bases = {row.properties["basis"][0] for row in rows if row.kind == "location"}
    assert bases == {"listed", "reported"}


def test_a_city_stays_an_address_not_a_country() -> None:
    statements, _ = extract(
        "Arctic Star Ltd, a Washington-based firm, paid.", {"Arctic Star Ltd": "Company"}
    )
    assert [(s.prop, s.value) for s in statements] == [("address", "Washington")]


def test_nationality_reported_and_listed() -> None:
    text = "Kim Chol, a North Korean national, is listed as Vietnamese in the company register."
    statements, _ = extract(text, FIRMS)
    nationality = {(s.value, s.original_value) for s in statements if s.prop == "nationality"}
    assert nationality == {("kp", "North Korean"), ("vn", "listed as Vietnamese")}


def test_listed_nationality_of_a_companys_unnamed_owners() -> None:
    text = (
        "Tumen Trading Company opened new branches while several of its North Korean owners "
        "are listed as Vietnamese."
    )
    rows = rows_of(text, FIRMS)
    nationality = {
        (r.source, r.target, r.properties["basis"][0]) for r in rows if r.kind == "nationality"
    }
    assert nationality == {
        ("Tumen Trading Company", "Vietnam", "listed"),
        ("Tumen Trading Company", "North Korea", "reported"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "Arctic Star Ltd is registered at the same address as Tumen Trading Company.",
        "Arctic Star Ltd shares an address with Tumen Trading Company.",
        "Arctic Star Ltd was set up in 2015. Its address was the same as Tumen Trading Company.",
    ],
)
def test_shared_address_links_both_companies_to_one_address(text: str) -> None:
    statements, rows = extract(text, FIRMS)
    links = {s.entity_id: s.value for s in statements if s.prop == "addressEntity"}
    assert len(links) == 2 and len(set(links.values())) == 1, statements
    (address_id,) = set(links.values())
    assert {s.schema for s in statements if s.entity_id == address_id} == {"Address"}
    pairs = {frozenset((r.source, r.target)) for r in rows if r.kind == "shared_address"}
    assert pairs == {frozenset(("Arctic Star Ltd", "Tumen Trading Company"))}


def test_shared_address_with_unnamed_companies_keeps_them_as_remarks() -> None:
    text = "The trade mission in Khabarovsk has shared its address with nine companies."
    statements, rows = extract(text, {"Khabarovsk": "Place"})
    remarks = {s.value for s in statements if s.prop == "remarks"}
    assert remarks == {"trade mission in Khabarovsk", "nine companies"}
    assert {s.value for s in statements if s.prop == "city"} == {"Khabarovsk"}
    assert len([r for r in rows if r.kind == "shared_address"]) == 1


@pytest.mark.parametrize(
    ("text", "authority", "start"),
    [
        ("The US Treasury sanctioned Tumen Trading Company in 2018.", "United States", "2018"),
        (
            "Tumen Trading Company was designated by the European Union in May 2017.",
            "European Union",
            "2017-05",
        ),
        (
            "Tumen Trading Company was blacklisted by the U.N. last year.",
            "United Nations Security Council",
            "2019",
        ),
        (
            "A unit of UN-sanctioned Tumen Trading Company sold medicine.",
            "United Nations Security Council",
            None,
        ),
    ],
)
def test_designations(text: str, authority: str, start: str | None) -> None:
    rows = rows_of(text, FIRMS, published=date(2020, 5, 1))
    sanctions = [row for row in rows if row.kind == "sanction"]
    assert [(row.source, row.target) for row in sanctions] == [("Tumen Trading Company", authority)]
    assert sanctions[0].schema == "Sanction"
    assert sanctions[0].properties.get("startDate", [None])[0] == start


def test_two_authorities_give_two_sanctions() -> None:
    rows = rows_of("The US and the EU sanctioned Tumen Trading Company in December 2016.", FIRMS)
    found = {(row.target, row.properties["startDate"][0]) for row in rows if row.kind == "sanction"}
    assert found == {("United States", "2016-12"), ("European Union", "2016-12")}


@pytest.mark.parametrize(
    "text",
    [
        "Tumen Trading Company criticised the sanctions imposed by the EU.",
        "The EU sanctioned Russia after the invasion.",
        "Tumen Trading Company was accused by the US of laundering money.",
        "Analysts say the EU might sanction Tumen Trading Company's partners.",
    ],
)
def test_no_designation_without_a_designated_party(text: str) -> None:
    rows = rows_of(text, FIRMS | {"Russia": "Place"})
    assert not [row for row in rows if row.kind == "sanction"], rows


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Tumen Trading Company formed a joint venture with Arctic Star Ltd.", "joint_venture"),
        ("Arctic Star Ltd is a joint venture of Tumen Trading Company.", "joint_venture"),
        ("Arctic Star Ltd is a front for Tumen Trading Company.", "front"),
        ("Arctic Star Ltd acts as a front company for Tumen Trading Company.", "front"),
    ],
)
def test_joint_ventures_and_fronts(text: str, kind: str) -> None:
    rows = rows_of(text, FIRMS)
    matching = [row for row in rows if row.kind == kind]
    assert matching and matching[0].schema == "UnknownLink", rows
    assert {matching[0].source, matching[0].target} == {"Arctic Star Ltd", "Tumen Trading Company"}


def test_fallback_unknown_link_keeps_the_verb() -> None:
    rows = rows_of("Tumen Trading Company supplied Arctic Star Ltd with fuel.", FIRMS)
    assert [(r.kind, r.source, r.target, r.properties["role"]) for r in rows] == [
        ("unknown", "Tumen Trading Company", "Arctic Star Ltd", ["supply"])
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Kim Chol said Arctic Star Ltd was closed in 2019.",
        "Arctic Star Ltd and Tumen Trading Company declined to comment.",
        "Tumen Trading Company is based in Rason, far from Arctic Star Ltd.",
    ],
)
def test_no_link_when_no_verb_links_the_parties(text: str) -> None:
    rows = rows_of(text, FIRMS)
    assert not [r for r in rows if r.kind in ("unknown", "ownership", "employment")], rows


def test_coreference_attaches_links_to_the_canonical_entity() -> None:
    text = "Tumen Trading Company was founded in 2001. Today Tumen owns 60% of Arctic Star Ltd."
    rows = rows_of(text, FIRMS, aliases={"Tumen": "Tumen Trading Company"})
    (row,) = [row for row in rows if row.kind == "ownership"]
    assert row.source == "Tumen Trading Company"
    full = rows_of("Tumen Trading Company owns 60% of Arctic Star Ltd in Moscow.", FIRMS)
    assert row.source_id == full[0].source_id


def test_statements_carry_provenance_and_original_spans() -> None:
    clean = "Tumen Trading Company owns 60% of Arctic Star Ltd."
    original = "<p>Menu</p>\n" + clean
    offsets = OffsetMap([[0, 12, len(clean)]])
    statements, _ = extract(clean, FIRMS, offsets=offsets)
    assert statements
    for statement in statements:
        assert statement.origin == ORIGIN
        assert statement.origin_version == extractor_version()
        assert statement.dataset == "documents"
        assert statement.document_id == "doc-test"
        assert statement.sentence == clean
        assert statement.start is not None and statement.end is not None
        evidence = original[statement.start : statement.end]
        assert "Tumen Trading Company" in evidence and "Arctic Star Ltd" in evidence


def test_the_same_link_twice_is_one_entity_with_two_evidences() -> None:
    text = (
        "Tumen Trading Company owns Arctic Star Ltd outright. "
        "Records confirm that Tumen Trading Company owns Arctic Star Ltd through a trust."
    )
    statements, rows = extract(text, FIRMS)
    ids = {s.entity_id for s in statements if s.prop == "owner"}
    assert len(ids) == 1
    assert len({(s.start, s.end) for s in statements if s.prop == "owner"}) == 2
    assert len([r for r in rows if r.kind == "ownership"]) == 1


def test_every_emitted_kind_is_declared() -> None:
    text = (
        "Tumen Trading Company owns 60% of Arctic Star Ltd through a trust. "
        "Arctic Star Ltd, a company registered in Cyprus, was sanctioned by the EU in 2019. "
        "Kim Chol, director of Arctic Star Ltd, is a North Korean national."
    )
    rows = rows_of(text, FIRMS)
    kinds = {row.kind for row in rows}
    assert {"ownership", "registration", "sanction", "directorship", "nationality"} <= kinds
    assert kinds <= set(RELATION_KINDS)


def test_empty_and_entity_free_documents_give_nothing() -> None:
    assert extract("", {})[0] == []
    assert extract("It rained all week in the port.", {})[0] == []


def test_a_generic_head_after_an_organisation_name_is_that_organisation() -> None:
    names = {"Ivan Petrov": "Person", "Arctic Analytics": "Organization"}
    rows = rows_of("Ivan Petrov, director of the Arctic Analytics program, spoke on Monday.", names)
    assert ("directorship", "Ivan Petrov", "Arctic Analytics") in triples(rows)
    place = rows_of(
        "Ivan Petrov, director of the Riga city program, spoke.",
        {"Ivan Petrov": "Person", "Riga": "Place"},
    )
    assert place == []


@pytest.mark.parametrize(
    "text",
    [
        "Arctic Star Ltd was the main shareholder of Tumen Trading Company's Moscow operation.",
        "Arctic Star Ltd is a shareholder in Tumen Trading Company's Vladivostok branch.",
    ],
)
def test_a_part_of_an_organisation_named_by_its_possessive(text: str) -> None:
    rows = rows_of(text, FIRMS)
    assert ("ownership", "Arctic Star Ltd", "Tumen Trading Company") in triples(rows), rows


@pytest.mark.parametrize(
    ("text", "authority"),
    [
        ("The EU added Tumen Trading Company to Annex XVI in October 2017.", "European Union"),
        ("OFAC put Tumen Trading Company on the SDN list.", "United States"),
    ],
)
def test_adding_to_a_sanctions_list_is_a_designation(text: str, authority: str) -> None:
    rows = rows_of(text, FIRMS)
    assert ("sanction", "Tumen Trading Company", authority) in triples(rows), rows


def test_adding_to_a_list_that_is_not_a_sanctions_list_is_not() -> None:
    rows = rows_of("The EU added Tumen Trading Company to the guest list of the summit.", FIRMS)
    assert not [r for r in rows if r.kind == "sanction"]


@pytest.mark.parametrize(
    "text",
    [
        "Tumen Trading Company's workers were mostly employed in construction.",
        "Hundreds of North Korean workers were hired by Tumen Trading Company in 2017.",
    ],
)
def test_passive_employment_of_workers(text: str) -> None:
    rows = rows_of(text, FIRMS)
    assert [(r.kind, r.target) for r in rows] == [("employment", "Tumen Trading Company")], rows


def test_roles_given_with_described_as() -> None:
    names = {
        "Kim Tong Chol": "Person",
        "Amur Forest LLC": "Company",
        "Baltic Timber LLC": "Company",
    }
    text = (
        "Kim Tong Chol, described as managing director of Amur Forest LLC and deputy managing "
        "director of Baltic Timber LLC, was designated at the same time."
    )
    rows = rows_of(text, names)
    found = triples(rows)
    assert ("directorship", "Kim Tong Chol", "Amur Forest LLC") in found
    assert ("directorship", "Kim Tong Chol", "Baltic Timber LLC") in found
    assert not [r for r in rows if r.kind == "sanction"]  # no authority named


def test_passive_shared_address() -> None:
    text = "Arctic Star Ltd's registered address is shared with four other small companies."
    statements, rows = extract(text, FIRMS)
    assert {s.value for s in statements if s.prop == "remarks"} == {"four other small companies"}
    assert [s.entity_id for s in statements if s.prop == "addressEntity"]
    assert [(r.source, r.target) for r in rows if r.kind == "shared_address"] == [
        ("Arctic Star Ltd", "four other small companies")
    ]
    bare = rows_of("The subcontractor's address is shared with four other companies.", FIRMS)
    assert bare == []  # "the subcontractor" names nobody


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Tumen Trading Company, a lodging business in Khabarovsk, was closed.", "Khabarovsk"),
        ("Tumen Trading Company, a small Khabarovsk bank, was closed.", "Khabarovsk"),
    ],
)
def test_descriptor_places_an_organisation(text: str, value: str) -> None:
    statements, _ = extract(text, FIRMS | {"Khabarovsk": "Place"})
    assert [(s.prop, s.value) for s in statements] == [("address", value)]


def test_a_reporter_in_a_city_does_not_place_the_newspaper() -> None:
    names = {"Ivan Petrov": "Person", "Amur Herald": "Organization", "Moscow": "Place"}
    statements, _ = extract("Ivan Petrov is a reporter for the Amur Herald in Moscow.", names)
    assert not [s for s in statements if s.prop in ("address", "country")]


def test_designated_together_with() -> None:
    text = "OFAC designated Tumen Trading Company together with Arctic Star Ltd in December 2016."
    rows = rows_of(text, FIRMS)
    assert {r.source for r in rows if r.kind == "sanction"} == {
        "Tumen Trading Company",
        "Arctic Star Ltd",
    }


def test_based_in_a_full_address_keeps_the_address() -> None:
    text = "Tumen Trading Company is based in Haebangsan-dong, Central District, Pyongyang."
    statements, _ = extract(text, FIRMS)
    addresses = [s.value for s in statements if s.prop == "address"]
    assert addresses == ["Haebangsan-dong, Central District, Pyongyang"]


def test_the_company_and_it_follow_the_previous_sentence_topic() -> None:
    text = (
        "Tumen Trading Company exports labour to Russia. "
        "The company is a member of the Eurasian Trade Association. "
        "OFAC designated it in 2016, and the EU added it to its sanctions list in 2017."
    )
    rows = rows_of(
        text, FIRMS | {"Eurasian Trade Association": "Organization", "OFAC": "Organization"}
    )
    found = triples(rows)
    assert ("membership", "Tumen Trading Company", "Eurasian Trade Association") in found
    assert ("sanction", "Tumen Trading Company", "United States") in found
    assert ("sanction", "Tumen Trading Company", "European Union") in found


def test_an_acronym_it_is_not_a_pronoun() -> None:
    text = (
        "Tumen Trading Company was founded in 2001. "
        "Managers said IT workers were hired by the firm."
    )
    rows = rows_of(text, FIRMS)
    assert [r.kind for r in rows] == ["employment"]  # "the firm" is Tumen; "IT" is nobody


def test_same_address_as_that_of() -> None:
    text = (
        "Arctic Star Ltd was set up in 2015. The address it gave in Moscow was the same as "
        "that of a North Korean restaurant in the city."
    )
    rows = rows_of(text, FIRMS)
    pairs = [(r.source, r.target) for r in rows if r.kind == "shared_address"]
    assert pairs == [("Arctic Star Ltd", "North Korean restaurant in the city")]


def test_owners_recorded_with_other_nationalities_in_a_relative_clause() -> None:
    text = (
        "Arctic Star Ltd is held by several people with Korean names who are recorded as "
        "Russian or Chinese nationals."
    )
    rows = rows_of(text, FIRMS)
    listed = {(r.source, r.target) for r in rows if r.kind == "nationality"}
    assert listed == {("Arctic Star Ltd", "Russia"), ("Arctic Star Ltd", "China")}
    assert [r.kind for r in rows if r.kind == "ownership"] == ["ownership"]
