"""Train the learned relation component and judge it leave-one-set-out.

Every gold set (the seeds, examples/reports and the real sets of ``--heldout-dir``) is
ingested into a fresh store and extracted with the component OFF (the rules alone); each
document is parsed again to list its candidate pairs (two people/organisations in a
sentence) with their features (``sanctionwatch.extract.relation_features``). A candidate's
label is the gold relation whose two ends match its two mentions by name (as the quality
bench matches them), with its direction, else ``none``.

``--loso``: for each set, train a logistic regression on the OTHER sets, choose the
threshold on those sets only (inner leave-one-set-out, best F1 of rules + model with
precision >= 0.75), and score the held-out set with the rules alone and with rules + model
(the model adds only pairs the rules did not link). Prints a table per set and summed.

``--write``: train on every set and write ``data/extract/relations/model.json`` (threshold
chosen by leave-one-set-out over all sets; ``--enable`` marks it used by default).

    PYTHONPATH=src python bench/train_relation_model.py --loso \
        --heldout-dir /work/heldout_real ... --heldout-dir /work/heldout_real6
    PYTHONPATH=src python bench/train_relation_model.py --write [--enable] --heldout-dir ...

Needs scikit-learn (the ``train`` extra); the pipeline itself reads the weights without it.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import extraction_quality as eq  # noqa: E402
import quality_relations as qr  # noqa: E402
import training  # noqa: E402
from training import model_json  # noqa: E402

from sanctionwatch.extract.entities import find_mentions  # noqa: E402
from sanctionwatch.extract.pipeline import document_context, load_nlp, parse_long_text  # noqa: E402
from sanctionwatch.extract.relation_features import FeatureSpec, document_candidates  # noqa: E402
from sanctionwatch.extract.relation_model import (  # noqa: E402
    KIND_SHAPES,
    MODEL_FILE,
    NONE,
    SETTING,
)
from sanctionwatch.extract.relation_query import RelationRow, list_relations  # noqa: E402
from sanctionwatch.extract.relation_rules import default_rules  # noqa: E402
from sanctionwatch.store import Database  # noqa: E402
from sanctionwatch.store.tables import DocumentRow  # noqa: E402

SYMMETRIC = qr.SYMMETRIC
MIN_PRECISION = 0.75
THRESHOLDS = tuple(round(0.30 + 0.05 * step, 2) for step in range(14))  # 0.30 .. 0.95
C_VALUE = 0.5
SPEC_FILE_KEYS = ("version", "schemata", "max_gap", "trigger_classes", "rule_titles")
TRIGGER_CLASSES: dict[str, list[str]] = {
    "own": ["own", "owner", "shareholder", "stake", "stakeholder", "control", "acquire"],
    "part": [
        "subsidiary",
        "branch",
        "unit",
        "division",
        "department",
        "affiliate",
        "arm",
        "bureau",
        "office",
        "agency",
        "part",
        "under",
        "parent",
    ],
    "employ": [
        "employ",
        "employer",
        "employee",
        "hire",
        "recruit",
        "work",
        "worker",
        "staff",
        "labourer",
        "laborer",
        "dispatch",
        "send",
        "contract",
    ],
    "lead": [
        "director",
        "head",
        "chief",
        "chairman",
        "president",
        "lead",
        "leader",
        "manage",
        "manager",
        "run",
        "found",
        "founder",
        "ceo",
        "executive",
    ],
    "member": ["member", "belong", "affiliate", "affiliated", "join", "membership"],
    "front": ["front", "cover", "behalf", "proxy", "facilitate", "launder", "conceal"],
    "venture": ["venture", "partner", "partnership", "cooperate", "cooperation", "jointly"],
    "family": [
        "son",
        "daughter",
        "brother",
        "sister",
        "father",
        "mother",
        "wife",
        "husband",
        "half-brother",
        "uncle",
        "nephew",
        "relative",
    ],
    "sanction": ["sanction", "designate", "designation", "blacklist", "list", "penalize"],
    "speech": ["say", "tell", "according", "report", "state", "add", "note", "write"],
}
"""Trigger word classes of the feature spec (lemmas; the rules' title words are added)."""


@dataclass
class Pair:
    features: tuple[str, ...]
    label: str
    first: tuple[str, str, str]  # entity id, canonical name, schema
    second: tuple[str, str, str]
    sentence: str


@dataclass
class DocData:
    stem: str
    pairs: list[Pair] = field(default_factory=list)
    rule_rows: list[RelationRow] = field(default_factory=list)


@dataclass
class SetData:
    name: str
    gold: list[qr.GoldRelation]
    docs: list[DocData]


def feature_spec_data() -> dict[str, Any]:
    return {
        "version": "1",
        "schemata": ["Company", "LegalEntity", "Organization", "Person", "PublicBody"],
        "max_gap": 30,
        "trigger_classes": TRIGGER_CLASSES,
        "rule_titles": True,
    }


def feature_spec() -> FeatureSpec:
    from sanctionwatch.extract.relation_model import parse_feature_spec

    return parse_feature_spec(MODEL_FILE, feature_spec_data(), default_rules())


# -- collecting candidates ------------------------------------------------------------------


def _label(pair_names: tuple[set[str], set[str]], golds: list[qr.GoldRelation]) -> str:
    first, second = pair_names
    for gold in golds:
        kind = gold.kind
        if kind not in KIND_SHAPES:
            continue
        forward = _any_match(gold.source, first) and _any_match(gold.target, second)
        backward = _any_match(gold.source, second) and _any_match(gold.target, first)
        if forward or (backward and kind in SYMMETRIC):
            return f"{kind}>"
        if backward:
            return f"{kind}<"
    return NONE


def _any_match(gold_name: str, names: set[str]) -> bool:
    return any(qr.names_match(gold_name, name) for name in names)


def collect_set(
    name: str,
    docs: list[Path],
    gold_dir: Path,
    spec: FeatureSpec,
    urls: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> SetData:
    relation_dir = gold_dir / "relations" if (gold_dir / "relations").is_dir() else gold_dir
    gold = qr.load_gold(relation_dir)
    by_doc: dict[str, list[qr.GoldRelation]] = defaultdict(list)
    for relation in gold:
        by_doc[relation.document].append(relation)
    nlp = load_nlp()
    data = SetData(name, gold, [])
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/train.db")
        database.migrate()
        eq.ingest_and_extract(database, docs, urls, published)
        documents = qr._documents(database, by_doc)
        for stem, document_id in sorted(documents.items()):
            with database.session() as session:
                row = session.get(DocumentRow, document_id)
                assert row is not None
                context = document_context(row)
                rule_rows = list_relations(session, document_id=document_id)
            doc = parse_long_text(nlp, context.clean_text)
            mentions = find_mentions(doc, context)
            names: dict[str, set[str]] = defaultdict(set)
            for mention in mentions:
                names[mention.entity_id].update({mention.canonical, mention.text})
            item = DocData(stem, [], rule_rows)
            for candidate in document_candidates(doc, mentions, spec):
                first, second = candidate.first, candidate.second
                label = _label((names[first.entity_id], names[second.entity_id]), by_doc[stem])
                item.pairs.append(
                    Pair(
                        candidate.features,
                        label,
                        (first.entity_id, first.canonical, first.schema),
                        (second.entity_id, second.canonical, second.schema),
                        candidate.sentence.text,
                    )
                )
            data.docs.append(item)
        for stem in set(by_doc) - set(documents):
            data.docs.append(DocData(stem))
        database.dispose()
    return data


def collect(folders: list[Path], spec: FeatureSpec) -> list[SetData]:
    """Every gold set's candidates and rule rows, extracted with the component off."""
    os.environ[SETTING] = "off"  # what the rules alone give

    def one_set(
        name: str,
        docs: list[Path],
        gold_dir: Path,
        urls: dict[str, str] | None = None,
        published: dict[str, str] | None = None,
    ) -> SetData:
        return collect_set(name, docs, gold_dir, spec, urls, published)

    return training.collect_gold_sets(folders, one_set)


# -- training and scoring --------------------------------------------------------------------


def _fit(sets: Sequence[SetData]) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    rows = [pair for data in sets for doc in data.docs for pair in doc.pairs]
    features = [dict.fromkeys(pair.features, 1) for pair in rows]
    labels = [pair.label for pair in rows]
    if len(set(labels)) < 2:
        raise SystemExit("error: the training sets give fewer than two classes")
    model = make_pipeline(DictVectorizer(), LogisticRegression(C=C_VALUE, max_iter=3000))
    model.fit(features, labels)
    return model


def _predictions(model: Any, data: SetData) -> dict[str, list[tuple[Pair, str, float]]]:
    """Per document: every pair with its best relation class and that class's probability."""
    out: dict[str, list[tuple[Pair, str, float]]] = {}
    classes = list(model.classes_)
    for doc in data.docs:
        if not doc.pairs:
            out[doc.stem] = []
            continue
        probs = model.predict_proba([dict.fromkeys(p.features, 1) for p in doc.pairs])
        found = []
        for pair, row in zip(doc.pairs, probs, strict=True):
            ranked = sorted(
                ((float(p), label) for p, label in zip(row, classes, strict=True) if label != NONE),
                reverse=True,
            )
            if ranked:
                found.append((pair, ranked[0][1], ranked[0][0]))
        out[doc.stem] = found
    return out


def _model_rows(
    doc: DocData, predictions: list[tuple[Pair, str, float]], threshold: float
) -> list[RelationRow]:
    linked = {
        frozenset({row.source_id or row.source, row.target_id or row.target})
        for row in doc.rule_rows
    }
    best: dict[frozenset[str], tuple[float, RelationRow]] = {}
    for pair, label, probability in predictions:
        key = frozenset({pair.first[0], pair.second[0]})
        if key in linked or probability < threshold:
            continue
        kind = label[:-1]
        source, target = (
            (pair.first, pair.second)
            if label.endswith(">")
            else (
                pair.second,
                pair.first,
            )
        )
        row = RelationRow(
            kind,
            KIND_SHAPES[kind][0],
            f"model-{len(best)}",
            source[0],
            source[1],
            target[0],
            target[1],
            sentence=pair.sentence,
            confidence=probability,
        )
        if key not in best or probability > best[key][0]:
            best[key] = (probability, row)
    return [row for _, row in best.values()]


def score(
    data: SetData,
    predictions: dict[str, list[tuple[Pair, str, float]]] | None,
    threshold: float,
    report: list[str] | None = None,
) -> tuple[int, int, int]:
    rows_by_doc = {}
    for doc in data.docs:
        rows = list(doc.rule_rows)
        if predictions is not None:
            rows.extend(_model_rows(doc, predictions.get(doc.stem, []), threshold))
        rows_by_doc[doc.stem] = rows
    counts = qr.score(data.gold, rows_by_doc, report)
    return tuple(sum(int(row[key]) for row in counts) for key in ("tp", "fp", "fn"))  # type: ignore[return-value]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    return qr.prf(tp, fp, fn)


def choose_threshold(sets: Sequence[SetData]) -> tuple[float, dict[float, tuple[int, int, int]]]:
    """Threshold with the best summed F1 of rules + model on ``sets`` (each scored by a model
    trained on the others), precision at least MIN_PRECISION; 1.0 (nothing added) if none."""
    oof = []
    for position, held in enumerate(sets):
        others = [data for index, data in enumerate(sets) if index != position]
        oof.append((held, _predictions(_fit(others), held)))
    totals: dict[float, tuple[int, int, int]] = {}
    for threshold in THRESHOLDS:
        sums = [score(held, predictions, threshold) for held, predictions in oof]
        totals[threshold] = tuple(sum(values) for values in zip(*sums, strict=True))  # type: ignore[assignment]
    rules_only = tuple(sum(v) for v in zip(*(score(h, None, 1.0) for h, _ in oof), strict=True))
    best, best_f1 = 1.0, prf(*rules_only)[2]
    for threshold, counts in totals.items():
        precision, _, f1 = prf(*counts)
        if precision >= MIN_PRECISION and f1 > best_f1:
            best, best_f1 = threshold, f1
    return best, totals


def loso(sets: list[SetData], verbose: bool) -> list[dict[str, Any]]:
    rows = []
    total_rules, total_model = [0, 0, 0], [0, 0, 0]
    for held, train in training.folds(sets):
        threshold, _ = choose_threshold(train)
        model = _fit(train)
        predictions = _predictions(model, held)
        rules = score(held, None, 1.0)
        report: list[str] = []
        both = score(held, predictions, threshold, report)
        if verbose:
            added = {line for line in report}
            base: list[str] = []
            score(held, None, 1.0, base)
            for line in sorted(added - set(base)):
                print(f"  [{held.name}] {line}")
            for line in sorted(set(base) - added):
                print(f"  [{held.name}] fixed: {line}")
        for index in range(3):
            total_rules[index] += rules[index]
            total_model[index] += both[index]
        rows.append({"set": held.name, "threshold": threshold, "rules": rules, "model": both})
        print(f"# {held.name}: threshold {threshold}", file=sys.stderr)
    rows.append(
        {
            "set": "summed",
            "threshold": None,
            "rules": tuple(total_rules),
            "model": tuple(total_model),
        }
    )
    return rows


def print_loso(rows: list[dict[str, Any]]) -> None:
    print(f"# {training.machine()}")
    header = (
        f"{'held-out set':13} {'thr':>5} | {'rules tp/fp/fn':>14} {'P':>5} {'R':>5} {'F1':>5}"
        f" | {'+model tp/fp/fn':>15} {'P':>5} {'R':>5} {'F1':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        rules, both = row["rules"], row["model"]
        threshold = "-" if row["threshold"] is None else f"{row['threshold']:.2f}"
        r_p, r_r, r_f = prf(*rules)
        m_p, m_r, m_f = prf(*both)
        print(
            f"{row['set']:13} {threshold:>5} | {'/'.join(map(str, rules)):>14} {r_p:5.2f} "
            f"{r_r:5.2f} {r_f:5.2f} | {'/'.join(map(str, both)):>15} {m_p:5.2f} {m_r:5.2f} "
            f"{m_f:5.2f}"
        )


# -- writing the shipped model ----------------------------------------------------------------


def export(model: Any, threshold: float, sets: Sequence[SetData], enable: bool) -> dict[str, Any]:
    vectorizer, regression = model.steps[0][1], model.steps[1][1]
    classes = [str(label) for label in regression.classes_]
    weights = training.regression_weights(regression, classes, vectorizer.get_feature_names_out())
    pairs = sum(len(doc.pairs) for data in sets for doc in data.docs)
    positives = sum(
        1 for data in sets for doc in data.docs for pair in doc.pairs if pair.label != NONE
    )
    return {
        "version": "1",
        "enabled": enable,
        "about": "Logistic regression over candidate pairs; see docs/relations.md (relclf).",
        "training": {
            "sets": [data.name for data in sets],
            "date": datetime.date.today().isoformat(),
            "pairs": pairs,
            "positive_pairs": positives,
            "regularisation_C": C_VALUE,
            "trainer": "bench/train_relation_model.py",
        },
        "feature_spec": feature_spec_data(),
        "threshold": threshold,
        "classes": classes,
        "bias": training.regression_bias(regression, classes),
        "weights": weights,
    }


def main(argv: list[str] | None = None) -> int:
    args = training.training_parser(__doc__, MODEL_FILE).parse_args(argv)
    started = time.perf_counter()
    spec = feature_spec()
    sets = training.cached_sets(args.cache, lambda: collect(args.heldout_dir, spec))
    for data in sets:
        pairs = sum(len(doc.pairs) for doc in data.docs)
        positives = sum(1 for doc in data.docs for p in doc.pairs if p.label != NONE)
        print(
            f"# {data.name}: {len(data.gold)} gold relations, {pairs} pairs, {positives} positive"
        )
    if args.loso:
        print_loso(loso(sets, args.verbose))
    if args.write is not None:
        threshold, _ = choose_threshold(sets)
        model = _fit(sets)
        data = export(model, threshold, sets, args.enable)
        args.write.write_text(model_json(data), "utf-8")
        print(f"# wrote {args.write} (threshold {threshold}, {len(data['weights'])} features)")
    print(f"# {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
