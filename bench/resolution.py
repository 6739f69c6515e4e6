"""Bulk linkage benchmark: a synthetic company registry, linked by Splink on DuckDB and Spark.

The generator writes a registry CSV (``--records``, default 1,000,000) with ground-truth cluster
ids: companies registered several times with typos, upper case, Cyrillic transliterations,
legal-form variants (Ltd / Limited, LLC / OOO / Limited Liability Company), reformatted or missing
registration numbers, abbreviated or missing addresses, country names instead of codes, plus
hard negatives: sibling companies sharing a brand (Pugang Trading / Pugang Mining) and many
companies at one mass-registration address. The run then links it with the packaged model
(``data/resolve/link_company.yaml``) and prints pairwise precision / recall / F1, wall time and
peak memory (process tree RSS, sampled) for DuckDB on the full set, and for Spark local and
DuckDB side by side on a ``--sample`` of whole clusters (default 100,000 records).

Targets (issue 4): F1 >= 0.95; 1M records in <= 15 minutes on 2 cores; peak memory <= 8 GB.

    python bench/resolution.py --records 20000 --sample 5000
    python bench/resolution.py                       # 1M full run, Spark on 100k
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from sanctionwatch.resolve.linkage import (
    Backend,
    LinkConfig,
    Preparer,
    RawRecord,
    column_table,
    load_link_config,
    local_spark,
    run_splink,
)

ONSETS = ["", "b", "ch", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "y", "z"]
NUCLEI = ["a", "e", "i", "o", "u", "ae", "ia", "ou", "yo", "ya"]
CODAS = ["", "", "n", "ng", "l", "r", "s", "k", "m"]
SYLLABLES = [o + n + c for o in ONSETS for n in NUCLEI for c in CODAS]
"""About 1,600 syllables, so brand names stay varied at a million records."""
DESCRIPTORS = [
    "Trading",
    "Shipping",
    "Mining",
    "Logistics",
    "Investment",
    "Technology",
    "Construction",
    "Fisheries",
    "Engineering",
    "Energy",
    "Import",
    "Export",
    "Holding",
    "Consulting",
    "Marine",
    "Textile",
    "Foods",
]
LEGAL_FORMS = {
    "llc": ["LLC", "L.L.C.", "Limited Liability Company", "OOO"],
    "ltd": ["Ltd", "Ltd.", "Limited", "LIMITED"],
    "jsc": ["JSC", "Joint Stock Company", "AO"],
    "corp": ["Corp", "Corp.", "Corporation"],
    "co": ["Co", "Co.", "Company"],
    "gmbh": ["GmbH"],
}
COUNTRIES = {
    "ru": ["RU", "Russia", "Russian Federation"],
    "cn": ["CN", "China"],
    "kp": ["KP", "North Korea"],
    "cy": ["CY", "Cyprus"],
    "ae": ["AE", "United Arab Emirates"],
    "gb": ["GB", "United Kingdom"],
    "de": ["DE", "Germany"],
    "hk": ["HK", "Hong Kong"],
    "sg": ["SG", "Singapore"],
    "by": ["BY", "Belarus"],
}
STREETS = [
    "Harbour",
    "Lenin",
    "Makariou",
    "Pier",
    "Garden",
    "Station",
    "Mill",
    "Church",
    "Victoria",
    "Pushkin",
    "Gagarin",
    "Sadovaya",
    "Nevsky",
    "Marina",
    "Central",
    "Park",
    "Oak",
    "River",
    "Hill",
    "Bridge",
]
STREET_KINDS = {"Street": "St", "Road": "Rd", "Avenue": "Ave"}
CITIES = [
    "Vladivostok",
    "Limassol",
    "Nampo",
    "Dubai",
    "Shenyang",
    "Dandong",
    "Minsk",
    "Moscow",
    "Hamburg",
    "Singapore",
    "London",
    "Nicosia",
    "Khabarovsk",
    "Hong-Kong",
    "Larnaca",
]
LATIN_TO_CYRILLIC = {
    "shch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "yu": "ю", "ya": "я",
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "y": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
    "u": "у", "f": "ф", "h": "х", "c": "к", "w": "в", "j": "дж", "q": "к", "x": "кс",
}  # fmt: skip
CYRILLIC_FORMS = {"llc": "ООО", "jsc": "АО"}
HEADER = ("id", "name", "address", "country", "registration_number", "cluster_id")


@dataclass
class Company:
    """One real company: the truth every record of its cluster is a rendering of."""

    cluster: int
    brand: str
    descriptor: str | None
    form: str
    address: str
    country: str
    number: str | None


def _token(rng: random.Random) -> str:
    size = rng.choices((2, 3, 4), weights=(50, 40, 10))[0]
    return "".join(rng.choice(SYLLABLES) for _ in range(size)).capitalize()


def _address(rng: random.Random) -> str:
    kind = rng.choice(list(STREET_KINDS))
    return f"{rng.randint(1, 300)} {rng.choice(STREETS)} {kind}, {rng.choice(CITIES)}"


def _companies(entities: int, rng: random.Random) -> Iterator[Company]:
    mass_addresses = [_address(rng) for _ in range(max(10, entities // 500))]
    cluster = 0
    while cluster < entities:
        brand = " ".join(_token(rng) for _ in range(rng.choice((1, 2, 2))))
        country = rng.choice(list(COUNTRIES))
        siblings = 1 + (rng.random() < 0.04) * rng.randint(1, 3)
        descriptors = rng.sample(DESCRIPTORS, siblings)
        for index in range(siblings):
            shared = rng.random() < 0.08
            yield Company(
                cluster=cluster,
                brand=brand,
                descriptor=descriptors[index] if siblings > 1 or rng.random() < 0.7 else None,
                form=rng.choice(list(LEGAL_FORMS)),
                address=rng.choice(mass_addresses) if shared else _address(rng),
                country=country,
                number=f"{country.upper()}{rng.randint(10**7, 10**9)}"
                if rng.random() < 0.8
                else None,
            )
            cluster += 1


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.3:
        return text[:i] + text[i + 1 :]
    if kind < 0.6:
        return text[:i] + rng.choice("aeiounrst") + text[i + 1 :]
    if kind < 0.8 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def _cyrillic(text: str) -> str:
    out, i, lower = [], 0, text.lower()
    while i < len(lower):
        for size in (4, 2, 1):
            chunk = lower[i : i + size]
            if chunk in LATIN_TO_CYRILLIC:
                out.append(LATIN_TO_CYRILLIC[chunk])
                i += size
                break
        else:
            out.append(lower[i])
            i += 1
    return "".join(out).title()


def _render(company: Company, rng: random.Random, first: bool) -> dict[str, str]:
    base = company.brand + (f" {company.descriptor}" if company.descriptor else "")
    name = f"{base} {LEGAL_FORMS[company.form][0]}"
    address, country = company.address, COUNTRIES[company.country][0]
    number = company.number or ""
    if not first:
        form = rng.choice(LEGAL_FORMS[company.form])
        if rng.random() < 0.12 and company.country in ("ru", "by", "kp"):
            cyr_form = CYRILLIC_FORMS.get(company.form, form)
            name = f"{cyr_form} {_cyrillic(base)}" if rng.random() < 0.5 else _cyrillic(base)
        else:
            name = f"{_typo(base, rng) if rng.random() < 0.35 else base} {form}"
        if rng.random() < 0.3:
            name = name.upper()
        if rng.random() < 0.4:
            for long, short in STREET_KINDS.items():
                address = address.replace(long, short)
        if rng.random() < 0.1:
            address = ""
        elif rng.random() < 0.05:
            address = _address(rng)
        country = rng.choice(COUNTRIES[company.country]) if rng.random() < 0.95 else ""
        if number and rng.random() < 0.3:
            number = ""
        elif number and rng.random() < 0.3:
            number = f"{number[:2]} {number[2:6]}-{number[6:]}"
    return {"name": name, "address": address, "country": country, "registration_number": number}


def generate(path: Path, records: int, seed: int) -> None:
    """Write a registry of ``records`` rows with a ground-truth ``cluster_id`` column."""
    rng = random.Random(seed)
    sizes = [1] * 70 + [2] * 20 + [3] * 7 + [4] * 2 + [6] * 1
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for company in _companies(records, rng):
            for copy in range(rng.choice(sizes)):
                if written >= records:
                    return
                row = _render(company, rng, first=copy == 0)
                writer.writerow(
                    [f"r{written}", row["name"], row["address"], row["country"],
                     row["registration_number"], company.cluster]
                )  # fmt: skip
                written += 1


def read_registry(path: Path) -> tuple[list[RawRecord], dict[str, str]]:
    records, truth = [], {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            records.append(
                RawRecord(
                    id=row["id"],
                    name=row["name"],
                    address=row["address"] or None,
                    country=row["country"] or None,
                    registration_number=row["registration_number"] or None,
                )
            )
            truth[row["id"]] = row["cluster_id"]
    return records, truth


def sample_clusters(
    records: list[RawRecord], truth: dict[str, str], size: int, seed: int
) -> list[RawRecord]:
    """Whole clusters drawn at random until ``size`` records (so recall is not cut by sampling)."""
    clusters: dict[str, list[RawRecord]] = {}
    for record in records:
        clusters.setdefault(truth[record.id], []).append(record)
    keys = list(clusters)
    random.Random(seed).shuffle(keys)
    chosen: list[RawRecord] = []
    for key in keys:
        if len(chosen) >= size:
            break
        chosen.extend(clusters[key])
    return chosen


def _pairs(counts: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of predicted clusters against true clusters."""
    ids = list(predicted)
    joint = Counter((predicted[i], truth[i]) for i in ids)
    true_positive = _pairs(joint)
    predicted_pairs = _pairs(Counter(predicted[i] for i in ids))
    true_pairs = _pairs(Counter(truth[i] for i in ids))
    precision = true_positive / predicted_pairs if predicted_pairs else 1.0
    recall = true_positive / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


