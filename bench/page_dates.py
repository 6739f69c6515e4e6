"""Publication dates ingest finds or infers, against the dates the pages' outlets give.

For every page of the seeds (``published`` in ``tests/gold/claims/<stem>.yaml``), the team's
examples (no outlet date: listed only) and each held-out set whose texts a ``--heldout-dir``
holds (``published`` in ``bench/heldout_real*/sources.yaml``), ingest's date is computed as
``ingest`` computes it (the page's address from the sources file included, no database) and
compared with the known date:

* ``exact``: the same ISO value (a day for a day, a month for a month);
* ``month``: the same month (or the same year when the known date is a year only);
* ``31d``: within 31 days of it (a partial date counts as its middle);
* ``year``: the same year only (what "last year" and "this year" need);
* ``wrong``: further off; ``none``: no date found.

Rows per evidence rule (the method ingest names in ``date_evidence``) and per kind
(``given``/``inferred``), then every page that is not ``exact`` with ``-v``. ``--claims`` also
runs ``extraction_quality.py`` over the same sets with and without the pages' dates and prints
its claim rows side by side (about two minutes on an idle box).

Usage::

    PYTHONPATH=src python bench/page_dates.py --heldout-dir /work/heldout_real ... -v
    PYTHONPATH=src python bench/page_dates.py --heldout-dir ... --claims
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.formats import TEXT, media_type_for, parse
from sanctionwatch.ingest.metadata import describe

ROOT = Path(__file__).resolve().parents[1]
BUCKETS = ("exact", "month", "year", "31d", "wrong", "none")


def _shared_dir() -> Path:
    configured = os.environ.get("SANCTIONWATCH_SHARED_DIR")
    if configured:
        return Path(configured)
    near = ROOT.parent / "shared"
    return near if near.is_dir() else ROOT.parent.parent / "shared"


@dataclass(frozen=True)
class Page:
    """One page to date: its set, file, address (if known) and the outlet's date (if known)."""

    section: str
    path: Path
    url: str | None
    known: str | None


@dataclass(frozen=True)
class Dated:
    """What ingest found for a page and how far it is from the known date."""

    page: Page
    value: str
    kind: str
    method: str
    phrase: str
    bucket: str | None


def seed_pages(folder: Path, gold: Path) -> list[Page]:
    pages = []
    for path in sorted(folder.glob("*.txt")):
        known = None
        gold_file = gold / f"{path.stem}.yaml"
        if gold_file.is_file():
            data = yaml.safe_load(gold_file.read_text(encoding="utf-8")) or {}
            known = str(data["published"]) if data.get("published") else None
        pages.append(Page("seeds", path, None, known))
    return pages


def example_pages(folder: Path) -> list[Page]:
    return [Page("examples", p, None, None) for p in sorted(folder.iterdir()) if p.is_file()]


def heldout_pages(folders: list[Path]) -> list[Page]:
    """Pages of every ``bench/heldout_real*/sources.yaml`` found in one of ``folders``."""
    pages = []
    for sources in sorted((ROOT / "bench").glob("heldout_real*/sources.yaml")):
        data = yaml.safe_load(sources.read_text(encoding="utf-8")) or {}
        name = str(data.get("name") or sources.parent.name.removeprefix("heldout_"))
        for article in data.get("articles") or []:
            stem = str(article["stem"])
            found = [f / f"{stem}.txt" for f in folders if (f / f"{stem}.txt").is_file()]
            if not found:
                continue
            known = str(article["published"]) if article.get("published") else None
            url = str(article["url"]) if article.get("url") else None
            pages.append(Page(name, found[0], url, known))
    return pages


def date_page(page: Page) -> Dated:
    """The page's date as ``ingest`` would store it."""
    parsed = parse(page.path.read_bytes(), media_type_for(page.path.name) or TEXT)
    finding = describe(parsed, clean_text(parsed.text), url=page.url).date
    bucket = compare(finding.value, page.known) if page.known else None
    return Dated(page, finding.value, finding.kind, finding.method, finding.phrase, bucket)


