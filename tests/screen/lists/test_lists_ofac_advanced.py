from __future__ import annotations

from pathlib import Path

import pytest
from followthemoney import EntityProxy

from sanctionwatch.screen.lists.ofac_advanced import OfacAdvancedXmlLoader
from sanctionwatch.screen.lists.types import ListFormatError


def _load(fixtures: Path) -> dict[str, EntityProxy]:
    path = fixtures / "ofac_sdn_advanced.xml"
    return {e.id: e for e in OfacAdvancedXmlLoader().load(path) if e.id}


def test_person_names_from_name_parts_and_alias_quality(fixtures: Path) -> None:
    kim = _load(fixtures)["ofac-20157"]
    assert kim.schema.name == "Person"
    assert kim.get("name") == ["Jong Un KIM"]
    assert (kim.get("firstName"), kim.get("lastName")) == (["Jong Un"], ["KIM"])
    assert kim.get("alias") == ["Chong-un KIM"]
    assert not kim.has("weakAlias")
    ryu = _load(fixtures)["ofac-99001"]
    assert ryu.get("name") == ["Song Nam RYU"]
    assert ryu.get("weakAlias") == ["Chef Ryu"]  # LowQuality="true"


def test_features_through_reference_values(fixtures: Path) -> None:
    kim = _load(fixtures)["ofac-20157"]
    assert kim.get("birthDate") == ["1984-01-08"]
    assert kim.get("nationality") == ["kp"]
    assert kim.get("gender") == ["male"]
    assert not kim.has("passportNumber")
    ryu = _load(fixtures)["ofac-99001"]
    assert ryu.get("passportNumber") == ["836120905"]  # IDRegDocuments keyed by identity
    assert ryu.get("nationality") == ["kp"]
    bank = _load(fixtures)["ofac-24606"]
    assert bank.get("swiftBic") == ["AGSZRU31"]
    assert bank.get("address") == ["3 Bolshaya Tatarskaya St., Moscow, Russia"]
    assert bank.get("country") == ["ru"]
    assert bank.get("registrationNumber") == ["1027739112781"]
    assert bank.get("previousName") == ["AGROSOYUZ BANK"]
    assert bank.get("notes") == ["Secondary sanctions risk: NKSR 510.201 and 510.210 apply"]


def test_vessel_and_listing_dates(fixtures: Path) -> None:
    entities = _load(fixtures)
    vessel = entities["ofac-23166"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO8989795"]
    assert vessel.get("flag") == ["kp"]
    assert vessel.get("callSign") == ["HMZF"]
    sanction = entities["ofac-24606-sanction-24606"]
    assert sanction.get("listingDate") == ["2018-08-03"]
    assert sanction.get("programId") == ["DPRK4"]
    assert sanction.get("authorityId") == ["24606"]


def test_wrong_root_is_refused(fixtures: Path) -> None:
    with pytest.raises(ListFormatError, match="expected <Sanctions>"):
        list(OfacAdvancedXmlLoader().load(fixtures / "ofac_sdn.xml"))
