"""Train the learned entity typer and judge it leave-one-set-out.

Every gold set (the seeds, examples/reports and the real sets of ``--heldout-dir``) is
ingested into a fresh store; each document is parsed and its mentions found with the typer
OFF (the rules alone). One example per entity the rules produce: its features
(``sanctionwatch.extract.entity_typer.group_features``) and its label, the type of the gold
entity one of its names matches as ``bench/extraction_quality.py`` matches names, or
``none`` when it matches no gold entity (an entity naming a gold row the cleaned text writes
otherwise is left out, as the bench leaves it unscored).

``--loso``: for each set, train a logistic regression on the OTHER sets, choose the re-type
and drop thresholds on those sets only (inner leave-one-set-out, best summed entity F1),
and score the held-out set with the rules alone and with rules + typer, per type and summed
(the quality bench's own scoring function).

``--write``: train on every set and write ``data/extract/entities/typer_model.json``
(thresholds chosen by leave-one-set-out over all sets; ``--enable`` marks it on by default).

    PYTHONPATH=src python bench/train_entity_typer.py --loso \
        --heldout-dir /work/heldout_real ... --heldout-dir /work/heldout_real9
    PYTHONPATH=src python bench/train_entity_typer.py --write [--enable] --heldout-dir ...

Needs scikit-learn (the ``train`` extra); the pipeline itself reads the weights without it.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import extraction_quality as eq  # noqa: E402
import training  # noqa: E402
from training import model_json  # noqa: E402

from sanctionwatch.extract.entities import find_mentions  # noqa: E402
from sanctionwatch.extract.entity_typer import (  # noqa: E402
    FEATURE_VERSION,
    NOT_ENTITY,
    SETTING,
    TYPER_FILE,
    TYPES,
    decide,
    entity_groups,
    group_features,
)
from sanctionwatch.extract.pipeline import document_context, load_nlp, parse_long_text  # noqa: E402
from sanctionwatch.extract.rules import load_entity_rules  # noqa: E402
from sanctionwatch.ingest import ingest_bytes, ingest_paths  # noqa: E402
from sanctionwatch.ingest.redate import set_publication_date  # noqa: E402
from sanctionwatch.store import Database  # noqa: E402
from sanctionwatch.store.tables import DocumentRow  # noqa: E402

MODEL_VERSION = "2"
"""The written file's ``version`` (part of the entity extractor's version when the typer is
on): raise it whenever the features or the training sets change (2: no name words)."""
C_VALUE = 1.0
MIN_COUNT = 2
"""A feature seen in fewer training entities is left out (it cannot generalise)."""
MIN_WEIGHT = 0.01
"""Weights closer to zero are left out of the file (they change no decision)."""
RETYPE_GRID = (0.6, 0.7, 0.8, 0.9, 1.01)
DROP_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
"""1.01 = never: the grid always holds "the rules alone"."""
SCORED = ("Company", "Organization", "Person", "Place")
CLASS_WEIGHT: str | None = None
IGNORED: tuple[str, ...] = ()
"""Feature prefixes left out of the model (for experiments)."""


@dataclass
class Example:
    """One entity the rules produced in one document."""

    features: frozenset[str]
    schema: str
    names: set[str]
    label: str | None
    """Gold type, ``none``, or None when unscored (a gold row outside the text)."""
    caption: str
    weight: int


@dataclass
class DocData:
    stem: str
    gold: list[eq.Entity]
    outside: list[eq.Entity]
    examples: list[Example] = field(default_factory=list)


@dataclass
class SetData:
    name: str
    docs: list[DocData]

    def examples(self) -> Iterable[Example]:
        return (example for doc in self.docs for example in doc.examples)


# -- collecting examples --------------------------------------------------------------------


def _label(names: set[str], gold: list[eq.Entity], outside: list[eq.Entity]) -> str | None:
    hits = [entity for entity in gold if entity.names & names]
    if hits:
        schema = hits[0].schema
        return schema if schema in TYPES else None
    if any(entity.names & names for entity in outside):
        return None
    return NOT_ENTITY


def _ingest(
    database: Database,
    docs: list[Path],
    urls: dict[str, str] | None,
    published: dict[str, str] | None,
) -> dict[str, str]:
    """File stem -> document id, as the quality bench ingests (without extracting)."""
    outcomes = list(
        ingest_paths(database, [str(p) for p in docs if p.stem not in (urls or {})]).outcomes
    )
    for path in docs:
        if urls and path.stem in urls:
            outcomes.append(
                ingest_bytes(database, path.read_bytes(), source=str(path), url=urls[path.stem])
            )
    ids = {Path(o.source).stem: o.document_id for o in outcomes if o.document_id}
    for stem, value in (published or {}).items():
        if stem in ids:
            set_publication_date(database, [ids[stem]], value, reason="bench: sources file")
    return ids


def collect_set(
    name: str,
    docs: list[Path],
    gold_dir: Path,
    urls: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> SetData:
    nlp = load_nlp()
    rules = load_entity_rules()
    data = SetData(name, [])
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/typer.db")
        database.migrate()
        ids = _ingest(database, docs, urls, published)
        for gold_file in sorted((gold_dir / "entities").glob("*.yaml")):
            document_id = ids.get(gold_file.stem)
            if document_id is None:
                continue
            with database.session() as session:
                row = session.get(DocumentRow, document_id)
                assert row is not None
                context = document_context(row)
            gold, outside = eq.load_gold(gold_file, context.clean_text)
            item = DocData(gold_file.stem, gold, outside)
            doc = parse_long_text(nlp, context.clean_text)
            for group in entity_groups(find_mentions(doc, context)).values():
                names = {eq.normalise(group[0].canonical)}
                names.update(eq.normalise(m.text) for m in group)
                item.examples.append(
                    Example(
                        group_features(doc, group, rules, context.clean_text),
                        group[0].schema,
                        names,
                        _label(names, gold, outside),
                        group[0].canonical,
                        len(group),
                    )
                )
            data.docs.append(item)
        database.dispose()
    return data


def collect(folders: list[Path]) -> list[SetData]:
    """Every gold set's entities as the rules alone type them."""
    os.environ[SETTING] = "off"
    return training.collect_gold_sets(folders, collect_set)


