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
* held-out REAL pages: each ``bench/heldout_real*/sources.yaml`` is one set (its ``name``,
  its ``gold`` folder, its pages by stem). A ``--heldout-dir`` folder is scored against every
  set whose page texts it holds, so one folder may hold several sets, or each set its own
  folder. After the sets comes a ``real-all`` block: their counts summed per type and kind
  (not their scores averaged), with ``entity:all`` and ``relation:all`` rows.

Usage::

    PYTHONPATH=src python bench/extraction_quality.py                 # the seeds
    PYTHONPATH=src python bench/extraction_quality.py --heldout       # plus examples/reports
    PYTHONPATH=src python bench/extraction_quality.py --heldout-dir ~/heldout_real  # real pages
    PYTHONPATH=src python bench/extraction_quality.py --heldout-dir ~/real1 --heldout-dir ~/real2
    PYTHONPATH=src python bench/extraction_quality.py --json
    PYTHONPATH=src python bench/extraction_quality.py --heldout --lists ../shared/data/sanctions
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from sanctionwatch.extract.entities import ORIGIN
from sanctionwatch.extract.pipeline import extract_documents
from sanctionwatch.ingest import ingest_bytes, ingest_paths
from sanctionwatch.ingest.redate import set_publication_date
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
HELDOUT_ENV = ("SANCTIONWATCH_HELDOUT_DIR", "SANCTIONWATCH_HELDOUT2_DIR")
COMBINED = "real-all"
GROUP_ORDER = ("entity", "relation", "claim")
STORED_AS = {"Address": "Place", "Document": "LegalInstrument"}
ENTITY_NAME_PROPS = ("name", "full", "alias", "title")
"""Gold and stored props whose values are names an entity is matched by."""
PLUGINS = {"quality_relations": "relation", "quality_claims": "claim"}
NAME_ONLY = "name_only"
"""Key of a relation row's (tp, fp, fn) under the name-only matching of sessions 1-7, and the
gold rows the alias-aware matching gained and lost (``NAME_ONLY_KEYS``)."""
NAME_ONLY_KEYS = ("tp", "fp", "fn", "gained", "lost", "forgiven")
"""Counts ``bench/quality_relations.py`` reports as ``name_only_<key>``: the name-only
matching's tp/fp/fn, gold rows the alias-aware matching found (``gained``) and lost to its
one-to-one rule (``lost``), and extracted rows not counted because they repeat an
already-matched gold row's fact under the same written names (``forgiven``)."""


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


