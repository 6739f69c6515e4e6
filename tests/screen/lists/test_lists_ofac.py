from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.screen.lists.ofac_csv import OfacCsvLoader, split_programs, split_remarks
from sanctionwatch.screen.lists.ofac_xml import OfacXmlLoader
from sanctionwatch.screen.lists.types import ListFormatError


def _csv(path: Path) -> dict[str, EntityProxy]:
    return {e.id: e for e in OfacCsvLoader().load(path) if e.id}


def test_csv_schemata_and_one_sanction_each(fixtures: Path) -> None:
    entities = _csv(fixtures / "ofac" / "sdn.csv")
    schemata = sorted(e.schema.name for e in entities.values() if e.schema.name != "Sanction")
    assert schemata == [
        "Organization",
        "Organization",
        "Organization",
        "Person",
        "Person",
        "Vessel",
    ]
    sanctions = [e for e in entities.values() if e.schema.name == "Sanction"]
    assert len(sanctions) == 6
    assert all(s.get("entity")[0] in entities for s in sanctions)


def test_csv_person_name_order_dob_nationality_and_alt_alias(fixtures: Path) -> None:
    kim = _csv(fixtures / "ofac" / "sdn.csv")["ofac-20157"]
    assert kim.get("name") == ["Jong Un KIM"]
    assert (kim.get("firstName"), kim.get("lastName")) == (["Jong Un"], ["KIM"])
    assert kim.get("birthDate") == ["1984-01-08"]
    assert kim.get("nationality") == ["kp"]
    assert kim.get("gender") == ["male"]
    assert kim.get("alias") == ["Jong-un KIM"]  # from alt.csv
    assert kim.get("position") == ["Chairman, Workers' Party of Korea"]


def test_csv_remarks_aliases_passports_year_range(fixtures: Path) -> None:
    ryu = _csv(fixtures / "ofac" / "sdn.csv")["ofac-99001"]
    assert ryu.get("alias") == ["Song-nam YU"]
    assert sorted(ryu.get("passportNumber")) == ["654321098", "836120905"]
    assert ryu.get("birthDate") == ["1982", "1983", "1984"]
    assert ryu.get("birthPlace") == ["Pyongyang, Korea, North"]
    assert ryu.get("program") == ["DPRK2", "NPWMD"]
    assert ryu.get("email") == ["ryu@example.kp"]  # from sdn_comments.csv


def test_csv_swift_registration_website_and_address(fixtures: Path) -> None:
    bank = _csv(fixtures / "ofac" / "sdn.csv")["ofac-24606"]
    assert bank.get("swiftBic") == ["AGSZRU31", "AGSZRU33"]
    assert bank.get("registrationNumber") == ["1027739112781"]
    assert bank.get("incorporationDate") == ["1993-08-03"]
    assert bank.get("website") == ["http://www.agrosoyuz.ru/"]
    assert bank.get("address") == ["3 Bolshaya Tatarskaya St., Moscow 115184, Russia"]
    assert bank.get("country") == ["ru"]


