"""The schema an entity has when its statements name several (an extractor said Organization,
a list says Company): the most specific one all of them fit, as FollowTheMoney aggregates.

One rule for every stage that assembles entities from statements (store, resolve, screen, the
views), so an entity never shows one schema in a listing and another when screened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: `screen NAME` starts without FollowTheMoney
    from followthemoney.schema import Schema


def common_schema(names: Iterable[str]) -> Schema | None:
    """The most specific schema every name fits (Organization + Company -> Company).

    Names are taken in the order given: a name FollowTheMoney does not know, or one that fits
    none of the names before it (Person after Company), is skipped, so the order decides only
    between incompatible names. None when no name is known.
    """
    from followthemoney import model
    from followthemoney.exc import InvalidData

    schema: Schema | None = None
    for name in dict.fromkeys(names):
        other = model.get(name)
        if other is None or other == schema:
            continue
        if schema is None:
            schema = other
            continue
        try:
            schema = model.common_schema(schema, other)
        except InvalidData:
            continue
    return schema


def common_schema_name(names: Sequence[str]) -> str:
    """The name of :func:`common_schema`; when no name is known, the first name as it is."""
    schema = common_schema(names)
    if schema is None:
        return names[0]
    return str(schema.name)
