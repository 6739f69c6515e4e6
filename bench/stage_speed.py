"""Per-stage extraction cost of two checkouts, side by side, robust to a loaded machine.

One worker process per checkout (this one and ``--base``, e.g. a detached worktree of an
older commit) imports that checkout's ``sanctionwatch``, ingests the seeds and
``examples/reports`` into its own SQLite store and waits. The driver then asks the workers
for a round in turn (old, new, old, new, ...): each round parses every document with
``nlp.pipe`` and runs the stages on it, timing each one in the worker's CPU seconds (what
the load of other processes disturbs least) and in wall-clock seconds:

* parse: spaCy, batch of all documents;
* entities: ``find_mentions`` + ``find_roles`` + ``entity_statements``;
* relations: ``extract_relations``;
* claims: ``find_claims``;
* store: the statement, claim and run-record writes and the commit, one transaction a document.

Alternating rounds puts both checkouts under the same load; the best round of each stage
(the least disturbed) is compared, and the median is printed beside it. ``--profile`` runs
one extra round of each checkout under cProfile and prints, for the relations and claims
stages, the functions whose own time grew most and the heaviest ones of the new checkout.

Usage::

    git -C . worktree add --detach ../speed-base 949aa57
    PYTHONPATH=src python bench/stage_speed.py --base ../speed-base --rounds 4 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("parse", "entities", "relations", "claims", "store")


def _shared_dir() -> Path:
    configured = os.environ.get("SANCTIONWATCH_SHARED_DIR")
    if configured:
        return Path(configured)
    near = ROOT.parent / "shared"
    return near if near.is_dir() else ROOT.parent.parent / "shared"


def _inputs(seeds: Path) -> list[Path]:
    reports = ROOT / "examples" / "reports"
    paths = sorted(seeds.glob("*.txt")) + sorted(p for p in reports.iterdir() if p.is_file())
    if not paths:
        raise SystemExit(f"error: {seeds}: no seed articles (*.txt)")
    return paths


class Worker:
    """The side of one checkout: its store, its parsed documents, its timed rounds."""

    def __init__(self, paths: list[Path], tmp: str) -> None:
        from sanctionwatch.extract.pipeline import document_context, load_nlp
        from sanctionwatch.ingest import ingest_paths
        from sanctionwatch.store import Database
        from sanctionwatch.store.tables import DocumentRow

        self.database = Database(f"sqlite:///{tmp}/stages.db")
        self.database.migrate()
        ingest_paths(self.database, [str(p) for p in paths])
        with self.database.session() as session:
            rows = session.query(DocumentRow).order_by(DocumentRow.source).all()
            self.contexts = [document_context(row) for row in rows]
        self.nlp = load_nlp()
        self.nlp("warm up")
        self.words = sum(len(c.clean_text.split()) for c in self.contexts)

    def round(self, profile_stages: tuple[str, ...] = ()) -> dict[str, Any]:
        """Parse and extract every document once; seconds per stage (and profiles if asked)."""
        seconds: dict[str, float] = defaultdict(float)
        profiles = {stage: cProfile.Profile() for stage in profile_stages}
        with _clock(seconds, "parse", None):
            docs = list(self.nlp.pipe(c.clean_text for c in self.contexts))
        for doc, context in zip(docs, self.contexts, strict=True):
            self._extract(doc, context, seconds, profiles)
        result: dict[str, Any] = {"seconds": dict(seconds), "words": self.words}
        result["profiles"] = {stage: _functions(p) for stage, p in profiles.items()}
        return result

    def _extract(
        self,
        doc: Any,
        context: Any,
        seconds: dict[str, float],
        profiles: dict[str, cProfile.Profile],
    ) -> None:
        from sanctionwatch.extract import claims as claims_module
        from sanctionwatch.extract import entities as entities_module
        from sanctionwatch.extract import pipeline
        from sanctionwatch.extract import relations as relations_module
        from sanctionwatch.store.statements import replace_origin_statements

        def timed(stage: str, work: Callable[[], Any]) -> Any:
            with _clock(seconds, stage, profiles.get(stage)):
                return work()

        with self.database.session() as session:
            versions = pipeline.extractor_versions()

            def entities() -> tuple[Any, Any]:
                mentions = entities_module.find_mentions(doc, context)
                roles = entities_module.find_roles(doc, mentions)
                statements = entities_module.entity_statements(
                    context, mentions, roles, versions["entities"]
                )
                return mentions, statements

            mentions, statements = timed("entities", entities)
            relations = timed(
                "relations", lambda: relations_module.extract_relations(doc, context, mentions)
            )
            claims = timed(
                "claims", lambda: _claims(claims_module, session, doc, context, mentions)
            )

            def store() -> None:
                replace_origin_statements(
                    session, context.document_id, entities_module.ORIGIN, statements
                )
                by_origin: dict[str, list[Any]] = {pipeline.RELATIONS_ORIGIN: []}
                for statement in relations:
                    by_origin.setdefault(statement.origin, []).append(statement)
                for origin, batch in by_origin.items():
                    replace_origin_statements(session, context.document_id, origin, batch)
                claims_module.replace_document_claims(session, context.document_id, claims)
                counts = {"entities": len(statements), "relations": len(relations)}
                counts["claims"] = len(claims)
                pipeline._record_runs(session, context.document_id, versions, counts, len(mentions))
                session.commit()

            timed("store", store)


def _claims(module: Any, session: Any, doc: Any, context: Any, mentions: Any) -> Any:
    """``extract_claims`` without its write: the date lookup and ``find_claims``."""
    published = module.stored_publication_date(session, context)
    if published is None and context.published is not None:
        published = module.DocumentDate(context.published.isoformat())
    return module.find_claims(doc, context, mentions, published=published)


@contextmanager
def _clock(
    seconds: dict[str, float], stage: str, profile: cProfile.Profile | None
) -> Iterator[None]:
    started, cpu_started = time.perf_counter(), time.process_time()
    if profile is not None:
        profile.enable()
    try:
        yield
    finally:
        if profile is not None:
            profile.disable()
        seconds[stage] += time.perf_counter() - started
        seconds[f"{stage}:cpu"] += time.process_time() - cpu_started


def _functions(profile: cProfile.Profile) -> dict[str, list[float]]:
    """Calls, own seconds and cumulative seconds by function, keyed without line numbers or
    checkout path so that the two checkouts' profiles line up."""
    table: dict[str, list[float]] = {}
    stats: Any = getattr(pstats.Stats(profile), "stats")  # noqa: B009
    for (path, _line, name), (_calls, ncalls, tottime, cumtime, _callers) in stats.items():
        short = path.split("sanctionwatch/", 1)[-1] if "sanctionwatch/" in path else Path(path).name
        row = table.setdefault(f"{short}:{name}", [0.0, 0.0, 0.0])
        row[0] += ncalls
        row[1] += tottime
        row[2] += cumtime
    return table