def test_csv_vessel_details_and_aliases(fixtures: Path) -> None:
    entities = _csv(fixtures / "ofac" / "sdn.csv")
    vessel = entities["ofac-23166"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO8989795"]
    assert vessel.get("mmsi") == ["445123000"]
    assert vessel.get("callSign") == ["HMZF"]
    assert vessel.get("flag") == ["kp"]
    assert vessel.get("type") == ["General Cargo"]
    air = entities["ofac-20520"]
    assert air.get("alias") == ["CHOSON MINHANG"]
    assert sorted(air.get("previousName")) == ["CHOSON MINHANG AIRLINE", "SOVIET-KOREAN AIRWAYS"]
    rungrado = entities["ofac-19613"]
    assert sorted(rungrado.get("alias")) == [
        "KOREA RUNGRADO GENERAL TRADING CORP.",
        "RUNGRADO TRADING CORPORATION",
    ]


def test_csv_sanction_reference_and_programs(fixtures: Path) -> None:
    sanction = _csv(fixtures / "ofac" / "sdn.csv")["ofac-99001-sanction-99001"]
    assert sanction.get("authorityId") == ["99001"]
    assert sorted(sanction.get("programId")) == ["DPRK2", "NPWMD"]
    assert sanction.get("entity") == ["ofac-99001"]


def test_csv_without_companions(fixtures: Path, tmp_path: Path) -> None:
    shutil.copy(fixtures / "ofac" / "sdn.csv", tmp_path / "sdn.csv")
    kim = _csv(tmp_path / "sdn.csv")["ofac-20157"]
    assert not kim.has("alias")
    bank = _csv(tmp_path / "sdn.csv")["ofac-24606"]
    assert not bank.has("address")


def test_csv_wrong_columns_and_header_are_refused(fixtures: Path) -> None:
    with pytest.raises(ListFormatError, match="line 1 has 4 columns, expected 12"):
        list(OfacCsvLoader().load(fixtures / "hostile" / "sdn_short_rows.csv"))
    with pytest.raises(ListFormatError, match=r"sdn_with_header\.csv: line 1"):
        list(OfacCsvLoader().load(fixtures / "hostile" / "sdn_with_header.csv"))


def test_csv_html_and_empty(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="HTML"):
        list(OfacCsvLoader().load(fixtures / "hostile" / "error_page.html"))
    empty = tmp_path / "sdn.csv"
    empty.write_bytes(b"\x1a")
    with pytest.raises(ListFormatError, match="no entries"):
        list(OfacCsvLoader().load(empty))


def test_remark_helpers() -> None:
    assert split_programs("DPRK3] [DPRK4") == ["DPRK3", "DPRK4"]
    assert split_remarks("a.k.a. 'O'NEIL; TRADING'; DOB 1960") == [
        "a.k.a. 'O'NEIL; TRADING'",
        "DOB 1960",
    ]


def _xml(path: Path) -> dict[str, EntityProxy]:
    return {e.id: e for e in OfacXmlLoader().load(path) if e.id}


def test_xml_strong_and_weak_aliases(fixtures: Path) -> None:
    kim = _xml(fixtures / "ofac_sdn.xml")["ofac-20157"]
    assert kim.get("name") == ["Jong Un KIM"]
    assert kim.get("alias") == ["Chong-un KIM"]
    assert not kim.has("weakAlias")
    ryu = _xml(fixtures / "ofac_sdn.xml")["ofac-99001"]
    assert ryu.get("weakAlias") == ["Chef Ryu"]  # category weak
    assert ryu.get("birthPlace") == ["Pyongyang, Korea, North"]
    assert ryu.get("program") == ["DPRK2", "NPWMD"]
    assert kim.get("birthDate") == ["1984-01-08"]
    assert kim.get("nationality") == ["kp"]


def test_xml_identifiers_vessel_and_previous_names(fixtures: Path) -> None:
    entities = _xml(fixtures / "ofac_sdn.xml")
    bank = entities["ofac-24606"]
    assert bank.get("swiftBic") == ["AGSZRU31"]
    assert bank.get("registrationNumber") == ["1027739112781"]
    assert bank.get("alias") == ["АГРОСОЮЗ"]
    assert bank.get("country") == ["ru"]
    assert any("Secondary sanctions risk" in note for note in bank.get("notes"))
    vessel = entities["ofac-23166"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO8989795"]
    assert vessel.get("flag") == ["kp"]
    assert vessel.get("grossRegisteredTonnage") == ["1200"]
    assert entities["ofac-20520"].get("previousName") == ["SOVIET-KOREAN AIRWAYS"]
    sanction = entities["ofac-20157-sanction-20157"]
    assert sanction.get("programId") == ["DPRK3"]
    assert sanction.get("sourceUrl")[0].endswith("SDN.XML")


def test_xml_source_detection_by_file_name(tmp_path: Path) -> None:
    loader = OfacXmlLoader()
    assert loader.detect_source(tmp_path / "sdn.xml") == "us_ofac_sdn"
    assert loader.detect_source(tmp_path / "consolidated.xml") == "us_ofac_cons"


def test_xml_wrong_root(fixtures: Path) -> None:
    with pytest.raises(ListFormatError, match="unexpected root element <CONSOLIDATED_LIST>"):
        list(OfacXmlLoader().load(fixtures / "un_consolidated.xml"))