def compare(found: str, known: str) -> str:
    """The accuracy bucket of ``found`` against ``known`` (see the module docstring)."""
    if not found:
        return "none"
    if found == known:
        return "exact"
    width = min(len(found), len(known), 7)
    if found[:width] == known[:width] and (width == 7 or len(known) == 4):
        return "month"
    if abs((_middle(found) - _middle(known)).days) <= 31:
        return "31d"
    if found[:4] == known[:4]:
        return "year"
    return "wrong"


def _middle(value: str) -> date:
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 7, 1)
    if len(parts) == 2:
        return date(parts[0], parts[1], 15)
    return date(parts[0], parts[1], parts[2])


def tally(results: list[Dated], key: str) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for result in results:
        if result.bucket is None:
            continue
        group = result.method if key == "method" else result.kind
        counts[group][result.bucket] += 1
        counts["all"][result.bucket] += 1
    return counts


def print_counts(title: str, counts: dict[str, Counter[str]]) -> None:
    print(f"\n{title:26} {'pages':>5} " + " ".join(f"{b:>6}" for b in BUCKETS) + "  exact|month")
    for group in sorted(counts, key=lambda g: (g == "all", g)):
        row = counts[group]
        total = sum(row.values())
        good = row["exact"] + row["month"]
        cells = " ".join(f"{row[b]:>6}" for b in BUCKETS)
        print(f"{group:26} {total:>5} {cells}  {good / total:>10.2f}")


def claim_rows(folders: list[Path]) -> None:
    """The claim rows of ``extraction_quality.py``, pages dated by ingest vs given."""
    sys.path.insert(0, str(ROOT / "bench"))
    import extraction_quality as quality

    sets = quality.heldout_sets(folders)
    seeds = sorted(quality.DEFAULT_SEEDS.glob("*.txt"))
    rows = quality.evaluate_set(seeds, quality.DEFAULT_GOLD, "seeds")
    rows += quality.evaluate_heldout(sets)
    given = {
        r["section"].removesuffix("+D"): r
        for r in quality.evaluate_heldout(sets, source_dates=True)
        if r["kind"] == "claim"
    }
    print(f"\n{'set':10} {'claims F1 (ingest dates)':>26} {'with pages dates':>18}")
    for row in rows:
        if row["kind"] != "claim":
            continue
        other = given.get(row["section"])
        with_dates = f"{other['f1']:.3f}" if other else "-"
        cells = f"{row['tp']}/{row['fp']}/{row['fn']} {row['f1']:.3f}"
        print(f"{row['section']:10} {cells:>26} {with_dates:>18}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout-dir", type=Path, action="append", default=[])
    parser.add_argument("--seeds", type=Path, default=_shared_dir() / "corpus" / "seeds")
    parser.add_argument("--claims", action="store_true", help="also print claims F1 both ways")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every page not exact")
    args = parser.parse_args(argv)
    for folder in args.heldout_dir:
        if not folder.is_dir():
            print(f"error: {folder}: no such folder (--heldout-dir)", file=sys.stderr)
            return 2
    pages = heldout_pages(args.heldout_dir)
    if args.seeds.is_dir():
        pages = seed_pages(args.seeds, ROOT / "tests" / "gold" / "claims") + pages
    pages += example_pages(ROOT / "examples" / "reports")
    started = time.perf_counter()
    results = [date_page(page) for page in pages]
    elapsed = time.perf_counter() - started
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# {platform.platform()}, {os.cpu_count()} cores, load {load:.1f}")
    print(f"# {len(results)} pages dated in {elapsed:.1f} s")
    print_counts("by kind", tally(results, "kind"))
    print_counts("by evidence rule", tally(results, "method"))
    sections = sorted({r.page.section for r in results if r.bucket})
    per_set = {
        s: tally([r for r in results if r.page.section == s], "kind")["all"] for s in sections
    }
    print_counts("by set", per_set)
    if args.verbose:
        print()
        for result in results:
            if result.bucket == "exact":
                continue
            phrase = result.phrase.replace("\n", " ")[:60]
            print(
                f"{result.page.section:9} {result.page.path.stem[:42]:42} "
                f"{result.bucket or '-':5} found {result.value or '-':10} "
                f"known {result.page.known or '-':10} {result.kind:8} {result.method}: {phrase!r}"
            )
    if args.claims:
        claim_rows(args.heldout_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
