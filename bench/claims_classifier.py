"""Is this number a claim? A learned filter over every figure, judged leave-one-set-out.

Every figure the number reader finds (counts, money, percents, ratios; not vague magnitudes,
dates or labels) is a candidate. Its label is whether the set's gold holds a claim of that value
(within 1%) AND unit in that document (``--labels value`` reproduces the older label, value in
any unit). Features are read from the parse: the counted noun's lemma and
vocabulary class, the governing verb's lemma and the figure's role under it, dependency labels,
the qualifier, the kind and size of the number, and cue words of the subject in its sentence
(North Korea, workers, sanctions, companies, revenue). A logistic regression (scikit-learn,
for this experiment only) is trained on all sets but one and scores the one left out.

Two rows per left-out set, value+unit only (the as-of date is the rules' job either way):
``rules`` is what the extractor stores; ``rules+clf`` adds every figure the rules left out
that the classifier accepts, with the unit its noun gives (a counted unit of the vocabulary,
a currency, percent, else the plural noun). A last, nested run chooses the threshold on the
training sets of each fold only (their own leave-one-set-out), so the left-out set never helps
pick it.

The hard limits before the model (``figures.hard_limits``: off-subject passages, years, nouns,
verbs and prices the vocabulary rules out) were written with every set in view. So each fold
keeps only the limits its own training sets support (a limit that rules out more figures
without a gold claim than with one there); a limit seen only on the left-out set does not help
score it. Three protocols side by side, on the same candidates in one run: ``published`` (value
labels, every limit: the session-6 numbers), ``value`` (value labels, limits chosen per fold)
and ``value+unit`` (value+unit labels, limits chosen per fold: the shipped model). Run:

    PYTHONPATH=src python bench/claims_classifier.py [--threshold 0.65] [--shared /work/shared]

Needs the held-out texts in /work/heldout_real .. /work/heldout_real9 (see
docs/extraction-quality.md); sets whose texts are missing are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_claims import GoldDocument, load_gold

from sanctionwatch.extract.claimkit import analysis, figures
from sanctionwatch.extract.claimkit.dates import DocumentDate
from sanctionwatch.extract.claimkit.numbers import find_quantities
from sanctionwatch.extract.claimkit.places import Taken, collect_actors
from sanctionwatch.extract.claimkit.vocabulary import Vocabulary, default_vocabulary
from sanctionwatch.extract.claims import find_claims
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.pipeline import load_nlp
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Candidate:
    set_name: str
    stem: str
    value: float
    unit: str
    features: dict[str, float]
    gold: bool
    """The document's gold holds a claim of this value (within 1%) and this unit."""
    ruled: bool
    gold_value: bool = False
    """The gold holds a claim of this value in any unit (the label before session 7)."""
    limits: tuple[str, ...] = ()
    """Hard limits that rule the figure out (``figures.hard_limits``; none when ruled)."""


@dataclass(frozen=True)
class Protocol:
    """How a fold labels its training figures and which hard limits it applies."""

    name: str
    unit_labels: bool
    fold_limits: bool

    def label(self, candidate: Candidate) -> bool:
        return candidate.gold if self.unit_labels else candidate.gold_value

    def limits(self, train: list[Candidate]) -> frozenset[str] | None:
        """The limits in force when ``train`` is all a fold may look at (None: every one)."""
        return chosen_limits(train, self.label) if self.fold_limits else None


PROTOCOLS = (
    Protocol("published", unit_labels=False, fold_limits=False),
    Protocol("value", unit_labels=False, fold_limits=True),
    Protocol("value+unit", unit_labels=True, fold_limits=True),
)
SHIPPED = PROTOCOLS[-1]


def chosen_limits(train: list[Candidate], label: Callable[[Candidate], bool]) -> frozenset[str]:
    """The hard limits the training figures support: each rules out more of the figures the
    rules leave that have no gold claim than of those that have one."""
    counts: dict[str, list[int]] = {}
    for candidate in train:
        if candidate.ruled:
            continue
        for limit in set(candidate.limits):
            counts.setdefault(limit, [0, 0])[label(candidate)] += 1
    return frozenset(limit for limit, (wrong, right) in counts.items() if wrong > right)