def load_gold(path: Path, clean_text: str | None = None) -> tuple[list[Entity], list[Entity]]:
    """Gold entities of one document, and apart those whose names the cleaned text lacks.

    The extractor reads the cleaned text; an entity named only in a caption, credit line or
    footer that ingestion removed cannot be found, and one the annotator wrote in another form
    ("UNSCR 2375" for "Resolutions (UNSCR) 2375 and 2397") cannot be located. Neither is
    scored: not a miss when absent, and a prediction that carries its name is no error either.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    gold, outside = [], []
    plain = _plain(clean_text) if clean_text is not None else None
    for item in data.get("entities", []):
        raw = [item["name"], *item.get("aliases", [])]
        entity = Entity(item["schema"], {normalise(name) for name in raw}, item["name"])
        located = plain is None or any(_plain(name) in plain for name in raw)
        (gold if located else outside).append(entity)
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
            if row.prop not in ENTITY_NAME_PROPS:
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


def score_entities(
    gold: list[Entity],
    found: list[Entity],
    tallies: dict[str, Tally],
    unscored: Sequence[Entity] = (),
) -> None:
    matched: set[int] = set()
    for entity in found:
        if not any(g.names & entity.names for g in gold) and any(
            u.schema == entity.schema and u.names & entity.names for u in unscored
        ):
            continue  # names a gold entity the text writes otherwise: neither hit nor error
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
    database: Database,
    docs: Iterable[Path],
    urls: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> dict[str, str]:
    """Ingest the files (with their page address from ``urls``, by stem), give them the dates
    in ``published`` as an analyst would (``ingest --published``), and extract; returns file
    stem -> document id."""
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
    for stem, value in (published or {}).items():
        if stem in ids:
            set_publication_date(database, [ids[stem]], value, reason="bench: sources file")
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
            document = session.get(DocumentRow, document_id)
            clean_text = document.clean_text if document is not None else None
        gold, outside = load_gold(gold_file, clean_text)
        for entity in outside:
            print(
                f"note: {gold_file.stem}: '{entity.label}' is not in the cleaned text",
                file=sys.stderr,
            )
        before = {kind: len(tally.errors) for kind, tally in tallies.items()}
        score_entities(gold, predicted(database, document_id), tallies, outside)
        for kind, tally in tallies.items():  # name the page in its new error lines
            start = before.get(kind, 0)
            tally.errors[start:] = [f"{gold_file.stem}: {e}" for e in tally.errors[start:]]
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
        row["group"] = "entity"
    return rows


def load_module(name: str) -> Any | None:
    """A sibling bench script as a module (``None`` when it is absent)."""
    path = Path(__file__).with_name(f"{name}.py")
    if not path.exists():
        return None
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and typing look their module up here
    spec.loader.exec_module(module)
    return module


def load_plugin(name: str) -> Callable[..., list[dict[str, Any]]] | None:
    evaluate = getattr(load_module(name), "evaluate", None)
    return evaluate if callable(evaluate) else None


def _takes_report(evaluate: Callable[..., Any]) -> bool:
    return "report" in inspect.signature(evaluate).parameters


def plugin_rows(
    database: Database, gold_dir: Path, section: str, verbose: bool = False
) -> list[dict[str, Any]]:
    """The relation and claim rows of the plug-ins; with ``verbose``, each row lists its
    misses (what the relation plug-in reports, and a claim-by-claim comparison)."""
    rows = []
    for name, group in PLUGINS.items():
        report: list[str] = []
        try:
            evaluate = load_plugin(name)
            if evaluate is None:
                continue
            if verbose and _takes_report(evaluate):
                raws = evaluate(database, gold_dir, report=report)
            else:
                raws = evaluate(database, gold_dir)
        except Exception as exc:  # a broken plug-in must not hide the other scores
            print(f"warning: bench/{name}.py failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if verbose and group == "claim":
            report = claim_report(database, gold_dir)
        for raw in raws:
            tally = Tally(int(raw["tp"]), int(raw["fp"]), int(raw["fn"]))
            row = tally.row(section, str(raw["kind"]))
            row["group"] = group
            if "name_only_tp" in raw:
                row[NAME_ONLY] = [int(raw[f"name_only_{key}"]) for key in NAME_ONLY_KEYS]
            row["errors"] = [line for line in report if _report_kind(line, group) == row["kind"]]
            rows.append(row)
    return rows


def _report_kind(line: str, group: str) -> str:
    """The row a report line belongs to: ``FN doc sanction: A -> B`` -> ``sanction``; every
    claim line goes to the ``claim`` row."""
    if group == "claim":
        return "claim"
    parts = line.split()
    return parts[2].rstrip(":") if len(parts) > 2 else ""


def claim_report(database: Database, gold_dir: Path) -> list[str]:
    """One line per gold claim not found with its value, unit and as-of, and per stored claim
    no gold claim has (diagnostics for ``-v``; the scores come from the claims plug-in)."""
    from sanctionwatch.extract.claims import list_claims

    folder = gold_dir / "claims" if (gold_dir / "claims").is_dir() else gold_dir
    lines: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        stem = str(data.get("document") or path.stem)
        with database.session() as session:
            query = select(DocumentRow).where(DocumentRow.source.contains(stem))
            document = session.scalars(query).first()
            found = list(list_claims(session, document_id=document.id)) if document else []
        lines.extend(_compare_claims(stem, data.get("claims") or [], found))
    return lines


def _compare_claims(stem: str, gold: list[dict[str, Any]], found: list[Any]) -> list[str]:
    lines = []
    free = list(found)
    for item in gold:
        value, unit = float(item["value"]), str(item["unit"]).lower()
        as_of = None if item.get("as_of") is None else str(item["as_of"])
        same = [c for c in free if c.unit.lower() == unit and _close(value, c.value)]
        dated = [c for c in same if _as_of_matches(as_of, c.as_of)]
        if dated:
            free.remove(dated[0])
            claim = dated[0]
            if claim.measure != item["measure"]:
                wanted = item["measure"]
                lines.append(f"measure {stem}: {value:g} {unit} {claim.measure} (gold {wanted})")
            continue
        if same:
            free.remove(same[0])
            lines.append(f"FN {stem} as-of: {value:g} {unit} found {same[0].as_of} (gold {as_of})")
        else:
            lines.append(f"FN {stem} value: {item['measure']} {value:g} {unit} as of {as_of}")
    for claim in free:
        lines.append(f"FP {stem}: {claim.measure} {claim.value:g} {claim.unit} as of {claim.as_of}")
    return lines


def _close(gold: float, found: float) -> bool:
    return abs(gold - found) <= max(abs(gold) * 0.01, 1e-9)


def _as_of_matches(gold: str | None, found: str | None) -> bool:
    if gold is None or found is None:
        return gold is None and found is None
    return found.startswith(gold)


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
    *,
    published: dict[str, str] | None = None,
    relation_all: bool = False,
    verbose: bool = False,
) -> list[dict[str, Any]]:
    """Ingest and extract ``docs`` in a fresh store and score them against ``gold_dir``;
    ``relation_all`` adds a ``relation:all`` row summing the relation kinds."""
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/quality.db")
        database.migrate()
        if lists is not None:
            load_lists(database, lists)
        ids = ingest_and_extract(database, docs, urls, published)
        rows = entity_rows(database, ids, gold_dir, section)
        rows.extend(plugin_rows(database, gold_dir, section, verbose))
        database.dispose()
    if relation_all:
        rows = with_relation_total(rows, section)
    return rows


def with_relation_total(rows: list[dict[str, Any]], section: str) -> list[dict[str, Any]]:
    """``rows`` with a ``relation:all`` row after the last relation row (micro-averaged)."""
    relations = [row for row in rows if row.get("group") == "relation"]
    if not relations:
        return rows
    tp, fp, fn = (sum(int(row[key]) for row in relations) for key in ("tp", "fp", "fn"))
    total = Tally(tp, fp, fn)
    summary = total.row(section, "relation:all") | {"group": "relation", "errors": []}
    if any(NAME_ONLY in row for row in relations):
        summary[NAME_ONLY] = _sum_name_only(relations)
    last = max(index for index, row in enumerate(rows) if row.get("group") == "relation")
    return [*rows[: last + 1], summary, *rows[last + 1 :]]


# -- held-out sets of real pages -----------------------------------------------------------


@dataclass
class SourcesFile:
    """One ``sources.yaml``: the set's name, its gold folder, its pages' addresses and
    publication dates by stem."""

    path: Path
    name: str
    gold: Path
    urls: dict[str, str]
    stems: list[str]
    published: dict[str, str] = field(default_factory=dict)


@dataclass
class HeldoutSet:
    """A sources file matched with the folder holding its page texts."""

    sources: SourcesFile
    folder: Path
    docs: list[Path]

    @property
    def name(self) -> str:
        return self.sources.name


def read_sources(path: Path) -> SourcesFile:
    """Parse one sources file. ``name`` defaults to the folder name without ``heldout_``
    (``heldout_real`` -> ``real``), ``gold`` (relative to the repository) to
    ``tests/gold/<folder name>``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise ValueError(f"{path}: no 'articles' list (see bench/heldout_real/sources.yaml)")
    stems, urls, published = [], {}, {}
    for index, article in enumerate(data["articles"]):
        if not isinstance(article, dict) or not article.get("stem"):
            raise ValueError(f"{path}: article {index} has no 'stem'")
        stem = str(article["stem"])
        stems.append(stem)
        if article.get("url"):
            urls[stem] = str(article["url"])
        if article.get("published"):
            published[stem] = str(article["published"])
    folder = path.parent.name
    name = str(data.get("name") or folder.removeprefix("heldout_"))
    gold = ROOT / str(data["gold"]) if data.get("gold") else ROOT / "tests" / "gold" / folder
    return SourcesFile(path, name, gold, urls, stems, published)


