"""Relation quality on the seed articles: precision, recall and F1 per relation kind.

``evaluate(database, gold_dir)`` compares the relations stored for each seed document with
the hand-made gold files in ``tests/gold/relations/`` and returns one row per kind
(``kind, tp, fp, fn``); ``bench/extraction_quality.py`` calls it. Run alone, it ingests the
seeds into a temporary SQLite store, runs the extraction and prints the table:

    PYTHONPATH=src python bench/quality_relations.py [--shared ../shared] [--heldout] [--verbose]

Matching is by document, kind and both ends' names: names match when one's words are all in
the other's ("Rungrado" ~ "Korea Rungrado General Trading Corporation"), shared addresses
match in either direction. Several extracted rows matching one gold relation count once.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from sanctionwatch.extract.relation_query import RelationRow, list_relations
from sanctionwatch.extract.relation_rules import default_rules
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO_ROOT / "tests" / "gold" / "relations"
HELDOUT_DOCS = REPO_ROOT / "examples" / "reports"
HELDOUT_GOLD = REPO_ROOT / "tests" / "gold" / "heldout" / "relations"
_STOP = frozenset({"the", "a", "an", "of", "in", "for", "and", "s"})
SYMMETRIC = frozenset({"shared_address", "joint_venture", "family"})
KIND_ALIASES: dict[str, frozenset[str]] = {"unknown": frozenset({"family"})}
"""Extracted kinds that also match a gold kind: gold written before the `family` kind existed
annotates a family tie ("X's half-brother Y") as `unknown` (either direction)."""


@dataclass(frozen=True, slots=True)
class GoldRelation:
    document: str
    kind: str
    source: str
    target: str
    attributes: tuple[tuple[str, str], ...] = ()


def words(name: str) -> frozenset[str]:
    """Comparable words of a name: lower case, no punctuation, no articles."""
    cleaned = re.sub(r"[^\w]+", " ", name.lower().replace("’", "'").replace("'s", ""))
    return frozenset(_singular(word) for word in cleaned.split() if word not in _STOP)


def _singular(word: str) -> str:
    """ "Projects" ~ "Project": entity names vary in number more than in anything else."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def names_match(gold: str, found: str) -> bool:
    gold_words, found_words = words(gold), words(found)
    if not gold_words or not found_words:
        return False
    return gold_words <= found_words or found_words <= gold_words


