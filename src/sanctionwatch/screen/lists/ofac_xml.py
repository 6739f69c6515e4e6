"""OFAC XML: ``sdn.xml`` and the consolidated (non-SDN) ``consolidated.xml``.

Both files share one layout (root ``sdnList`` with ``sdnEntry`` records) in a namespace that has
changed over the years, so elements are matched by local name. Aliases carry a ``category`` of
``strong`` or ``weak``; identifiers sit in ``idList`` with OFAC's own labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.common import (
    add_topic,
    child,
    children,
    new_entity,
    parse_xml,
    put,
    text_of,
    texts_of,
)
from sanctionwatch.screen.lists.ofac_csv import (
    ID_PREFIX,
    apply_labelled,
    ofac_sanction,
    put_dates,
    put_name,
)
from sanctionwatch.screen.lists.types import ListFormatError

SDN_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML"
CONS_URL = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML"
)
SCHEMA_BY_TYPE = {
    "individual": "Person",
    "entity": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}
ALIAS_TYPE_PROP = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName"}


class OfacXmlLoader:
    """Reads OFAC ``sdn.xml`` or the consolidated non-SDN XML."""

    format = "ofac-xml"
    default_source = "us_ofac_sdn"

    def detect_source(self, path: Path) -> str:
        """The consolidated non-SDN list is named so by OFAC (``consolidated.xml``)."""
        name = path.name.lower()
        return "us_ofac_cons" if "cons" in name or "non_sdn" in name else "us_ofac_sdn"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        root = parse_xml(path, ["sdnList"])
        source_url = CONS_URL if self.detect_source(path) == "us_ofac_cons" else SDN_URL
        count = 0
        for record in children(root, "sdnEntry"):
            yield from self._record(path, record, source_url)
            count += 1
        if count == 0:
            raise ListFormatError(f"{path}: the list holds no sdnEntry records")

    def _record(self, path: Path, record: Element, source_url: str) -> Iterator[EntityProxy]:
        uid = text_of(record, "uid")
        if uid is None:
            raise ListFormatError(f"{path}: an sdnEntry has no uid")
        kind = (text_of(record, "sdnType") or "entity").lower()
        schema = SCHEMA_BY_TYPE.get(kind, "Organization")
        entity = new_entity(schema, f"{ID_PREFIX}{uid}")
        first, last = text_of(record, "firstName"), text_of(record, "lastName")
        if schema == "Person":
            put(entity, "firstName", first)
            put(entity, "lastName", last)
        put(entity, "name", " ".join(part for part in (first, last) if part) or None)
        put(entity, "position" if schema == "Person" else "notes", text_of(record, "title"))
        put(entity, "notes", text_of(record, "remarks"))
        programs = texts_of(record, "programList", "program")
        put(entity, "program", *programs)
        self._aliases(entity, record)
        self._identifiers(entity, record)
        self._addresses(entity, record)
        for item in texts_of(record, "dateOfBirthList", "dateOfBirthItem", "dateOfBirth"):
            put_dates(entity, "birthDate", item)
        put(
            entity,
            "birthPlace",
            *texts_of(record, "placeOfBirthList", "placeOfBirthItem", "placeOfBirth"),
        )
        put(entity, "nationality", *texts_of(record, "nationalityList", "nationality", "country"))
        put(entity, "citizenship", *texts_of(record, "citizenshipList", "citizenship", "country"))
        self._vessel(entity, child(record, "vesselInfo"))
        add_topic(entity)
        yield entity
        yield ofac_sanction(entity, uid, programs, source_url)

    def _aliases(self, entity: EntityProxy, record: Element) -> None:
        for aka in [a for group in children(record, "akaList") for a in children(group, "aka")]:
            first, last = text_of(aka, "firstName"), text_of(aka, "lastName")
            name = f"{last}, {first}" if first and last else (last or first)
            kind = (text_of(aka, "type") or "a.k.a.").lower()
            weak = (text_of(aka, "category") or "strong").lower() == "weak"
            prop = "weakAlias" if weak and kind == "a.k.a." else ALIAS_TYPE_PROP.get(kind, "alias")
            put_name(entity, prop, name)

    def _identifiers(self, entity: EntityProxy, record: Element) -> None:
        for item in [i for group in children(record, "idList") for i in children(group, "id")]:
            label, number = text_of(item, "idType") or "", text_of(item, "idNumber")
            if not apply_labelled(entity, label, number):
                put(entity, "notes", f"{label} {number}".strip())

    def _addresses(self, entity: EntityProxy, record: Element) -> None:
        for group in children(record, "addressList"):
            for address in children(group, "address"):
                tags = ("address1", "address2", "address3", "city", "stateOrProvince")
                parts = [text_of(address, tag) for tag in (*tags, "postalCode", "country")]
                put(entity, "address", ", ".join(part for part in parts if part) or None)
                put(entity, "country", text_of(address, "country"))

    def _vessel(self, entity: EntityProxy, info: Element | None) -> None:
        if info is None:
            return
        put(entity, "callSign", text_of(info, "callSign"))
        put(entity, "type", text_of(info, "vesselType"))
        put(entity, "flag", text_of(info, "vesselFlag"))
        put(entity, "tonnage", text_of(info, "tonnage"))
        put(entity, "grossRegisteredTonnage", text_of(info, "grossRegisteredTonnage"))
        owner = text_of(info, "vesselOwner")
        put(entity, "notes", f"Owner: {owner}" if owner else None)