def known_sources() -> list[Path]:
    """Every held-out set of real pages in the repository (``bench/heldout_real*/``)."""
    return sorted((ROOT / "bench").glob("heldout_real*/sources.yaml"))


def heldout_sets(folders: list[Path], sources: list[Path] | None = None) -> list[HeldoutSet]:
    """Match each sources file with the folder holding most of its pages (a set with no page
    in any folder is skipped; a folder matching no set is reported). Pages missing from the
    chosen folder are reported and left out."""
    sets = []
    used: set[Path] = set()
    for path in sources if sources is not None else known_sources():
        spec = read_sources(path)
        counts = [(sum((f / f"{s}.txt").is_file() for s in spec.stems), f) for f in folders]
        best = max(counts, default=(0, Path()), key=lambda pair: pair[0])
        if best[0] == 0:
            if sources is not None:
                where = _names(folders)
                print(f"warning: {path}: none of its pages is in {where}", file=sys.stderr)
            continue
        folder = best[1]
        used.add(folder)
        docs = []
        for stem in spec.stems:
            text = folder / f"{stem}.txt"
            if text.is_file():
                docs.append(text)
            else:
                print(f"warning: {text}: not found (save the page text there)", file=sys.stderr)
        sets.append(HeldoutSet(spec, folder, docs))
    for folder in folders:
        if folder not in used:
            print(f"warning: {folder}: holds no page of any held-out sources file", file=sys.stderr)
    return sets


