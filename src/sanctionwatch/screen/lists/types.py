"""Contract for list loaders: one module per official format, each yielding FtM entities.

A loader turns one file of an official list into FollowTheMoney entities: Person, Company,
Organization, LegalEntity, Vessel, Airplane (with names, aliases, dates, identifiers, addresses)
and one Sanction entity per designation linked to its target through ``Sanction.entity``.
Loaders raise :class:`ListFormatError` with a one-line message naming the file and the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from followthemoney import EntityProxy


class ListFormatError(ValueError):
    """A list file that cannot be read: wrong format, malformed, hostile or empty."""


class ListLoader(Protocol):
    """Reads one official list format."""

    format: str
    """Short name used on the command line, e.g. ``un-xml`` or ``ofac-csv``."""

    def load(self, path: Path) -> Iterator[EntityProxy]:
        """Yield every entity of the list file at ``path``."""
        ...
