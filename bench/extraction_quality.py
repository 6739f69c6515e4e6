"""Extraction quality on hand-annotated articles: precision, recall and F1 per type.

Ingests the seed articles into a temporary SQLite store, runs the whole extraction pipeline and
compares what it stored with the gold files under ``tests/gold/``:

* entities (this file): one row per type. A predicted entity is right when its type matches and
  one of its names (canonical, short forms seen, aliases) is a name of a gold entity that no
  other predicted entity has matched yet. So a short form left unresolved ("Dyakov" apart from
  "Yuri Dyakov") counts as a false positive, and a wrong type counts twice (fp and fn).
* relations and claims: optional plug-ins ``bench/quality_relations.py`` and
  ``bench/quality_claims.py``, each with ``evaluate(database, gold_dir) -> list[dict]`` rows
  (``kind``, ``tp``, ``fp``, ``fn``), printed in the same table.

Usage::

    PYTHONPATH=src python bench/extraction_quality.py                 # the seeds
    PYTHONPATH=src python bench/extraction_quality.py --heldout       # plus examples/reports
    PYTHONPATH=src python bench/extraction_quality.py --heldout-dir ~/heldout_real  # real pages
    PYTHONPATH=src python bench/extraction_quality.py --json
    PYTHONPATH=src python bench/extraction_quality.py --heldout --lists ../shared/data/sanctions
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from sanctionwatch.extract.entities import ORIGIN
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_bytes, ingest_paths
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow, StatementRow

ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    """``$SANCTIONWATCH_SHARED_DIR``, else ``../shared`` next to the checkout (or its parent)."""
    configured = os.environ.get("SANCTIONWATCH_SHARED_DIR")
    if configured:
        return Path(configured)
    near = ROOT.parent / "shared"
    return near if near.is_dir() else ROOT.parent.parent / "shared"


SHARED = _shared_dir()
DEFAULT_SEEDS = SHARED / "corpus" / "seeds"
DEFAULT_GOLD = ROOT / "tests" / "gold"
HELDOUT_DOCS = ROOT / "examples" / "reports"
HELDOUT_GOLD = ROOT / "tests" / "gold" / "heldout"
REAL_GOLD = ROOT / "tests" / "gold" / "heldout_real"
REAL_SOURCES = ROOT / "bench" / "heldout_real" / "sources.yaml"
STORED_AS = {"Address": "Place", "Document": "LegalInstrument"}
NAME_PROPS = ("name", "full", "alias", "title")
PLUGINS = ("quality_relations", "quality_claims")


def normalise(name: str) -> str:
    """Compare names without case, articles, possessives, dots and hyphens."""
    text = name.casefold().replace("’", "'").replace("‘", "'")
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    text = re.sub(r"'s?$", "", text)
    text = text.replace(".", "").replace("-", " ").replace(",", " ")
    return " ".join(text.split())


@dataclass
class Entity:
    """A gold or predicted entity: its type and every name it goes by."""

    schema: str
    names: set[str]
    label: str
    weight: int = 1


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def row(self, section: str, kind: str) -> dict[str, Any]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "section": section,
            "kind": kind,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
        }


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def load_gold(path: Path, clean_text: str | None = None) -> tuple[list[Entity], list[str]]:
    """Gold entities of one document, and the labels of those the cleaned text lacks.

    The extractor reads the cleaned text; an entity named only in a caption, credit line or
    footer that ingestion removed cannot be found, so it is listed apart instead of scored.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    gold, outside = [], []
    plain = _plain(clean_text) if clean_text is not None else None
    for item in data.get("entities", []):
        raw = [item["name"], *item.get("aliases", [])]
        if plain is not None and not any(_plain(name) in plain for name in raw):
            outside.append(item["name"])
            continue
        names = {normalise(name) for name in raw}
        gold.append(Entity(item["schema"], names, item["name"]))
    return gold, outside