def _names(folders: list[Path]) -> str:
    return ", ".join(str(folder) for folder in folders) or "no folder"


def real_articles(folder: Path, sources: Path = REAL_SOURCES) -> tuple[list[Path], dict[str, str]]:
    """The held-out real articles the user saved in ``folder`` (``<stem>.txt`` per entry of
    ``sources``) and their page addresses; a missing file is reported and skipped."""
    matched = heldout_sets([folder], [sources])
    if not matched:
        return [], {}
    return matched[0].docs, matched[0].sources.urls


def _sum_name_only(rows: Iterable[dict[str, Any]]) -> list[int]:
    """The name-only counts summed over ``rows`` (those without count as zero)."""
    counts = [row.get(NAME_ONLY, [0] * len(NAME_ONLY_KEYS)) for row in rows]
    return [sum(int(values[index]) for values in counts) for index in range(len(NAME_ONLY_KEYS))]


def merge_rows(sets: list[list[dict[str, Any]]], section: str = COMBINED) -> list[dict[str, Any]]:
    """One block for several sets: tp, fp and fn summed per kind and the scores computed again
    from the sums (micro-averaged: a big set weighs more than a small one, as it should)."""
    tallies: dict[tuple[str, str], Tally] = {}
    sources: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for rows in sets:
        for row in rows:
            key = (str(row.get("group") or _group_of(row["kind"])), str(row["kind"]))
            tally = tallies.setdefault(key, Tally())
            tally.tp += int(row["tp"])
            tally.fp += int(row["fp"])
            tally.fn += int(row["fn"])
            tally.errors.extend(f"[{row['section']}] {error}" for error in row.get("errors", []))
            sources[key].append(row)
    merged = []
    for key in sorted(tallies, key=_merged_order):
        row = tallies[key].row(section, key[1])
        row["group"], row["errors"] = key[0], tallies[key].errors
        if any(NAME_ONLY in source for source in sources[key]):
            row[NAME_ONLY] = _sum_name_only(sources[key])
        merged.append(row)
    return merged