def print_profile_diff(
    stage: str, old: dict[str, list[float]], new: dict[str, list[float]], limit: int = 15
) -> None:
    """The functions whose own time grew most from the old checkout to the new one."""
    empty = [0.0, 0.0, 0.0]
    names = set(old) | set(new)
    grown = sorted(names, key=lambda n: new.get(n, empty)[1] - old.get(n, empty)[1], reverse=True)
    print(f"\n## cProfile {stage}: own seconds, old -> new (one round each), most grown first")
    print(
        f"{'function':70} {'old calls':>9} {'new calls':>9} {'old s':>7} {'new s':>7} {'cum s':>7}"
    )
    for name in grown[:limit]:
        o, n = old.get(name, empty), new.get(name, empty)
        print(f"{name[-70:]:70} {o[0]:9.0f} {n[0]:9.0f} {o[1]:7.3f} {n[1]:7.3f} {n[2]:7.3f}")
    heavy = sorted(new, key=lambda n: new[n][1], reverse=True)[:limit]
    print(f"\n## cProfile {stage}: new checkout, heaviest own time")
    for name in heavy:
        n, o = new[name], old.get(name, empty)
        print(f"{name[-70:]:70} {o[0]:9.0f} {n[0]:9.0f} {o[1]:7.3f} {n[1]:7.3f} {n[2]:7.3f}")


