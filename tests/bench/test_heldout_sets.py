"""bench/extraction_quality.py with several held-out sets of real pages: each sources file is
matched with the folder holding its pages and scored against its own gold, and the combined
``real-all`` block sums the sets' counts (tiny sets written here, no real page needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchkit import load_bench

bench = load_bench("extraction_quality")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _sources(path: Path, stems: list[str], gold: Path, name: str | None = None) -> Path:
    lines = ["version: 1"]
    if name:
        lines.append(f"name: {name}")
    lines.append(f"gold: {gold}")
    lines.append("articles:")
    for stem in stems:
        lines += [f"  - stem: {stem}", f"    url: https://example.org/2021/03/04/{stem}"]
    return _write(path, "\n".join(lines) + "\n")


@pytest.fixture
def two_sets(tmp_path: Path) -> dict[str, Path]:
    first = _sources(
        tmp_path / "bench" / "heldout_realx" / "sources.yaml", ["a1", "a2"], tmp_path / "gold_a"
    )
    second = _sources(
        tmp_path / "bench" / "other" / "sources.yaml", ["b1"], tmp_path / "gold_b", "second"
    )
    pages_a, pages_b = tmp_path / "pages_a", tmp_path / "pages_b"
    for stem in ("a1", "a2"):
        _write(pages_a / f"{stem}.txt", f"Page {stem}.")
    _write(pages_b / "b1.txt", "Page b1.")
    return {"first": first, "second": second, "pages_a": pages_a, "pages_b": pages_b}


def test_each_sources_file_is_matched_with_the_folder_holding_its_pages(
    two_sets: dict[str, Path], tmp_path: Path
) -> None:
    folders = [two_sets["pages_b"], two_sets["pages_a"]]
    sets = bench.heldout_sets(folders, [two_sets["first"], two_sets["second"]])
    by_name = {held.name: held for held in sets}
    assert sorted(by_name) == ["realx", "second"]  # name from the folder, or as given
    assert by_name["realx"].folder == two_sets["pages_a"]
    assert [doc.name for doc in by_name["realx"].docs] == ["a1.txt", "a2.txt"]
    assert by_name["realx"].sources.gold == tmp_path / "gold_a"
    assert by_name["second"].docs == [two_sets["pages_b"] / "b1.txt"]
    assert by_name["second"].sources.urls["b1"].endswith("/2021/03/04/b1")


def test_one_folder_may_hold_several_sets_and_gaps_are_reported(
    two_sets: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    together = tmp_path / "together"
    _write(together / "a1.txt", "Page a1.")
    _write(together / "b1.txt", "Page b1.")
    empty = tmp_path / "unrelated"
    _write(empty / "notes.txt", "nothing")
    sets = bench.heldout_sets([together, empty], [two_sets["first"], two_sets["second"]])
    assert [(held.name, [d.name for d in held.docs]) for held in sets] == [
        ("realx", ["a1.txt"]),
        ("second", ["b1.txt"]),
    ]
    err = capsys.readouterr().err
    assert f"{together / 'a2.txt'}: not found" in err
    assert f"{empty}: holds no page" in err


def test_a_sources_file_without_stems_is_an_error_naming_the_file(tmp_path: Path) -> None:
    text = "version: 1\narticles:\n  - url: x\n"
    broken = _write(tmp_path / "heldout_bad" / "sources.yaml", text)
    with pytest.raises(ValueError, match=r"sources.yaml: article 0 has no 'stem'"):
        bench.read_sources(broken)
    assert (
        bench.main(
            [
                "--seeds",
                str(tmp_path),
                "--heldout-sources",
                str(broken),
                "--heldout-dir",
                str(tmp_path),
            ]
        )
        == 2
    )


def _row(section: str, kind: str, tp: int, fp: int, fn: int, group: str) -> dict[str, Any]:
    row: dict[str, Any] = bench.Tally(tp, fp, fn, [f"e-{kind}"]).row(section, kind)
    row["group"], row["errors"] = group, [f"e-{kind}"]
    return row


def test_the_combined_block_sums_counts_and_scores_the_sums() -> None:
    first = [
        _row("a", "entity:Person", 9, 1, 0, "entity"),
        _row("a", "entity:all", 9, 1, 0, "entity"),
        _row("a", "sanction", 1, 0, 3, "relation"),
        _row("a", "claim", 2, 2, 0, "claim"),
        _row("a", "claim:asserter", 1, 1, 0, "claim"),
    ]
    second = [
        _row("b", "entity:Company", 0, 1, 1, "entity"),
        _row("b", "entity:Person", 1, 1, 2, "entity"),
        _row("b", "entity:all", 1, 2, 3, "entity"),
        _row("b", "employment", 0, 1, 1, "relation"),
        _row("b", "sanction", 3, 0, 1, "relation"),
        _row("b", "claim:asserter", 0, 1, 0, "claim"),
        _row("b", "claim", 0, 1, 4, "claim"),
    ]
    merged = bench.merge_rows(
        [bench.with_relation_total(first, "a"), bench.with_relation_total(second, "b")]
    )
    kinds = [row["kind"] for row in merged]
    assert kinds == [
        "entity:Company",
        "entity:Person",
        "entity:all",
        "employment",
        "sanction",
        "relation:all",
        "claim",
        "claim:asserter",
    ]
    rows = {row["kind"]: row for row in merged}
    assert all(row["section"] == "real-all" for row in merged)
    assert (rows["entity:Person"]["tp"], rows["entity:Person"]["fp"]) == (10, 2)
    assert rows["entity:Person"]["fn"] == 2
    # micro: 10 of 12 found and 10 of 12 right, not the mean of 1.0 and 0.4 recall
    assert rows["entity:Person"]["recall"] == pytest.approx(0.833, abs=1e-3)
    assert rows["entity:all"]["tp"] == 10 and rows["entity:all"]["fn"] == 3
    assert (rows["relation:all"]["tp"], rows["relation:all"]["fp"], rows["relation:all"]["fn"]) == (
        4,
        1,
        5,
    )
    assert (rows["claim"]["tp"], rows["claim"]["fp"], rows["claim"]["fn"]) == (2, 3, 4)
    assert rows["sanction"]["errors"] == ["[a] e-sanction", "[b] e-sanction"]


def test_relation_total_sits_after_the_relation_rows() -> None:
    rows = [
        _row("s", "entity:all", 1, 0, 0, "entity"),
        _row("s", "ownership", 1, 1, 0, "relation"),
        _row("s", "sanction", 2, 0, 1, "relation"),
        _row("s", "claim", 1, 0, 0, "claim"),
    ]
    kinds = [row["kind"] for row in bench.with_relation_total(rows, "s")]
    assert kinds == ["entity:all", "ownership", "sanction", "relation:all", "claim"]
    assert bench.with_relation_total(rows[:1], "s") == rows[:1]  # no relations, no total


def test_a_run_over_two_sets_prints_each_set_and_their_sum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    _write(seeds / "s1.txt", "Maria Ivanova works in Moscow.\n")
    _write(
        tmp_path / "seed_gold" / "entities" / "s1.yaml",
        "document: s1\nentities:\n  - {name: Maria Ivanova, schema: Person}\n",
    )
    pages = tmp_path / "pages"
    texts = {
        "p1": "The U.S. Treasury sanctioned Arrowfield Trading Limited, a company in Vladivostok.",
        "p2": "Olga Sokolova, a director of Kestrel Holdings LLC, lives in Irkutsk, Russia.",
    }
    # the first set's gold types the city as a company on purpose: only that set may show it
    golds = {"p1": "{name: Vladivostok, schema: Company}", "p2": "{name: Irkutsk, schema: Place}"}
    sources = []
    for index, (stem, text) in enumerate(texts.items()):
        _write(pages / f"{stem}.txt", text + "\n")
        gold = tmp_path / f"gold_{stem}"
        _write(
            gold / "entities" / f"{stem}.yaml", f"document: {stem}\nentities:\n  - {golds[stem]}\n"
        )
        sources.append(
            _sources(tmp_path / f"set{index}" / "sources.yaml", [stem], gold, f"set{index}")
        )
    argv = [
        "--seeds",
        str(seeds),
        "--gold",
        str(tmp_path / "seed_gold"),
        "--heldout-dir",
        str(pages),
        "--json",
    ]
    for path in sources:
        argv += ["--heldout-sources", str(path)]
    assert bench.main(argv) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    sections = {row["section"] for row in rows}
    assert sections == {"seeds", "set0", "set1", "real-all"}
    totals = {(row["section"], row["kind"]): row for row in rows}
    for key in ("tp", "fp", "fn"):
        expected = totals[("set0", "entity:all")][key] + totals[("set1", "entity:all")][key]
        assert totals[("real-all", "entity:all")][key] == expected
    # each set is scored against its own gold
    assert totals[("set0", "entity:Company")]["fn"] == 1
    assert ("set1", "entity:Company") not in totals or totals[("set1", "entity:Company")]["fn"] == 0
    assert totals[("real-all", "entity:Company")]["fn"] == 1


def test_source_dates_reach_extraction(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "seeds"
    _write(seeds / "s1.txt", "Maria Ivanova works in Moscow.\n")
    pages = tmp_path / "pages"
    _write(pages / "d1.txt", "About 30,000 North Korean workers were in Russia, officials said.\n")
    gold = tmp_path / "gold_d"
    entities = "document: d1\nentities:\n  - {name: Russia, schema: Place}\n"
    _write(gold / "entities" / "d1.yaml", entities)
    _write(
        gold / "claims" / "d1.yaml",
        "document: d1\nsha256: null\npublished: '2019-05-02'\nclaims:\n"
        "  - {measure: 'dprk_workers_in:russia', value: 30000, unit: persons,"
        " qualifier: approx, as_of: '2019-05', asserted_by: officials}\n",
    )
    sources = _write(
        tmp_path / "heldout_dated" / "sources.yaml",
        f"version: 1\ngold: {gold}\narticles:\n  - stem: d1\n    published: '2019-05-02'\n",
    )
    assert bench.read_sources(sources).published == {"d1": "2019-05-02"}
    argv = ["--seeds", str(seeds), "--gold", str(tmp_path), "--heldout-dir", str(pages)]
    argv += ["--heldout-sources", str(sources), "--source-dates", "--json"]
    assert bench.main(argv) == 0
    rows = {
        (row["section"], row["kind"]): row
        for row in map(json.loads, capsys.readouterr().out.splitlines())
    }
    # without a date in the text or the address the figure has no as-of; given one, it has
    assert rows[("dated", "claim")]["tp"] == 0
    assert rows[("dated", "claim:value+unit")]["tp"] == 1
    assert rows[("dated+D", "claim")]["tp"] == 1
    assert rows[("real-all+D", "claim")]["tp"] == 1


def test_a_missing_folder_or_sources_file_stops_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    missing = tmp_path / "nowhere"
    assert bench.main(["--seeds", str(seeds), "--heldout-dir", str(missing)]) == 2
    assert f"{missing}: no such folder (--heldout-dir)" in capsys.readouterr().err
    argv = ["--seeds", str(seeds), "--heldout-dir", str(seeds)]
    assert bench.main([*argv, "--heldout-sources", str(missing / "sources.yaml")]) == 2
    assert "no such sources file" in capsys.readouterr().err


def test_environment_folders_are_used_when_no_folder_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_HELDOUT_DIR", str(tmp_path / "one"))
    monkeypatch.setenv("SANCTIONWATCH_HELDOUT2_DIR", str(tmp_path / "two"))
    assert bench._env_folders() == [tmp_path / "one", tmp_path / "two"]
    monkeypatch.delenv("SANCTIONWATCH_HELDOUT_DIR")
    assert bench._env_folders() == [tmp_path / "two"]
