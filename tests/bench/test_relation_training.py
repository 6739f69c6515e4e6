"""bench/train_relation_model.py: how candidate pairs get their gold label, which model rows
it adds next to the rules', and that the file it writes loads back."""

from __future__ import annotations

import json
from pathlib import Path

from benchkit import load_bench
from sanctionwatch.extract.relation_model import parse_model
from sanctionwatch.extract.relation_query import RelationRow

trainer = load_bench("train_relation_model")
quality = load_bench("quality_relations")


def _gold(kind: str, source: str, target: str) -> object:
    return quality.GoldRelation("doc", kind, source, target)


def test_a_pair_takes_the_gold_kind_and_its_direction() -> None:
    golds = [_gold("employment", "Anna Quist", "Velkor Shipping Ltd")]
    company, person = {"Velkor Shipping"}, {"Anna Quist", "Quist"}
    assert trainer._label((company, person), golds) == "employment<"
    assert trainer._label((person, company), golds) == "employment>"
    assert trainer._label((company, {"Tomas Brell"}), golds) == "none"


def test_symmetric_kinds_have_one_direction_and_rule_only_kinds_are_none() -> None:
    golds = [
        _gold("joint_venture", "Oristan Holdings", "Velkor Shipping"),
        _gold("sanction", "Tomas Brell", "OFAC"),
    ]
    assert trainer._label(({"Velkor Shipping"}, {"Oristan Holdings"}), golds) == "joint_venture>"
    assert trainer._label(({"Tomas Brell"}, {"OFAC"}), golds) == "none"


def _pair(first: str, second: str) -> object:
    return trainer.Pair(("f",), "none", (first, first, "Person"), (second, second, "Company"), "")


def test_model_rows_skip_linked_pairs_and_low_scores_and_keep_the_best() -> None:
    rule = RelationRow("employment", "Employment", "rel-1", "A", "A", "B", "B")
    doc = trainer.DocData("doc", [], [rule])
    predictions = [
        (_pair("B", "A"), "unknown>", 0.99),  # the rules linked A and B: never added
        (_pair("C", "D"), "employment<", 0.40),  # below the threshold
        (_pair("C", "D"), "employment>", 0.70),
        (_pair("D", "C"), "directorship>", 0.90),  # same pair, better score
    ]
    rows = trainer._model_rows(doc, predictions, 0.5)
    assert [(row.kind, row.source, row.target) for row in rows] == [("directorship", "D", "C")]


def test_the_written_model_file_loads_back(tmp_path: Path) -> None:
    data = {
        "version": "9",
        "enabled": False,
        "training": {"sets": ["a", "b"], "date": "2026-11-29"},
        "feature_spec": trainer.feature_spec_data(),
        "threshold": 0.5,
        "classes": ["employment<", "none"],
        "bias": {"employment<": -1.0, "none": 1.0},
        "weights": {"bw:employ": {"employment<": 2.5}, "bw:say": {"none": 0.5}},
    }
    text = trainer.model_json(data)
    assert json.loads(text) == data
    assert '  "bw:employ": {"employment<": 2.5},' in text.splitlines()  # one line each
    model = parse_model(tmp_path / "model.json", json.loads(text))
    assert model.version == "9" and not model.enabled
    assert model.predict(["bw:employ"])[0] == "employment<"