def passes(candidate: Candidate, limits: frozenset[str] | None) -> bool:
    """The figure reaches the filter (or the rules stored it) under ``limits`` in force."""
    if candidate.ruled or not candidate.limits:
        return True
    return limits is not None and not (set(candidate.limits) & limits)


def _sets(shared: Path) -> list[tuple[str, Path, Path]]:
    """(name, folder of texts, folder of gold yaml) for the seeds and the nine real sets."""
    sets = [("seeds", shared / "corpus" / "seeds", REPO / "tests" / "gold" / "claims")]
    for suffix in ("", "2", "3", "4", "5", "6", "7", "8", "9"):
        name = f"real{suffix}"
        gold = REPO / "tests" / "gold" / f"heldout_{name}" / "claims"
        sets.append((name, Path(f"/work/heldout_{name}"), gold))
    return [(name, texts, gold) for name, texts, gold in sets if texts.is_dir()]


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= max(abs(b) * 0.01, 1e-9)


def document_candidates(
    nlp: Any, set_name: str, text: str, gold: GoldDocument, vocabulary: Vocabulary
) -> list[Candidate]:
    context = DocumentContext("d" * 64, text, OffsetMap.identity(len(text)), None)
    doc = nlp(text)
    mentions = find_mentions(doc, context)
    published = DocumentDate.parse(gold.published)
    ruled = find_claims(doc, context, mentions, published=published, learned=False)
    labels = Taken(len(text))
    for mention in mentions:
        if mention.schema in analysis.LABEL_SCHEMAS:
            labels.take(mention.start, mention.end)
    actors = collect_actors(doc, mentions)
    found = []
    for quantity in find_quantities(text, vocabulary):
        root = analysis.number_root(doc, quantity)
        if root is None or quantity.vague or analysis.is_label_or_date(doc, quantity, labels):
            continue
        noun = analysis.counted_noun(root, quantity, vocabulary)
        token = figures.noun_of_figure(root, noun)
        features = figures.figure_features(quantity, root, noun, vocabulary)
        unit = figures.figure_unit(quantity, token, vocabulary)
        stored = [c for c in ruled if c.start < quantity.end and quantity.start < c.end]
        if stored:
            unit = stored[0].unit
        elif unit is None or analysis.is_no_figure(quantity, root, noun, text, actors, vocabulary):
            continue  # the extractor never stores it: not a candidate of the filter
        limits = () if stored else tuple(figures.hard_limits(quantity, root, token, vocabulary))
        found.append(
            Candidate(
                set_name,
                gold.stem,
                quantity.value,
                unit,
                features,
                gold=any(
                    _same(quantity.value, g.value) and unit.lower() == g.unit.lower()
                    for g in gold.claims
                ),
                ruled=bool(stored),
                gold_value=any(_same(quantity.value, g.value) for g in gold.claims),
                limits=limits,
            )
        )
    return found


def collect(shared: Path) -> tuple[list[Candidate], dict[str, dict[str, Any]]]:
    nlp = load_nlp()
    vocabulary = default_vocabulary()
    candidates: list[Candidate] = []
    ruled_claims: dict[str, dict[str, Any]] = {}
    for set_name, texts, gold_dir in _sets(shared):
        for gold in load_gold(gold_dir):
            path = texts / f"{gold.stem}.txt"
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            candidates.extend(document_candidates(nlp, set_name, text, gold, vocabulary))
            ruled_claims[f"{set_name}/{gold.stem}"] = {"gold": gold}
    return candidates, ruled_claims


