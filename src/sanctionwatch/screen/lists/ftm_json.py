"""OpenSanctions FollowTheMoney JSON lines (``entities.ftm.json``), one entity per line.

The data are already FtM; ids get an ``os-`` prefix (also inside entity-valued properties, so
Sanction.entity still points at its target). OpenSanctions data are licensed CC BY-NC 4.0:
non-commercial use only without an OpenSanctions licence (see ``docs/lists.md``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, model

from sanctionwatch.screen.lists.common import add_topic
from sanctionwatch.screen.lists.types import ListFormatError

ID_PREFIX = "os-"


def _lines(path: Path) -> Iterator[str]:
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            yield from handle
    except FileNotFoundError:
        raise ListFormatError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ListFormatError(f"{path}: is a directory, not a list file") from None


class FtmJsonLoader:
    """Reads OpenSanctions ``entities.ftm.json`` exports."""

    format = "ftm-json"
    default_source = "opensanctions"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        """Stream the file line by line (OpenSanctions exports run to gigabytes)."""
        count = 0
        for line_no, line in enumerate(_lines(path), start=1):
            if not line.strip():
                continue
            if count == 0 and line.lstrip().startswith("<"):
                raise ListFormatError(f"{path}: this looks like HTML/XML, not FtM JSON lines")
            yield self._entity(path, line_no, line)
            count += 1
        if count == 0:
            raise ListFormatError(f"{path}: the list holds no entries (file is empty)")

    def _entity(self, path: Path, line_no: int, line: str) -> EntityProxy:
        try:
            raw: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ListFormatError(f"{path}: line {line_no}: invalid JSON ({exc.msg})") from None
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("schema"):
            raise ListFormatError(f"{path}: line {line_no}: not an FtM entity (id/schema missing)")
        schema = model.get(str(raw["schema"]))
        if schema is None:
            raise ListFormatError(f"{path}: line {line_no}: unknown FtM schema {raw['schema']!r}")
        entity = model.make_entity(schema)
        entity.id = ID_PREFIX + str(raw["id"])
        properties = raw.get("properties") or {}
        if not isinstance(properties, dict):
            raise ListFormatError(f"{path}: line {line_no}: properties is not an object")
        for name, values in properties.items():
            prop = schema.get(name)
            if prop is None or not isinstance(values, list):
                continue
            for value in values:
                if prop.type.name == "entity":
                    value = ID_PREFIX + str(value)
                entity.add(prop, str(value), quiet=True)
        if schema.name != "Sanction" and raw.get("target"):
            add_topic(entity)
        return entity
