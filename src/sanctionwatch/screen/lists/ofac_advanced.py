"""OFAC advanced XML (``sdn_advanced.xml`` / ``cons_advanced.xml``), the richest OFAC format.

Root ``Sanctions``. Values are normalised through ``ReferenceValueSets`` (every alias type,
feature type, country, name-part type, document type … is an id there). A party is a
``DistinctParty/Profile`` with ``Identity/Alias/DocumentedName`` names (``LowQuality="true"`` =
weak alias), ``Feature`` elements (birth date, nationality, SWIFT/BIC, vessel flag, address …)
whose values sit in ``FeatureVersion`` as a ``DatePeriod``, ``VersionDetail`` or
``VersionLocation``; documents are in ``IDRegDocuments`` keyed by identity, and listing dates
and programmes in ``SanctionsEntries``. Unlike the CSV, this format carries listing dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.common import (
    add_topic,
    clean_text,
    new_entity,
    parse_xml,
    put,
    text_of,
    year_range,
)
from sanctionwatch.screen.lists.ofac_csv import ID_PREFIX, apply_labelled, ofac_sanction
from sanctionwatch.screen.lists.types import ListFormatError

SOURCE_URL = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML"
)
ALIAS_PROPS = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName", "name": "name"}
FEATURE_PROPS = {
    "birthdate": "birthDate",
    "place of birth": "birthPlace",
    "nationality country": "nationality",
    "citizenship country": "citizenship",
    "gender": "gender",
    "title": "position",
    "vessel flag": "flag",
    "vessel call sign": "callSign",
    "vessel type": "type",
    "vessel gross registered tonnage": "grossRegisteredTonnage",
    "vessel tonnage": "tonnage",
    "vessel owner": "notes",
    "aircraft model": "model",
    "aircraft manufacture date": "buildDate",
    "aircraft construction number (also called l/n or s/n or f/n)": "serialNumber",
    "location": "address",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "organization established date": "incorporationDate",
    "nationality of registration": "country",
}
NAME_ORDER = ("first name", "middle name", "patronymic", "matronymic", "last name", "maiden name")


@dataclass
class _References:
    """The lookup tables of ``ReferenceValueSets``, by element name then id."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    iso2: dict[str, str] = field(default_factory=dict)
    party_types: dict[str, str] = field(default_factory=dict)

    def get(self, kind: str, ref_id: str | None) -> str:
        return self.values.get(kind, {}).get(ref_id or "", "")


class OfacAdvancedXmlLoader:
    """Reads OFAC's advanced XML."""

    format = "ofac-advanced-xml"
    default_source = "us_ofac_sdn"

    def detect_source(self, path: Path) -> str:
        name = path.name.lower()
        return "us_ofac_cons" if "cons" in name else "us_ofac_sdn"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        root = parse_xml(path, ["Sanctions"])
        refs = _references(root)
        locations = _locations(root, refs)
        documents = _documents(root, refs)
        entries = _entries(root, refs)
        count = 0
        for group in root.findall("DistinctParties"):
            for party in group.findall("DistinctParty"):
                for profile in party.findall("Profile"):
                    yield from self._profile(path, profile, refs, locations, documents, entries)
                    count += 1
        if count == 0:
            raise ListFormatError(f"{path}: the list holds no DistinctParty profiles")

    def _profile(
        self,
        path: Path,
        profile: Element,
        refs: _References,
        locations: dict[str, tuple[str, str | None]],
        documents: dict[str, list[tuple[str, str]]],
        entries: dict[str, list[tuple[str | None, list[str]]]],
    ) -> Iterator[EntityProxy]:
        profile_id = clean_text(profile.get("ID"))
        if profile_id is None:
            raise ListFormatError(f"{path}: a Profile has no ID")
        entity = new_entity(_schema(profile, refs), f"{ID_PREFIX}{profile_id}")
        identity_ids = []
        for identity in profile.findall("Identity"):
            identity_ids.append(identity.get("ID") or "")
            _names(entity, identity, refs)
        for feature in profile.findall("Feature"):
            _feature(entity, feature, refs, locations)
        for identity_id in identity_ids:
            for label, number in documents.get(identity_id, []):
                if not apply_labelled(entity, label, number):
                    put(entity, "notes", f"{label} {number}")
        programs = sorted({p for _, progs in entries.get(profile_id, []) for p in progs})
        put(entity, "program", *programs)
        add_topic(entity)
        yield entity
        dates = sorted(date for date, _ in entries.get(profile_id, []) if date)
        yield ofac_sanction(entity, profile_id, programs, SOURCE_URL, dates[0] if dates else None)


def _references(root: Element) -> _References:
    refs = _References()
    for sets in root.findall("ReferenceValueSets"):
        for group in sets:
            for value in group:
                ref_id = value.get("ID")
                if ref_id is None:
                    continue
                refs.values.setdefault(value.tag, {})[ref_id] = clean_text(value.text) or ""
                if value.tag == "Country" and value.get("ISO2"):
                    refs.iso2[ref_id] = str(value.get("ISO2"))
                if value.tag == "PartySubType":
                    refs.party_types[ref_id] = value.get("PartyTypeID") or ""
    return refs


