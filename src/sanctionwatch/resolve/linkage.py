"""Bulk record linkage with Splink: registries (CSV) against the graph and the lists.

One model file (``data/resolve/link_company.yaml``: comparisons, blocking rules, priors) runs on
Splink's DuckDB backend (embedded default) or its Spark backend (local or a cluster), so the
result of a laptop run and of a cluster run can be compared. Records are normalised in Python
with the screening matcher's name preparation (legal forms, transliteration) and the resolver's
core/descriptor split before Splink sees them.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from followthemoney import model
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanctionwatch.resolve.config import DATA_DIR, load_resolver_config
from sanctionwatch.resolve.features import FeatureScorer, normalise_name
from sanctionwatch.rulefile import RuleFileError, read_rule_file
from sanctionwatch.screen.data import load_legal_forms
from sanctionwatch.screen.normalize import normalize_text, split_legal_forms
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow

LINK_CONFIG = DATA_DIR / "link_company.yaml"
Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")
FIELDS = ("id", "name", "legal_form", "address", "country", "registration_number")
PREPARED = (
    "unique_id",
    "name_norm",
    "name_first",
    "name_last",
    "name_initial",
    "legal_form",
    "address_norm",
    "country",
    "registration_number",
)
COMPARISON_KINDS = ("exact", "jaro_winkler", "levenshtein")
REGISTRY_PREFIX = "r:"
GRAPH_PREFIX = "g:"


class LinkConfigError(RuleFileError):
    """The linkage model file (or a registry's header) is malformed; a :class:`RuleFileError`,
    so every command reports it in one line."""


@dataclass(frozen=True)
class ComparisonSpec:
    column: str
    kind: str
    thresholds: tuple[float, ...]
    m: tuple[float, ...]
    u: tuple[float, ...]


@dataclass(frozen=True)
class LinkConfig:
    version: int
    expected_matches: float
    threshold: float
    csv_columns: dict[str, tuple[str, ...]]
    blocking_rules: tuple[tuple[str, ...], ...]
    comparisons: tuple[ComparisonSpec, ...]
    address_words: dict[str, str]
    u_min_records: int = 0
    u_max_pairs: float = 0.0
    u_seed: int = 0

    def estimates_u(self, records: int) -> bool:
        """Estimate u probabilities from random pairs of this table (big tables only)?"""
        return self.u_max_pairs > 0 and records >= self.u_min_records

    def prior(self, records: int) -> float:
        """Probability that two random records match, for a table of ``records`` rows.

        Each record has about ``expected_matches`` duplicates among the other records, so the
        prior shrinks as the table grows (a fixed prior would over-link small tables' neighbours
        in large ones and miss matches in small ones).
        """
        return min(0.5, self.expected_matches / max(1, records - 1))


def _comparison(raw: Any, path: Path) -> ComparisonSpec:
    if not isinstance(raw, dict) or raw.get("column") not in PREPARED:
        raise LinkConfigError(f"{path}: each comparison needs a column among {PREPARED[1:]}")
    kind = raw.get("kind")
    if kind not in COMPARISON_KINDS:
        raise LinkConfigError(f"{path}: comparison kind must be one of {COMPARISON_KINDS}")
    thresholds = tuple(float(t) for t in raw.get("thresholds", []))
    levels = 2 + len(thresholds)
    m = tuple(float(x) for x in raw.get("m", []))
    u = tuple(float(x) for x in raw.get("u", []))
    if len(m) != levels or len(u) != levels:
        raise LinkConfigError(
            f"{path}: comparison on {raw['column']} needs {levels} m and u probabilities "
            "(exact, one per threshold, else)"
        )
    return ComparisonSpec(raw["column"], kind, thresholds, m, u)


def parse_link_config(data: Any, path: Path) -> LinkConfig:
    """Validate the parsed YAML of a linkage model file."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), int):
        raise LinkConfigError(f"{path}: expected a mapping with an integer 'version'")
    rules = data.get("blocking_rules")
    if not isinstance(rules, list) or not rules:
        raise LinkConfigError(f"{path}: 'blocking_rules' must be a non-empty list")
    for rule in rules:
        if not isinstance(rule, list) or not all(col in PREPARED for col in rule):
            raise LinkConfigError(f"{path}: blocking rule {rule!r} names unknown columns")
    columns = data.get("csv_columns", {})
    if not isinstance(columns, dict) or "name" not in columns:
        raise LinkConfigError(f"{path}: 'csv_columns' must map at least 'name'")
    comparisons = data.get("comparisons")
    if not isinstance(comparisons, list) or not comparisons:
        raise LinkConfigError(f"{path}: 'comparisons' must be a non-empty list")
    try:
        expected = float(data["expected_matches_per_record"])
        threshold = float(data["threshold"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkConfigError(f"{path}: prior and threshold must be numbers ({exc})") from exc
    u_estimation = data.get("u_estimation") or {}
    if not isinstance(u_estimation, dict):
        raise LinkConfigError(f"{path}: 'u_estimation' must be a mapping")
    return LinkConfig(
        u_min_records=int(u_estimation.get("min_records", 0)),
        u_max_pairs=float(u_estimation.get("max_pairs", 0)),
        u_seed=int(u_estimation.get("seed", 0)),
        version=data["version"],
        expected_matches=expected,
        threshold=threshold,
        csv_columns={k: tuple(str(c).lower() for c in v) for k, v in columns.items()},
        blocking_rules=tuple(tuple(rule) for rule in rules),
        comparisons=tuple(_comparison(raw, path) for raw in comparisons),
        address_words={str(k): str(v) for k, v in (data.get("address_words") or {}).items()},
    )


def load_link_config(path: Path | None = None) -> LinkConfig:
    path = path or LINK_CONFIG
    return parse_link_config(read_rule_file(path, "linkage model", LinkConfigError), path)


# --- Records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRecord:
    """A company as a registry row or a graph entity states it, before normalisation."""

    id: str
    name: str
    legal_form: str | None = None
    address: str | None = None
    country: str | None = None
    registration_number: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class BadRow:
    line: int
    problem: str


@lru_cache(maxsize=4096)
def _country_code(value: str) -> str | None:
    from followthemoney.types import registry

    cleaned = registry.country.clean(value)
    return cleaned.lower() if cleaned else value.strip().lower() or None


class Preparer:
    """Turns raw records into Splink's input columns with the matcher's name preparation."""

    def __init__(self, config: LinkConfig) -> None:
        self.config = config
        self.names = FeatureScorer(load_resolver_config())
        self.legal_forms = load_legal_forms()

    def legal_form(self, found: str | None, explicit: str | None) -> str | None:
        if explicit:
            tokens = tuple(normalise_name(explicit))
            return self.legal_forms.spellings.get(tokens, " ".join(tokens) or None)
        return found

    def address(self, value: str | None) -> str | None:
        if not value:
            return None
        words = self.config.address_words
        tokens = [words.get(t, t) for t in normalise_name(value)]
        return " ".join(tokens) or None

    def name_columns(self, name: str) -> tuple[list[str], list[str], str | None]:
        """(tokens without legal forms, core tokens, canonical legal form) of one name.

        Uses the matcher's normalisation and legal-form table but not its full token
        preparation (phonetics, Korean syllables): a million registry rows need the cheap path.
        """
        tokens = normalize_text(name).split()
        kept, forms = split_legal_forms(tokens) if tokens else (tokens, set())
        resolver = self.names.config
        kept = [t for t in kept if t not in resolver.legal_forms] or kept
        core = [
            t for t in kept if t not in resolver.descriptors and t not in resolver.country_words
        ]
        return kept, core or kept, min(forms) if forms else None

    def prepare(self, raw: RawRecord, prefix: str = "") -> dict[str, str | None]:
        kept, core, form = self.name_columns(raw.name)
        number = "".join(ch for ch in (raw.registration_number or "").upper() if ch.isalnum())
        return {
            "unique_id": prefix + raw.id,
            "name_norm": " ".join(kept) or None,
            "name_first": core[0] if core else None,
            "name_last": core[-1] if core else None,
            "name_initial": core[0][:1] if core else None,
            "legal_form": self.legal_form(form, raw.legal_form),
            "address_norm": self.address(raw.address),
            "country": _country_code(raw.country) if raw.country else None,
            "registration_number": number or None,
        }


def column_table(rows: Sequence[dict[str, str | None]]) -> dict[str, list[str | None]]:
    return {column: [row[column] for row in rows] for column in PREPARED}


# --- Reading registries and the graph ---------------------------------------------------------


def _header_map(header: list[str], config: LinkConfig) -> dict[str, int]:
    lowered = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for name, aliases in config.csv_columns.items():
        for alias in aliases:
            if alias in lowered:
                found[name] = lowered.index(alias)
                break
    return found


def read_registry_csv(path: Path, config: LinkConfig) -> tuple[list[RawRecord], list[BadRow]]:
    """Registry rows as records; rows that cannot be used are reported by line number."""
    records: list[RawRecord] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise LinkConfigError(f"{path}: empty file (expected a header row)")
        columns = _header_map(header, config)
        if "name" not in columns:
            expected = ", ".join(config.csv_columns["name"])
            raise LinkConfigError(f"{path}: no name column in the header (one of: {expected})")
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            record, problem = _row_record(row, columns, len(header), line)
            if problem is None and record is not None and record.id in seen:
                problem = f"duplicate id {record.id!r} (first on line {seen[record.id]})"
            if problem is not None or record is None:
                bad.append(BadRow(line, problem or "unreadable row"))
                continue
            seen[record.id] = line
            records.append(record)
    return records, bad


def _row_record(
    row: list[str], columns: dict[str, int], width: int, line: int
) -> tuple[RawRecord | None, str | None]:
    if len(row) != width:
        return None, f"{len(row)} fields, the header has {width}"

    def cell(name: str) -> str | None:
        index = columns.get(name)
        value = row[index].strip() if index is not None else ""
        return value or None

    name = cell("name")
    if name is None or not normalise_name(name):
        return None, "no company name"
    return (
        RawRecord(
            id=cell("id") or f"line-{line}",
            name=name,
            legal_form=cell("legal_form"),
            address=cell("address"),
            country=cell("country"),
            registration_number=cell("registration_number"),
            line=line,
        ),
        None,
    )


def graph_records(session: Session) -> list[RawRecord]:
    """Organisations of the graph and the lists, one record per name (aliases too)."""
    schemata = [s.name for s in model.schemata.values() if s.is_a("Organization")]
    wanted = (
        "name",
        "alias",
        "previousName",
        "address",
        "country",
        "jurisdiction",
        "registrationNumber",
        "legalForm",
    )
    rows = session.execute(
        select(StatementRow.entity_id, StatementRow.prop, StatementRow.value)
        .where(StatementRow.schema.in_(schemata), StatementRow.prop.in_(wanted))
        .order_by(StatementRow.entity_id, StatementRow.prop, StatementRow.value)
    )
    entities: dict[str, dict[str, list[str]]] = {}
    for entity_id, prop, value in rows:
        entities.setdefault(entity_id, {}).setdefault(prop, []).append(value)
    records = []
    for entity_id, props in entities.items():
        names = props.get("name", []) + props.get("alias", []) + props.get("previousName", [])
        for index, name in enumerate(dict.fromkeys(names)):
            records.append(
                RawRecord(
                    id=f"{entity_id}#{index}",
                    name=name,
                    legal_form=_first(props, "legalForm"),
                    address=_first(props, "address"),
                    country=_first(props, "jurisdiction", "country"),
                    registration_number=_first(props, "registrationNumber"),
                )
            )
    return records


def _first(props: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if props.get(name):
            return props[name][0]
    return None


# --- Running Splink -----------------------------------------------------------------------------


def splink_settings(config: LinkConfig, records: int, link_type: str = "dedupe_only") -> Any:
    """The Splink settings for ``config``, identical for every backend."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons: list[Any] = []
    creator: Any
    for spec in config.comparisons:
        if spec.kind == "exact":
            creator = cl.ExactMatch(spec.column)
        elif spec.kind == "jaro_winkler":
            creator = cl.JaroWinklerAtThresholds(spec.column, list(spec.thresholds))
        else:
            creator = cl.LevenshteinAtThresholds(spec.column, [int(t) for t in spec.thresholds])
        comparisons.append(
            creator.configure(m_probabilities=list(spec.m), u_probabilities=list(spec.u))
        )
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in config.blocking_rules],
        probability_two_random_records_match=config.prior(records),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


@dataclass(frozen=True)
class ScoredPair:
    left: str
    right: str
    probability: float
    weights: dict[str, float] = field(default_factory=dict)
    """Match weight (log2 Bayes factor) each comparison contributed: the explanation."""


@dataclass
class SplinkResult:
    clusters: dict[str, str]
    pairs: list[ScoredPair]
    pair_count: int


def local_spark(cores: int = 2, memory: str = "2g") -> Any:
    """A local Spark session with Splink's similarity functions (Java 17 must be installed)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("sanctionwatch-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.default.parallelism", str(max(2, cores * 2)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="sw-spark-"))
    return session


DUCKDB_MEMORY_LIMIT = "6GB"
"""DuckDB spills to disk beyond this (the 1M-record benchmark must stay under 8 GB)."""


def _database_api(backend: Backend, spark: Any | None) -> Any:
    import duckdb
    import splink

    if backend == "duckdb":
        connection = duckdb.connect()
        connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        connection.execute(f"SET temp_directory = '{tempfile.gettempdir()}/sw-duckdb-spill'")
        connection.execute("SET preserve_insertion_order = false")
        return splink.DuckDBAPI(connection=connection)
    if spark is None:
        spark = local_spark()
    spark_api: Any = splink.SparkAPI
    return spark_api(spark_session=spark, num_partitions_on_repartition=4)


def run_splink(
    table: dict[str, list[str | None]],
    config: LinkConfig,
    *,
    backend: Backend = "duckdb",
    spark: Any | None = None,
    keep_pairs: Callable[[str, str], bool] | None = None,
    collect_pairs: bool = True,
) -> SplinkResult:
    """Score and cluster one table of prepared records (dedupe) on the chosen backend.

    ``keep_pairs`` selects which scored pairs above the threshold come back to Python (all of
    them when omitted; none with ``collect_pairs=False``, for big runs); clusters always cover
    every record.
    """
    from splink import Linker

    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: use duckdb or spark")
    db_api = _database_api(backend, spark)
    frame = db_api.register(table)
    records = len(table["unique_id"])
    linker = Linker(frame, splink_settings(config, records), log_level=None)
    if config.estimates_u(records):
        linker.training.estimate_u_using_random_sampling(
            max_pairs=config.u_max_pairs, seed=config.u_seed
        )
    predictions = linker.inference.predict(
        threshold_match_probability=config.threshold, warning_mode="never"
    )
    clusters_frame: Any = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=config.threshold
    )
    clusters_table = clusters_frame.as_pyarrow_table()
    clusters = dict(
        zip(
            clusters_table.column("unique_id").to_pylist(),
            clusters_table.column("cluster_id").to_pylist(),
            strict=True,
        )
    )
    if not collect_pairs:
        counted = predictions.query_sql("select count(*) as n from {this}")
        count = int(counted.as_record_list()[0]["n"])
        return SplinkResult(clusters=clusters, pairs=[], pair_count=count)
    pairs, count = _pairs(predictions, config, keep_pairs)
    return SplinkResult(clusters=clusters, pairs=pairs, pair_count=count)


def _pairs(
    predictions: Any, config: LinkConfig, keep: Callable[[str, str], bool] | None
) -> tuple[list[ScoredPair], int]:
    arrow = predictions.as_pyarrow_table()
    weight_columns = [f"mw_{spec.column}" for spec in config.comparisons]
    present = [c for c in weight_columns if c in arrow.column_names]
    lefts = arrow.column("unique_id_l").to_pylist()
    rights = arrow.column("unique_id_r").to_pylist()
    probabilities = arrow.column("match_probability").to_pylist()
    levels = {c: arrow.column(c).to_pylist() for c in present}
    pairs = []
    for index, (left, right) in enumerate(zip(lefts, rights, strict=True)):
        if keep is not None and not keep(left, right):
            continue
        pairs.append(
            ScoredPair(
                left=left,
                right=right,
                probability=float(probabilities[index]),
                weights={
                    c.removeprefix("mw_"): round(float(levels[c][index] or 0.0), 3) for c in present
                },
            )
        )
    return pairs, len(lefts)


# --- Linking a registry to the graph -----------------------------------------------------------


@dataclass
class RowLink:
    record: RawRecord
    matches: list[dict[str, Any]]
    duplicates: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.record.line,
            "id": self.record.id,
            "name": self.record.name,
            "matches": self.matches,
            "duplicates_in_file": self.duplicates,
        }


@dataclass
class LinkReport:
    rows: list[RowLink]
    bad_rows: list[BadRow]
    graph_records: int
    scored_pairs: int

    @property
    def linked(self) -> int:
        return sum(1 for row in self.rows if row.matches)


def _keep_involving_registry(left: str, right: str) -> bool:
    return left.startswith(REGISTRY_PREFIX) or right.startswith(REGISTRY_PREFIX)


def link_registry(
    database: Database,
    path: Path,
    config: LinkConfig | None = None,
    *,
    backend: Backend = "duckdb",
    spark: Any | None = None,
) -> LinkReport:
    """Link every usable row of a registry CSV to graph and list entities (canonical ids)."""
    from sanctionwatch.resolve.resolver import canonical_id

    config = config or load_link_config()
    records, bad_rows = read_registry_csv(path, config)
    with database.session() as session:
        graph = graph_records(session)
    preparer = Preparer(config)
    prepared = [preparer.prepare(r, REGISTRY_PREFIX) for r in records]
    prepared += [preparer.prepare(r, GRAPH_PREFIX) for r in graph]
    by_id = {REGISTRY_PREFIX + r.id: r for r in records}
    links: dict[str, RowLink] = {uid: RowLink(r, [], []) for uid, r in by_id.items()}
    if prepared:
        result = run_splink(
            column_table(prepared),
            config,
            backend=backend,
            spark=spark,
            keep_pairs=_keep_involving_registry,
        )
        scored = result.pair_count
        with database.session() as session:
            for pair in result.pairs:
                _attach(links, pair, session, canonical_id)
    else:
        scored = 0
    for link in links.values():
        link.matches = _best_per_entity(link.matches)
    rows = sorted(links.values(), key=lambda link: link.record.line or 0)
    return LinkReport(rows=rows, bad_rows=bad_rows, graph_records=len(graph), scored_pairs=scored)


def _attach(
    links: dict[str, RowLink],
    pair: ScoredPair,
    session: Session,
    canonical_id: Callable[[Session, str], str],
) -> None:
    for mine, other in ((pair.left, pair.right), (pair.right, pair.left)):
        if mine not in links:
            continue
        if other.startswith(REGISTRY_PREFIX):
            links[mine].duplicates.append(other.removeprefix(REGISTRY_PREFIX))
            continue
        entity_id = other.removeprefix(GRAPH_PREFIX).rsplit("#", 1)[0]
        links[mine].matches.append(
            {
                "entity_id": entity_id,
                "canonical_id": canonical_id(session, entity_id),
                "probability": round(pair.probability, 6),
                "weights": pair.weights,
            }
        )


def _best_per_entity(matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for match in matches:
        key = match["canonical_id"]
        if key not in best or match["probability"] > best[key]["probability"]:
            best[key] = match
    return sorted(best.values(), key=lambda m: (-m["probability"], m["canonical_id"]))


def iter_csv_records(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV as dicts (benchmarks read their generated registries with this)."""
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)
