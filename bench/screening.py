"""Screening throughput and quality over every list snapshot in ``../shared/data/sanctions``.

1. Loads all list files through the lists stage (``load_list_folder``) into a fresh SQLite store.
2. Builds the screening index from the store (``build_list_index``): time and memory (RSS);
   writes it as ``screen`` stores it and reads it back (what later ``screen`` calls pay).
3. Makes 10,000 queries: half are names of listed entities with realistic corruption (a typo
   in a letter, a dropped or reordered token or a legal form moved to the other end, changed
   case, punctuation or spacing, a legal form written another way, Cyrillic script), half are
   generated names that are not on any list. ``--legacy-corruption`` uses the session-2
   generator, which also typed digits wrong and split legal forms by rotating organisation
   names token by token.
4. Screens them on 2 cores (two forked workers sharing the index) and prints queries/s,
   recall of the designated half (the source entity is among the hits at the threshold) and
   the false-alert rate of the other half (any hit at the threshold).

Nothing derived from the list files is written to disk except the temporary store.

    PYTHONPATH=src python bench/screening.py [--queries 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from sanctionwatch.screen.index import ScreeningIndex, make_query_entity
from sanctionwatch.screen.index_store import dump_index, read_index
from sanctionwatch.screen.lists.store import load_list_folder
from sanctionwatch.screen.matcher import MATCHER_VERSION, default_threshold
from sanctionwatch.screen.normalize import normalize_text
from sanctionwatch.screen.screening import read_list_entities
from sanctionwatch.screen.speedups import MODULES, active_modules
from sanctionwatch.settings import load_settings
from sanctionwatch.store import Database

SEED = 20261129
LEGAL_SWAPS = {
    "corporation": "Corp.",
    "corp": "Corporation",
    "limited": "Ltd",
    "ltd": "Limited",
    "company": "Co.",
    "co": "Company",
    "llc": "L.L.C.",
    "ooo": "LLC",
}
LATIN_TO_CYRILLIC = {
    "shch": "щ",
    "kh": "х",
    "ts": "ц",
    "ch": "ч",
    "sh": "ш",
    "zh": "ж",
    "yu": "ю",
    "ya": "я",
    "a": "а",
    "b": "б",
    "v": "в",
    "g": "г",
    "d": "д",
    "e": "е",
    "z": "з",
    "i": "и",
    "y": "й",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "f": "ф",
    "c": "к",
    "h": "х",
    "w": "в",
    "j": "дж",
    "x": "кс",
    "q": "к",
}
FIRST = [
    "James",
    "Olivia",
    "Lucas",
    "Amelia",
    "Noah",
    "Sofia",
    "Mateo",
    "Isla",
    "Elias",
    "Freya",
    "Hugo",
    "Chloe",
    "Leon",
    "Mila",
    "Oscar",
    "Ava",
    "Felix",
    "Lena",
    "Arthur",
    "Nora",
    "Jonas",
    "Emma",
    "Theo",
    "Alma",
    "Victor",
    "Ines",
    "Tomas",
    "Greta",
    "Bruno",
    "Clara",
    "Rafael",
    "Hanna",
    "Pablo",
    "Irene",
    "Samuel",
    "Lucia",
    "Adrian",
    "Marta",
    "Julian",
    "Vera",
]
LAST = [
    "Fairbanks",
    "Whitlock",
    "Brennan",
    "Castellano",
    "Lindqvist",
    "Okafor",
    "Moreira",
    "Halvorsen",
    "Dufresne",
    "Kowalczyk",
    "Ferreira",
    "Nakamura",
    "Albrecht",
    "Vasquez",
    "Thornton",
    "Bergstrom",
    "Rinaldi",
    "Achterberg",
    "Delacroix",
    "Ellingsen",
    "Prescott",
    "Galloway",
    "Hartmann",
    "Iversen",
    "Jankowski",
    "Kristiansen",
    "Lombardi",
    "Marchetti",
    "Nordstrom",
    "Oyelaran",
    "Pellegrini",
    "Quintana",
    "Rasmussen",
    "Sandoval",
    "Tavares",
]
BRAND = [
    "Bluewater",
    "Greenfield",
    "Northgate",
    "Silverline",
    "Stonebridge",
    "Clearview",
    "Brightpath",
    "Oakridge",
    "Riverside",
    "Summitview",
    "Westbrook",
    "Lakeshore",
    "Maplewood",
    "Redstone",
    "Harborline",
    "Fairwind",
    "Goldcrest",
    "Ironwood",
    "Kingsway",
    "Moorland",
]
TRADE = [
    "Logistics",
    "Foods",
    "Software",
    "Textiles",
    "Dental Care",
    "Furniture",
    "Printing",
    "Bakery",
    "Consulting",
    "Architects",
    "Gardening",
    "Optics",
    "Pharmacy",
    "Plumbing",
]
FORM = ["Ltd", "LLC", "GmbH", "Inc.", "S.A.", "B.V.", "Oy", "AB", "Pty Ltd", "S.r.l."]
KOREAN_FAMILY = ["Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Han", "O", "Ryu", "Hwang", "Yun"]
KOREAN_GIVEN = [
    "Su",
    "Min",
    "Ha",
    "Seo",
    "Ji",
    "Ye",
    "Da",
    "Hyun",
    "Woo",
    "Jae",
    "Eun",
    "Bin",
    "Yoon",
    "Rin",
    "Ah",
    "Bo",
    "Na",
    "Ga",
    "Hee",
    "Sol",
]


@dataclass
class QueryCase:
    name: str
    schema: str
    expected: str | None
    kinds: tuple[str, ...] = ()


KINDS = ("typo", "reorder", "drop", "case", "punctuation", "token-case", "legal-form", "cyrillic")
ORG_FORMS = tuple(
    tuple(form.split())
    for form in (
        "limited liability company",
        "joint stock company",
        "open joint stock company",
        "closed joint stock company",
        "public joint stock company",
        "aktsionernoe obshchestvo",
        "company limited",
        "co ltd",
        "co., ltd.",
        "llc",
        "ltd",
        "jsc",
        "ooo",
        "oao",
        "zao",
        "pjsc",
        "limited",
        "corporation",
        "corp",
        "inc",
        "company",
    )
)


def _typo(rng: random.Random, name: str, realistic: bool) -> str:
    """Drop or double one character; realistic typos hit letters only (a digit typo turns
    *Tong San 2* into *Tong San 3*, another vessel the matcher must not confuse)."""
    positions = range(1, len(name) - 1)
    if realistic:
        positions = [i for i in positions if name[i].isalpha()]
    if not positions:
        return name
    i = rng.choice(list(positions))
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def _move_legal_form(tokens: list[str]) -> str | None:
    """An organisation's legal form moved from the front to the back or back to front, as
    registers and news reports write it (*LLC Northwind* / *Northwind LLC*)."""
    lowered = [t.lower().strip(".,") for t in tokens]
    for form in sorted(ORG_FORMS, key=len, reverse=True):
        size = len(form)
        clean = tuple(f.strip(".,") for f in form)
        if len(tokens) > size and tuple(lowered[:size]) == clean:
            return " ".join(tokens[size:] + tokens[:size])
        if len(tokens) > size and tuple(lowered[-size:]) == clean:
            return " ".join(tokens[-size:] + tokens[:-size])
    return None


def corrupt(
    rng: random.Random, name: str, schema: str, realistic: bool = True
) -> tuple[str, tuple[str, ...]]:
    """One or two realistic changes a name undergoes between a list and a document (people's
    names may come back from Cyrillic; firms' legal forms are rewritten, not transliterated).

    Returns the name and the kinds of change that altered it. ``realistic=False`` is the
    generator of session 2, kept for comparison: it also typed digits wrong and rotated
    organisation names token by token, splitting legal forms (*Liability Company Northwind
    Limited*), which no register or article writes.
    """
    applied: list[str] = []
    for _ in range(rng.choice([1, 1, 2])):
        tokens = name.replace(",", " ").split()
        kind = rng.randrange(8)
        before = name
        if kind == 0 and len(name) > 6:
            name = _typo(rng, name, realistic)
        elif kind == 1 and len(tokens) > 1:
            moved = None
            if realistic and schema != "Person":
                moved = _move_legal_form(tokens)
            name = moved or " ".join(tokens[1:] + tokens[:1])
        elif kind == 2 and len(tokens) > 3:
            tokens.pop(rng.randrange(1, len(tokens) - 1))
            name = " ".join(tokens)
        elif kind == 3:
            name = rng.choice([name.lower(), name.upper(), name.title()])
        elif kind == 4:
            name = name.replace("-", " ").replace(".", "").replace(",", "")
        elif kind == 5 and len(tokens) > 1:
            name = " ".join(rng.choice([t.lower(), t.upper()]) for t in tokens)
        elif kind == 6:
            swapped = [LEGAL_SWAPS.get(t.lower().strip(".,"), t) for t in tokens]
            name = " ".join(swapped)
        elif kind == 7 and name.isascii() and len(tokens) <= 4 and schema == "Person":
            name = to_cyrillic(name)
        if name != before:
            applied.append(KINDS[kind])
    return name, tuple(applied)


def to_cyrillic(name: str) -> str:
    """Write a Latin name the way a Russian document would (letter by letter)."""
    text, out, i = name.lower(), [], 0
    while i < len(text):
        for size in (4, 2, 1):
            chunk = text[i : i + size]
            if chunk in LATIN_TO_CYRILLIC:
                out.append(LATIN_TO_CYRILLIC[chunk])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out).title()


def generated_name(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.4:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}", "Person"
    if roll < 0.7:
        return f"{rng.choice(BRAND)} {rng.choice(TRADE)} {rng.choice(FORM)}", "Company"
    given = rng.choice(KOREAN_GIVEN) + rng.choice(KOREAN_GIVEN).lower()
    return f"{rng.choice(KOREAN_FAMILY)} {given}", "Person"


def make_cases(
    index: ScreeningIndex, count: int, seed: int = SEED, realistic: bool = True
) -> list[QueryCase]:
    rng = random.Random(seed)
    designated: list[QueryCase] = []
    candidates = [e for e in index.entities if e.schema != "Thing"]
    names_of: dict[str, list[str]] = {}
    for form, owner in zip(index.names, index.name_entity.tolist(), strict=True):
        names_of.setdefault(index.entities[owner].id, []).append(form.original)
    while len(designated) < count // 2:
        entity = rng.choice(candidates)
        name = rng.choice(names_of[entity.id])
        if len(name) < 4:
            continue
        query, kinds = corrupt(rng, name, entity.schema, realistic)
        designated.append(QueryCase(query, entity.schema, entity.id, kinds))
    listed = {normalize_text(form.original) for form in index.names}
    clean: list[QueryCase] = []
    while len(clean) < count - count // 2:
        name, schema = generated_name(rng)
        if normalize_text(name) not in listed:
            clean.append(QueryCase(name, schema, None))
    cases = designated + clean
    rng.shuffle(cases)
    return cases


INDEX: ScreeningIndex | None = None
SWEEP = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
"""Thresholds reported besides the default (hits are collected from the lowest)."""


def screen_chunk(
    args: tuple[list[QueryCase], float],
) -> tuple[list[tuple[float, float, str]], float]:
    """(score of the expected entity, best score, name matched best) per query, and CPU s."""
    cases, _threshold = args
    assert INDEX is not None
    started = time.process_time()
    outcomes = []
    for case in cases:
        try:
            query = make_query_entity(case.name, case.schema)
            hits = INDEX.search(query, limit=10, threshold=SWEEP[0])
        except ValueError:
            hits = []
        expected = [h.score for h in hits if h.entity.id == case.expected]
        best = max(hits, key=lambda hit: hit.score, default=None)
        matched = (best.result.candidate_name or best.entity.caption) if best else ""
        outcomes.append((max(expected, default=0.0), best.score if best else 0.0, matched))
    return outcomes, time.process_time() - started


def print_false_alerts(
    cases: list[QueryCase], outcomes: list[tuple[float, float, str]], threshold: float, count: int
) -> None:
    """The ``count`` highest-scoring alerts on not-listed queries (what an analyst clears)."""
    alerts = sorted(
        (
            (alert, case.schema, case.name, matched)
            for case, (_, alert, matched) in zip(cases, outcomes, strict=True)
            if alert >= threshold
        ),
        reverse=True,
    )
    print(f"false alerts at {threshold:.2f} ({len(alerts)}; {min(count, len(alerts))} shown):")
    for alert, schema, name, matched in alerts[:count]:
        print(f"  {alert:.3f}  {schema:12s} {name!r} -> {matched!r}")


def print_recall_by_kind(
    cases: list[QueryCase], outcomes: list[tuple[float, float, str]], threshold: float
) -> None:
    """Recall of the designated queries per kind of corruption (a query may have two)."""
    found: dict[str, list[bool]] = {}
    for case, (score, _, _) in zip(cases, outcomes, strict=True):
        for kind in case.kinds or ("unchanged",):
            found.setdefault(kind, []).append(score >= threshold)
    print("recall by corruption (queries with two changes count under both):")
    for kind, hits in sorted(found.items(), key=lambda item: sum(item[1]) / len(item[1])):
        print(f"  {kind:12s} {sum(hits) / len(hits):.4f} of {len(hits)}")


def print_store_times(index: ScreeningIndex, path: Path) -> None:
    """How long ``screen`` takes to write the index once and to read it on later calls."""
    started = time.perf_counter()
    dump_index(index, path, "bench")
    written = time.perf_counter() - started
    started = time.perf_counter()
    loaded = read_index(path, "bench")
    read = time.perf_counter() - started
    started = time.perf_counter()
    loaded.search(make_query_entity("Kim Jong Un", "Person"), limit=10)
    first = time.perf_counter() - started
    print(
        f"stored index: {path.stat().st_size / 1e6:.1f} MB, written in {written:.2f} s, "
        f"read back in {read:.2f} s (names built on first use; first query {first * 1e3:.0f} ms)"
    )


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def main() -> None:
    global INDEX
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sanctions", type=Path, default=load_settings().sanctions_dir)
    parser.add_argument("--store", type=Path, help="Reuse (or create) this SQLite store.")
    parser.add_argument("--seed", type=int, default=SEED, help="Query sample (tuning: 7).")
    parser.add_argument(
        "--legacy-corruption",
        action="store_true",
        help="Session-2 generator (digit typos, legal forms split by rotation) for comparison.",
    )
    parser.add_argument(
        "--show-alerts", type=int, default=0, help="Print this many of the worst false alerts."
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores visible, "
        f"{args.workers} workers; python {platform.python_version()}"
    )
    print(f"matcher: {MATCHER_VERSION}")
    compiled = active_modules()
    print(f"compiled matcher modules in use: {len(compiled)} of {len(MODULES)}")
    with tempfile.TemporaryDirectory() as tmp:
        reuse = args.store is not None and args.store.exists()
        database = Database(f"sqlite:///{args.store or Path(tmp) / 'bench.db'}")
        database.migrate()
        if not reuse:
            started = time.perf_counter()
            results = load_list_folder(database, args.sanctions)
            print(
                f"lists loaded in {time.perf_counter() - started:.1f} s: "
                + ", ".join(f"{r.source} v{r.version_id} ({r.entity_count})" for r in results)
            )
        before = rss_mb()
        started = time.perf_counter()
        with database.session() as session:
            snapshot = read_list_entities(session)
        read_seconds = time.perf_counter() - started
        INDEX = ScreeningIndex.build(
            snapshot.entities, snapshot.versions, snapshot.sanctions, snapshot.datasets
        )
        build_seconds = time.perf_counter() - started
        del snapshot
        after = rss_mb()
        print(
            f"index: {len(INDEX)} list entities, {len(INDEX.names)} names, "
            f"{len(INDEX.postings)} keys; built in {build_seconds:.1f} s "
            f"(reading the store {read_seconds:.1f} s); "
            f"RSS grew {after - before:.0f} MB to {after:.0f} MB"
        )
        database.dispose()
        print_store_times(INDEX, Path(tmp) / "bench.screen-index")
    cases = make_cases(INDEX, args.queries, args.seed, realistic=not args.legacy_corruption)
    threshold = default_threshold()
    chunks = [cases[i :: args.workers] for i in range(args.workers)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        parts = pool.map(screen_chunk, [(chunk, threshold) for chunk in chunks])
    wall = time.perf_counter() - started
    outcomes = {
        id(case): outcome
        for chunk, (part, _) in zip(chunks, parts, strict=True)
        for case, outcome in zip(chunk, part, strict=True)
    }
    designated = [outcomes[id(c)] for c in cases if c.expected is not None]
    clean = [outcomes[id(c)] for c in cases if c.expected is None]
    recall = sum(found >= threshold for found, _, _ in designated) / len(designated)
    false_alerts = sum(alert >= threshold for _, alert, _ in clean) / len(clean)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(
        f"threshold {threshold:.2f}; {len(cases)} queries "
        f"({len(designated)} designated, {len(clean)} not listed)"
    )
    load = os.getloadavg()[0]
    cpu_rate = sum(len(c) for c in chunks) / max(s for _, s in parts)
    print(
        f"throughput (CPU time, {args.workers} dedicated cores): {cpu_rate:.0f} queries/s; "
        f"wall clock {len(cases) / wall:.0f} queries/s with load average {load:.1f} "
        f"on {os.cpu_count()} cores shared with other work"
    )
    print(
        f"throughput: {len(cases) / wall:.0f} queries/s on {args.workers} workers "
        f"({wall:.1f} s wall; per worker "
        + ", ".join(f"{len(c) / s:.0f} q/s" for c, (_, s) in zip(chunks, parts, strict=True))
        + ")"
    )
    print(f"recall (designated half): {recall:.4f}")
    print(f"false-alert rate (not-listed half): {false_alerts:.4f}")
    print(f"peak RSS of the parent process: {peak:.0f} MB")
    print_recall_by_kind([c for c in cases if c.expected is not None], designated, threshold)
    if args.show_alerts:
        clean_cases = [c for c in cases if c.expected is None]
        print_false_alerts(clean_cases, clean, threshold, args.show_alerts)
    print("threshold sweep (recall / false-alert rate):")
    for cut in SWEEP:
        swept_recall = sum(found >= cut for found, _, _ in designated) / len(designated)
        swept_alerts = sum(alert >= cut for _, alert, _ in clean) / len(clean)
        print(f"  {cut:.2f}: {swept_recall:.4f} / {swept_alerts:.4f}")


if __name__ == "__main__":
    main()
