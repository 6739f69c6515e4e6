"""Load time and counts for every real list snapshot in ../shared (parse vs. parse + store).

Run: PYTHONPATH=src python bench/lists_load.py [--shared ../shared] [--db sqlite:///tmp.db]
Prints one row per file: entities, designations, statements, parse seconds, load seconds
(parse + snapshot + statements in one transaction), plus the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from sanctionwatch.screen.lists.formats import detect_format
from sanctionwatch.screen.lists.store import load_list_file, read_entities
from sanctionwatch.store import Database

FILES = (
    "un_consolidated_2025-11-20.xml",
    "un_consolidated_2026-02-27.xml",
    "ofac_sdn_2024-05-03.csv",
    "ofac_consolidated_nonsdn_2026-01-08.xml",
    "eu_dprk_reg2017-1509_opensanctions-transcription_2025-12-17.csv",
    "derived_eu_un_ofaccons_names_2026-01-28_pakote_all.json",
    "uk_ofsi_conlist_SAMPLE-77rows_c2020-02.csv",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=os.environ.get("SANCTIONWATCH_SHARED_DIR", "../shared"))
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite)")
    args = parser.parse_args()
    folder = Path(args.shared) / "data" / "sanctions"
    machine = f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} cores"
    print(f"machine: {machine}")
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        database.migrate()
        print(f"store: {database.dialect}")
        header = f"{'file':<66} {'format':<15} {'entities':>8} {'desig.':>7} {'stmts':>7}"
        print(f"{header} {'parse s':>8} {'load s':>7}")
        for name in FILES:
            path = folder / name
            if not path.is_file():
                print(f"{name:<66} missing")
                continue
            fmt = detect_format(path) or "?"
            started = time.perf_counter()
            read_entities(path, fmt)
            parsed = time.perf_counter() - started
            result = load_list_file(database, path, fmt, force=True)
            print(
                f"{name:<66} {fmt:<15} {result.entity_count:>8} {result.designation_count:>7} "
                f"{result.statement_count:>7} {parsed:>8.2f} {result.seconds:>7.2f}"
            )
        database.dispose()


if __name__ == "__main__":
    main()