# -- training and scoring --------------------------------------------------------------------


class Model:
    """A fitted regression over the kept features (sklearn only here, in the trainer)."""

    def __init__(self, sets: Sequence[SetData]) -> None:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        rows = [e for data in sets for e in data.examples() if e.label is not None]
        counts = Counter(feature for e in rows for feature in e.features)
        self.kept = {
            feature
            for feature, count in counts.items()
            if count >= MIN_COUNT and not feature.startswith(IGNORED)
        }
        self.vectorizer = DictVectorizer()
        matrix = self.vectorizer.fit_transform([self._row(e.features) for e in rows])
        self.regression = LogisticRegression(C=C_VALUE, max_iter=5000, class_weight=CLASS_WEIGHT)
        self.regression.fit(matrix, [e.label for e in rows])
        self.classes = [str(label) for label in self.regression.classes_]
        self.examples = len(rows)

    def _row(self, features: Iterable[str]) -> dict[str, int]:
        return {feature: 1 for feature in features if feature in self.kept}

    def predict(self, examples: Sequence[Example]) -> list[tuple[str, float]]:
        if not examples:
            return []
        matrix = self.vectorizer.transform([self._row(e.features) for e in examples])
        out = []
        for row in self.regression.predict_proba(matrix):
            best = max(range(len(row)), key=lambda k: row[k])
            out.append((self.classes[best], float(row[best])))
        return out


Predictions = dict[int, tuple[str, float]]
"""id(example) -> best class and its probability."""


def predictions(model: Model, data: SetData) -> Predictions:
    examples = list(data.examples())
    return {id(e): p for e, p in zip(examples, model.predict(examples), strict=True)}


