from __future__ import annotations

from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.screen.lists.eu_journal_csv import EuJournalCsvLoader
from sanctionwatch.screen.lists.eu_xml import EuXmlLoader
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.screen.lists.uk_csv import UkCsvLoader


def _ids(entities: list[EntityProxy]) -> dict[str, EntityProxy]:
    return {e.id: e for e in entities if e.id}


def test_eu_english_name_wins_over_first_alias(fixtures: Path) -> None:
    entities = _ids(list(EuXmlLoader().load(fixtures / "eu_fsf.xml")))
    rungrado = entities["eu-fsf-125696"]
    assert rungrado.get("name") == ["Korea Rungrado General Trading Corporation"]
    assert sorted(rungrado.get("alias")) == ["Trgovska družba Rungrado", "조선릉라도무역총회사"]
    assert rungrado.get("weakAlias") == ["Rungrado"]
    assert rungrado.get("country") == ["kp"]
    assert rungrado.get("address") == ["Segori-dong, Pothonggang District, Pyongyang, NORTH KOREA"]


def test_eu_person_birth_citizenship_passport(fixtures: Path) -> None:
    ryu = _ids(list(EuXmlLoader().load(fixtures / "eu_fsf.xml")))["eu-fsf-130001"]
    assert ryu.schema.name == "Person"
    assert ryu.get("name") == ["Ryu Song Nam"]
    assert ryu.get("alias") == ["Рю Сон Нам"]
    assert ryu.get("birthDate") == ["1982-07-14"]
    assert ryu.get("birthPlace") == ["Pyongyang"]
    assert ryu.get("nationality") == ["kp"]
    assert ryu.get("passportNumber") == ["836120905"]
    assert ryu.get("gender") == ["male"]


def test_eu_sanction_references(fixtures: Path) -> None:
    entities = _ids(list(EuXmlLoader().load(fixtures / "eu_fsf.xml")))
    sanction = entities["eu-fsf-130001-sanction-130001"]
    assert sanction.get("authorityId") == ["EU.4211.33"]
    assert sanction.get("unscId") == ["KPi.954"]
    assert sanction.get("program") == ["PRK"]
    assert sanction.get("listingDate") == ["2017-08-10"]
    assert sanction.get("sourceUrl")[0].startswith("https://eur-lex.europa.eu/")
    pyolbit = entities["eu-fsf-130002"]
    assert pyolbit.get("swiftBic") == ["PYOBKPPY"]
    assert not pyolbit.has("country")  # "00" means unknown


def test_eu_journal_csv(fixtures: Path) -> None:
    entities = _ids(list(EuJournalCsvLoader().load(fixtures / "eu_journal.csv")))
    vessel = entities["eu-journal-32017R1509-XIV.B-118"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO8937675"]
    assert vessel.get("mmsi") == ["445539000"]
    rungrado = entities["eu-journal-32017R1509-XVI.B-42"]
    assert sorted(rungrado.get("alias")) == ["Rungrado Trading Corporation", "조선릉라도무역총회사"]
    yun = entities["eu-journal-32017R1509-XIII.A-7"]
    assert yun.get("birthDate") == ["1944-10-13"]
    assert yun.get("nationality") == ["kp"]
    ryu = entities["eu-journal-32017R1509-XV.A-903"]
    assert ryu.get("passportNumber") == ["836120905"]
    assert ryu.get("weakAlias") == ["Chef Ryu"]
    sanction = entities["eu-journal-32017R1509-XIII.A-7-sanction-XIII.A-7"]
    assert sanction.get("listingDate") == ["2009-07-16"]
    assert "uranium enrichment" in sanction.get("reason")[0]


def test_eu_journal_missing_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="missing columns celex, annex, schema, name"):
        list(EuJournalCsvLoader().load(bad))


def _uk(path: Path) -> dict[str, EntityProxy]:
    return _ids(list(UkCsvLoader().load(path)))


def test_uk_groups_rows_into_one_entity_with_alias_quality(fixtures: Path) -> None:
    entities = _uk(fixtures / "uk_conlist.csv")
    ryu = entities["gb-hmt-13500"]
    assert ryu.get("name") == ["Song Nam RYU"]
    assert ryu.get("alias") == ["Song-nam YU"]
    assert ryu.get("weakAlias") == ["Chef Ryu"]
    assert ryu.get("birthDate") == ["1982-07-14"]
    assert ryu.get("passportNumber") == ["836120905"]
    assert ryu.get("nationality") == ["kp"]
    assert len([e for e in entities.values() if e.schema.name != "Sanction"]) == 3


def test_uk_windows_1252_text_decodes(fixtures: Path) -> None:
    raw = (fixtures / "uk_conlist.csv").read_bytes()
    assert b"\xc9" in raw  # É in Windows-1252, invalid as UTF-8 here
    hwagang = _uk(fixtures / "uk_conlist.csv")["gb-hmt-13510"]
    assert hwagang.get("name") == ["SOCIÉTÉ HWAGANG D’OUTRE-MER"]
    assert hwagang.get("alias") == ["HWAGANG OVERSEAS CONSTRUCTION GROUP"]
    sanction = _uk(fixtures / "uk_conlist.csv")["gb-hmt-13500-sanction-13500"]
    assert "–" in sanction.get("reason")[0]
    assert sanction.get("unscId") == ["KPi.954"]
    assert sanction.get("listingDate") == ["2017-08-10"]


def test_uk_ship_becomes_vessel_with_imo(fixtures: Path) -> None:
    ship = _uk(fixtures / "uk_conlist.csv")["gb-hmt-13556"]
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO8937675"]


def test_uk_wrong_columns(tmp_path: Path, fixtures: Path) -> None:
    no_header = tmp_path / "ConList.csv"
    no_header.write_bytes(b"Last Updated,01/01/2026\r\nfoo,bar\r\n1,2\r\n")
    with pytest.raises(ListFormatError, match="no OFSI header row"):
        list(UkCsvLoader().load(no_header))
    lines = (fixtures / "uk_conlist.csv").read_bytes().split(b"\r\n")
    lines[3] = lines[3] + b",extra,cells"
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ListFormatError, match="line 4 has 38 columns, the header has 36"):
        list(UkCsvLoader().load(ragged))
