from __future__ import annotations

import tracemalloc

from followthemoney import EntityProxy, model

from sanctionwatch.screen.index import ScreeningIndex, make_query_entity, name_keys
from sanctionwatch.screen.normalize import prepare_name


def make(schema: str, entity_id: str, *names: str, **props: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    for name in names:
        entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def listed() -> list[EntityProxy]:
    entities = [
        make("Person", "kju", "KIM, Jong Un", birthDate="1984-01-08"),
        make("Person", "kjn", "Kim Jong Nam"),
        make("Person", "rpc", "Ri Pyong Chol"),
        make("Company", "pugang", "Korea Pugang Trading Corporation"),
        make("Vessel", "ts2", "Tong San 2"),
        make("Vessel", "ts3", "Tong San 3"),
    ]
    sanction = model.make_entity("Sanction")
    sanction.id = "s1"
    sanction.add("entity", "kju")
    return [*entities, sanction]


def test_kim_jong_un_in_every_spelling_finds_his_designation() -> None:
    index = ScreeningIndex.build(listed())
    for spelling in ("Kim Chong-un", "KIM JONG-UN", "김정은", "Ким Чен Ын", "Kim Jongun"):
        hits = index.search(make_query_entity(spelling, "Person"), threshold=0.5)
        assert hits, spelling
        assert hits[0].entity.id == "kju", (spelling, hits[0].entity.id)
        assert all(hit.entity.id != "kjn" or not hit.result.match for hit in hits)


def test_sanction_entities_are_not_indexed() -> None:
    index = ScreeningIndex.build(listed())
    assert {entity.id for entity in index.entities} == {"kju", "kjn", "rpc", "pugang", "ts2", "ts3"}


def test_schema_incompatible_candidates_are_dropped() -> None:
    index = ScreeningIndex.build(listed())
    hits = index.search(make_query_entity("Tong San 2", "Person"))
    assert all(hit.entity.schema != "Vessel" for hit in hits)


def test_vessel_number_picks_the_right_ship() -> None:
    index = ScreeningIndex.build(listed())
    hits = index.search(make_query_entity("TONGSAN 3", "Vessel"), threshold=0.5)
    assert [hit.entity.id for hit in hits] == ["ts3"]


def test_country_and_birth_date_reach_the_features() -> None:
    index = ScreeningIndex.build(listed())
    query = make_query_entity("Kim Chong Un", "Person", country="kp", birth_date="1984")
    hit = index.search(query)[0]
    assert hit.result.features["birth_date_match"] == 1.0


def test_no_candidates_for_an_unrelated_name() -> None:
    index = ScreeningIndex.build(listed())
    assert index.search(make_query_entity("Jonathan Appleseed", "Person"), threshold=0.5) == []


def test_keys_cover_tokens_phonetics_syllables_and_trigrams() -> None:
    keys = name_keys(prepare_name("Kim Jong Un", "Person"))
    assert {"t:kim", "t:jong", "k:jeong", "g:^ki"} <= keys
    assert any(key.startswith("p:") for key in keys)


def test_candidates_come_from_postings_not_a_scan() -> None:
    names = [make("Company", f"c{i}", f"Company Number {i} Holdings") for i in range(3000)]
    index = ScreeningIndex.build([*names, *listed()])
    candidates = index._candidate_forms(prepare_name("Korea Pugang Trading", "Company"), 24)
    assert 0 < len(candidates) <= 24


def test_index_memory_is_measured() -> None:
    tracemalloc.start()
    index = ScreeningIndex.build(listed())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert index.memory_bytes() > 0
    assert peak > index.memory_bytes()


def test_one_name_on_many_entities_is_compared_once_and_every_entity_is_found() -> None:
    crowd = [make("Person", f"p{i}", f"Hassan Ahmed Al Rashid {i}") for i in range(60)]
    twins = [make("Person", f"twin{i}", "AHMED HASSAN") for i in range(3)]
    index = ScreeningIndex.build([*crowd, *twins])
    assert len(index.forms) < len(index.names)
    hits = index.search(make_query_entity("Hassan Ahmed", "Person"), limit=5, threshold=0.7)
    assert {hit.entity.id for hit in hits} >= {"twin0", "twin1", "twin2"}