def score(
    data: SetData,
    predicted: Predictions | None,
    retype: float = 1.01,
    drop: float = 1.01,
    report: list[str] | None = None,
) -> dict[str, eq.Tally]:
    """Tallies per type as the quality bench counts them, with the typer's decisions."""
    tallies: dict[str, eq.Tally] = defaultdict(eq.Tally)
    for doc in data.docs:
        found = []
        for example in doc.examples:
            schema: str | None = example.schema
            if predicted is not None and id(example) in predicted:
                best, probability = predicted[id(example)]
                schema = decide(example.schema, best, probability, retype, drop)
            if schema is None:
                if report is not None:
                    report.append(f"{doc.stem}: dropped {example.caption} ({example.label})")
                continue
            if report is not None and schema != example.schema:
                report.append(
                    f"{doc.stem}: {example.caption} {example.schema} -> {schema} "
                    f"(gold {example.label})"
                )
            found.append(eq.Entity(schema, example.names, example.caption, example.weight))
        found.sort(key=lambda entity: -entity.weight)
        eq.score_entities(doc.gold, found, tallies, doc.outside)
    return tallies


def summed(tallies: Iterable[dict[str, eq.Tally]]) -> dict[str, eq.Tally]:
    """Counts summed per type over ``tallies``, with an ``all`` row (any ``all`` given is
    recomputed, never added)."""
    total: dict[str, eq.Tally] = defaultdict(eq.Tally)
    for part in tallies:
        for kind, tally in part.items():
            if kind == "all":
                continue
            total[kind].tp += tally.tp
            total[kind].fp += tally.fp
            total[kind].fn += tally.fn
    everything = eq.Tally()
    for tally in list(total.values()):
        everything.tp += tally.tp
        everything.fp += tally.fp
        everything.fn += tally.fn
    total["all"] = everything
    return total


def f1(tally: eq.Tally) -> float:
    return float(tally.row("", "")["f1"])


def choose_thresholds(sets: Sequence[SetData]) -> tuple[float, float]:
    """Re-type and drop thresholds with the best summed entity F1 on ``sets``, each set
    scored by a model trained on the others (ties go to the more cautious thresholds)."""
    oof = [(held, predictions(Model(others), held)) for held, others in training.folds(sets)]
    best, best_key = (1.01, 1.01), (-1.0, 0.0, 0.0)
    for retype in RETYPE_GRID:
        for drop in DROP_GRID:
            total = summed(score(held, p, retype, drop) for held, p in oof)["all"]
            key = (round(f1(total), 4), retype, drop)
            if key > best_key:
                best, best_key = (retype, drop), key
    return best


def loso(sets: list[SetData], verbose: bool) -> list[dict[str, Any]]:
    rows = []
    for held, train in training.folds(sets):
        retype, drop = choose_thresholds(train)
        predicted = predictions(Model(train), held)
        report: list[str] = []
        rows.append(
            {
                "set": held.name,
                "thresholds": (retype, drop),
                "rules": summed([score(held, None)]),
                "typer": summed([score(held, predicted, retype, drop, report)]),
            }
        )
        if verbose:
            for line in report:
                print(f"  [{held.name}] {line}")
        print(f"# {held.name}: retype {retype}, drop {drop}", file=sys.stderr)
    rows.append(
        {
            "set": "summed",
            "thresholds": None,
            "rules": summed(row["rules"] for row in rows),
            "typer": summed(row["typer"] for row in rows),
        }
    )
    return rows


def forward(sets: list[SetData], tested: Sequence[str], verbose: bool) -> list[dict[str, Any]]:
    """Train on every set not named in ``tested`` (thresholds by leave-one-set-out on those),
    score each named set: what the typer does on pages published after its training."""
    train = [data for data in sets if data.name not in tested]
    held = [data for data in sets if data.name in tested]
    retype, drop = choose_thresholds(train)
    model = Model(train)
    rows = []
    for data in held:
        report: list[str] = []
        typed = score(data, predictions(model, data), retype, drop, report)
        rows.append(
            {
                "set": data.name,
                "thresholds": (retype, drop),
                "rules": summed([score(data, None)]),
                "typer": summed([typed]),
            }
        )
        if verbose:
            for line in report:
                print(f"  [{data.name}] {line}")
    rows.append(
        {
            "set": "summed",
            "thresholds": None,
            "rules": summed(row["rules"] for row in rows),
            "typer": summed(row["typer"] for row in rows),
        }
    )
    return rows


