"""Review-queue benchmark: generic words on and off, side by side, on the examples and the seeds.

Builds each store once (ingest, lists, extract) and resolves two copies of it in one run: with
the packaged ``resolver.yaml`` ("after": generic words are no blocking keys, cannot make a short
name distinctive, and pairs sharing only them are scored down and queued last) and with generic
words switched off ("before": what the resolver did until resolver.yaml v2). For each it prints
entities, candidate pairs, machine merges, clusters, the review queue (all pairs, and the pairs
that touch an entity the reports mention, which an analyst reviews first), and the quality of
those report pairs against hand labels (``bench/data/review_queue_labels.yaml``: a pair is
``same`` or not, by one name of each side); unlabelled pairs are listed so the file can grow.
Whether the clusters of the two runs agree is printed too (the change must not lose merges).

    PYTHONPATH=src .venv/bin/python bench/review_queue.py                 # examples and seeds
    PYTHONPATH=src .venv/bin/python bench/review_queue.py --stores examples

The seeds store needs ``SANCTIONWATCH_SHARED_DIR`` (default ``../shared``): the five seed
articles plus the OFAC SDN and UN lists, as ``tests/flags/test_seeds.py`` builds it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_paths
from sanctionwatch.resolve.config import ResolverConfig, load_resolver_config
from sanctionwatch.resolve.resolver import resolve_entities as resolve
from sanctionwatch.resolve.resolver import review_queue
from sanctionwatch.resolve.tables import CanonicalIdRow
from sanctionwatch.screen.lists.formats import detect_format
from sanctionwatch.screen.lists.store import load_list_file
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

ROOT = Path(__file__).resolve().parents[1]
LABELS = Path(__file__).resolve().parent / "data" / "review_queue_labels.yaml"
SEED_LISTS = ("ofac_sdn_2024-05-03.csv", "un_consolidated_2026-02-27.xml")
NAME_PROPS = ("name", "alias")


@dataclass
class Variant:
    label: str
    entities: int = 0
    candidate_pairs: int = 0
    merges: int = 0
    clusters: int = 0
    queue: int = 0
    report_pairs: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    canonical: dict[str, str] = field(default_factory=dict)


def _machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return (
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at start"
    )


def shared_dir() -> Path:
    return Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", ROOT.parent / "shared")).resolve()


def build_store(name: str, path: Path) -> Database:
    """Ingest, load the lists and extract: everything before ``resolve``."""
    database = Database(f"sqlite:///{path}")
    database.migrate()
    if name == "examples":
        reports, lists = (
            [ROOT / "examples" / "reports"],
            sorted((ROOT / "examples" / "lists").iterdir()),
        )
    else:
        reports = [shared_dir() / "corpus" / "seeds"]
        lists = [shared_dir() / "data" / "sanctions" / file for file in SEED_LISTS]
    ingest_paths(database, reports)
    for list_file in lists:
        found = detect_format(list_file)
        if found is not None:
            load_list_file(database, list_file, found)
    extract_documents(database)
    return database


def generic_words_off(config: ResolverConfig) -> ResolverConfig:
    """The resolver before resolver.yaml v2: no generic words, no generic-only penalty."""
    weights = {**config.weights, "generic_words_only": 0.0}
    return replace(config, generic_words=frozenset(), weights=weights)


def _names(session: Any, ids: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = session.execute(
        select(StatementRow.entity_id, StatementRow.value).where(
            StatementRow.entity_id.in_(sorted(ids)), StatementRow.prop.in_(NAME_PROPS)
        )
    )
    for entity_id, value in rows:
        found.setdefault(entity_id, []).append(value)
    return found


def run_variant(template: Path, label: str, config: ResolverConfig, workdir: Path) -> Variant:
    copy = workdir / f"{template.stem}-{label}.db"
    shutil.copyfile(template, copy)
    database = Database(f"sqlite:///{copy}")
    started = time.perf_counter()
    summary = resolve(database, config=config)
    variant = Variant(label, seconds=time.perf_counter() - started)
    variant.entities, variant.candidate_pairs = summary.entities, summary.candidate_pairs
    variant.merges, variant.clusters = summary.machine_same, summary.clusters
    with database.session() as session:
        queue = review_queue(session)
        variant.queue = len(queue)
        reported = set(
            session.scalars(
                select(StatementRow.entity_id).where(StatementRow.dataset == "documents")
            )
        )
        touching = [j for j in queue if reported & set(j.pair)]
        names = _names(session, {x for j in touching for x in j.pair})
        variant.report_pairs = [
            (_first(names, j.pair[0]), _first(names, j.pair[1])) for j in touching
        ]
        variant.canonical = dict(
            session.execute(select(CanonicalIdRow.entity_id, CanonicalIdRow.canonical_id)).all()
        )
    database.dispose()
    return variant


def _first(names: dict[str, list[str]], entity_id: str) -> str:
    return sorted(names.get(entity_id, [entity_id]), key=lambda n: (-len(n), n))[0]


Labels = list[tuple[str, str, bool]]


def load_labels() -> Labels:
    data = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    return [
        (str(item["left"]).casefold(), str(item["right"]).casefold(), bool(item["same"]))
        for item in data["pairs"]
    ]


def label_of(pair: tuple[str, str], labels: Labels) -> bool | None:
    """A label names each side by (part of) the name the queue shows, in either order."""
    left, right = (name.casefold() for name in pair)
    for one, other, same in labels:
        if (one in left and other in right) or (one in right and other in left):
            return same
    return None


def _judge(pairs: list[tuple[str, str]], labels: Labels) -> tuple[int, int, list[tuple[str, str]]]:
    verdicts = [label_of(pair, labels) for pair in pairs]
    unlabelled = [pair for pair, verdict in zip(pairs, verdicts, strict=True) if verdict is None]
    return verdicts.count(True), verdicts.count(False), unlabelled


def report(store: str, before: Variant, after: Variant, labels: Labels) -> None:
    print(f"\n== {store} ==")
    header = f"{'variant':<10} {'entities':>9} {'cand. pairs':>12} {'merges':>7} {'clusters':>9} "
    header += (
        f"{'queue':>6} {'report pairs':>13} {'true':>5} {'false':>6} {'precision':>10} {'s':>6}"
    )
    print(header)
    for variant in (before, after):
        true, false, unlabelled = _judge(variant.report_pairs, labels)
        judged = true + false
        precision = f"{true / judged:.2f}" if judged else "-"
        print(
            f"{variant.label:<10} {variant.entities:>9,} {variant.candidate_pairs:>12,} "
            f"{variant.merges:>7,} {variant.clusters:>9,} {variant.queue:>6,} "
            f"{len(variant.report_pairs):>13,} {true:>5} {false:>6} {precision:>10} "
            f"{variant.seconds:>6.1f}"
        )
        for left, right in unlabelled:
            print(f"   unlabelled ({variant.label}): {left!r} / {right!r}")
    same = before.canonical == after.canonical
    print(f"clusters identical before/after: {'yes' if same else 'NO'}")
    lost = [p for p in before.report_pairs if p not in after.report_pairs]
    for left, right in lost:
        verdict = {True: "same", False: "not same", None: "unlabelled"}[
            label_of((left, right), labels)
        ]
        print(f"   left the queue: {left!r} / {right!r} ({verdict})")
    if before.queue:
        print(
            f"ratio after/before: queue {after.queue / before.queue:.2f}, candidate pairs "
            f"{after.candidate_pairs / max(before.candidate_pairs, 1):.2f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--stores", nargs="+", default=["examples", "seeds"], choices=["examples", "seeds"]
    )
    parser.add_argument("--workdir", type=Path, help="keep the stores here (default: a temp dir)")
    args = parser.parse_args(argv)
    print(f"machine: {_machine()}")
    labels = load_labels()
    config = load_resolver_config()
    with tempfile.TemporaryDirectory() as temp:
        workdir = args.workdir or Path(temp)
        workdir.mkdir(parents=True, exist_ok=True)
        for store in args.stores:
            if store == "seeds" and not (shared_dir() / "corpus" / "seeds").is_dir():
                print(f"\n== seeds == skipped: {shared_dir()} has no corpus/seeds")
                continue
            template = workdir / f"{store}.db"
            template.unlink(missing_ok=True)
            started = time.perf_counter()
            build_store(store, template).dispose()
            print(f"\n{store}: store built in {time.perf_counter() - started:.1f} s")
            before = run_variant(template, "before", generic_words_off(config), workdir)
            after = run_variant(template, "after", config, workdir)
            report(store, before, after, labels)


if __name__ == "__main__":
    main()