def _schema(profile: Element, refs: _References) -> str:
    sub_type = profile.get("PartySubTypeID")
    name = refs.get("PartySubType", sub_type).lower()
    if name == "vessel":
        return "Vessel"
    if name == "aircraft":
        return "Airplane"
    party_type = refs.get("PartyType", refs.party_types.get(sub_type or "")).lower()
    return "Person" if party_type == "individual" else "Organization"


def _names(entity: EntityProxy, identity: Element, refs: _References) -> None:
    part_types = {
        group.get("ID") or "": refs.get("NamePartType", group.get("NamePartTypeID")).lower()
        for group in identity.iter("NamePartGroup")
    }
    for alias in identity.findall("Alias"):
        kind = refs.get("AliasType", alias.get("AliasTypeID")).lower()
        prop = ALIAS_PROPS.get(kind, "alias")
        if prop == "alias" and alias.get("LowQuality", "false").lower() == "true":
            prop = "weakAlias"
        for documented in alias.findall("DocumentedName"):
            parts: dict[str, list[str]] = defaultdict(list)
            for value in documented.iter("NamePartValue"):
                text = clean_text(value.text)
                if text:
                    parts[part_types.get(value.get("NamePartGroupID") or "", "")].append(text)
            ordered = [p for kind_ in NAME_ORDER for p in parts.get(kind_, [])]
            others = [p for k, vals in parts.items() if k not in NAME_ORDER for p in vals]
            put(entity, prop, " ".join([*ordered, *others]) or None)
            if prop == "name" and entity.schema.is_a("Person"):
                put(entity, "firstName", *parts.get("first name", []))
                put(entity, "lastName", *parts.get("last name", []))


def _feature(
    entity: EntityProxy,
    feature: Element,
    refs: _References,
    locations: dict[str, tuple[str, str | None]],
) -> None:
    kind = refs.get("FeatureType", feature.get("FeatureTypeID"))
    prop = FEATURE_PROPS.get(kind.lower())
    for version in feature.findall("FeatureVersion"):
        for period in version.findall("DatePeriod"):
            dates = _period(period)
            if prop is not None:
                put(entity, prop, *dates)
            elif dates:
                put(entity, "notes", f"{kind}: {' / '.join(dates)}")
        for detail in version.findall("VersionDetail"):
            value = clean_text(detail.text) or refs.get(
                "DetailReference", detail.get("DetailReferenceID")
            )
            if prop == "gender":
                value = value.lower()
            if prop is not None:
                put(entity, prop, value or None)
            elif value and not apply_labelled(entity, kind, value):
                put(entity, "notes", f"{kind.rstrip(':')}: {value}")
        for located in version.findall("VersionLocation"):
            address, country = locations.get(located.get("LocationID") or "", ("", None))
            if prop in ("nationality", "citizenship", "country", "flag"):
                put(entity, prop, country)
            else:
                put(entity, prop or "address", address or None)
                put(entity, "country", country)


def _period(period: Element) -> list[str]:
    """The date when start and end agree; the years of a whole-year range; else both ends."""
    first, last = _ymd(period.find("Start/From")), _ymd(period.find("End/To"))
    if first is None:
        return [last] if last else []
    if last is None or first == last:
        return [first]
    if first.endswith("-01-01") and last.endswith("-12-31"):
        return year_range(first[:4], last[:4])
    return [first, last]


def _ymd(element: Element | None) -> str | None:
    if element is None:
        return None
    year, month, day = (text_of(element, tag) for tag in ("Year", "Month", "Day"))
    if not year:
        return None
    if not month:
        return year
    if not day:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _locations(root: Element, refs: _References) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for location in root.iter("Location"):
        parts = []
        for part in location.findall("LocationPart"):
            value = text_of(part.find("LocationPartValue"), "Value")
            if value:
                parts.append(value)
        country_ref = location.find("LocationCountry")
        country_id = country_ref.get("CountryID") if country_ref is not None else None
        country_name = refs.get("Country", country_id) or None
        iso2 = refs.iso2.get(country_id or "")
        address = ", ".join([*parts, *([country_name] if country_name else [])])
        found[location.get("ID") or ""] = (address, iso2 or country_name)
    return found


def _documents(root: Element, refs: _References) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for document in root.iter("IDRegDocument"):
        number = text_of(document, "IDRegistrationNo")
        if number:
            label = refs.get("IDRegDocType", document.get("IDRegDocTypeID"))
            found[document.get("IdentityID") or ""].append((label, number))
    return found


def _entries(root: Element, refs: _References) -> dict[str, list[tuple[str | None, list[str]]]]:
    """Profile id → (listing date, programmes) per sanctions entry."""
    found: dict[str, list[tuple[str | None, list[str]]]] = defaultdict(list)
    for entry in root.iter("SanctionsEntry"):
        dates = sorted(d for d in (_ymd(e.find("Date")) for e in entry.findall("EntryEvent")) if d)
        programs = []
        for measure in entry.findall("SanctionsMeasure"):
            kind = refs.get("SanctionsType", measure.get("SanctionsTypeID")).lower()
            comment = text_of(measure, "Comment")
            if comment and kind == "program":
                programs.append(comment)
        found[entry.get("ProfileID") or ""].append((dates[0] if dates else None, programs))
    return found
