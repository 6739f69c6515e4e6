"""resolve stage: one entity per real-world thing, judgments, bulk linkage, graph queries.

The public API other stages call (see ``docs/resolution.md``)::

    canonical_id(session, entity_id) -> str
    members(session, canonical_id) -> list[str]
    resolved_entity(session, canonical_id) -> StatementEntity | None
    neighbours(session, entity_id, depth=1) -> Neighbourhood
    path(session, a, b, max_depth=6) -> list[Edge] | None
    ultimate_owners(session, entity_id) -> OwnershipReport
"""

from sanctionwatch.resolve.graph import (
    Edge,
    Neighbourhood,
    Owner,
    OwnershipReport,
    neighbours,
    path,
    ultimate_owners,
)
from sanctionwatch.resolve.resolver import (
    canonical_id,
    members,
    resolve_entities,
    resolved_entity,
)

__all__ = [
    "Edge",
    "Neighbourhood",
    "Owner",
    "OwnershipReport",
    "canonical_id",
    "members",
    "neighbours",
    "path",
    "resolve_entities",
    "resolved_entity",
    "ultimate_owners",
]
