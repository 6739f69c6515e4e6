"""A delta re-screen after a list update stores exactly what a full ``screen --all`` stores.

The store is generated: Korean names spelt in Revised Romanization, McCune-Reischauer and
Cyrillic, in family-first and given-first order, with given names joined, hyphenated or split;
Russian and Chinese names; companies with legal forms. The graph holds documents' spellings of
list names, including the hard case of another script *and* another order (*Гван Ён Квон* for
*Kwon Kwang Yong*), among distractors from the same vocabulary.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sanctionwatch.monitor.rescreen import delta_rescreen
from sanctionwatch.screen.index import make_query_entity
from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.screening import build_list_index, screen_all, screen_entity
from sanctionwatch.store import Database
from screenkit import list_rows, load_list_rows, match_pairs, write_graph_names

THRESHOLD = 0.7
# (Revised Romanization, McCune-Reischauer, Russian Cyrillic) of family names and syllables
FAMILY = [
    ("Gim", "Kim", "Ким"),
    ("Bak", "Pak", "Пак"),
    ("Choe", "Choe", "Чхве"),
    ("Gwon", "Kwon", "Квон"),
    ("Hwang", "Hwang", "Хван"),
    ("Jeong", "Chong", "Чон"),
    ("Yun", "Yun", "Юн"),
    ("Seo", "So", "Со"),
    ("Ryu", "Ryu", "Рю"),
    ("Han", "Han", "Хан"),
    ("Mun", "Mun", "Мун"),
    ("Jang", "Chang", "Чан"),
    ("Sin", "Sin", "Син"),
    ("Hyeon", "Hyon", "Хён"),
    ("No", "No", "Но"),
    ("Baek", "Paek", "Пэк"),
]
SYLLABLES = [
    ("gwang", "kwang", "гван"),
    ("yeong", "yong", "ён"),
    ("cheol", "chol", "чхоль"),
    ("myeong", "myong", "мён"),
    ("seong", "song", "сон"),
    ("hyeok", "hyok", "хёк"),
    ("nam", "nam", "нам"),
    ("il", "il", "иль"),
    ("hak", "hak", "хак"),
    ("su", "su", "су"),
    ("ho", "ho", "хо"),
    ("ok", "ok", "ок"),
    ("geum", "kum", "кым"),
    ("bok", "pok", "пок"),
    ("ran", "ran", "ран"),
    ("ryong", "ryong", "рён"),
    ("jin", "jin", "чин"),
    ("sun", "sun", "сун"),
    ("hui", "hui", "хый"),
    ("tae", "thae", "тхэ"),
    ("min", "min", "мин"),
    ("dong", "tong", "тон"),
    ("hwa", "hwa", "хва"),
    ("chun", "chun", "чхун"),
]
RUSSIAN = (["Pavel", "Oleg", "Igor", "Roman"], ["Belov", "Gusev", "Orlov", "Popov"])
CHINESE = (["Wang", "Zhao", "Liu", "Gao"], ["Wei", "Ming", "Tao", "Jun"])
STEMS = ["Sungri", "Haeyang", "Paektu", "Mirae", "Taedong", "Ryonbong", "Kumgang"]
TRADES = ["Shipping", "Trading", "Mining", "Machinery"]
FORMS = ["Corporation", "Co., Ltd.", "LLC", "General Company"]

Korean = tuple[int, int, int]
"""A Korean person: family name and two given syllables (indices into the tables)."""


def _korean(rng: random.Random) -> Korean:
    return rng.randrange(len(FAMILY)), rng.randrange(len(SYLLABLES)), rng.randrange(len(SYLLABLES))


def _spell(person: Korean, system: int, rng: random.Random, given_first: bool = False) -> str:
    """One way documents write ``person``: a romanisation (or Cyrillic) and a layout."""
    family = FAMILY[person[0]][system]
    first, second = SYLLABLES[person[1]][system], SYLLABLES[person[2]][system]
    layout = rng.randrange(3)
    if system == 2:
        given = f"{first.title()} {second.title()}"
    elif layout == 0:
        given = f"{first.title()}-{second}"
    elif layout == 1:
        given = f"{first.title()}{second}"
    else:
        given = f"{first.title()} {second.title()}"
    return f"{given} {family}" if given_first else f"{family} {given}"


def _other_name(rng: random.Random) -> tuple[str, str]:
    kind = rng.randrange(3)
    if kind == 0:
        return "Person", f"{rng.choice(RUSSIAN[0])} {rng.choice(RUSSIAN[1])}"
    if kind == 1:
        return "Person", f"{rng.choice(CHINESE[0])} {rng.choice(CHINESE[1])}"
    return "Company", f"{rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"


def _lists(rng: random.Random) -> tuple[dict[str, tuple], dict[str, tuple], list[Korean]]:
    """Version 1 (40 entries) and version 2: 8 changed (an alias), 5 removed, 10 added (six
    Korean persons listed in Revised Romanization)."""
    old: dict[str, tuple] = {}
    for n in range(40):
        if n % 2:
            old[f"e{n}"] = ("Person", [_spell(_korean(rng), 0, rng)])
        else:
            schema, name = _other_name(rng)
            old[f"e{n}"] = (schema, [name])
    new = dict(old)
    for key in rng.sample(sorted(old), 5):
        del new[key]
    for key in rng.sample(sorted(new), 8):
        schema, names = new[key]
        extra = _spell(_korean(rng), 1, rng) if schema == "Person" else _other_name(rng)[1]
        new[key] = (schema, [*names, extra])
    added = [_korean(rng) for _ in range(6)]
    for n, person in enumerate(added):
        new[f"added{n}"] = ("Person", [_spell(person, 0, rng)])
    for n in range(4):
        schema, name = _other_name(rng)
        new[f"added-other{n}"] = (schema, [f"{name} {rng.choice(STEMS)}"])
    return old, new, added


def _graph(rng: random.Random, size: int, added: list[Korean]) -> dict[str, tuple[str, str]]:
    graph: dict[str, tuple[str, str]] = {}
    for n in range(size):
        if n % 3:
            graph[f"g{n}"] = ("Person", _spell(_korean(rng), rng.randrange(3), rng, n % 2 == 0))
        else:
            graph[f"g{n}"] = _other_name(rng)
    for n, person in enumerate(added):
        graph[f"cyrillic-reordered{n}"] = ("Person", _spell(person, 2, rng, given_first=True))
        graph[f"mr-reordered{n}"] = ("Person", _spell(person, 1, rng, given_first=True))
    return graph


@pytest.mark.parametrize("seed", [11, 29])
def test_delta_stores_what_a_full_screen_stores(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_SCREEN_CACHE_DIR", str(tmp_path / "cache"))
    rng = random.Random(seed)
    old, new, added = _lists(rng)
    graph = _graph(rng, 900, added)
    write_graph_names(database, graph)
    v1 = load_list_rows(database, tmp_path, "v1.json", list_rows(old))
    screen_all(database, threshold=THRESHOLD)
    v2 = load_list_rows(database, tmp_path, "v2.json", list_rows(new))
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    changed = [e.entity_id for e in (*diff.added, *diff.removed, *diff.changed)]
    summary = delta_rescreen(database, changed, THRESHOLD)
    after_delta = match_pairs(database)
    screen_all(database, threshold=THRESHOLD)
    after_full = match_pairs(database)
    assert after_delta == after_full
    # the hard spellings of the added designations are matched to their own entries
    hard = {(f"cyrillic-reordered{n}", f"os-added{n}") for n in range(len(added))}
    assert len(hard & after_delta) >= len(added) - 1
    assert summary.screened < len(graph) * 2 // 3  # a delta, even in this dense vocabulary


def test_a_changed_entry_crowded_out_of_the_full_screen_is_not_stored(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve unchanged entries carry the graph entity's exact name; a new entry with a
    near spelling scores above the threshold on its own, but the full screen keeps only the
    best ten hits, so neither it nor the delta stores the new entry."""
    monkeypatch.setenv("SANCTIONWATCH_SCREEN_CACHE_DIR", str(tmp_path / "cache"))
    write_graph_names(database, {"subject": ("Person", "Ryu Myong Hak")})
    same = {f"same{n}": ("Person", ["Ryu Myong Hak"]) for n in range(12)}
    v1 = load_list_rows(database, tmp_path, "v1.json", list_rows(same))
    screen_all(database, threshold=THRESHOLD)
    assert len(match_pairs(database)) == 10
    v2 = load_list_rows(
        database, tmp_path, "v2.json", list_rows(same | {"near": ("Person", ["Ryu Myong-hakk"])})
    )
    with database.session() as session:
        diff = diff_versions(session, v1, v2)
    changed = [e.entity_id for e in diff.added]
    assert len(changed) == 1
    small = build_list_index(database, changed)
    query = make_query_entity("Ryu Myong Hak", "Person")
    assert [hit.entity.id for hit in screen_entity(small, query, THRESHOLD)] == changed
    summary = delta_rescreen(database, changed, THRESHOLD)
    assert summary.screened == 1 and summary.matches == 0
    after_delta = match_pairs(database)
    assert len(after_delta) == 10 and changed[0] not in {listed for _g, listed in after_delta}
    screen_all(database, threshold=THRESHOLD)
    assert match_pairs(database) == after_delta
