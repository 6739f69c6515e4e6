"""Train the learned attribute tagger and judge it leave-one-set-out.

Every gold set (the seeds, examples/reports and the real sets of ``--heldout-dir``) is
ingested into a fresh store and extracted with the tagger OFF (the rules alone); each document
is parsed again to list its candidates, pairs of a named party and a country, place or
authority word in one sentence, with their features
(``sanctionwatch.extract.relation_attribute_features``). A candidate's label is the gold
``nationality``, ``location``, ``registration`` or ``sanction`` relation whose source matches
the party's names and whose target matches the attribute (its country's name, its place, its
authority, as the quality bench matches them), else ``none``.

``--loso``: for each set, train a logistic regression on the OTHER sets, choose the threshold
on those sets only (inner leave-one-set-out: the best summed F1 of rules + tagger with
precision >= 0.75), and score the held-out set with the rules alone and with rules + tagger
(the tagger adds only what the rules did not state). Prints P/R/F1 per set and summed, for
nationality, location, sanction and all relations.

``--write``: train on every set and write ``data/extract/relations/attribute_model.json``
(threshold by leave-one-set-out over all sets; ``--enable`` marks it used by default).

    PYTHONPATH=src python bench/train_attribute_model.py --loso --cache /tmp/attr.pickle \
        --heldout-dir /work/heldout_real ... --heldout-dir /work/heldout_real9
    PYTHONPATH=src python bench/train_attribute_model.py --write [--enable] --cache ...

Needs scikit-learn (training only); the pipeline reads the weights without it.
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

from followthemoney import registry

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the box is shared: one thread per fit
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import extraction_quality as eq  # noqa: E402
import quality_relations as qr  # noqa: E402
import training  # noqa: E402
from training import model_json  # noqa: E402

from sanctionwatch.extract.coreference import resolve_coreferences  # noqa: E402
from sanctionwatch.extract.entities import find_mentions  # noqa: E402
from sanctionwatch.extract.pipeline import document_context, load_nlp, parse_long_text  # noqa: E402
from sanctionwatch.extract.relation_attribute_features import (  # noqa: E402
    Attribute,
    document_attribute_candidates,
)
from sanctionwatch.extract.relation_attributes import (  # noqa: E402
    KINDS,
    MODEL_FILE,
    NONE,
    SETTING,
    candidate_kinds,
    candidate_value,
    parse_spec,
)
from sanctionwatch.extract.relation_query import RelationRow, list_relations  # noqa: E402
from sanctionwatch.extract.relation_rules import default_rules  # noqa: E402
from sanctionwatch.store import Database  # noqa: E402
from sanctionwatch.store.tables import DocumentRow  # noqa: E402

MIN_PRECISION = 0.75
THRESHOLDS = tuple(round(0.30 + 0.05 * step, 2) for step in range(14))  # 0.30 .. 0.95
C_VALUE = 0.3
REPORTED = ("nationality", "location", "sanction", "relation:all")
_FACT_PROPS = ("nationality", "mainCountry", "jurisdiction", "country", "address")
TRIGGER_CLASSES: dict[str, list[str]] = {
    "national": ["national", "citizen", "passport", "nationality", "native", "expatriate"],
    "person": ["man", "woman", "resident", "businessman", "businesswoman", "worker", "official"],
    "firm": [
        "company",
        "firm",
        "shipyard",
        "bank",
        "corporation",
        "entity",
        "group",
        "restaurant",
        "trader",
        "exporter",
        "business",
        "subsidiary",
        "owner",
    ],
    "place": ["home", "house", "residence", "headquarters", "office", "city", "farm", "branch"],
    "based": [
        "base",
        "based",
        "headquarter",
        "locate",
        "operate",
        "live",
        "reside",
        "in",
        "at",
        "from",
    ],
    "register": ["register", "incorporate", "registration", "establish", "found"],
    "sanction": [
        "sanction",
        "designate",
        "designation",
        "blacklist",
        "list",
        "penalize",
        "target",
        "freeze",
        "block",
        "ban",
        "impose",
    ],
    "agent": ["by", "under", "against"],
    "speech": ["say", "tell", "according", "report", "state", "announce", "accuse", "charge"],
}
"""Trigger word classes of the feature spec (lemmas)."""


@dataclass
class Cand:
    features: tuple[str, ...]
    label: str
    kinds: tuple[str, ...]
    party: tuple[str, str, str]  # entity id, canonical name, schema
    values: dict[str, str]  # kind -> the value the tagger would state
    targets: dict[str, str]  # kind -> the row's target as the relation listing shows it
    sentence: str


@dataclass
class DocData:
    stem: str
    cands: list[Cand] = field(default_factory=list)
    rule_rows: list[RelationRow] = field(default_factory=list)


@dataclass
class SetData:
    name: str
    gold: list[qr.GoldRelation]
    docs: list[DocData]


def feature_spec_data() -> dict[str, Any]:
    return {"version": "1", "max_gap": 25, "trigger_classes": TRIGGER_CLASSES}


def _target(kind: str, attribute: Attribute) -> str:
    value = candidate_value(kind, attribute)
    if kind == "sanction" or (kind == "location" and attribute.country is None):
        return value
    return str(registry.country.caption(value) or value)


def _label(names: set[str], attribute: Attribute, golds: list[qr.GoldRelation]) -> str:
    rules = default_rules()
    for gold in golds:
        if gold.kind not in KINDS or not any(qr.names_match(gold.source, n) for n in names):
            continue
        if gold.kind == "sanction":
            authority = rules.authority(gold.target)
            name = authority.name if authority is not None else gold.target
            if attribute.authority and qr.names_match(name, attribute.authority):
                return "sanction"
            continue
        targets = {attribute.text}
        if attribute.country:
            targets.add(str(registry.country.caption(attribute.country) or ""))
        if gold.kind in ("nationality", "registration") and not attribute.country:
            continue
        if any(t and qr.names_match(gold.target, t) for t in targets):
            return gold.kind
    return NONE


def collect_set(
    name: str,
    docs: list[Path],
    gold_dir: Path,
    urls: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> SetData:
    relation_dir = gold_dir / "relations" if (gold_dir / "relations").is_dir() else gold_dir
    gold = qr.load_gold(relation_dir)
    by_doc: dict[str, list[qr.GoldRelation]] = defaultdict(list)
    for relation in gold:
        by_doc[relation.document].append(relation)
    nlp = load_nlp()
    spec = parse_spec(MODEL_FILE, feature_spec_data())
    rules = default_rules()
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
            mentions = resolve_coreferences(doc, find_mentions(doc, context)).mentions
            names: dict[str, set[str]] = defaultdict(set)
            for mention in mentions:
                names[mention.entity_id].update({mention.canonical, mention.text})
            item = DocData(stem, [], rule_rows)
            for candidate in document_attribute_candidates(doc, mentions, spec, rules):
                party, attribute = candidate.party, candidate.attribute
                kinds = candidate_kinds(candidate)
                label = _label(names[party.entity_id], attribute, by_doc[stem])
                item.cands.append(
                    Cand(
                        candidate.features,
                        label if label in kinds else NONE,
                        kinds,
                        (party.entity_id, party.canonical, party.schema),
                        {kind: candidate_value(kind, attribute) for kind in kinds},
                        {kind: _target(kind, attribute) for kind in kinds},
                        candidate.sentence.text,
                    )
                )
            data.docs.append(item)
        for stem in set(by_doc) - set(documents):
            data.docs.append(DocData(stem))
        database.dispose()
    return data


def collect(folders: list[Path]) -> list[SetData]:
    """Every gold set's candidates and rule rows, extracted with the tagger off."""
    os.environ[SETTING] = "off"
    return training.collect_gold_sets(folders, collect_set)


