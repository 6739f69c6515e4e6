from __future__ import annotations

from pathlib import Path

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.un_xml import UnXmlLoader


def _load(fixtures: Path) -> dict[str, EntityProxy]:
    return {e.id: e for e in UnXmlLoader().load(fixtures / "un_consolidated.xml") if e.id}


def test_persons_and_entities_with_sanctions(fixtures: Path) -> None:
    entities = _load(fixtures)
    schemata = sorted(e.schema.name for e in entities.values())
    assert schemata.count("Person") == 2
    assert schemata.count("Organization") == 3
    assert schemata.count("Sanction") == 5


def test_person_names_aliases_dates(fixtures: Path) -> None:
    kim = _load(fixtures)["un-sc-KPi.066"]
    assert kim.get("name") == ["KIM JONG SIK", "김정식"]
    assert kim.get("alias") == ["Kim Cho'ng-sik"]
    assert not kim.has("weakAlias")
    assert kim.get("birthDate") == ["1967", "1968", "1969"]
    assert kim.get("nationality") == ["kp"]
    assert "sanction" in kim.get("topics")


def test_documents_and_place_of_birth(fixtures: Path) -> None:
    ryu = _load(fixtures)["un-sc-KPi.954"]
    assert ryu.get("passportNumber") == ["836120905"]
    assert ryu.get("alias") == ["Yu Song-nam"]
    assert ryu.get("weakAlias") == ["Chef Ryu"]  # QUALITY Low
    assert ryu.get("idNumber") == ["ID-7781"]
    assert ryu.get("birthDate") == ["1982-07-14"]
    assert ryu.get("birthCountry") == ["kp"]
    assert ryu.get("country") == ["cn"]
    assert ryu.get("address") == ["Dandong, China"]


def test_entity_aliases_previous_names_and_script(fixtures: Path) -> None:
    hwagang = _load(fixtures)["un-sc-KPe.950"]
    assert hwagang.schema.name == "Organization"
    assert "화강해외건설그룹" in hwagang.get("name")
    assert hwagang.get("alias") == ["Hwagang Overseas Projects"]
    assert hwagang.get("previousName") == ["Hwagang Art Studio Foreign Office"]
    assert sorted(hwagang.get("country")) == ["kp", "na"]


def test_sanction_carries_reference_program_date_reason(fixtures: Path) -> None:
    entities = _load(fixtures)
    sanctions = [
        e
        for e in entities.values()
        if e.schema.name == "Sanction" and e.get("unscId") == ["KPe.038"]
    ]
    assert len(sanctions) == 1
    sanction = sanctions[0]
    assert sanction.get("entity") == ["un-sc-KPe.038"]
    assert sanction.get("authority") == ["United Nations Security Council"]
    assert sanction.get("program") == ["DPRK"]
    assert sanction.get("listingDate") == ["2016-11-30"]
    assert "defence conglomerate" in sanction.get("reason")[0]
    assert sanction.get("sourceUrl")[0].startswith("https://scsanctions.un.org/")


def test_imo_number_read_from_comments(fixtures: Path) -> None:
    pyolbit = _load(fixtures)["un-sc-KPe.976"]
    assert pyolbit.get("imoNumber") == ["IMO5937148"]


def test_ids_are_deterministic(fixtures: Path) -> None:
    first = sorted(_load(fixtures))
    second = sorted(_load(fixtures))
    assert first == second
    assert "un-sc-KPe.038" in first