def _group_of(kind: str) -> str:
    if kind.startswith("entity:"):
        return "entity"
    return "claim" if kind.startswith("claim") else "relation"


_CLAIM_ORDER = ("claim", "claim:value+unit", "claim:measure", "claim:asserter")


def _merged_order(key: tuple[str, str]) -> tuple[int, int, str]:
    """Entities, relations, claims; within a group by kind, its ``all`` row last; claim rows in
    the plug-in's order."""
    group, kind = key
    rank = GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)
    if group == "claim":
        position = _CLAIM_ORDER.index(kind) if kind in _CLAIM_ORDER else len(_CLAIM_ORDER)
        return rank, position, kind
    return rank, 1 if kind.endswith(":all") else 0, kind


def evaluate_heldout(
    sets: list[HeldoutSet],
    lists: Path | None = None,
    verbose: bool = False,
    source_dates: bool = False,
) -> list[dict[str, Any]]:
    """Each set's rows (``relation:all`` included), then the ``real-all`` block (suffixed
    ``+L`` when ``lists`` are loaded). With
    ``source_dates`` every page gets its ``published`` date from the sources file (sections
    ``<set>+D``), which separates what extraction gets wrong from what a missing or wrongly
    inferred document date costs."""
    suffix = ("+L" if lists is not None else "") + ("+D" if source_dates else "")
    blocks = []
    for held in sets:
        blocks.append(
            evaluate_set(
                held.docs,
                held.sources.gold,
                held.name + suffix,
                lists,
                held.sources.urls,
                published=held.sources.published if source_dates else None,
                relation_all=True,
                verbose=verbose,
            )
        )
    rows = [row for block in blocks for row in block]
    if blocks:
        rows.extend(merge_rows(blocks, COMBINED + suffix))
    return rows


def print_table(rows: list[dict[str, Any]], verbose: bool) -> None:
    header = f"{'set':10} {'kind':28} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'F1':>6}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['section']:10} {row['kind']:28} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} "
            f"{row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f}"
        )
        if verbose:
            for error in row.get("errors", []):
                print(f"{'':12}{error}")


def _f1(tp: int, fp: int, fn: int) -> float:
    return float(Tally(tp, fp, fn).row("", "")["f1"])