def predicted(database: Database, document_id: str) -> list[Entity]:
    """Entities the pipeline stored for one document, with all their names."""
    by_id: dict[str, Entity] = {}
    with database.session() as session:
        rows = session.scalars(
            select(StatementRow).where(
                StatementRow.document_id == document_id, StatementRow.origin == ORIGIN
            )
        )
        for row in rows:
            if row.prop not in NAME_PROPS:
                continue
            entity = by_id.setdefault(
                row.entity_id, Entity(STORED_AS.get(row.schema, row.schema), set(), "", 0)
            )
            if row.prop in ("name", "full"):
                entity.label = entity.label or row.value
                entity.weight += 1
            entity.names.add(normalise(row.value))
            if row.original_value:
                entity.names.add(normalise(row.original_value))
    return sorted(by_id.values(), key=lambda e: -e.weight)


def score_entities(gold: list[Entity], found: list[Entity], tallies: dict[str, Tally]) -> None:
    matched: set[int] = set()
    for entity in found:
        hits = [i for i, g in enumerate(gold) if g.names & entity.names]
        same_type = [i for i in hits if gold[i].schema == entity.schema and i not in matched]
        if same_type:
            matched.add(same_type[0])
            tallies[entity.schema].tp += 1
            continue
        tallies[entity.schema].fp += 1
        reason = "duplicate" if any(gold[i].schema == entity.schema for i in hits) else "spurious"
        if hits and all(gold[i].schema != entity.schema for i in hits):
            reason = f"type (gold {gold[hits[0]].schema})"
        tallies[entity.schema].errors.append(f"fp {reason}: {entity.label}")
    for index, entity in enumerate(gold):
        if index not in matched:
            tallies[entity.schema].fn += 1
            tallies[entity.schema].errors.append(f"fn: {entity.label}")


def ingest_and_extract(
    database: Database, docs: Iterable[Path], urls: dict[str, str] | None = None
) -> dict[str, str]:
    """Ingest the files (with their page address from ``urls``, by stem) and extract; returns
    file stem -> document id."""
    docs = list(docs)
    outcomes = list(
        ingest_paths(database, [str(p) for p in docs if p.stem not in (urls or {})]).outcomes
    )
    for path in docs:
        if urls and path.stem in urls:
            outcomes.append(
                ingest_bytes(database, path.read_bytes(), source=str(path), url=urls[path.stem])
            )
    ids = {}
    for outcome in outcomes:
        if outcome.document_id:
            ids[Path(outcome.source).stem] = outcome.document_id
        else:
            print(f"warning: {outcome.source}: {outcome.reason}", file=sys.stderr)
    extract_documents(database)
    return ids


def entity_rows(
    database: Database, ids: dict[str, str], gold_dir: Path, section: str
) -> list[dict[str, Any]]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for gold_file in sorted((gold_dir / "entities").glob("*.yaml")):
        document_id = ids.get(gold_file.stem)
        if document_id is None:
            print(f"warning: no document for gold file {gold_file.name}", file=sys.stderr)
            continue
        with database.session() as session:
            row = session.get(DocumentRow, document_id)
            clean_text = row.clean_text if row is not None else None
        gold, outside = load_gold(gold_file, clean_text)
        for label in outside:
            print(f"note: {gold_file.stem}: '{label}' is not in the cleaned text", file=sys.stderr)
        score_entities(gold, predicted(database, document_id), tallies)
    rows = [tallies[kind].row(section, f"entity:{kind}") for kind in sorted(tallies)]
    total = Tally(
        sum(t.tp for t in tallies.values()),
        sum(t.fp for t in tallies.values()),
        sum(t.fn for t in tallies.values()),
    )
    rows.append(total.row(section, "entity:all"))
    for row in rows:
        kind = row["kind"].split(":", 1)[1]
        row["errors"] = tallies[kind].errors if kind in tallies else []
    return rows


