"""Pieces every list loader shares: safe XML, entity building, dates, ids.

Loaders stay small by describing *what* a format says; this module decides how a value becomes
an FtM property (cleaned, de-duplicated, moved to a fallback property when the schema lacks one).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml import ElementTree as SafeElementTree
from followthemoney import EntityProxy, model, registry

from sanctionwatch.screen.lists.types import ListFormatError

# When a schema lacks a property, the value goes to the nearest one it has (a Company has no
# nationality, but it has a country; a Vessel has no idNumber but a registrationNumber).
FALLBACK_PROPS: dict[str, tuple[str, ...]] = {
    "nationality": ("country",),
    "citizenship": ("nationality", "country"),
    "passportNumber": ("idNumber", "registrationNumber"),
    "idNumber": ("registrationNumber",),
    "taxNumber": ("idNumber", "registrationNumber"),
    "swiftBic": ("idNumber", "registrationNumber"),
    "imoNumber": ("registrationNumber",),
    "registrationNumber": ("idNumber",),
    "jurisdiction": ("country",),
    "position": ("notes",),
    "title": ("notes",),
    "birthPlace": ("notes",),
    "incorporationDate": ("notes",),
    "mmsi": ("notes",),
    "callSign": ("notes",),
}

_WS = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    """Collapse whitespace; empty strings and the OFAC null marker ``-0-`` become ``None``."""
    if value is None:
        return None
    text = _WS.sub(" ", value).strip()
    if not text or text == "-0-":
        return None
    return text


def stable_hash(*parts: object, length: int = 16) -> str:
    """Short deterministic hash of ``parts`` for ids of rows that carry no reference number."""
    key = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:length]


def slug(value: str) -> str:
    """A reference number made safe for an entity id (``KPe.038`` stays as it is)."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "-", value.strip()).strip("-")


def new_entity(schema: str, entity_id: str) -> EntityProxy:
    """An empty entity of ``schema`` with a fixed id."""
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def put(entity: EntityProxy, prop: str, *values: str | None) -> None:
    """Add cleaned values to ``prop`` (or its fallback when the schema lacks it)."""
    target = _target_prop(entity, prop)
    if target is None:
        return
    for value in values:
        text = clean_text(value)
        if text is None:
            continue
        if entity.schema.properties[target].type == registry.country:
            code = country_code(text)
            if code is not None:
                entity.add(target, code, cleaned=True, quiet=True)
            continue
        entity.add(target, text, quiet=True)


