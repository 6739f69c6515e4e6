"""Screening against the real OFAC SDN snapshot in ../shared (read at run time, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sanctionwatch.screen.index import ScreeningIndex, make_query_entity
from sanctionwatch.screen.lists.store import read_entities

pytestmark = [pytest.mark.shared, pytest.mark.slow]


SHARED = Path(
    os.environ.get("SANCTIONWATCH_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
)


@pytest.fixture(scope="module")
def ofac_index() -> ScreeningIndex:
    path = SHARED / "data" / "sanctions" / "ofac_sdn_2024-05-03.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return ScreeningIndex.build(read_entities(path, "ofac-csv"))


@pytest.mark.parametrize(
    "spelling", ["Kim Chong-un", "KIM JONG-UN", "김정은", "Ким Чен Ын", "Kim Jongun"]
)
def test_every_spelling_finds_kim_jong_uns_designation(
    ofac_index: ScreeningIndex, spelling: str
) -> None:
    hits = ofac_index.search(make_query_entity(spelling, "Person"), threshold=0.7)
    assert hits, spelling
    top = hits[0]
    assert top.entity.id == "ofac-20157", (top.entity.id, top.entity.caption)
    assert top.result.match


def test_kim_jong_nam_does_not_hit_kim_jong_un(ofac_index: ScreeningIndex) -> None:
    hits = ofac_index.search(make_query_entity("Kim Jong Nam", "Person"), threshold=0.7)
    assert all("JONG UN" not in hit.entity.caption.upper() for hit in hits)


def test_agrosoyuz_found_by_cyrillic_name(ofac_index: ScreeningIndex) -> None:
    hits = ofac_index.search(make_query_entity("Коммерческий банк Агросоюз", "Company"))
    assert hits and "AGROSOYUZ" in hits[0].entity.caption.upper()