def _score_rules(
    candidates: Iterable[Candidate], golds: dict[str, dict[str, Any]], add: set[int]
) -> tuple[int, int, int]:
    """value-level tp/fp/fn of the rules' figures plus the added candidates (by index)."""
    by_doc: dict[str, list[Candidate]] = {}
    for index, candidate in enumerate(candidates):
        if candidate.ruled or index in add:
            by_doc.setdefault(f"{candidate.set_name}/{candidate.stem}", []).append(candidate)
    tp = fp = fn = 0
    for key, entry in golds.items():
        gold: GoldDocument = entry["gold"]
        free = list(by_doc.get(key, []))
        matched = 0
        for item in gold.claims:
            hit = next(
                (
                    c
                    for c in free
                    if _same(c.value, item.value) and c.unit.lower() == item.unit.lower()
                ),
                None,
            )
            if hit is not None:
                free.remove(hit)
                matched += 1
        tp += matched
        fn += len(gold.claims) - matched
        fp += len({c.value for c in free})
    return tp, fp, fn


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


C = 0.5
"""Inverse regularisation of the logistic regression (few examples: keep the weights small)."""
GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
"""Thresholds the nested evaluation chooses from on the training sets of each fold."""


def _fit(train: list[Candidate], label: Callable[[Candidate], bool]) -> tuple[Any, Any]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([c.features for c in train])
    model = LogisticRegression(max_iter=2000, C=C, class_weight="balanced")
    model.fit(matrix, [label(c) for c in train])
    return vectorizer, model


def _accepted(tests: list[Candidate], probabilities: list[float], threshold: float) -> set[int]:
    """Indexes of the figures the filter adds at ``threshold``; as the extractor does, a figure
    restating one already kept (same value and unit in the document) is one."""
    kept = {(c.set_name, c.stem, c.value, c.unit) for c in tests if c.ruled}
    accepted = set()
    for index, (c, p) in enumerate(zip(tests, probabilities, strict=True)):
        figure = (c.set_name, c.stem, c.value, c.unit)
        if p >= threshold and not c.ruled and figure not in kept:
            kept.add(figure)
            accepted.add(index)
    return accepted


def _scored_fold(
    train: list[Candidate], held: list[Candidate], protocol: Protocol
) -> tuple[list[Candidate], list[float]]:
    """Fit on ``train`` under ``protocol`` (labels, and the limits ``train`` supports) and
    score the figures of ``held`` that reach the filter (ruled figures come along: the filter
    skips them, the score counts them)."""
    limits = protocol.limits(train)
    vectorizer, model = _fit([c for c in train if passes(c, limits)], protocol.label)
    tests = [c for c in held if passes(c, limits)]
    probabilities = model.predict_proba(vectorizer.transform([c.features for c in tests]))
    return tests, [float(p) for p in probabilities[:, 1]]


def chosen_threshold(
    train: list[Candidate], golds: dict[str, dict[str, Any]], grid: list[float], protocol: Protocol
) -> float:
    """The threshold of ``grid`` with the best value+unit F1 over leave-one-set-out folds of
    ``train`` alone (limits chosen inside each inner fold too): the set being judged never
    helps choose it."""
    scored: list[Candidate] = []
    probabilities: list[float] = []
    for inner in sorted({c.set_name for c in train}):
        tests, inner_probabilities = _scored_fold(
            [c for c in train if c.set_name != inner],
            [c for c in train if c.set_name == inner],
            protocol,
        )
        scored.extend(tests)
        probabilities.extend(inner_probabilities)
    sets = {c.set_name for c in train}
    train_golds = {k: v for k, v in golds.items() if k.split("/")[0] in sets}
    return max(
        grid,
        key=lambda t: (
            _f1(*_score_rules(scored, train_golds, _accepted(scored, probabilities, t))),
            t,
        ),
    )