def _target_prop(entity: EntityProxy, prop: str) -> str | None:
    if prop in entity.schema.properties:
        return prop
    for fallback in FALLBACK_PROPS.get(prop, ()):
        if fallback in entity.schema.properties:
            return fallback
    return None


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO code of a country named in any common way (``Korea, North``, ``DPRK``), or None."""
    code = registry.country.clean(text)
    if code is None and "(" in text:
        code = registry.country.clean(text.split("(")[0])
    return code


def add_topic(entity: EntityProxy, topic: str = "sanction") -> None:
    if "topics" in entity.schema.properties:
        entity.add("topics", topic, quiet=True)


def make_sanction(
    target: EntityProxy,
    key: str,
    *,
    authority: str,
    program: str | None = None,
    listing_date: str | None = None,
    reason: str | None = None,
    source_url: str | None = None,
    reference: str | None = None,
    reference_prop: str = "authorityId",
    program_id: str | None = None,
    country: str | None = None,
) -> EntityProxy:
    """One Sanction entity per designation, linked to ``target`` by ``Sanction.entity``."""
    assert target.id is not None
    sanction = new_entity("Sanction", f"{target.id}-sanction-{slug(key)}")
    sanction.add("entity", target.id)
    put(sanction, "authority", authority)
    put(sanction, "program", program)
    put(sanction, "programId", program_id)
    put(sanction, "listingDate", listing_date)
    put(sanction, "startDate", listing_date)
    put(sanction, "reason", reason)
    put(sanction, "sourceUrl", source_url)
    put(sanction, reference_prop, reference)
    put(sanction, "country", country)
    return sanction


_MONTHS = "%d %b %Y", "%d %B %Y", "%b %Y", "%B %Y", "%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"


def parse_date(text: str | None) -> str | None:
    """ISO date (or year-month / year prefix) from the date styles the lists use."""
    value = clean_text(text)
    if value is None:
        return None
    value = value.rstrip(".")
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return value
    match = re.fullmatch(r"00/00/(\d{4})", value)
    if match:
        return match.group(1)
    match = re.fullmatch(r"00/(\d{2})/(\d{4})", value)
    if match:
        return f"{match.group(2)}-{match.group(1)}"
    for fmt in _MONTHS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt in ("%b %Y", "%B %Y"):
            return parsed.strftime("%Y-%m")
        if fmt == "%Y":
            return parsed.strftime("%Y")
        return parsed.strftime("%Y-%m-%d")
    return None


def year_range(start: str | None, end: str | None, limit: int = 12) -> list[str]:
    """Years from ``start`` to ``end`` inclusive (for "between 1950 and 1955" birth dates)."""
    try:
        first, last = int(start or ""), int(end or "")
    except ValueError:
        return [y for y in (start, end) if y]
    if last < first or last - first > limit:
        return [str(first), str(last)]
    return [str(year) for year in range(first, last + 1)]


# --- XML ------------------------------------------------------------------------------------


def parse_xml(path: Path, root_names: Iterable[str]) -> Element:
    """Parse an official list XML safely and check its root element.

    Official list files never carry a DTD, so any document type declaration is refused: that
    stops entity expansion (billion laughs) and external entities (XXE) before anything is
    expanded or fetched (defusedxml with DTDs, entities and external references forbidden).
    """
    data = read_bytes(path)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise ListFormatError(f"{path}: this is an HTML page, not a list XML file")
    try:
        root: Element = SafeElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as exc:
        raise ListFormatError(
            f"{path}: refused: the XML declares a DTD or entities ({type(exc).__name__}); "
            "official list files never do"
        ) from None
    except ParseError as exc:
        raise ListFormatError(f"{path}: malformed XML: {exc}") from None
    _strip_namespaces(root)
    name = local_name(root)
    expected = tuple(root_names)
    if name not in expected:
        hint = " (an HTML page?)" if name.lower() == "html" else ""
        raise ListFormatError(
            f"{path}: unexpected root element <{name}>{hint}; expected <{'|'.join(expected)}>"
        )
    return root


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListFormatError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ListFormatError(f"{path}: is a directory, not a list file") from None
    if not data.strip():
        raise ListFormatError(f"{path}: file is empty")
    return data


def local_name(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: Element) -> None:
    """Drop namespaces from tags once, so lookups by local name use ElementTree's fast paths.

    OFAC has changed its namespace over the years; the loaders match on local names only.
    """
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.rsplit("}", 1)[1]


def children(element: Element, name: str) -> list[Element]:
    """Direct children called ``name`` (namespaces are stripped by :func:`parse_xml`)."""
    return element.findall(name)


def child(element: Element, name: str) -> Element | None:
    return element.find(name)


def text_of(element: Element | None, name: str | None = None) -> str | None:
    """Cleaned text of ``element`` (or of its child ``name``)."""
    if element is None:
        return None
    if name is not None:
        element = child(element, name)
        if element is None:
            return None
    return clean_text(element.text)


def texts_of(element: Element | None, *path: str) -> list[str]:
    """Cleaned texts of every element reached by the child names in ``path``."""
    if element is None:
        return []
    level = [element]
    for name in path:
        level = [found for parent in level for found in children(parent, name)]
    return [text for text in (clean_text(found.text) for found in level) if text]


def require_entries(path: Path, count: int) -> None:
    if count == 0:
        raise ListFormatError(f"{path}: the list holds no entries")
