"""Claim extraction speed beside the parse it needs, and the date pre-checks on vs off.

The seed articles (and, with ``--heldout-dir``, the held-out real pages) are parsed once with
the packaged spaCy model; then, side by side in one run, best of ``--rounds``:

* parse: ``nlp.pipe`` over the texts (what extraction costs anyway);
* claims: ``find_claims`` on the parsed documents (numbers, measures, dates, asserters,
  deadlines), no database;
* claims without pre-checks: the same with the cheap date pre-checks (``dates.HINTS``) off, so
  every date pattern scans every sentence, as before session 4.

Usage::

    PYTHONPATH=src python bench/claims_speed.py
    PYTHONPATH=src python bench/claims_speed.py --heldout-dir ~/heldout_real --rounds 5
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy

from sanctionwatch.extract.claimkit import dates
from sanctionwatch.extract.claimkit.dates import DocumentDate
from sanctionwatch.extract.claims import find_claims
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.settings import load_settings
from sanctionwatch.store.offsets import OffsetMap

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SANCTIONWATCH_SHARED_DIR", ROOT.parent / "shared"))
PUBLISHED = DocumentDate("2019-06-14", inferred=True)  # the slower path: inferred dates


def best_of(rounds: int, work: Callable[[], Any]) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SHARED / "corpus" / "seeds")
    parser.add_argument("--heldout-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the texts per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    paths = sorted(args.seeds.glob("*.txt"))
    if args.heldout_dir is not None:
        paths += sorted(args.heldout_dir.glob("*.txt"))
    if not paths:
        print(f"error: no .txt files in {args.seeds} (set --seeds or SANCTIONWATCH_SHARED_DIR)")
        return 2
    texts = [path.read_text(encoding="utf-8") for path in paths]
    words = sum(len(text.split()) for text in texts) * args.repeat
    nlp = spacy.load(load_settings().spacy_model)
    docs = list(nlp.pipe(texts))
    contexts = [
        DocumentContext("d" * 64, text, OffsetMap.identity(len(text)), None) for text in texts
    ]
    mentions = [find_mentions(doc, context) for doc, context in zip(docs, contexts, strict=True)]

    def parse() -> None:
        for _ in range(args.repeat):
            list(nlp.pipe(texts))

    def claims() -> None:
        for _ in range(args.repeat):
            for doc, context, found in zip(docs, contexts, mentions, strict=True):
                doc.user_data.clear()  # no sentence cache carried between passes
                find_claims(doc, context, found, published=PUBLISHED)

    parse_s = best_of(args.rounds, parse)
    claims_s = best_of(args.rounds, claims)
    hints = dates.HINTS
    dates.HINTS = {name: () for name in hints}
    try:
        unhinted_s = best_of(args.rounds, claims)
    finally:
        dates.HINTS = hints
    load = os.getloadavg()[0]
    print(f"# {platform.platform()}, {os.cpu_count()} cores, load {load:.1f}, {words:,} words")
    print(f"parse (nlp.pipe)            {words / parse_s:>10,.0f} words/s")
    print(f"claims                      {words / claims_s:>10,.0f} words/s")
    print(f"claims without pre-checks   {words / unhinted_s:>10,.0f} words/s")
    print(f"claims / parse time         {claims_s / parse_s:>10.2f}")
    print(f"pre-checks speed-up         {unhinted_s / claims_s:>10.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