# -- training and scoring --------------------------------------------------------------------


_FITTED: dict[tuple[str, ...], Any] = {}
"""Models by the names of their training sets: the inner folds of two outer folds share
them (training on all but {a, b} is the same whichever of a, b is held out first)."""


def _fit(sets: Sequence[SetData]) -> Any:
    key = tuple(sorted(data.name for data in sets))
    if key not in _FITTED:
        _FITTED[key] = _train(sets)
    return _FITTED[key]


def _closeness(cand: Cand) -> tuple[int, int]:
    """How closely a candidate's two ends are tied: (path length, word gap) buckets."""
    order = {"<=1": 0, "<=3": 1, "<=6": 2, "<=12": 3, "<=25": 4, ">25": 5}
    plen = next((f[5:] for f in cand.features if f.startswith("plen:")), ">25")
    gap = next((f[4:] for f in cand.features if f.startswith("gap:")), ">25")
    return order.get(plen, 6), order.get(gap, 6)


def training_rows(sets: Sequence[SetData]) -> list[Cand]:
    """The candidates to learn from. A gold relation labels EVERY sentence naming both ends
    (distant supervision); most of those sentences do not state it. So each gold tie's
    positive is its most closely tied candidate (shortest dependency path, then gap); its
    other sentences are left out rather than taught as either class."""
    rows: list[Cand] = []
    for data in sets:
        for doc in data.docs:
            best: dict[tuple[str, str, str], Cand] = {}
            for cand in doc.cands:
                if cand.label == NONE:
                    rows.append(cand)
                    continue
                key = (cand.party[0], cand.label, cand.values[cand.label])
                if key not in best or _closeness(cand) < _closeness(best[key]):
                    best[key] = cand
            rows.extend(best.values())
    return rows


