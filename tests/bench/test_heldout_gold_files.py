"""The repository's held-out sets of real pages are complete and loadable: every page a
``bench/heldout_real*/sources.yaml`` lists has entity, relation and claim gold that the
benchmark's own loaders read, under the right document name and with the same date. A set
whose gold drifts from its sources would otherwise only show as a worse score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from benchkit import load_bench
from sanctionwatch.extract import relations

RELATION_KINDS = frozenset(relations.RELATION_KINDS)
ENTITY_SCHEMATA = frozenset(
    {"Person", "Company", "Organization", "LegalEntity", "Place", "LegalInstrument"}
)
# Relation gold may be left out for a page that states no relation (the first set does so).
REQUIRED_KINDS = ("entities", "claims")
GOLD_KINDS = (*REQUIRED_KINDS, "relations")


bench = load_bench("extraction_quality")
SOURCES = bench.known_sources()


def _yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: not a mapping"
    return data


def test_the_repository_has_three_sets_with_distinct_names() -> None:
    names = [bench.read_sources(path).name for path in SOURCES]
    assert {"real", "real2", "real3"} <= set(names)
    assert len(names) == len(set(names))


def test_no_page_belongs_to_two_sets() -> None:
    seen: dict[str, str] = {}
    for path in SOURCES:
        spec = bench.read_sources(path)
        for stem in spec.stems:
            assert stem not in seen, f"{stem} is in {seen.get(stem)} and {spec.name}"
            seen[stem] = spec.name
        for url in spec.urls.values():
            assert url not in seen, f"{url} is listed twice"
            seen[url] = spec.name


@pytest.mark.parametrize("sources", SOURCES, ids=lambda path: path.parent.name)
def test_every_page_has_entity_and_claim_gold_and_no_gold_is_stray(sources: Path) -> None:
    spec = bench.read_sources(sources)
    assert len(spec.stems) == len(set(spec.stems)), f"{sources}: a stem is listed twice"
    for kind in GOLD_KINDS:
        folder = spec.gold / kind
        assert folder.is_dir(), f"{folder}: missing"
        stems = {path.stem for path in folder.glob("*.yaml")}
        assert stems <= set(spec.stems), f"{folder}: gold for pages the sources do not list"
        if kind in REQUIRED_KINDS:
            assert stems == set(spec.stems), f"{folder}: a listed page has no gold"


@pytest.mark.parametrize("sources", SOURCES, ids=lambda path: path.parent.name)
def test_gold_files_name_their_page_and_use_known_types(sources: Path) -> None:
    spec = bench.read_sources(sources)
    for stem in spec.stems:
        entities = _yaml(spec.gold / "entities" / f"{stem}.yaml")
        assert entities.get("document") == stem
        gold, _outside = bench.load_gold(spec.gold / "entities" / f"{stem}.yaml")
        assert gold, f"{stem}: no entity"
        assert {entity.schema for entity in gold} <= ENTITY_SCHEMATA
        relation_file = spec.gold / "relations" / f"{stem}.yaml"
        if not relation_file.is_file():
            continue
        relations = _yaml(relation_file)
        assert relations.get("document") == stem
        for relation in relations.get("relations") or []:
            assert isinstance(relation, dict)
            assert relation["kind"] in RELATION_KINDS, f"{stem}: {relation}"
            assert relation["source"] and relation["target"], f"{stem}: {relation}"


@pytest.mark.parametrize("sources", SOURCES, ids=lambda path: path.parent.name)
def test_claim_gold_loads_and_carries_the_sources_date(sources: Path) -> None:
    quality_claims = load_bench("quality_claims")
    spec = bench.read_sources(sources)
    documents = {doc.stem: doc for doc in quality_claims.load_gold(spec.gold / "claims")}
    assert set(documents) == set(spec.stems)
    for stem, document in documents.items():
        assert document.published == spec.published.get(stem), stem
        for claim in document.claims:
            assert claim.unit and claim.measure, f"{stem}: {claim}"
            if claim.as_of and document.published:
                # A figure is never dated after the page that states it.
                assert claim.as_of[:7] <= document.published[:7], f"{stem}: {claim}"