def nested_leave_one_set_out(
    candidates: list[Candidate],
    golds: dict[str, dict[str, Any]],
    grid: list[float],
    protocol: Protocol,
) -> tuple[int, int, int]:
    """Leave one set out with the threshold chosen on the other sets only (nested): the honest
    estimate of the filter at a threshold nobody picked by looking at the left-out set."""
    print(f"nested ({protocol.name}): threshold chosen from {grid} on each fold's training sets")
    totals = {"rules": [0, 0, 0], "both": [0, 0, 0]}
    for held in sorted({c.set_name for c in candidates}):
        train = [c for c in candidates if c.set_name != held]
        threshold = chosen_threshold(train, golds, grid, protocol)
        rules, both = _fold(candidates, golds, held, threshold, protocol)[2:]
        for key, row in (("rules", rules), ("both", both)):
            totals[key] = [a + b for a, b in zip(totals[key], row, strict=True)]
        print(
            f"{held:10} threshold {threshold:<5g} rules {'/'.join(map(str, rules)):>10} "
            f"{_f1(*rules):6.3f}  rules+clf {'/'.join(map(str, both)):>10} {_f1(*both):6.3f}"
        )
    r, b = totals["rules"], totals["both"]
    print(
        f"{'summed':10} {'':15} rules {'/'.join(map(str, r)):>10} {_f1(*r):6.3f}  "
        f"rules+clf {'/'.join(map(str, b)):>10} {_f1(*b):6.3f}"
    )
    return b[0], b[1], b[2]


def _fold(
    candidates: list[Candidate],
    golds: dict[str, dict[str, Any]],
    held: str,
    threshold: float,
    protocol: Protocol,
) -> tuple[list[Candidate], set[int], tuple[int, int, int], tuple[int, int, int]]:
    """One fold: fit on every set but ``held``, keep its figures above ``threshold``, and score
    rules alone and rules + filter on it (tp/fp/fn each)."""
    tests, probabilities = _scored_fold(
        [c for c in candidates if c.set_name != held],
        [c for c in candidates if c.set_name == held],
        protocol,
    )
    accepted = _accepted(tests, probabilities, threshold)
    held_golds = {k: v for k, v in golds.items() if k.startswith(f"{held}/")}
    return (
        tests,
        accepted,
        _score_rules(tests, held_golds, set()),
        _score_rules(tests, held_golds, accepted),
    )


def leave_one_set_out(
    candidates: list[Candidate],
    golds: dict[str, dict[str, Any]],
    threshold: float,
    verbose: bool,
    protocol: Protocol,
) -> tuple[int, int, int]:
    """Train on every set but one, score the one left out: rules alone vs rules + filter."""
    print(
        f"{protocol.name}, threshold {threshold}\n{'left out':10} {'cands':>5} {'gold':>4} "
        f"{'rules tp/fp/fn':>15} {'F1':>6} {'rules+clf tp/fp/fn':>19} {'F1':>6}  "
        "filter on figures the rules leave"
    )
    totals = {"rules": [0, 0, 0], "both": [0, 0, 0]}
    for held in sorted({c.set_name for c in candidates}):
        tests, accepted, rules, both = _fold(candidates, golds, held, threshold, protocol)
        hits = sum(1 for i in accepted if tests[i].gold)
        gold_left = sum(1 for c in tests if c.gold and not c.ruled)
        for key, row in (("rules", rules), ("both", both)):
            totals[key] = [a + b for a, b in zip(totals[key], row, strict=True)]
        print(
            f"{held:10} {len(tests):5} {sum(c.gold for c in tests):4} "
            f"{'/'.join(map(str, rules)):>15} {_f1(*rules):6.3f} "
            f"{'/'.join(map(str, both)):>19} {_f1(*both):6.3f}  "
            f"{hits} of {len(accepted)} kept are gold; {hits} of {gold_left} gold left found"
        )
        if verbose:
            for i in sorted(accepted):
                c = tests[i]
                print(f"      + {c.stem} {c.value:g} {c.unit} gold={c.gold}")
    r, b = totals["rules"], totals["both"]
    print(
        f"{'summed':10} {'':5} {'':4} {'/'.join(map(str, r)):>15} {_f1(*r):6.3f} "
        f"{'/'.join(map(str, b)):>19} {_f1(*b):6.3f}"
    )
    return b[0], b[1], b[2]


