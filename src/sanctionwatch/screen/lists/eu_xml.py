"""EU Financial Sanctions Files (FSF) XML, the official ``export`` format (XML 1.1 full list).

Each ``sanctionEntity`` (keyed by ``logicalId``, with ``euReferenceNumber`` and, for UN-derived
listings, ``unitedNationId``) holds ``regulation``, ``subjectType``, ``nameAlias`` (one per name
*per language*, ``strong="false"`` for weak aliases), ``citizenship``, ``birthdate``, ``address``
and ``identification`` elements whose data sit in attributes. The first ``nameAlias`` may be in
any EU language, so an English (or the first Latin-script) name becomes the main name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.common import (
    add_topic,
    children,
    clean_text,
    make_sanction,
    new_entity,
    parse_date,
    parse_xml,
    put,
    slug,
    text_of,
)
from sanctionwatch.screen.lists.types import ListFormatError

AUTHORITY = "Council of the European Union"
SOURCE_URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
ID_PREFIX = "eu-fsf-"
SCHEMA_BY_SUBJECT = {"person": "Person", "enterprise": "Organization", "vessel": "Vessel"}
ID_PROPS = {
    "passport": "passportNumber",
    "id": "idNumber",
    "regnumber": "registrationNumber",
    "fiscalcode": "taxNumber",
    "swiftbic": "swiftBic",
    "imo": "imoNumber",
}
UNKNOWN_COUNTRY = "00"


class EuXmlLoader:
    """Reads the EU FSF consolidated list XML."""

    format = "eu-xml"
    default_source = "eu_fsf"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        root = parse_xml(path, ["export"])
        count = 0
        for record in children(root, "sanctionEntity"):
            yield from self._record(path, record)
            count += 1
        if count == 0:
            raise ListFormatError(f"{path}: the list holds no sanctionEntity records")

    def _record(self, path: Path, record: Element) -> Iterator[EntityProxy]:
        logical_id = clean_text(record.get("logicalId"))
        if logical_id is None:
            raise ListFormatError(f"{path}: a sanctionEntity has no logicalId")
        subject = children(record, "subjectType")
        code = (subject[0].get("code") or "") if subject else ""
        schema = SCHEMA_BY_SUBJECT.get(code.lower(), "Organization")
        entity = new_entity(schema, ID_PREFIX + slug(logical_id))
        self._names(path, entity, record)
        for citizenship in children(record, "citizenship"):
            put(entity, "nationality", _country(citizenship))
        for birth in children(record, "birthdate"):
            self._birth(entity, birth)
        for address in children(record, "address"):
            self._address(entity, address)
        for document in children(record, "identification"):
            number = document.get("number") or document.get("latinNumber")
            kind = (document.get("identificationTypeCode") or "").lower()
            put(entity, ID_PROPS.get(kind, "idNumber"), number)
        remark = " ".join(r for r in (clean_text(e.text) for e in children(record, "remark")) if r)
        put(entity, "notes", remark or None)
        regulations = children(record, "regulation")
        programmes = sorted({r.get("programme") or "" for r in regulations} - {""})
        put(entity, "program", *programmes)
        add_topic(entity)
        yield entity
        yield self._sanction(entity, record, logical_id, regulations, programmes, remark)

    def _sanction(
        self,
        entity: EntityProxy,
        record: Element,
        logical_id: str,
        regulations: list[Element],
        programmes: list[str],
        remark: str,
    ) -> EntityProxy:
        dates = sorted(d for d in (parse_date(r.get("publicationDate")) for r in regulations) if d)
        urls = [u for r in regulations for u in [text_of(r, "publicationUrl")] if u]
        sanction = make_sanction(
            entity,
            logical_id,
            authority=AUTHORITY,
            program=" ".join(programmes) or None,
            listing_date=dates[0] if dates else None,
            reason=clean_text(record.get("designationDetails")) or remark or None,
            source_url=urls[0] if urls else SOURCE_URL,
            reference=clean_text(record.get("euReferenceNumber")),
            reference_prop="authorityId",
        )
        put(sanction, "programId", *programmes)
        put(sanction, "unscId", record.get("unitedNationId"))
        put(sanction, "provisions", *(r.get("numberTitle") for r in regulations))
        return sanction

    def _names(self, path: Path, entity: EntityProxy, record: Element) -> None:
        aliases = children(record, "nameAlias")
        names = [(alias, name) for alias in aliases if (name := _whole_name(alias))]
        if not names:
            raise ListFormatError(f"{path}: sanctionEntity {record.get('logicalId')} has no name")
        main = _main_name(names)
        put(entity, "name", main)
        for alias, name in names:
            if name == main:
                continue
            weak = (alias.get("strong") or "true").lower() == "false"
            put(entity, "weakAlias" if weak else "alias", name)
        for alias, _ in names:
            put(entity, "gender", _gender(alias.get("gender")))
            put(entity, "position", alias.get("function"))
            put(entity, "title", alias.get("title"))

    def _birth(self, entity: EntityProxy, birth: Element) -> None:
        date = parse_date(birth.get("birthdate")) or parse_date(birth.get("year"))
        put(entity, "birthDate", date)
        place = [clean_text(birth.get(key)) for key in ("city", "place", "region")]
        put(entity, "birthPlace", ", ".join(p for p in place if p) or None)
        put(entity, "birthCountry", _country(birth))

    def _address(self, entity: EntityProxy, address: Element) -> None:
        keys = ("street", "poBox", "city", "zipCode", "region", "place")
        parts = [clean_text(address.get(key)) for key in keys]
        parts.append(clean_text(address.get("countryDescription")))
        put(entity, "address", ", ".join(p for p in parts if p and p != "UNKNOWN") or None)
        put(entity, "country", _country(address))


def _whole_name(alias: Element) -> str | None:
    whole = clean_text(alias.get("wholeName"))
    if whole:
        return whole
    parts = [clean_text(alias.get(key)) for key in ("firstName", "middleName", "lastName")]
    return " ".join(p for p in parts if p) or None


def _main_name(names: list[tuple[Element, str]]) -> str:
    """The English name, else the first name written in Latin script, else the first name."""
    for alias, name in names:
        if (alias.get("nameLanguage") or "").upper() == "EN":
            return name
    for _, name in names:
        if name.isascii():
            return name
    return names[0][1]


def _country(element: Element) -> str | None:
    code = clean_text(element.get("countryIso2Code"))
    if code and code != UNKNOWN_COUNTRY:
        return code
    description = clean_text(element.get("countryDescription"))
    return description if description and description != "UNKNOWN" else None


def _gender(value: str | None) -> str | None:
    return {"M": "male", "F": "female"}.get((value or "").upper())
