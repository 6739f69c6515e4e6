"""UN Security Council Consolidated List XML (``consolidated.xml`` from scsanctions.un.org).

Root ``CONSOLIDATED_LIST`` with ``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY``. The reference
number (``KPi.066``, ``KPe.038``) is the stable key. Alias quality ``Good``/``a.k.a.`` is a strong
alias, ``Low`` a weak one, ``f.k.a.`` a previous name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.common import (
    add_topic,
    children,
    make_sanction,
    new_entity,
    parse_date,
    parse_xml,
    put,
    require_entries,
    slug,
    stable_hash,
    text_of,
    texts_of,
    year_range,
)
from sanctionwatch.screen.lists.types import ListFormatError

AUTHORITY = "United Nations Security Council"
SOURCE_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
ID_PREFIX = "un-sc-"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
ALIAS_PROPS = {
    "good": "alias",
    "a.k.a.": "alias",
    "aka": "alias",
    "low": "weakAlias",
    "f.k.a.": "previousName",
    "fka": "previousName",
}
_VESSEL = re.compile(r"^(?:M/V|MV)\s", re.IGNORECASE)
_IMO = re.compile(r"\bIMO(?:\s+number)?[:.]?\s*(\d{7})\b", re.IGNORECASE)


class UnXmlLoader:
    """Reads the UN SC consolidated list."""

    format = "un-xml"
    default_source = "un_sc"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        root = parse_xml(path, ["CONSOLIDATED_LIST"])
        count = 0
        for section, kind in (("INDIVIDUALS", "INDIVIDUAL"), ("ENTITIES", "ENTITY")):
            for group in children(root, section):
                for record in children(group, kind):
                    yield from self._record(path, record, kind)
                    count += 1
        require_entries(path, count)

    def _record(self, path: Path, record: Element, kind: str) -> Iterator[EntityProxy]:
        reference = text_of(record, "REFERENCE_NUMBER")
        name = " ".join(texts_of(record, part)[0] for part in NAME_PARTS if texts_of(record, part))
        if not name:
            raise ListFormatError(f"{path}: {kind} {reference or '?'} has no name")
        key = reference or f"dataid-{text_of(record, 'DATAID') or stable_hash(name)}"
        comments = text_of(record, "COMMENTS1")
        schema = "Person" if kind == "INDIVIDUAL" else _entity_schema(name)
        entity = new_entity(schema, ID_PREFIX + slug(key))
        put(entity, "name", name)
        put(entity, "name", *texts_of(record, "NAME_ORIGINAL_SCRIPT"))
        put(entity, "title", *texts_of(record, "TITLE", "VALUE"))
        put(entity, "position", *texts_of(record, "DESIGNATION", "VALUE"))
        put(entity, "nationality", *texts_of(record, "NATIONALITY", "VALUE"))
        put(entity, "gender", (text_of(record, "GENDER") or "").lower() or None)
        put(entity, "notes", comments)
        put(entity, "imoNumber", *_imo_numbers(comments))
        put(entity, "program", text_of(record, "UN_LIST_TYPE"))
        put(entity, "modifiedAt", *texts_of(record, "LAST_DAY_UPDATED", "VALUE"))
        self._aliases(entity, record, kind)
        self._addresses(entity, record, kind)
        if kind == "INDIVIDUAL":
            self._birth(entity, record)
            self._documents(entity, record)
        add_topic(entity)
        yield entity
        yield make_sanction(
            entity,
            key,
            authority=AUTHORITY,
            program=text_of(record, "UN_LIST_TYPE"),
            listing_date=parse_date(text_of(record, "LISTED_ON")),
            reason=comments,
            source_url=SOURCE_URL,
            reference=reference,
            reference_prop="unscId",
        )

    def _aliases(self, entity: EntityProxy, record: Element, kind: str) -> None:
        for alias in children(record, f"{kind}_ALIAS"):
            name = text_of(alias, "ALIAS_NAME")
            quality = (text_of(alias, "QUALITY") or "a.k.a.").lower()
            put(entity, ALIAS_PROPS.get(quality, "alias"), name)

    def _addresses(self, entity: EntityProxy, record: Element, kind: str) -> None:
        for address in children(record, f"{kind}_ADDRESS"):
            parts = [
                text_of(address, tag)
                for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
            ]
            put(entity, "address", ", ".join(part for part in parts if part) or None)
            put(entity, "country", text_of(address, "COUNTRY"))

    def _birth(self, entity: EntityProxy, record: Element) -> None:
        for birth in children(record, "INDIVIDUAL_DATE_OF_BIRTH"):
            date = text_of(birth, "DATE") or text_of(birth, "YEAR")
            if date:
                put(entity, "birthDate", parse_date(date))
            else:
                years = year_range(text_of(birth, "FROM_YEAR"), text_of(birth, "TO_YEAR"))
                put(entity, "birthDate", *years)
        for place in children(record, "INDIVIDUAL_PLACE_OF_BIRTH"):
            parts = [text_of(place, tag) for tag in ("CITY", "STATE_PROVINCE", "COUNTRY")]
            put(entity, "birthPlace", ", ".join(part for part in parts if part) or None)
            put(entity, "birthCountry", text_of(place, "COUNTRY"))

    def _documents(self, entity: EntityProxy, record: Element) -> None:
        for document in children(record, "INDIVIDUAL_DOCUMENT"):
            number = text_of(document, "NUMBER")
            kind = (text_of(document, "TYPE_OF_DOCUMENT") or "").lower()
            prop = "passportNumber" if "passport" in kind else "idNumber"
            put(entity, prop, number)


def _entity_schema(name: str) -> str:
    """UN ENTITY records are organisations; the rare vessel is named as one."""
    return "Vessel" if _VESSEL.search(name) else "Organization"


def _imo_numbers(text: str | None) -> list[str]:
    """IMO numbers quoted in comments ("IMO: 5805008", "IMO number 8966535")."""
    return _IMO.findall(text or "")
