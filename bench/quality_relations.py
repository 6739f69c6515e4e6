"""Relation quality on the seed articles: precision, recall and F1 per relation kind.

``evaluate(database, gold_dir)`` compares the relations stored for each seed document with
the hand-made gold files in ``tests/gold/relations/`` and returns one row per kind
(``kind, tp, fp, fn``); ``bench/extraction_quality.py`` calls it. Run alone, it ingests the
seeds into a temporary SQLite store, runs the extraction and prints the table:

    PYTHONPATH=src python bench/quality_relations.py [--shared ../shared] [--heldout] [--verbose]

Matching is by document, kind and both ends' names: names match when one's words are all in
the other's ("Rungrado" ~ "Korea Rungrado General Trading Corporation"), shared addresses
match in either direction. Several extracted rows matching one gold relation count once.

Alias-aware matching (the scores): an end also matches when any of its names equals, after the
entity bench's normalisation, any name of the other end: a gold end's names are the name it is
written with plus the aliases its gold entity file lists for that entity; an extracted end's are
its label plus every name and alias stored for its entity in that document; a country matches
its country by ISO code ("Democratic People's Republic of Korea" listed with alias "North
Korea" ~ the extracted "North Korea"); a described group of workers matches the same group
under another worker word ("North Korean workers" ~ "North Korean labourers", not
"welders"). Strict: each gold row is counted against at most one extracted row and each
extracted row (identical rows once) against at most one gold row, by a maximum one-to-one
assignment. The name-only matching of earlier sessions is kept alongside
(``name_only`` counts), so the bench prints how many rows changed status.

Duplicates (session 8): an extracted row that matches a gold row but loses the one-to-one
assignment is not counted when that gold row is already matched and the row has the same
kind and the same written ends by the name-only rule (the same fact stated twice, e.g. under
two entity ids); it is counted as ``name_only_forgiven`` and printed per set. A row that
matched only through alias or country leniency and lost the assignment is a false positive.
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_quality import NAME_ONLY_KEYS, normalise

from sanctionwatch.extract.relation_finders import country_of_place
from sanctionwatch.extract.relation_query import RelationRow, list_relations
from sanctionwatch.extract.relation_rules import default_rules
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow, StatementRow

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


def _kinds_agree(gold: GoldRelation, row: RelationRow) -> bool:
    return gold.kind == row.kind or row.kind in KIND_ALIASES.get(gold.kind, frozenset())


def _matches(gold: GoldRelation, row: RelationRow) -> bool:
    """Name-only matching (sessions 1-7): both ends' written names, words as subsets."""
    if not _kinds_agree(gold, row):
        return False
    target = _authority_name(gold.target) if gold.kind == "sanction" else gold.target
    forward = names_match(gold.source, row.source) and names_match(target, row.target)
    if forward:
        return True
    return (gold.kind in SYMMETRIC or row.kind in SYMMETRIC) and (
        names_match(gold.source, row.target) and names_match(gold.target, row.source)
    )


# -- alias-aware matching -------------------------------------------------------------------


GROUP_WORDS = frozenset({"worker", "laborer", "labourer", "labor", "labour", "workforce"})
"""Words one described group of workers goes by on one page ("North Korean workers", later
"North Korean labourers"); trades ("welders", "builders") stay apart."""


def group_key(name: str) -> str | None:
    """A described group's words with its worker word made one ("north korean worker"), or
    None when the name has no worker word."""
    found = words(name)
    if not found & GROUP_WORDS:
        return None
    return " ".join(sorted({"worker" if word in GROUP_WORDS else word for word in found}))


