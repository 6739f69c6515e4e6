"""The graph-side name-key index: inverted lookup, incremental refresh, delta = full re-screen."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from sanctionwatch.monitor.rescreen import delta_rescreen
from sanctionwatch.screen.graphkeys import (
    consonant_skeleton,
    graph_candidates,
    graph_keys,
    key_hash,
    names_fingerprint,
    order_free_keys,
    refresh_graph_keys,
)
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.normalize import prepare_name
from sanctionwatch.screen.screening import build_list_index, rescreen_changed, screen_all
from sanctionwatch.screen.tables import GraphNameKeyRow, GraphNameRow
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow
from screenkit import list_entry, list_rows, load_list_rows, match_pairs, write_graph_names

THRESHOLD = 0.7
FAMILY = ["Pak", "Ri", "Choe", "Han", "Ryu", "Hwang", "Mun", "Kwon"]
GIVEN = ["chol", "song", "nam", "hyok", "kwang", "myong", "sun", "ryong", "hak", "dok"]
STEMS = ["Sungri", "Haeyang", "Unha", "Mirae", "Taedong", "Paektu", "Jangsu", "Chollima"]
KINDS = ["Shipping", "Mining", "Textile", "Fishery", "Machinery", "Timber"]
FORMS = ["Corporation", "Company", "Co., Ltd.", "LLC"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(GIVEN).title()} {rng.choice(GIVEN)}"


def _company(rng: random.Random) -> str:
    return f"{rng.choice(STEMS)} {rng.choice(KINDS)} {rng.choice(FORMS)}"


def _name(rng: random.Random) -> tuple[str, str]:
    return ("Person", _person(rng)) if rng.random() < 0.5 else ("Company", _company(rng))


def _distractors(count: int, seed: int = 1) -> dict[str, tuple[str, str]]:
    rng = random.Random(seed)
    return {f"g{n}": _name(rng) for n in range(count)}


def _name_keys(name: str) -> set[int]:
    return {key_hash(key) for key in graph_keys(prepare_name(name, "Company"))}


def _candidates(database: Database, list_ids: list[str]) -> list[str]:
    index = build_list_index(database, list_ids)
    with database.session() as session:
        return graph_candidates(session, index).entity_ids


def test_index_finds_transliterated_and_variant_names_among_many(
    database: Database, tmp_path: Path
) -> None:
    graph = _distractors(300)
    graph["kim-cyrillic"] = ("Person", "Ким Чен Ын")
    graph["firm-variant"] = ("Company", "KOREA RYONBONG GENERAL CORP.")
    write_graph_names(database, graph)
    v1 = load_list_rows(
        database, tmp_path, "v1.json", list_entry("other", "Person", ["Abel Zamora"])
    )
    refresh = refresh_graph_keys(database)
    assert refresh.entities == len(graph) and refresh.rekeyed == len(graph)
    v2 = load_list_rows(
        database,
        tmp_path,
        "v2.json",
        list_entry("other", "Person", ["Abel Zamora"])
        + list_entry("kju", "Person", ["Kim Jong Un", "Kim Chong-un"])
        + list_entry("ryonbong", "Company", ["Korea Ryonbong General Corporation"]),
    )
    with database.session() as session:
        added = {entry.caption: entry.entity_id for entry in diff_versions(session, v1, v2).added}
    person = _candidates(database, [added["Kim Jong Un"]])
    firm = _candidates(database, [added["Korea Ryonbong General Corporation"]])
    assert "kim-cyrillic" in person
    assert "firm-variant" in firm
    assert len(person) < len(graph) // 3 and len(firm) < len(graph) // 3


def test_refresh_rekeys_only_changed_names_and_forgets_removed(database: Database) -> None:
    graph = _distractors(40)
    graph["subject"] = ("Company", "Alpha Bakery Limited")
    write_graph_names(database, graph)
    refresh_graph_keys(database)
    assert refresh_graph_keys(database).rekeyed == 0  # nothing changed: fingerprint unchanged
    with database.session() as session:
        session.execute(delete(StatementRow).where(StatementRow.entity_id == "subject"))
    write_graph_names(database, {"subject": ("Company", "Ryonha Machine Tool Corporation")})
    write_graph_names(database, {"newcomer": ("Person", "Sokolov Dmitry")})
    refresh = refresh_graph_keys(database)
    assert (refresh.rekeyed, refresh.removed) == (2, 0)
    with database.session() as session:
        number = session.scalar(select(GraphNameRow.id).where(GraphNameRow.entity_id == "subject"))
        keys = set(
            session.scalars(
                select(GraphNameKeyRow.key_hash).where(GraphNameKeyRow.entity_no == number)
            )
        )
    now = _name_keys("Ryonha Machine Tool Corporation")
    before = _name_keys("Alpha Bakery Limited")
    assert keys == now and before - now and not (before - now) & keys
    with database.session() as session:
        session.execute(delete(StatementRow).where(StatementRow.entity_id == "newcomer"))
    assert refresh_graph_keys(database).removed == 1
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(GraphNameRow))
    assert count == len(graph)


def test_rebuild_equals_incremental(database: Database) -> None:
    write_graph_names(database, _distractors(30))
    refresh_graph_keys(database)
    write_graph_names(database, _distractors(10, seed=2) | {"late": ("Person", "Hwang Kum Ok")})
    refresh_graph_keys(database)

    def snapshot() -> set[tuple[str, int]]:
        with database.session() as session:
            rows = session.execute(
                select(GraphNameRow.entity_id, GraphNameKeyRow.key_hash).join(
                    GraphNameRow, GraphNameRow.id == GraphNameKeyRow.entity_no
                )
            )
            return {(entity_id, key) for entity_id, key in rows}

    incremental = snapshot()
    refresh_graph_keys(database, rebuild=True)
    assert snapshot() == incremental and incremental


def test_fingerprint_moves_when_a_name_is_rewritten(sqlite_database: Database) -> None:
    write_graph_names(sqlite_database, {"a": ("Person", "Pak Chol")})
    with sqlite_database.session() as session:
        before = names_fingerprint(session)
    write_graph_names(
        sqlite_database, {"a": ("Person", "Pak Chol")}
    )  # same statement again: last_seen
    with sqlite_database.session() as session:
        assert names_fingerprint(session) != before


def _list_version(rng: random.Random, size: int) -> dict[str, tuple[str, list[str]]]:
    return {f"e{n}": (lambda s: (s[0], [s[1]]))(_name(rng)) for n in range(size)}


@pytest.mark.parametrize("seed", [3, 5, 8])
def test_delta_rescreen_stores_what_a_full_rescreen_stores(
    database: Database, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    old = _list_version(rng, 12)
    graph = _distractors(50, seed=seed)
    listed = [name for _schema, names in old.values() for name in names]
    for n, name in enumerate(rng.sample(listed, 4)):
        graph[f"near{n}"] = ("Person" if name.count(" ") == 2 else "Company", name.upper())
    new = {key: value for key, value in old.items() if rng.random() > 0.2}
    for key in rng.sample(sorted(new), 3):
        schema, names = new[key]
        new[key] = (schema, [*names, _person(rng) if schema == "Person" else _company(rng)])
    for n in range(3):
        schema, name = _name(rng)
        new[f"added{n}"] = (schema, [name])
        graph[f"target{n}"] = (schema, name.lower())
    write_graph_names(database, graph)
    v1 = load_list_rows(database, tmp_path, "v1.json", list_rows(old))
    screen_all(database, threshold=THRESHOLD)
    v2 = load_list_rows(database, tmp_path, "v2.json", list_rows(new))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    changed = [e.entity_id for e in (*diff.added, *diff.removed, *diff.changed)]
    summary = delta_rescreen(database, changed, THRESHOLD)
    after_delta = match_pairs(database)
    assert {f"target{n}" for n in range(3)} <= {graph_id for graph_id, _ in after_delta}
    assert summary.graph_entities == len(graph)
    screen_all(database, threshold=THRESHOLD)
    assert match_pairs(database) == after_delta
    rescreen_changed(database, changed, threshold=THRESHOLD)
    assert match_pairs(database) == after_delta


def test_order_free_keys_ignore_order_script_and_syllable_breaks() -> None:
    def keys(name: str) -> set[str]:
        return set(order_free_keys(prepare_name(name, "Person")))

    latin, cyrillic = keys("Kwon Kwang Yong"), keys("Гван Ён Квон")
    assert {k for k in latin & cyrillic if k.startswith("u:")}  # a syllable pair, any order
    assert consonant_skeleton(prepare_name("Kwon Kwang Yong", "Person")) == consonant_skeleton(
        prepare_name("Квон Гван Ён", "Person")
    )
    assert consonant_skeleton(prepare_name("Seo Bok Il", "Person")) == consonant_skeleton(
        prepare_name("Pokil So", "Person")
    )
    assert "v:kim|song" in keys("Song Kim Il") & keys("Kim Song Chol")
    assert not {k for k in keys("Kwon Kwang Yong") & keys("Pavel Orlov")}


def test_index_finds_another_script_in_another_order(database: Database, tmp_path: Path) -> None:
    graph = _distractors(400, seed=4)
    graph["hard"] = ("Person", "Гван Ён Квон")
    write_graph_names(database, graph)
    v1 = load_list_rows(
        database, tmp_path, "v1.json", list_entry("other", "Person", ["Abel Zamora"])
    )
    v2 = load_list_rows(
        database,
        tmp_path,
        "v2.json",
        list_entry("other", "Person", ["Abel Zamora"])
        + list_entry("kky", "Person", ["Kwon Kwang Yong"]),
    )
    with database.session() as session:
        added = [entry.entity_id for entry in diff_versions(session, v1, v2).added]
    refresh_graph_keys(database)
    found = _candidates(database, added)
    assert "hard" in found and len(found) < len(graph) // 4
