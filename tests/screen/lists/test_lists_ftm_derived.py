from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.screen.lists.derived_json import DerivedJsonLoader
from sanctionwatch.screen.lists.ftm_json import FtmJsonLoader
from sanctionwatch.screen.lists.types import ListFormatError


def test_ftm_ids_prefixed_including_entity_references(fixtures: Path) -> None:
    entities = {e.id: e for e in FtmJsonLoader().load(fixtures / "opensanctions.ftm.json")}
    assert set(entities) == {
        "os-NK-9kHqwTv6b5nW",
        "os-NK-sanction-1",
        "os-NK-vessel-1",
        "os-NK-person-1",
    }
    assert entities["os-NK-sanction-1"].get("entity") == ["os-NK-9kHqwTv6b5nW"]
    company = entities["os-NK-9kHqwTv6b5nW"]
    assert "조선별빛무역회사" in company.get("alias")
    assert "sanction" in company.get("topics")
    assert entities["os-NK-person-1"].get("weakAlias") == ["Chef Ryu"]
    assert entities["os-NK-vessel-1"].get("imoNumber") == ["IMO8937675"]


def test_ftm_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "entities.ftm.json"
    bad.write_text('{"id": "x", "schema": "Person", "properties": {}}\n{not json\n', "utf-8")
    with pytest.raises(ListFormatError, match="line 2: invalid JSON"):
        list(FtmJsonLoader().load(bad))
    bad.write_text('{"id": "x", "schema": "Spaceship"}\n', "utf-8")
    with pytest.raises(ListFormatError, match="unknown FtM schema"):
        list(FtmJsonLoader().load(bad))


def test_derived_names(fixtures: Path) -> None:
    entities = {e.id: e for e in DerivedJsonLoader().load(fixtures / "derived_names.json")}
    rungrado = entities["derived-eu-125696"]
    assert "Korea Rungrado General Trading Corporation" in rungrado.get("alias")
    ryu = entities["derived-un-KPi.954"]
    assert ryu.schema.name == "Person"
    assert ryu.get("passportNumber") == ["836120905"]
    pugang_sanctions = [
        e
        for e in entities.values()
        if e.schema.name == "Sanction" and e.get("entity") == ["derived-eu-KPe.038"]
    ]
    assert sorted(s.get("authority")[0] for s in pugang_sanctions) == [
        "Council of the European Union",
        "United Nations Security Council",
    ]
