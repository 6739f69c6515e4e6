"""A derived names file (not an official format): ``{"metadata": …, "entities": [...]}``.

Each entity has ``name``, ``type`` (individual/entity), ``aliases``, ``birthdates``,
``identifiers`` and ``source``/``source_id``. Used for the whole-EU names snapshot in
``../shared`` that stands in for the EU FSF XML there; addresses and regimes are not in it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.common import (
    add_topic,
    make_sanction,
    new_entity,
    parse_date,
    put,
    read_bytes,
    slug,
    stable_hash,
)
from sanctionwatch.screen.lists.types import ListFormatError

ID_PREFIX = "derived-"
AUTHORITIES = {
    "EU": "Council of the European Union",
    "UN": "United Nations Security Council",
    "OFAC": "Office of Foreign Assets Control (US Treasury)",
}
ID_PROPS = {"passport": "passportNumber", "national_id": "idNumber", "other": "idNumber"}


class DerivedJsonLoader:
    """Reads the derived EU/UN/OFAC names JSON."""

    format = "derived-json"
    default_source = "derived_names"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        data = read_bytes(path)
        if data.lstrip()[:1] == b"<":
            raise ListFormatError(f"{path}: this looks like HTML/XML, not the derived names JSON")
        try:
            document: Any = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ListFormatError(f"{path}: invalid JSON ({exc})") from None
        records = document.get("entities") if isinstance(document, dict) else None
        if not isinstance(records, list):
            raise ListFormatError(f"{path}: no 'entities' list in the JSON")
        if not records:
            raise ListFormatError(f"{path}: the list holds no entries")
        seen: set[str] = set()
        for index, record in enumerate(records):
            if not isinstance(record, dict) or not record.get("name"):
                raise ListFormatError(f"{path}: entity #{index} has no name")
            yield from self._record(record, seen)

    def _record(self, record: dict[str, Any], seen: set[str]) -> Iterator[EntityProxy]:
        sources = [str(s) for s in record.get("source") or []] or ["?"]
        source_id = str(record.get("source_id") or "")
        key = f"{sources[0].lower()}-{slug(source_id)}" if source_id else stable_hash(record)
        if key in seen:
            key = f"{key}-{stable_hash(record['name'], length=8)}"
        seen.add(key)
        schema = "Person" if record.get("type") == "individual" else "Organization"
        entity = new_entity(schema, ID_PREFIX + key)
        put(entity, "name", str(record["name"]))
        put(entity, "alias", *(str(alias) for alias in record.get("aliases") or []))
        put(entity, "birthDate", *(parse_date(str(d)) for d in record.get("birthdates") or []))
        for identifier in record.get("identifiers") or []:
            if isinstance(identifier, dict):
                prop = ID_PROPS.get(str(identifier.get("type")), "idNumber")
                put(entity, prop, str(identifier.get("number") or ""))
        add_topic(entity)
        yield entity
        for source in sources:
            yield make_sanction(
                entity,
                source,
                authority=AUTHORITIES.get(source, source),
                reference=source_id or None,
                reference_prop="unscId" if source == "UN" else "authorityId",
            )