def matching_changes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per section, relations under the name-only and the alias-aware matching side by side,
    and how many gold rows (``gained``, ``lost``) and extracted rows (``fp_gone``) changed
    status because of it, and how many extracted rows were forgiven as duplicates
    (``forgiven``, column ``dup``)."""
    by_section: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if NAME_ONLY in row and row["kind"] != "relation:all":
            by_section[str(row["section"])].append(row)
    changes = []
    for section, kinds in by_section.items():
        old_tp, old_fp, old_fn, gained, lost, forgiven = _sum_name_only(kinds)
        tp, fp, fn = (sum(int(row[key]) for row in kinds) for key in ("tp", "fp", "fn"))
        lines = [line for row in kinds for line in row.get("errors", [])]
        changes.append(
            {
                "section": section,
                "name_only": [old_tp, old_fp, old_fn, _f1(old_tp, old_fp, old_fn)],
                "alias_aware": [tp, fp, fn, _f1(tp, fp, fn)],
                "gained": gained,
                "lost": lost,
                "fp_gone": old_fp - fp,
                "forgiven": forgiven,
                "lines": [line for line in lines if _is_change_line(line)],
            }
        )
    return changes


def _is_change_line(line: str) -> bool:
    return line.split("] ", 1)[-1].startswith(("ALIAS+", "STRICT-", "ALIAS-FP", "DUP"))


def print_matching_changes(rows: list[dict[str, Any]], verbose: bool) -> None:
    """The before/after table of relation matching (name-only -> alias-aware, one-to-one)."""
    changes = matching_changes(rows)
    if not changes:
        return
    print("\nrelations, name-only matching -> alias-aware one-to-one matching")
    header = (
        f"{'set':12} {'tp':>4} {'fp':>4} {'fn':>4} {'F1':>6}  ->  {'tp':>4} {'fp':>4} "
        f"{'fn':>4} {'F1':>6}  {'gold+':>5} {'gold-':>5} {'fp-':>4} {'dup':>4}"
    )
    print(header)
    print("-" * len(header))
    for change in changes:
        old, new = change["name_only"], change["alias_aware"]
        print(
            f"{change['section']:12} {old[0]:>4} {old[1]:>4} {old[2]:>4} {old[3]:>6.3f}  ->  "
            f"{new[0]:>4} {new[1]:>4} {new[2]:>4} {new[3]:>6.3f}  {change['gained']:>5} "
            f"{change['lost']:>5} {change['fp_gone']:>4} {change['forgiven']:>4}"
        )
        if verbose:
            for line in change["lines"]:
                print(f"{'':14}{line}")


def _env_folders() -> list[Path]:
    return [Path(os.environ[name]) for name in HELDOUT_ENV if os.environ.get(name)]


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
        action="append",
        help="folder with page texts of held-out REAL sets (repeatable; default "
        "$SANCTIONWATCH_HELDOUT_DIR and $SANCTIONWATCH_HELDOUT2_DIR); each set of "
        "bench/heldout_real*/sources.yaml whose pages it holds is scored against its gold",
    )
    parser.add_argument(
        "--heldout-sources",
        type=Path,
        action="append",
        help="score only these sources files (repeatable; default every "
        "bench/heldout_real*/sources.yaml)",
    )
    parser.add_argument(
        "--source-dates",
        action="store_true",
        help="also score the held-out sets with each page's `published` date given to ingest "
        "(as `ingest --published` would): sections <set>+D and real-all+D",
    )
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"error: {args.seeds}: no such folder (set --seeds)", file=sys.stderr)
        return 2
    folders = args.heldout_dir if args.heldout_dir is not None else _env_folders()
    for folder in folders:
        if not folder.is_dir():
            print(f"error: {folder}: no such folder (--heldout-dir)", file=sys.stderr)
            return 2
    for path in args.heldout_sources or []:
        if not path.is_file():
            print(f"error: {path}: no such sources file (--heldout-sources)", file=sys.stderr)
            return 2
    try:
        sets = heldout_sets(folders, args.heldout_sources) if folders else []
    except (ValueError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    rows = evaluate_set(sorted(args.seeds.glob("*.txt")), args.gold, "seeds", verbose=args.verbose)
    heldout_docs = sorted(p for p in HELDOUT_DOCS.iterdir() if p.is_file()) if args.heldout else []
    if heldout_docs and HELDOUT_GOLD.is_dir():
        rows.extend(evaluate_set(heldout_docs, HELDOUT_GOLD, "heldout", verbose=args.verbose))
    rows.extend(evaluate_heldout(sets, verbose=args.verbose))
    if args.source_dates:
        rows.extend(evaluate_heldout(sets, verbose=args.verbose, source_dates=True))
    if args.lists is not None:
        seeds = sorted(args.seeds.glob("*.txt"))
        rows.extend(evaluate_set(seeds, args.gold, "seeds+L", args.lists))
        if heldout_docs and HELDOUT_GOLD.is_dir():
            rows.extend(evaluate_set(heldout_docs, HELDOUT_GOLD, "held+L", args.lists))
        rows.extend(evaluate_heldout(sets, args.lists))
    if args.json:
        for row in rows:
            print(json.dumps({k: v for k, v in row.items() if k not in ("errors", "group")}))
        return 0
    print(f"# {platform.platform()}, python {platform.python_version()}, {os.cpu_count()} cores")
    for held in sets:
        print(f"# {held.name}: {len(held.docs)} pages from {held.folder}, gold {held.sources.gold}")
    print_table(rows, args.verbose)
    print_matching_changes(rows, args.verbose)
    print(f"# {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