def limit_support(candidates: list[Candidate]) -> None:
    """Each hard limit with the figures it rules out on all sets (without / with a gold claim)
    and the sets it fires in: a limit no set supports is a guess the data cannot check."""
    counts: dict[str, list[int]] = {}
    sets: dict[str, set[str]] = {}
    for candidate in candidates:
        for limit in set(candidate.limits):
            counts.setdefault(limit, [0, 0])[candidate.gold] += 1
            sets.setdefault(limit, set()).add(candidate.set_name)
    print("hard limits: figures ruled out without / with a gold value+unit claim, sets")
    for limit, (wrong, right) in sorted(counts.items(), key=lambda item: -sum(item[1])):
        flag = "" if wrong > right else "  <- not supported"
        print(f"  {limit:24} {wrong:4} / {right:<3} {len(sets[limit])} sets{flag}")


def write_model(
    candidates: list[Candidate], threshold: float, path: Path, version: str | None
) -> None:
    """Fit on every set as the extractor runs (value+unit labels, every hard limit of the
    vocabulary) and write the weights file it reads."""
    train = [c for c in candidates if passes(c, None)]
    vectorizer, model = _fit(train, SHIPPED.label)
    weights = {
        name: round(float(weight), 5)
        for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(weight) >= 1e-5
    }
    if version is None:
        version = figures.default_model().version if figures.MODEL_PATH.is_file() else "1"
    data = {
        "version": version,
        "threshold": threshold,
        "intercept": round(float(model.intercept_[0]), 5),
        "trained_on": sorted({c.set_name for c in train}),
        "examples": len(train),
        "positives": sum(SHIPPED.label(c) for c in train),
        "labels": "value and unit match a gold claim",
        "trainer": f"bench/claims_classifier.py (logistic regression, C={C}, balanced)",
        "weights": dict(sorted(weights.items())),
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"# wrote {path} ({len(weights)} weights)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", "/work/shared"))
    parser.add_argument("--shared", type=Path, default=shared)
    parser.add_argument("--threshold", type=float, nargs="+", default=[0.65])
    parser.add_argument("--write", type=Path, help="fit on every set and write the weights here")
    parser.add_argument("--model-version", help="version of the written weights (a new model)")
    parser.add_argument(
        "--protocol",
        choices=[p.name for p in PROTOCOLS],
        nargs="+",
        default=[p.name for p in PROTOCOLS],
        help="which protocols to run (all three by default, side by side)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    candidates, golds = collect(args.shared)
    print(f"# {platform.platform()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    reaching = [c for c in candidates if passes(c, None)]
    print(
        f"# {len(candidates)} candidate figures ({len(reaching)} past every hard limit), "
        f"{sum(c.gold for c in reaching)} of those with a gold value+unit, "
        f"{sum(c.gold_value for c in reaching)} with a gold value, "
        f"{sum(c.ruled for c in candidates)} stored by the rules"
    )
    limit_support(candidates)
    protocols = [p for p in PROTOCOLS if p.name in args.protocol]
    summary = []
    for protocol in protocols:
        for threshold in args.threshold:
            row = leave_one_set_out(candidates, golds, threshold, args.verbose, protocol)
            summary.append((f"{protocol.name} at {threshold:g}", row))
        grid = sorted(set(args.threshold) | set(GRID))
        summary.append(
            (f"{protocol.name} nested", nested_leave_one_set_out(candidates, golds, grid, protocol))
        )
    print("summary, rules + filter, value+unit tp/fp/fn summed over the left-out sets")
    for name, (tp, fp, fn) in summary:
        print(f"  {name:26} {tp}/{fp}/{fn}  F1 {_f1(tp, fp, fn):.3f}")
    if args.write:
        write_model(candidates, args.threshold[0], args.write, args.model_version)
    print(f"# {time.perf_counter() - started:.1f} s, {date.today().isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
