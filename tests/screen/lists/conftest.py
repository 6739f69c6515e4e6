"""Fixtures of the list tests: the directory of hand-written list files in official formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from followthemoney import EntityProxy

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def by_id(entities: list[EntityProxy]) -> dict[str, EntityProxy]:
    return {entity.id: entity for entity in entities if entity.id is not None}