def _cell(tally: eq.Tally) -> str:
    row = tally.row("", "")
    return f"{tally.tp}/{tally.fp}/{tally.fn} {row['f1']:.3f}"


def print_loso(rows: list[dict[str, Any]]) -> None:
    print(f"# {training.machine()}")
    kinds = ("all", *SCORED)
    header = f"{'held-out set':12} {'thresholds':>10} | " + " | ".join(
        f"{kind + ' rules':>21} {kind + ' +typer':>21}" for kind in kinds
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        pair = row["thresholds"]
        thresholds = "-" if pair is None else f"{pair[0]:.2f}/{pair[1]:.2f}"
        cells = " | ".join(
            f"{_cell(row['rules'][kind]):>21} {_cell(row['typer'][kind]):>21}" for kind in kinds
        )
        print(f"{row['set']:12} {thresholds:>10} | {cells}")
    total = rows[-1]
    for kind in kinds:
        rules, typer = total["rules"][kind], total["typer"][kind]
        r, t = rules.row("", kind), typer.row("", kind)
        print(
            f"# summed {kind:12} rules P {r['precision']:.3f} R {r['recall']:.3f} "
            f"F1 {r['f1']:.3f} -> typer P {t['precision']:.3f} R {t['recall']:.3f} F1 {t['f1']:.3f}"
        )


# -- writing the shipped model ----------------------------------------------------------------


def export(
    model: Model, thresholds: tuple[float, float], sets: Sequence[SetData], enable: bool
) -> dict[str, Any]:
    regression, classes = model.regression, model.classes
    names = model.vectorizer.get_feature_names_out()
    weights = training.regression_weights(regression, classes, names, MIN_WEIGHT)
    labels = Counter(e.label for data in sets for e in data.examples() if e.label is not None)
    retype, drop = thresholds
    return {
        "version": MODEL_VERSION,
        "enabled": enable,
        "feature_version": FEATURE_VERSION,
        "about": "Logistic regression over entity features; see docs/extraction-quality.md "
        "(Session 7, orgtype).",
        "training": {
            "sets": [data.name for data in sets],
            "date": datetime.date.today().isoformat(),
            "entities": model.examples,
            "labels": dict(sorted(labels.items())),
            "regularisation_C": C_VALUE,
            "min_feature_count": MIN_COUNT,
            "trainer": "bench/train_entity_typer.py",
        },
        "classes": classes,
        "bias": training.regression_bias(regression, classes),
        "retype_threshold": min(retype, 1.0),
        "drop_threshold": min(drop, 1.0),
        "weights": weights,
    }


def main(argv: list[str] | None = None) -> int:
    parser = training.training_parser(__doc__, TYPER_FILE, "examples")
    parser.add_argument(
        "--test-set",
        action="append",
        default=[],
        help="train on the other sets only and score this one (repeatable)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sets = training.cached_sets(args.cache, lambda: collect(args.heldout_dir))
    for data in sets:
        labels = Counter(str(e.label) for e in data.examples())
        print(f"# {data.name}: {sum(labels.values())} entities {dict(sorted(labels.items()))}")
    if args.loso:
        print_loso(loso(sets, args.verbose))
    if args.test_set:
        print_loso(forward(sets, args.test_set, args.verbose))
    if args.write is not None:
        thresholds = choose_thresholds(sets)
        data = export(Model(sets), thresholds, sets, args.enable)
        args.write.write_text(model_json(data), "utf-8")
        print(f"# wrote {args.write} (thresholds {thresholds}, {len(data['weights'])} features)")
    print(f"# {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