def load_plugin(name: str) -> Callable[[Database, Path], list[dict[str, Any]]] | None:
    path = Path(__file__).with_name(f"{name}.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and typing look their module up here
    spec.loader.exec_module(module)
    evaluate = getattr(module, "evaluate", None)
    return evaluate if callable(evaluate) else None


def plugin_rows(database: Database, gold_dir: Path, section: str) -> list[dict[str, Any]]:
    rows = []
    for name in PLUGINS:
        try:
            evaluate = load_plugin(name)
            raws = evaluate(database, gold_dir) if evaluate is not None else []
        except Exception as exc:  # a broken plug-in must not hide the other scores
            print(f"warning: bench/{name}.py failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        for raw in raws:
            tally = Tally(int(raw["tp"]), int(raw["fp"]), int(raw["fn"]))
            rows.append(tally.row(section, str(raw["kind"])))
    return rows


def load_lists(database: Database, folder: Path) -> None:
    """Load sanctions lists so the gazetteer has designated names (the lists stage's loader)."""
    from sanctionwatch.screen.lists.store import load_list_folder

    started = time.perf_counter()
    results = load_list_folder(database, folder)
    names = sum(result.entity_count for result in results)
    seconds = time.perf_counter() - started
    print(f"# lists: {len(results)} files, {names} entities in {seconds:.0f} s", file=sys.stderr)


def evaluate_set(
    docs: list[Path],
    gold_dir: Path,
    section: str,
    lists: Path | None = None,
    urls: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/quality.db")
        database.migrate()
        if lists is not None:
            load_lists(database, lists)
        ids = ingest_and_extract(database, docs, urls)
        rows = entity_rows(database, ids, gold_dir, section)
        rows.extend(plugin_rows(database, gold_dir, section))
        database.dispose()
    return rows


def real_articles(folder: Path, sources: Path = REAL_SOURCES) -> tuple[list[Path], dict[str, str]]:
    """The held-out real articles the user saved in ``folder`` (``<stem>.txt`` per entry of
    ``sources``) and their page addresses; a missing file is reported and skipped."""
    data = yaml.safe_load(sources.read_text(encoding="utf-8")) or {}
    docs, urls = [], {}
    for article in data.get("articles") or []:
        path = folder / f"{article['stem']}.txt"
        if not path.is_file():
            print(f"warning: {path}: not found (save the page text there)", file=sys.stderr)
            continue
        docs.append(path)
        if article.get("url"):
            urls[path.stem] = str(article["url"])
    return docs, urls


def print_table(rows: list[dict[str, Any]], verbose: bool) -> None:
    header = f"{'set':8} {'kind':28} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['section']:8} {row['kind']:28} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} "
            f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
        )
        if verbose:
            for error in row.get("errors", []):
                print(f"{'':10}{error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--heldout", action="store_true", help="also score examples/reports")
    parser.add_argument(
        "--lists",
        type=Path,
        help="also score with the sanctions lists in this folder loaded (gazetteer on)",
    )
    parser.add_argument(
        "--heldout-dir",
        type=Path,
        default=os.environ.get("SANCTIONWATCH_HELDOUT_DIR") or None,
        help="folder with the held-out REAL articles of bench/heldout_real/sources.yaml "
        "(default $SANCTIONWATCH_HELDOUT_DIR); scored against tests/gold/heldout_real/",
    )
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"error: {args.seeds}: no such folder (set --seeds)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    rows = evaluate_set(sorted(args.seeds.glob("*.txt")), args.gold, "seeds")
    heldout_docs = sorted(p for p in HELDOUT_DOCS.iterdir() if p.is_file()) if args.heldout else []
    if heldout_docs and HELDOUT_GOLD.is_dir():
        rows.extend(evaluate_set(heldout_docs, HELDOUT_GOLD, "heldout"))
    if args.heldout_dir is not None:
        if not Path(args.heldout_dir).is_dir():
            print(f"error: {args.heldout_dir}: no such folder (--heldout-dir)", file=sys.stderr)
            return 2
        real_docs, urls = real_articles(Path(args.heldout_dir))
        if real_docs:
            rows.extend(evaluate_set(real_docs, REAL_GOLD, "real", urls=urls))
    if args.lists is not None:
        seeds = sorted(args.seeds.glob("*.txt"))
        rows.extend(evaluate_set(seeds, args.gold, "seeds+L", args.lists))
        if heldout_docs and HELDOUT_GOLD.is_dir():
            rows.extend(evaluate_set(heldout_docs, HELDOUT_GOLD, "held+L", args.lists))
    if args.json:
        for row in rows:
            print(json.dumps({k: v for k, v in row.items() if k != "errors"}))
        return 0
    print(f"# {platform.platform()}, python {platform.python_version()}")
    print_table(rows, args.verbose)
    print(f"# {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