@dataclass(frozen=True, slots=True)
class EndNames:
    """Every name one end of a relation goes by: normalised, the countries they name, and
    (for a described group) its words with the worker word made one."""

    names: frozenset[str]
    countries: frozenset[str]
    groups: frozenset[str] = frozenset()

    @classmethod
    def of(cls, raw: Iterable[str], described: bool = False) -> EndNames:
        raw = [name for name in raw if name]
        codes = {country_of_place(re.sub(r"^the\s+", "", name, flags=re.I)) for name in raw}
        groups = {group_key(name) for name in raw} if described else set()
        return cls(
            frozenset(normalise(name) for name in raw),
            frozenset(filter(None, codes)),
            frozenset(filter(None, groups)),
        )

    def linked(self, other: EndNames) -> bool:
        shared = self.names & other.names or self.countries & other.countries
        return bool(shared or self.groups & other.groups)


@dataclass(slots=True)
class NameBook:
    """The other names of relation ends: per gold document, the gold entities' name sets
    (name + listed aliases); per (document, extracted entity id), the names stored for it."""

    gold: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    found: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per gold document, the described groups its gold relations name (``group_key``)."""

    def gold_end(self, document: str, name: str, kind: str = "") -> EndNames:
        key = normalise(name)
        raw: list[str] = [name]
        for names in self.gold.get(document, []):
            if key in {normalise(other) for other in names}:
                raw.extend(names)
                break
        if kind == "sanction":
            raw.extend([_authority_name(other) for other in raw])
        return EndNames.of(raw, described=len(raw) == 1)

    def found_end(self, document: str, entity_id: str | None, label: str) -> EndNames:
        stored = self.found.get((document, entity_id), ()) if entity_id else ()
        return EndNames.of(
            [label, *self._unmerged(document, label, stored)], described=entity_id is None
        )

    def _unmerged(self, document: str, label: str, stored: tuple[str, ...]) -> list[str]:
        """The stored names that speak for the entity the label names: when they name more
        than one gold entity, the extractor merged two entities, and a name of the other one
        must not turn a row about the label's entity into a row about it; only names of the
        label's own gold entity (or of none) stay."""
        entities = self.gold.get(document, [])

        def owners(name: str) -> set[int]:
            return {
                i for i, names in enumerate(entities) if any(names_match(n, name) for n in names)
            }

        own = owners(label)
        named = {name: owners(name) for name in stored}
        if len(own.union(*named.values())) <= 1:
            return list(stored)
        return [name for name, found in named.items() if found <= own]


def _apart(gold: str, found: str, page_groups: frozenset[str]) -> bool:
    """Two names the word-subset rule would join that name different things: a country and
    something that is not that country ("North Korea" vs "North Korea's Ministry of State
    Security", an organisation of it), or a described group and another group the page's
    gold names on its own ("North Korean workers" vs "North Korean IT workers" when the gold
    has both; with one group on the page a shorter or longer mention is that group)."""
    if country_of_place(_bare(gold)) != country_of_place(_bare(found)):
        return True
    gold_group, found_group = group_key(gold), group_key(found)
    return gold_group != found_group and found_group in page_groups


def _bare(name: str) -> str:
    return re.sub(r"^the\s+", "", name, flags=re.I)


def _end_linked(
    gold: str, found: str, names: tuple[EndNames, EndNames], page_groups: frozenset[str]
) -> bool:
    """One end: the written names as word subsets (unless they name different things), or
    any of the end's other names."""
    if names_match(gold, found) and not _apart(gold, found, page_groups):
        return True
    return names[0].linked(names[1])


def alias_matches(gold: GoldRelation, row: RelationRow, book: NameBook) -> bool:
    """Both ends linked: by their written names as word subsets (not across a country and
    what is not that country, nor across two described groups), or by a shared normalised
    name, country or group among their other names."""
    if not _kinds_agree(gold, row):
        return False
    document = gold.document
    target_name = _authority_name(gold.target) if gold.kind == "sanction" else gold.target
    source = book.gold_end(document, gold.source)
    target = book.gold_end(document, gold.target, gold.kind)
    found_source = book.found_end(document, row.source_id, row.source)
    found_target = book.found_end(document, row.target_id, row.target)
    groups = book.groups.get(document, frozenset())
    if _end_linked(gold.source, row.source, (source, found_source), groups) and _end_linked(
        target_name, row.target, (target, found_target), groups
    ):
        return True
    return (gold.kind in SYMMETRIC or row.kind in SYMMETRIC) and (
        _end_linked(gold.source, row.target, (source, found_target), groups)
        and _end_linked(gold.target, row.source, (target, found_source), groups)
    )