def load_gold(gold_dir: Path) -> list[GoldRelation]:
    """Every gold relation under ``gold_dir`` (one YAML file per seed document)."""
    relations: list[GoldRelation] = []
    for path in sorted(gold_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        document = str(data.get("document") or path.stem)
        for index, item in enumerate(data.get("relations") or []):
            try:
                attributes = tuple(
                    sorted((str(k), str(v)) for k, v in (item.get("attributes") or {}).items())
                )
                relations.append(
                    GoldRelation(
                        document,
                        str(item["kind"]),
                        str(item["source"]),
                        str(item["target"]),
                        attributes,
                    )
                )
            except (KeyError, TypeError, AttributeError) as error:
                raise ValueError(f"{path}: relation {index} is malformed ({error})") from error
    return relations


def _authority_name(name: str) -> str:
    """A designating body as the jurisdiction it acts for ("OFAC", "the U.S. Treasury" ->
    United States), through the extractor's authority table: gold written by hand may name
    the agency where the graph names the jurisdiction, and both state the same designation."""
    authority = default_rules().authority(name)
    return authority.name if authority is not None else name


def _matches(gold: GoldRelation, row: RelationRow) -> bool:
    if gold.kind != row.kind and row.kind not in KIND_ALIASES.get(gold.kind, frozenset()):
        return False
    target = _authority_name(gold.target) if gold.kind == "sanction" else gold.target
    forward = names_match(gold.source, row.source) and names_match(target, row.target)
    if forward:
        return True
    return (gold.kind in SYMMETRIC or row.kind in SYMMETRIC) and (
        names_match(gold.source, row.target) and names_match(gold.target, row.source)
    )


def _documents(database: Database, stems: Iterable[str]) -> dict[str, str]:
    """Gold document stem -> stored document id (newest version whose source names it)."""
    wanted = set(stems)
    found: dict[str, str] = {}
    with database.session() as session:
        rows = session.execute(select(DocumentRow.id, DocumentRow.source, DocumentRow.title))
        for doc_id, source, title in rows:
            for stem in wanted:
                if stem in (source or "") or stem in (title or ""):
                    found[stem] = doc_id
    return found


def score(
    gold: list[GoldRelation],
    rows_by_document: dict[str, list[RelationRow]],
    report: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows ``kind, tp, fp, fn`` from gold relations and extracted rows per document stem.

    ``report`` (when given) collects one line per missed or spurious relation.
    """
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    gold_by_document: dict[str, list[GoldRelation]] = defaultdict(list)
    for relation in gold:
        gold_by_document[relation.document].append(relation)
    for document in set(gold_by_document) | set(rows_by_document):
        golds = gold_by_document.get(document, [])
        rows = rows_by_document.get(document, [])
        for relation in golds:
            hit = any(_matches(relation, row) for row in rows)
            counts[relation.kind]["tp" if hit else "fn"] += 1
            if not hit and report is not None:
                report.append(
                    f"FN {document} {relation.kind}: {relation.source} -> {relation.target}"
                )
        seen: set[tuple[str, str, str]] = set()
        for row in rows:
            key = (
                row.kind,
                " ".join(sorted(words(row.source))),
                " ".join(sorted(words(row.target))),
            )
            if key in seen:
                continue
            seen.add(key)
            if not any(_matches(relation, row) for relation in golds):
                counts[row.kind]["fp"] += 1
                if report is not None:
                    report.append(f"FP {document} {row.kind}: {row.source} -> {row.target}")
    return [{"kind": kind, **values} for kind, values in sorted(counts.items())]


def evaluate(
    database: Database, gold_dir: Path = GOLD_DIR, report: list[str] | None = None
) -> list[dict[str, Any]]:
    """Compare stored relations with the gold files; one row per kind: kind, tp, fp, fn.

    ``gold_dir`` is the relation gold folder or the gold root holding ``relations/``; with
    no relation gold there the result is empty.
    """
    if (gold_dir / "relations").is_dir():
        gold_dir = gold_dir / "relations"
    gold = load_gold(gold_dir)
    if not gold:
        return []
    documents = _documents(database, {relation.document for relation in gold})
    rows_by_document: dict[str, list[RelationRow]] = {}
    with database.session() as session:
        for stem, document_id in documents.items():
            rows_by_document[stem] = list_relations(session, document_id=document_id)
    missing = {relation.document for relation in gold} - set(documents)
    for stem in missing:
        rows_by_document[stem] = []
    return score(gold, rows_by_document, report)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def format_table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'kind':<16}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}"]
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for row in rows:
        p, r, f = prf(row["tp"], row["fp"], row["fn"])
        lines.append(
            f"{row['kind']:<16}{row['tp']:>5}{row['fp']:>5}{row['fn']:>5}{p:>8.2f}{r:>8.2f}{f:>8.2f}"
        )
        for key in totals:
            totals[key] += row[key]
    p, r, f = prf(totals["tp"], totals["fp"], totals["fn"])
    counts = f"{totals['tp']:>5}{totals['fp']:>5}{totals['fn']:>5}"
    lines.append(f"{'ALL (micro)':<16}{counts}{p:>8.2f}{r:>8.2f}{f:>8.2f}")
    return "\n".join(lines)


# -- stand-alone run ------------------------------------------------------------------------


def _run_pipeline(database: Database, seeds: list[Path]) -> None:
    """Ingest the seeds and run the whole extraction (entities, relations, claims)."""
    from sanctionwatch.extract.pipeline import extract_documents
    from sanctionwatch.ingest import ingest_paths

    ingest_paths(database, seeds)
    extract_documents(database)


def _measure(docs: list[Path], gold: Path, verbose: bool) -> tuple[list[dict[str, Any]], float]:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'quality.db'}")
        database.migrate()
        started = time.perf_counter()
        _run_pipeline(database, docs)
        elapsed = time.perf_counter() - started
        report: list[str] = []
        rows = evaluate(database, gold, report)
        database.dispose()
    print(format_table(rows))
    if verbose:
        print("\n".join(report))
    return rows, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", REPO_ROOT.parent / "shared"))
    parser.add_argument("--shared", type=Path, default=default_shared)
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    parser.add_argument("--heldout", action="store_true", help="also score examples/reports")
    parser.add_argument("--verbose", action="store_true", help="list missed and spurious ones")
    args = parser.parse_args(argv)
    seeds = sorted((args.shared / "corpus" / "seeds").glob("*.txt"))
    if not seeds:
        where = args.shared / "corpus" / "seeds"
        print(f"error: no seed articles under {where}; pass --shared DIR", file=sys.stderr)
        return 2
    machine = f"{platform.platform()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, python {platform.python_version()}")
    print(f"\nRelations on {len(seeds)} seed articles (whole extraction pipeline)")
    _, elapsed = _measure(seeds, args.gold, args.verbose)
    print(f"ingest + extraction took {elapsed:.1f} s")
    if args.heldout and HELDOUT_DOCS.is_dir():
        docs = sorted(path for path in HELDOUT_DOCS.iterdir() if path.is_file())
        print(f"\nRelations on {len(docs)} example reports ({HELDOUT_GOLD.relative_to(REPO_ROOT)})")
        _measure(docs, HELDOUT_GOLD, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