def _train(sets: Sequence[SetData]) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    rows = training_rows(sets)
    labels = [cand.label for cand in rows]
    if len(set(labels)) < 2:
        raise SystemExit("error: the training sets give fewer than two classes")
    model = make_pipeline(DictVectorizer(), LogisticRegression(C=C_VALUE, max_iter=3000))
    model.fit([dict.fromkeys(cand.features, 1) for cand in rows], labels)
    return model


Prediction = tuple[Cand, str, float]


def _predictions(model: Any, data: SetData) -> dict[str, list[Prediction]]:
    """Per document: each candidate's best allowed kind and its probability."""
    out: dict[str, list[Prediction]] = {}
    classes = [str(label) for label in model.classes_]
    for doc in data.docs:
        cands = [cand for cand in doc.cands if cand.kinds]
        if not cands:
            out[doc.stem] = []
            continue
        probs = model.predict_proba([dict.fromkeys(c.features, 1) for c in cands])
        found = []
        for cand, row in zip(cands, probs, strict=True):
            by_class = dict(zip(classes, (float(p) for p in row), strict=True))
            kinds = [kind for kind in cand.kinds if kind in by_class]
            if kinds:
                best = max(kinds, key=lambda kind: by_class[kind])
                found.append((cand, best, by_class[best]))
        out[doc.stem] = found
    return out


def _rule_keys(rows: list[RelationRow]) -> set[tuple[str, str, str]]:
    keys = set()
    for row in rows:
        if row.source_id is None:
            continue
        if row.kind in ("sanction", "delisting"):
            keys.add((row.source_id, "sanction", row.target))
            continue
        for prop in _FACT_PROPS:
            for value in row.properties.get(prop, []):
                keys.add((row.source_id, row.kind, value))
    return keys


def _tagger_rows(
    doc: DocData, predictions: list[Prediction], threshold: float
) -> list[RelationRow]:
    known = _rule_keys(doc.rule_rows)
    best: dict[tuple[str, str, str], tuple[float, RelationRow]] = {}
    for cand, kind, probability in predictions:
        key = (cand.party[0], kind, cand.values[kind])
        if key in known or probability < threshold:
            continue
        row = RelationRow(
            kind,
            "Sanction" if kind == "sanction" else cand.party[2],
            f"tag-{len(best)}",
            cand.party[0],
            cand.party[1],
            None,
            cand.targets[kind],
            sentence=cand.sentence,
            confidence=probability,
        )
        if key not in best or probability > best[key][0]:
            best[key] = (probability, row)
    return [row for _, row in best.values()]


Counts = dict[str, tuple[int, int, int]]


def score(
    data: SetData,
    predictions: dict[str, list[Prediction]] | None,
    threshold: float,
    report: list[str] | None = None,
) -> Counts:
    """tp/fp/fn per reported kind and for all relations, rules alone or rules + tagger."""
    rows_by_doc = {}
    for doc in data.docs:
        rows = list(doc.rule_rows)
        if predictions is not None:
            rows.extend(_tagger_rows(doc, predictions.get(doc.stem, []), threshold))
        rows_by_doc[doc.stem] = rows
    counts = qr.score(data.gold, rows_by_doc, report)
    out: Counts = {}
    for kind in REPORTED:
        chosen = [row for row in counts if kind == "relation:all" or row["kind"] == kind]
        out[kind] = (
            sum(int(r["tp"]) for r in chosen),
            sum(int(r["fp"]) for r in chosen),
            sum(int(r["fn"]) for r in chosen),
        )
    return out


def _add(total: Counts, counts: Counts) -> Counts:
    return {
        kind: tuple(a + b for a, b in zip(total.get(kind, (0, 0, 0)), counts[kind], strict=True))  # type: ignore[misc]
        for kind in counts
    }


