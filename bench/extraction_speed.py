"""Extraction speed: the whole pipeline against bare spaCy NER on the same texts, same run.

The seed articles are repeated (each copy a distinct document) until ``--words`` words
(default 1,000,000). Two timings, side by side:

* bare: ``nlp.pipe`` of the packaged model over the cleaned texts, nothing else;
* whole: ``extract_documents`` on a fresh SQLite store holding the same documents: parsing,
  rules, gazetteer, typing, coreference, roles, relations, claims and the store writes, one
  transaction per document.

Both use the same number of processes (``--processes``, default: 2 when the machine has two
cores). The target is whole/bare <= 2. The corpus is generated as a stream and stored 200
documents per transaction, and extraction reads the store in batches through one ``nlp.pipe``,
so memory stays flat at 1M words (peak memory is printed, with the load average: on a shared
machine both timings are pessimistic, their ratio less so).

Usage::

    PYTHONPATH=src python bench/extraction_speed.py               # ~1M words
    PYTHONPATH=src python bench/extraction_speed.py --words 50000 # quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import spacy
from sqlalchemy import insert

from sanctionwatch.extract.pipeline import extract_documents, load_nlp
from sanctionwatch.settings import load_settings
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

STORE_BATCH = 200

ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    configured = os.environ.get("SANCTIONWATCH_SHARED_DIR")
    if configured:
        return Path(configured)
    near = ROOT.parent / "shared"
    return near if near.is_dir() else ROOT.parent.parent / "shared"


def corpus(seeds: Path, words: int) -> Iterator[str]:
    """Copies of the seeds, each made distinct by a numbered last line, up to ``words``.

    A generator: the 1M-word corpus is never held in memory, only the seeds."""
    originals = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    if not originals:
        raise SystemExit(f"error: {seeds}: no seed articles (*.txt)")
    total = 0
    copy = 0
    while total < words:
        for text in originals:
            yield f"{text}\n\nCopy {copy}.\n"
            total += len(text.split()) + 2
            if total >= words:
                return
        copy += 1


def store_documents(database: Database, texts: Iterable[str]) -> tuple[int, int]:
    """Write the texts as documents, ``STORE_BATCH`` per transaction; returns (documents, words)."""
    documents = words = 0
    batch: list[dict[str, object]] = []
    for index, text in enumerate(texts):
        documents += 1
        words += len(text.split())
        batch.append(
            {
                "id": f"{index:064d}",
                "source": f"copy-{index}.txt",
                "media_type": "text/plain",
                "byte_size": len(text.encode()),
                "original_text": text,
                "clean_text": text,
                "offset_map": [[0, 0, len(text)]],
                "authors": [],
                "ingested_at": datetime.now(UTC),
            }
        )
        if len(batch) >= STORE_BATCH:
            _insert(database, batch)
            batch = []
    if batch:
        _insert(database, batch)
    return documents, words


def _insert(database: Database, rows: list[dict[str, object]]) -> None:
    with database.session() as session:
        session.execute(insert(DocumentRow), rows)


def time_bare(texts: Iterable[str], processes: int) -> float:
    nlp = spacy.load(load_settings().spacy_model)
    nlp("warm up")
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, n_process=processes, batch_size=16 if processes > 1 else 64):
        pass
    return time.perf_counter() - started


def time_whole(database: Database, processes: int) -> tuple[float, dict[str, object]]:
    load_nlp()("warm up")
    started = time.perf_counter()
    report = extract_documents(database, n_process=processes)
    seconds = time.perf_counter() - started
    if report.failures:
        print(f"warning: {len(report.failures)} documents failed", file=sys.stderr)
    return seconds, report.as_dict()


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished child (spaCy workers)."""
    to_mb = 1 / 1024 if sys.platform != "darwin" else 1 / 1_048_576
    return {
        "main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * to_mb, 1),
        "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * to_mb, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--seeds", type=Path, default=_shared_dir() / "corpus" / "seeds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    bare = time_bare(corpus(args.seeds, args.words), args.processes)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/speed.db")
        database.migrate()
        documents, words = store_documents(database, corpus(args.seeds, args.words))
        whole, report = time_whole(database, args.processes)
        database.dispose()
    result = {
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "peak_memory_mb": peak_memory_mb(),
        "processes": args.processes,
        "documents": documents,
        "words": words,
        "bare_seconds": round(bare, 2),
        "whole_seconds": round(whole, 2),
        "bare_words_per_second": round(words / bare),
        "whole_words_per_second": round(words / whole),
        "ratio_whole_over_bare": round(whole / bare, 2),
        "mentions": report["mentions"],
        "entity_statements": report["entity_statements"],
        "relation_statements": report["relation_statements"],
        "claims": report["claims"],
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"# {result['machine']}, python {result['python']}, {result['cores']} cores")
    print(
        f"# load average {result['load_average_before']} before, "
        f"{result['load_average_after']} after (shared machines make both timings pessimistic)"
    )
    print(f"# {documents} documents, {words} words, {args.processes} processes")
    print(f"bare spaCy NER   {bare:8.1f} s  {words / bare:10.0f} words/s")
    print(f"whole pipeline   {whole:8.1f} s  {words / whole:10.0f} words/s")
    print(f"ratio whole/bare {whole / bare:8.2f}   (target <= 2)")
    print(
        f"# stored {report['entity_statements']} entity statements, "
        f"{report['relation_statements']} relation statements, {report['claims']} claims"
    )
    memory = result["peak_memory_mb"]
    print(f"# peak memory: main {memory['main']} MB, largest worker {memory['largest_worker']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
