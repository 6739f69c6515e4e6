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
    (each is that schema or one it extends), that schema. When they conflict (Person and
    Company), the statements agree only on what both schemata extend, so the entity gets the
    nearest common ancestor of the conflicting schemata (Person + Company -> LegalEntity,
    Vessel + Airplane -> Vehicle), never one of them. An entity some statements call
    matchable stays matchable (screened and keyed): an ancestor that is abstract (Person +
    Vessel share only Thing) or not matchable when a conflicting schema is (Company + Vessel
    share Asset, which screening skips) is no answer. Then a matchable conflicting schema goes
    first, then the one fitting the most distinct names, then the alphabetically first
    (Company + Vessel -> Company). None when no name is known.
    """
    from followthemoney import model

    known = {schema for name in set(names) if (schema := model.get(name)) is not None}
    if len(known) == 1:
        return next(iter(known))
    heads = [head for head in known if not any(other.is_a(head) for other in known - {head})]
    if not heads:
        return None
    if len(heads) == 1:
        return heads[0]
    ancestor = nearest_common_ancestor(heads)
    matchable = any(head.matchable for head in heads)
    if ancestor is not None and not ancestor.abstract and (ancestor.matchable or not matchable):
        return ancestor
    return min(
        heads,
        key=lambda head: (
            not head.matchable,
            -sum(head.is_a(other) for other in known),
            head.name,
        ),
    )


def nearest_common_ancestor(schemata: Iterable[Schema]) -> Schema | None:
    """The most specific schema every one of ``schemata`` is or extends (Thing at the least;
    None for no schemata)."""
    shared: set[Schema] | None = None
    for schema in schemata:
        shared = set(schema.schemata) if shared is None else shared & set(schema.schemata)
    if not shared:
        return None
    return next(
        (candidate for candidate in shared if all(candidate.is_a(other) for other in shared)),
        None,
    )


def common_schema_name(names: Sequence[str]) -> str:
    """The name of :func:`common_schema`; when no name is known, the first name as it is."""
    schema = common_schema(names)
    if schema is None:
        return names[0]
    return str(schema.name)