def choose_threshold(sets: Sequence[SetData]) -> float:
    """Threshold with the best summed relation F1 of rules + tagger on ``sets`` (each scored
    by a model trained on the others), precision at least MIN_PRECISION; 1.0 if none."""
    oof = [(held, _predictions(_fit(others), held)) for held, others in training.folds(sets)]
    rules: Counts = {}
    for held, _ in oof:
        rules = _add(rules, score(held, None, 1.0))
    best, best_f1 = 1.0, qr.prf(*rules["relation:all"])[2]
    for threshold in THRESHOLDS:
        totals: Counts = {}
        for held, predictions in oof:
            totals = _add(totals, score(held, predictions, threshold))
        precision, _, f1 = qr.prf(*totals["relation:all"])
        if precision >= MIN_PRECISION and f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def loso(sets: list[SetData], verbose: bool) -> list[dict[str, Any]]:
    rows = []
    total_rules: Counts = {}
    total_tagged: Counts = {}
    for held, train in training.folds(sets):
        threshold = choose_threshold(train)
        predictions = _predictions(_fit(train), held)
        base: list[str] = []
        rules = score(held, None, 1.0, base)
        report: list[str] = []
        tagged = score(held, predictions, threshold, report)
        if verbose:
            for line in sorted(set(report) - set(base)):
                print(f"  [{held.name}] added: {line}")
            for line in sorted(set(base) - set(report)):
                print(f"  [{held.name}] fixed: {line}")
        total_rules, total_tagged = _add(total_rules, rules), _add(total_tagged, tagged)
        rows.append({"set": held.name, "threshold": threshold, "rules": rules, "tagged": tagged})
        print(f"# {held.name}: threshold {threshold}", file=sys.stderr)
    rows.append({"set": "summed", "threshold": None, "rules": total_rules, "tagged": total_tagged})
    return rows


def print_curve(sets: list[SetData]) -> None:
    """Summed counts of rules + tagger at every threshold, each set scored by the model
    trained on the others (no threshold choice): what the tagger could add at best."""
    oof = [(held, _predictions(_fit([d for d in sets if d is not held]), held)) for held in sets]
    rules: Counts = {}
    for held, _ in oof:
        rules = _add(rules, score(held, None, 1.0))
    print("\nleave-one-set-out curve (relation:all, summed; rules alone first)")
    print(f"{'rules':>9} | {_cell(rules['relation:all'])}")
    for threshold in THRESHOLDS:
        totals: Counts = {}
        for held, predictions in oof:
            totals = _add(totals, score(held, predictions, threshold))
        print(f"{threshold:>9.2f} | {_cell(totals['relation:all'])}")


def _cell(counts: tuple[int, int, int]) -> str:
    precision, recall, f1 = qr.prf(*counts)
    return f"{'/'.join(map(str, counts)):>10} {precision:4.2f} {recall:4.2f} {f1:4.2f}"


def print_loso(rows: list[dict[str, Any]]) -> None:
    print(f"# {training.machine()}, load {os.getloadavg()[0]:.1f}")
    print("# each cell: tp/fp/fn P R F1; 'rules' = tagger off, '+tagger' = rules + tagger")
    for kind in REPORTED:
        print(f"\n{kind}")
        header = f"{'held-out set':13} {'thr':>5} | {'rules':>25} | {'+tagger':>25}"
        print(header)
        print("-" * len(header))
        for row in rows:
            threshold = "-" if row["threshold"] is None else f"{row['threshold']:.2f}"
            print(
                f"{row['set']:13} {threshold:>5} | {_cell(row['rules'][kind])} | "
                f"{_cell(row['tagged'][kind])}"
            )


# -- writing the shipped model ----------------------------------------------------------------


def export(model: Any, threshold: float, sets: Sequence[SetData], enable: bool) -> dict[str, Any]:
    vectorizer, regression = model.steps[0][1], model.steps[1][1]
    classes = [str(label) for label in regression.classes_]
    weights = training.regression_weights(regression, classes, vectorizer.get_feature_names_out())
    cands = [cand for data in sets for doc in data.docs for cand in doc.cands]
    return {
        "version": "1",
        "enabled": enable,
        "about": "Attribute tagger (nationality, location, registration, sanction): logistic "
        "regression over (party, country/place/authority word) pairs; docs/relations.md.",
        "training": {
            "sets": [data.name for data in sets],
            "date": datetime.date.today().isoformat(),
            "candidates": len(cands),
            "positive_candidates": sum(1 for cand in cands if cand.label != NONE),
            "regularisation_C": C_VALUE,
            "trainer": "bench/train_attribute_model.py",
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
    sets = training.cached_sets(args.cache, lambda: collect(args.heldout_dir))
    for data in sets:
        cands = [cand for doc in data.docs for cand in doc.cands]
        positives = sum(1 for cand in cands if cand.label != NONE)
        print(
            f"# {data.name}: {len(data.gold)} gold, {len(cands)} candidates, {positives} positive"
        )
    if args.loso:
        print_loso(loso(sets, args.verbose))
        print_curve(sets)
    if args.write is not None:
        threshold = choose_threshold(sets)
        data = export(_fit(sets), threshold, sets, args.enable)
        args.write.write_text(model_json(data), "utf-8")
        print(f"# wrote {args.write} (threshold {threshold}, {len(data['weights'])} features)")
    print(f"# {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