class PeakMemory:
    """Samples the RSS of this process and all its children (Spark's JVM included)."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                continue
        return int(total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self.peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


@dataclass
class Run:
    backend: str
    records: int
    seconds: float
    peak_mb: float
    scores: dict[str, float]
    clusters: dict[str, str]
    pairs: int


def link(
    records: list[RawRecord],
    truth: dict[str, str],
    config: LinkConfig,
    backend: Backend,
    spark: Any | None = None,
) -> Run:
    """Prepare and link ``records``; the clock and the memory meter cover both."""
    with PeakMemory() as memory:
        started = time.perf_counter()
        preparer = Preparer(config)
        table = column_table([preparer.prepare(record) for record in records])
        result = run_splink(table, config, backend=backend, spark=spark, collect_pairs=False)
        seconds = time.perf_counter() - started
    return Run(
        backend=backend,
        records=len(records),
        seconds=seconds,
        peak_mb=memory.peak / 2**20,
        scores=pairwise_scores(result.clusters, truth),
        clusters=result.clusters,
        pairs=result.pair_count,
    )


HEADER_LINE = (
    f"{'backend':<8} {'records':>9} {'wall s':>8} {'peak MB':>8} "
    f"{'pairs':>9} {'precision':>9} {'recall':>7} {'F1':>7}"
)


def _print_run(run: Run) -> None:
    s = run.scores
    print(
        f"{run.backend:<8} {run.records:>9,} {run.seconds:>8.1f} {run.peak_mb:>8.0f} "
        f"{run.pairs:>9,} {s['precision']:>9.4f} {s['recall']:>7.4f} {s['f1']:>7.4f}",
        flush=True,
    )


TARGETS: list[tuple[str, Callable[[Run], bool]]] = [
    ("F1 >= 0.95", lambda r: r.scores["f1"] >= 0.95),
    ("<= 15 min per 1M records", lambda r: r.seconds <= 900 * r.records / 1_000_000),
    ("peak memory <= 8 GB", lambda r: r.peak_mb <= 8 * 1024),
]


def _print_targets(run: Run) -> None:
    for label, check in TARGETS:
        print(f"target {label}: {'met' if check(run) else 'MISSED'} ({run.backend}, "
              f"{run.records:,} records)", flush=True)  # fmt: skip


def _machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {memory:.0f} GB RAM, load average {load[0]:.1f} at start"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=100_000, help="records for the Spark run")
    parser.add_argument("--seed", type=int, default=1718)
    parser.add_argument("--registry", type=Path, help="reuse a generated registry CSV")
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-full", action="store_true", help="only the side-by-side sample")
    args = parser.parse_args(argv)

    print(f"machine: {_machine()}")
    config = load_link_config()
    path = args.registry or Path(tempfile.gettempdir()) / f"sw-registry-{args.records}.csv"
    if args.registry is None:
        started = time.perf_counter()
        generate(path, args.records, args.seed)
        print(f"generated {args.records:,} records in {time.perf_counter() - started:.1f}s: {path}")
    records, truth = read_registry(path)
    sample = sample_clusters(records, truth, min(args.sample, len(records)), args.seed)
    print(f"true clusters: {len(set(truth.values())):,}; sample: {len(sample):,} records")

    print(HEADER_LINE, flush=True)
    if not args.skip_full:
        full = link(records, truth, config, "duckdb")
        _print_run(full)
        _print_targets(full)
    on_duckdb = link(sample, truth, config, "duckdb")
    _print_run(on_duckdb)
    if args.skip_spark:
        return
    spark = local_spark(cores=os.cpu_count() or 2, memory="3g")
    try:
        on_spark = link(sample, truth, config, "spark", spark)
    finally:
        spark.stop()
    _print_run(on_spark)
    agreement = pairwise_scores(on_spark.clusters, on_duckdb.clusters)["f1"]
    ratio = on_spark.seconds / on_duckdb.seconds
    print(f"sample, spark vs duckdb: {ratio:.1f}x the wall time; cluster agreement F1 "
          f"{agreement:.4f}")  # fmt: skip
    _print_targets(on_spark)


if __name__ == "__main__":
    main()
