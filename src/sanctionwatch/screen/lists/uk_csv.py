"""UK OFSI Consolidated List CSV (``ConList.csv``), the old and the 2022 layouts.

The file starts with a ``Last Updated,<date>`` line, then a header (``Name 6`` = surname or
entity name, ``Name 1``–``Name 5`` given names, …, ``Alias Type``, ``Regime``, ``Listed On``,
``Group ID``). It is Windows-1252, and has one row per *name*: rows sharing a Group ID are one
designated party. ``Alias Type`` "Prime Alias"/"Primary name" marks the main name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy

from sanctionwatch.screen.lists.common import (
    add_topic,
    clean_text,
    make_sanction,
    new_entity,
    parse_date,
    put,
    read_bytes,
    slug,
)
from sanctionwatch.screen.lists.types import ListFormatError

AUTHORITY = "HM Treasury Office of Financial Sanctions Implementation"
SOURCE_URL = "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"
ID_PREFIX = "gb-hmt-"
REQUIRED = ("Name 6", "Group ID", "Group Type")
GIVEN_NAMES = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
ADDRESS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
SCHEMA_BY_GROUP = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_ENUMERATION = re.compile(r"\(?\b\d{1,2}\)\s*|\(?\b[a-h]\)\s*")
_DOCUMENT_NUMBER = re.compile(r"\b[A-Z]{0,3}\d{6,}[A-Z0-9]*\b")
_UN_REF = re.compile(r"UN\s*Ref\.?\s*:?\s*([A-Za-z]{2,3}\.?[A-Za-z]?\.[\d.]+\d)", re.IGNORECASE)
_IMO = re.compile(r"\bIMO\s*(?:number)?[:.]?\s*(\d{7})\b", re.IGNORECASE)


class UkCsvLoader:
    """Reads the OFSI consolidated list CSV."""

    format = "uk-csv"
    default_source = "gb_hmt"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        groups: dict[str, list[dict[str, str]]] = {}
        for row in _records(path):
            group = clean_text(row.get("Group ID"))
            if group is None:
                continue
            groups.setdefault(group, []).append(row)
        if not groups:
            raise ListFormatError(f"{path}: the list holds no entries")
        for group_id, rows in groups.items():
            yield from _group(group_id, rows)


def decode(data: bytes) -> str:
    """OFSI publishes Windows-1252; accept UTF-8 (with or without BOM) too."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _records(path: Path) -> Iterator[dict[str, str]]:
    data = read_bytes(path)
    if data.lstrip()[:1] == b"<":
        raise ListFormatError(f"{path}: this looks like HTML/XML, not the OFSI CSV")
    try:
        rows = list(csv.reader(io.StringIO(decode(data), newline="")))
    except csv.Error as exc:
        raise ListFormatError(f"{path}: malformed CSV: {exc}") from None
    header_index = next(
        (i for i, row in enumerate(rows[:5]) if all(name in row for name in REQUIRED)), None
    )
    if header_index is None:
        raise ListFormatError(
            f"{path}: no OFSI header row with columns {', '.join(REQUIRED)} in the first lines"
        )
    header = [cell.strip() for cell in rows[header_index]]
    for line_no, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue
        columns = header
        while len(columns) > len(row) and columns and not columns[0]:
            columns = columns[1:]  # some copies carry an unnamed leading index column
        if len(columns) != len(row):
            raise ListFormatError(
                f"{path}: line {line_no} has {len(row)} columns, the header has {len(columns)}"
            )
        yield dict(zip(columns, row, strict=True))


def _group(group_id: str, rows: list[dict[str, str]]) -> Iterator[EntityProxy]:
    first = rows[0]
    infos = {info for r in rows if (info := clean_text(r.get("Other Information")))}
    other_info = " ".join(sorted(infos))
    schema = _schema(first, other_info)
    entity = new_entity(schema, ID_PREFIX + slug(group_id))
    primary = [r for r in rows if _is_primary(r.get("Alias Type"))] or rows[:1]
    main_names = {_name(row, schema) for row in primary}
    for row in rows:
        name = _name(row, schema)
        if name in main_names:
            put(entity, "name", name)
        elif "low" in (row.get("Alias Quality") or "").lower():
            put(entity, "weakAlias", name)
        else:
            put(entity, "alias", name)
        _details(entity, row)
    put(entity, "notes", other_info or None)
    put(entity, "imoNumber", *_IMO.findall(other_info))
    regimes = sorted({regime for r in rows if (regime := clean_text(r.get("Regime")))})
    put(entity, "program", *regimes)
    add_topic(entity)
    yield entity
    listed = sorted({d for r in rows if (d := parse_date(r.get("Listed On")))})
    sanction = make_sanction(
        entity,
        group_id,
        authority=AUTHORITY,
        program="; ".join(regimes) or None,
        listing_date=listed[0] if listed else None,
        reason=other_info or None,
        source_url=SOURCE_URL,
        reference=group_id,
        reference_prop="authorityId",
        country="gb",
    )
    put(sanction, "unscId", *_UN_REF.findall(other_info))
    yield sanction


def _schema(row: dict[str, str], other_info: str) -> str:
    kind = (clean_text(row.get("Group Type")) or "").lower()
    if kind == "entity" and other_info.upper().startswith("IMO"):
        return "Vessel"
    return SCHEMA_BY_GROUP.get(kind, "Organization")


def _is_primary(alias_type: str | None) -> bool:
    text = (alias_type or "").lower()
    return ("prime" in text or "primary" in text) and "variation" not in text


def _name(row: dict[str, str], schema: str) -> str | None:
    surname = clean_text(row.get("Name 6"))
    if schema != "Person":
        return surname
    given = [clean_text(row.get(column)) for column in GIVEN_NAMES]
    return " ".join(part for part in (*given, surname) if part) or None


def _split_enumeration(value: str | None) -> list[str]:
    """``"(1) Saudi Arabia (2) Qatar"`` → ``["Saudi Arabia", "Qatar"]``."""
    text = clean_text(value)
    if text is None:
        return []
    return [part.strip(" ,.;") for part in _ENUMERATION.split(text) if part.strip(" ,.;")]


def _details(entity: EntityProxy, row: dict[str, str]) -> None:
    put(entity, "title", row.get("Title"))
    put(entity, "birthDate", parse_date(row.get("DOB")))
    put(entity, "birthPlace", row.get("Town of Birth"))
    put(entity, "birthCountry", *_split_enumeration(row.get("Country of Birth")))
    put(entity, "nationality", *_split_enumeration(row.get("Nationality")))
    put(entity, "position", *_split_enumeration(row.get("Position")))
    put(entity, "name", row.get("Name Non-Latin Script"))
    for column in ("Passport Number", "Passport Details"):
        put(entity, "passportNumber", *_DOCUMENT_NUMBER.findall(row.get(column) or ""))
    for column in ("NI Number", "National Identification Number"):
        put(entity, "idNumber", *_DOCUMENT_NUMBER.findall(row.get(column) or ""))
    parts = [clean_text(row.get(c)) for c in (*ADDRESS, "Post/Zip Code", "Country")]
    put(entity, "address", ", ".join(p for p in parts if p) or None)
    put(entity, "country", *_split_enumeration(row.get("Country")))
