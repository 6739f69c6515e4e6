"""The schema an entity has when its statements name several (an extractor said Organization,
a list says Company): the most specific one all of them fit, as FollowTheMoney's
``model.common_schema`` picks of two, and one order-independent rule when they conflict.

One rule for every stage that assembles entities from statements (store, resolve, screen, the
views), so an entity never shows one schema in a listing and another when screened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: `screen NAME` starts without FollowTheMoney
    from followthemoney.schema import Schema


def common_schema(names: Iterable[str]) -> Schema | None:
    """The most specific schema the names fit (Organization + Company -> Company), whatever
    their order or repetition.

    Names FollowTheMoney does not know are skipped. When every known name fits one schema
    (each is that schema or one it extends), that schema. When they are incompatible (Person
    and Company), each known schema no other one extends heads a chain of the names it fits;
    the head fitting the most distinct names wins, and a tie goes to the alphabetically first
    head (Company + Person + LegalEntity -> Company; Company + Organization + Person ->
    Company). None when no name is known.
    """
    from followthemoney import model

    known = {schema for name in set(names) if (schema := model.get(name)) is not None}
    if len(known) == 1:
        return next(iter(known))
    heads = [head for head in known if not any(other.is_a(head) for other in known - {head})]
    if not heads:
        return None
    return min(heads, key=lambda head: (-sum(head.is_a(other) for other in known), head.name))


def common_schema_name(names: Sequence[str]) -> str:
    """The name of :func:`common_schema`; when no name is known, the first name as it is."""
    schema = common_schema(names)
    if schema is None:
        return names[0]
    return str(schema.name)
