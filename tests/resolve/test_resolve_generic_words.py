"""Generic words ("Trading", "Korea", "Ministry", "Service") propose no pairs on their own and
do not fill the review queue; a name made only of them still meets the names that hold it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sanctionwatch.resolve.config import ConfigError, load_resolver_config, parse_resolver_config
from sanctionwatch.resolve.features import GENERIC_ONLY, EntityRecord, FeatureScorer
from sanctionwatch.resolve.judgments import add_machine_judgment
from sanctionwatch.resolve.resolver import candidate_pairs, resolve_entities, review_queue
from sanctionwatch.store import Database

AddEntity = Callable[..., str]


def record(entity_id: str, name: str, schema: str = "Organization") -> EntityRecord:
    datasets = frozenset({"documents"})
    return EntityRecord(id=entity_id, schema=schema, names=(name,), datasets=datasets)


def proposed(*names: str) -> set[frozenset[str]]:
    records = [record(f"e{i}", name) for i, name in enumerate(names)]
    config = load_resolver_config()
    scorer = FeatureScorer(config)
    scorer.observe(records)
    by_id = {r.id: r.names[0] for r in records}
    return {
        frozenset({by_id[left.id], by_id[right.id]})
        for left, right in candidate_pairs(records, scorer, config)
    }


def test_a_shared_generic_word_proposes_no_pair() -> None:
    pairs = proposed(
        "Korea Service",
        "VB Service Company Limited",
        "Ministry of Interior",
        "Foreign Ministry",
        "Hanbyol Trading Corporation",
        "Sinhung Trading Corporation",
    )
    assert pairs == set(), pairs


def test_an_informative_word_or_a_whole_generic_name_still_proposes() -> None:
    pairs = proposed(
        "Hanbyol Trading Corporation",
        "Korea Hanbyol General Trading Corp",
        "Treasury Department",
        "U.S. Treasury Department",
        "Health Ministry",
    )
    assert frozenset({"Hanbyol Trading Corporation", "Korea Hanbyol General Trading Corp"}) in pairs
    assert frozenset({"Treasury Department", "U.S. Treasury Department"}) in pairs
    assert not any("Health Ministry" in pair for pair in pairs)


def test_names_sharing_only_generic_words_are_scored_down() -> None:
    config = load_resolver_config()
    scorer = FeatureScorer(config)
    pairs = [
        (record("a", "Korea Service"), record("b", "VB Service Company Limited")),
        (record("c", "Foreign Trade Bank of the DPRK"), record("d", "Foreign Trade Bank (FTB)")),
        (record("e", "Treasury Department"), record("f", "U.S. Treasury Department")),
    ]
    scorer.observe([r for pair in pairs for r in pair])
    generic, acronym, contained = (scorer.score(left, right) for left, right in pairs)
    assert GENERIC_ONLY in generic.features and generic.score < config.review_threshold
    assert GENERIC_ONLY not in acronym.features  # "FTB" is the others' initials, no extra word
    assert GENERIC_ONLY not in contained.features  # may be a short reference: analyst decides
    assert contained.score >= config.review_threshold


def test_generic_only_pairs_are_queued_last(database: Database, add_entity: AddEntity) -> None:
    for entity_id, name in [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma"), ("d", "Delta")]:
        add_entity(entity_id, "Organization", {"name": [name]}, document=f"{name} is named.")
    with database.session() as session:
        add_machine_judgment(session, "a", "b", "unsure", score=0.85, features={GENERIC_ONLY: 1})
        add_machine_judgment(session, "c", "d", "unsure", score=0.65, features={"x": 1})
    with database.session() as session:
        queue = review_queue(session)
    assert [judgment.pair for judgment in queue] == [("c", "d"), ("a", "b")]


def test_the_machine_pass_leaves_generic_noise_out_of_the_queue(
    database: Database, add_entity: AddEntity
) -> None:
    text = "The Korea Service office and the Foreign Ministry; the Ministry of Interior."
    add_entity("org-service", "Organization", {"name": ["Korea Service"]}, document=text)
    add_entity("org-foreign", "Organization", {"name": ["Foreign Ministry"]}, document=text)
    for entity_id, name in [
        ("ofac-vb", "VB SERVICE COMPANY LIMITED"),
        ("ofac-nt", "NT SERVICE"),
        ("ofac-interior", "MINISTRY OF INTERIOR"),
    ]:
        add_entity(
            entity_id,
            "Organization",
            {"name": [name]},
            dataset="us_ofac_sdn",
            origin="list:us_ofac_sdn",
        )
    summary = resolve_entities(database)
    with database.session() as session:
        queue = review_queue(session)
    assert summary.queued_for_review == 0 and queue == []


def test_generic_words_section_is_validated(tmp_path: Path) -> None:
    import yaml

    from sanctionwatch.resolve.config import RESOLVER_CONFIG

    data = yaml.safe_load(RESOLVER_CONFIG.read_text(encoding="utf-8"))
    config = parse_resolver_config(data, RESOLVER_CONFIG)
    assert {"ministry", "service", "national", "trading", "korea"} <= config.generic_words
    data["generic_words"] = ["ministry"]
    with pytest.raises(ConfigError, match="generic_words"):
        parse_resolver_config(data, tmp_path / "resolver.yaml")
    data["generic_words"] = {"words": ["x"], "include_extraction_rules": "yes"}
    with pytest.raises(ConfigError, match="include_extraction_rules"):
        parse_resolver_config(data, tmp_path / "resolver.yaml")


def test_a_generic_short_name_is_a_reference_only_inside_its_report() -> None:
    config = load_resolver_config()
    scorer = FeatureScorer(config)
    text = frozenset({"doc-1"})
    short = EntityRecord("s", "Organization", ("Treasury",), documents=text)
    long = EntityRecord("l", "Organization", ("U.S. Department of the Treasury",), documents=text)
    listed = EntityRecord("o", "Organization", ("Department of the Treasury",))
    scorer.observe([short, long, listed])
    assert "name_core_contained" in scorer.score(short, long).features
    assert scorer.score(short, long).score >= config.review_threshold
    assert "name_core_contained" not in scorer.score(short, listed).features