def assign(edges: list[list[int]]) -> dict[int, int]:
    """A maximum one-to-one assignment (gold index -> row index) over the candidate rows
    each gold row matches (augmenting paths; a page has tens of rows)."""
    owner: dict[int, int] = {}

    def place(gold: int, visited: set[int]) -> bool:
        for row in edges[gold]:
            if row in visited:
                continue
            visited.add(row)
            if row not in owner or place(owner[row], visited):
                owner[row] = gold
                return True
        return False

    for gold in range(len(edges)):
        place(gold, set())
    return {gold: row for row, gold in owner.items()}


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


def _row_key(row: RelationRow) -> tuple[str, str, str]:
    return row.kind, " ".join(sorted(words(row.source))), " ".join(sorted(words(row.target)))


def _distinct(rows: list[RelationRow]) -> list[RelationRow]:
    """Rows with identical kind and end names once (the first of them)."""
    seen: set[tuple[str, str, str]] = set()
    distinct = []
    for row in rows:
        key = _row_key(row)
        if key not in seen:
            seen.add(key)
            distinct.append(row)
    return distinct


def _counts() -> dict[str, int]:
    return dict.fromkeys(("tp", "fp", "fn", *(f"name_only_{key}" for key in NAME_ONLY_KEYS)), 0)


def _line(tag: str, document: str, kind: str, source: str, target: str) -> str:
    return f"{tag} {document} {kind}: {source} -> {target}"


def score(
    gold: list[GoldRelation],
    rows_by_document: dict[str, list[RelationRow]],
    report: list[str] | None = None,
    book: NameBook | None = None,
) -> list[dict[str, Any]]:
    """Rows ``kind, tp, fp, fn`` (alias-aware, one-to-one), ``name_only_tp|fp|fn`` (the
    name-only matching) and ``name_only_gained|lost`` (gold rows that changed status) from gold
    relations and extracted rows per document stem; ``book`` holds the ends' other names (none:
    each end has only the name it is written with).

    ``report`` (when given) collects one line per missed or spurious relation, and per row
    whose status the alias-aware matching changed (``ALIAS+``: a gold row found through
    another name; ``STRICT-``: a gold row that shared its one extracted row with another;
    ``ALIAS-FP``: an extracted row no longer spurious; ``DUP``: an extracted row forgiven as
    a duplicate, see :func:`_duplicate`; ``FP ... (one-to-one)``: a row that matched a gold
    row by alias or country only and lost it to another row).
    """
    book = replace(book or NameBook(), groups=_gold_groups(gold))
    counts: dict[str, dict[str, int]] = defaultdict(_counts)
    gold_by_document: dict[str, list[GoldRelation]] = defaultdict(list)
    for relation in gold:
        gold_by_document[relation.document].append(relation)
    lines: list[str] = []
    for document in sorted(set(gold_by_document) | set(rows_by_document)):
        golds = gold_by_document.get(document, [])
        rows = _distinct(rows_by_document.get(document, []))
        edges = [[i for i, row in enumerate(rows) if alias_matches(g, row, book)] for g in golds]
        assigned = assign(edges)
        for index, relation in enumerate(golds):
            old = any(_matches(relation, row) for row in rows)
            new = index in assigned
            tally = counts[relation.kind]
            tally["tp" if new else "fn"] += 1
            tally["name_only_tp" if old else "name_only_fn"] += 1
            ends = (document, relation.kind, relation.source, relation.target)
            if not new:
                lines.append(_line("FN", *ends) + (" (one-to-one)" if edges[index] else ""))
            if new and not old:
                tally["name_only_gained"] += 1
                lines.append(_line("ALIAS+", *ends) + f" (as {rows[assigned[index]].target})")
            elif old and not new:
                tally["name_only_lost"] += 1
                lines.append(_line("STRICT-", *ends))
        taken = set(assigned.values())
        for index, row in enumerate(rows):
            old_fp = not any(_matches(relation, row) for relation in golds)
            if old_fp:
                counts[row.kind]["name_only_fp"] += 1
            ends = (document, row.kind, row.source, row.target)
            if index in taken:
                if old_fp:
                    lines.append(_line("ALIAS-FP", *ends))
            elif _duplicate(row, golds, edges, assigned, index):
                counts[row.kind]["name_only_forgiven"] += 1
                lines.append(_line("DUP", *ends))
            else:
                counts[row.kind]["fp"] += 1
                lines.append(_line("FP", *ends) + (" (one-to-one)" if not old_fp else ""))
    if report is not None:
        report.extend(lines)
    return [{"kind": kind, **values} for kind, values in sorted(counts.items())]


