"""The development gold follows the one annotation policy (docs/annotation.md).

Checks the rules a machine can check on the seeds, the example reports and the six
development sets of real pages (the blind sets are never read here): measures are vocabulary
keys without a period in them, a state organ has no nationality, and family ties are
written as ``family``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.extract.relation_nationality_rules import default_nationality_rules

GOLD = Path(__file__).resolve().parents[1] / "gold"
DEV_SETS = ("", "heldout", *(f"heldout_real{n}" for n in ("", "2", "3", "4", "5", "6")))
PERIOD_WORDS = ("monthly", "yearly", "annual", "weekly", "daily", "hourly")


def _folders(kind: str) -> list[Path]:
    return [GOLD / name / kind for name in DEV_SETS if (GOLD / name / kind).is_dir()]


def _files(kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    for folder in _folders(kind):
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                yield path, data


def _claims() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path, data in _files("claims"):
        for claim in data.get("claims") or []:
            yield path, claim


def test_the_development_gold_is_there() -> None:
    assert len(_folders("claims")) == 7  # seeds and six real sets (examples have no claims)
    assert len(_folders("relations")) == 8


def test_every_measure_is_a_vocabulary_key_without_a_period() -> None:
    keys = {rule.key for rule in default_vocabulary().measures}
    for path, claim in _claims():
        measure = str(claim["measure"])
        key = measure.split(":", 1)[0]
        assert key in keys, f"{path.name}: measure {measure!r} is not in vocabulary.yaml"
        assert not any(word in key for word in PERIOD_WORDS), f"{path.name}: {measure!r}"


def _gold_entities(relation_path: Path) -> dict[str, str]:
    entities = relation_path.parents[1] / "entities" / relation_path.name
    if not entities.is_file():
        return {}
    data = yaml.safe_load(entities.read_text(encoding="utf-8")) or {}
    names: dict[str, str] = {}
    for entity in data.get("entities") or []:
        for name in [entity["name"], *(entity.get("aliases") or [])]:
            names[name] = entity["schema"]
    return names


def test_no_state_organ_has_a_nationality() -> None:
    rules = default_nationality_rules()
    for path, data in _files("relations"):
        schemata = _gold_entities(path)
        for relation in data.get("relations") or []:
            if relation["kind"] != "nationality":
                continue
            source = str(relation["source"])
            schema = schemata.get(source)
            assert not rules.is_state_body(source, schema), f"{path.name}: {relation}"


def test_family_ties_are_written_as_family() -> None:
    family = {"father", "mother", "brother", "sister", "half-brother", "son", "daughter"}
    for path, data in _files("relations"):
        for relation in data.get("relations") or []:
            role = str((relation.get("attributes") or {}).get("role", ""))
            if role in family:
                assert relation["kind"] == "family", f"{path.name}: {relation}"