def worker_main(seeds: Path) -> int:
    """Serve rounds over stdin/stdout: a line "round" or "profile" in, one JSON line out."""
    with tempfile.TemporaryDirectory() as tmp:
        worker = Worker(_inputs(seeds), tmp)
        print(json.dumps({"ready": True, "words": worker.words}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "quit":
                break
            stages = ("relations", "claims") if command == "profile" else ()
            print(json.dumps(worker.round(stages)), flush=True)
        worker.database.dispose()
    return 0


class Client:
    """The driver's handle on one worker process."""

    def __init__(self, label: str, checkout: Path, seeds: Path) -> None:
        self.label = label
        env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--seeds", str(seeds)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        self.ready = self._read()

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"error: worker {self.label} exited (see its traceback above)")
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _summary(rounds: list[dict[str, Any]], suffix: str) -> dict[str, dict[str, float]]:
    words = rounds[0]["words"]
    table: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        per_word = [r["seconds"].get(stage + suffix, 0.0) * 1000 / words for r in rounds]
        table[stage] = {"best": min(per_word), "median": statistics.median(per_word)}
    return table


def print_report(old: dict[str, dict[str, float]], new: dict[str, dict[str, float]]) -> None:
    print(f"{'stage':10} {'old ms/word':>12} {'new ms/word':>12} {'new/old':>8}   (medians)")
    for stage in STAGES:
        o, n = old[stage], new[stage]
        ratio = n["best"] / o["best"] if o["best"] else float("nan")
        median_ratio = n["median"] / o["median"] if o["median"] else float("nan")
        print(
            f"{stage:10} {o['best']:12.4f} {n['best']:12.4f} {ratio:8.2f}   "
            f"({o['median']:.4f} / {n['median']:.4f} = {median_ratio:.2f})"
        )
    extraction = ("entities", "relations", "claims", "store")
    old_sum = sum(old[s]["best"] for s in extraction)
    new_sum = sum(new[s]["best"] for s in extraction)
    print(f"{'all-parse':10} {old_sum:12.4f} {new_sum:12.4f} {new_sum / old_sum:8.2f}")
    print(
        f"# extraction/parse: old {old_sum / old['parse']['best']:.2f}, "
        f"new {new_sum / new['parse']['best']:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the older checkout to compare against")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="cProfile relations and claims")
    parser.add_argument("--seeds", type=Path, default=_shared_dir() / "corpus" / "seeds")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.seeds)
    load_before = os.getloadavg()[0]
    clients = [Client("new", ROOT, args.seeds)]
    if args.base:
        clients.insert(0, Client("old", args.base.resolve(), args.seeds))
    rounds: dict[str, list[dict[str, Any]]] = {c.label: [] for c in clients}
    for _ in range(args.rounds):
        for client in clients:
            rounds[client.label].append(client.ask("round"))
    profiled = {c.label: c.ask("profile")["profiles"] for c in clients} if args.profile else {}
    for client in clients:
        client.close()
    print(f"# {platform.platform()}, python {platform.python_version()}, {os.cpu_count()} cores")
    print(
        f"# load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"{clients[-1].ready['words']} words a round, {args.rounds} alternating rounds, best round"
    )
    for suffix, title in ((":cpu", "CPU time of the worker"), ("", "wall clock")):
        print(f"\n## {title}")
        new = _summary(rounds["new"], suffix)
        print_report(_summary(rounds["old"], suffix) if args.base else new, new)
    if "new" in profiled:
        for stage, table in profiled["new"].items():
            print_profile_diff(stage, profiled.get("old", {}).get(stage, {}), table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