def _duplicate(
    row: RelationRow,
    golds: list[GoldRelation],
    edges: list[list[int]],
    assigned: dict[int, int],
    index: int,
) -> bool:
    """An extracted row that lost the one-to-one assignment is forgiven only when it states
    the fact of a gold row another row already matched, under the same written names (kind
    and both ends by the name-only rule): the same fact twice. A row that matched only
    through an alias or a country is a false positive once it loses the assignment."""
    return any(
        gold in assigned and index in edges[gold] and _matches(relation, row)
        for gold, relation in enumerate(golds)
    )


def _gold_groups(gold: list[GoldRelation]) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for relation in gold:
        for end in (relation.source, relation.target):
            key = group_key(end)
            if key is not None:
                groups[relation.document].add(key)
    return {document: frozenset(keys) for document, keys in groups.items()}


def _gold_entity_names(entity_dir: Path) -> dict[str, list[tuple[str, ...]]]:
    """Per gold document stem, each gold entity's name and listed aliases."""
    book: dict[str, list[tuple[str, ...]]] = {}
    for path in sorted(entity_dir.glob("*.yaml")) if entity_dir.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        document = str(data.get("document") or path.stem)
        book[document] = [
            (str(item["name"]), *(str(alias) for alias in item.get("aliases") or []))
            for item in data.get("entities") or []
            if isinstance(item, dict) and item.get("name")
        ]
    return book


STORED_NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
"""Statement props whose values are other names of an extracted relation end."""


def _stored_names(
    database: Database, documents: dict[str, str], rows_by_document: dict[str, list[RelationRow]]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """(document stem, entity id) -> every name stored for the entity in that document."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    with database.session() as session:
        for stem, document_id in documents.items():
            ids = {
                entity_id
                for row in rows_by_document.get(stem, [])
                for entity_id in (row.source_id, row.target_id)
                if entity_id
            }
            if not ids:
                continue
            names: dict[str, set[str]] = defaultdict(set)
            query = select(StatementRow.entity_id, StatementRow.value).where(
                StatementRow.document_id == document_id,
                StatementRow.entity_id.in_(sorted(ids)),
                StatementRow.prop.in_(STORED_NAME_PROPS),
            )
            for entity_id, value in session.execute(query):
                names[entity_id].add(value)
            found.update({(stem, key): tuple(sorted(value)) for key, value in names.items()})
    return found


def evaluate(
    database: Database, gold_dir: Path = GOLD_DIR, report: list[str] | None = None
) -> list[dict[str, Any]]:
    """Compare stored relations with the gold files; one row per kind: kind, tp, fp, fn
    (alias-aware) and the name-only counts (``name_only_tp|fp|fn``).

    ``gold_dir`` is the relation gold folder or the gold root holding ``relations/``; with
    no relation gold there the result is empty. Gold aliases come from the sibling
    ``entities/`` folder.
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
    book = NameBook(
        _gold_entity_names(gold_dir.parent / "entities"),
        _stored_names(database, documents, rows_by_document),
    )
    return score(gold, rows_by_document, report, book)


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
