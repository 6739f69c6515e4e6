"""OFAC SDN legacy CSV: ``sdn.csv`` (+ ``add.csv``, ``alt.csv``, ``sdn_comments.csv`` beside it).

``sdn.csv`` has no header and 12 columns: ent_num, name, type, program, title, call sign,
vessel type, tonnage, GRT, vessel flag, vessel owner, remarks. ``-0-`` means empty; the file
ends with a ``\\x1a`` byte. Much of the record lives in the free-text remarks, a ``;``-separated
series of labelled facts ("DOB 08 Jan 1984", "a.k.a. 'X'", "Vessel Registration
Identification IMO 8703933", "SWIFT/BIC AGSZRU31"), which :func:`parse_remarks` reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
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
    year_range,
)
from sanctionwatch.screen.lists.types import ListFormatError

AUTHORITY = "Office of Foreign Assets Control (US Treasury)"
SOURCE_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"
ID_PREFIX = "ofac-"
SDN_COLUMNS = 12
COMPANION_FILES = ("add.csv", "alt.csv", "sdn_comments.csv")
"""Files OFAC publishes beside ``sdn.csv``: addresses, aliases, remarks that overflowed."""
SCHEMA_BY_TYPE = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
ALIAS_PROP = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName"}
ALT_TYPE_PROP = {"aka": "alias", "nka": "alias", "fka": "previousName"}

# Remark labels → property, longest first so that "alt. Passport" wins over "Passport".
REMARK_PROPS: tuple[tuple[str, str], ...] = (
    ("Vessel Registration Identification", "imoNumber"),
    ("Identification Number IMO", "imoNumber"),
    ("Company Number IMO", "imoNumber"),
    ("Business Registration Number", "registrationNumber"),
    ("Commercial Registry Number", "registrationNumber"),
    ("Registration Number", "registrationNumber"),
    ("Registration ID", "registrationNumber"),
    ("Company Number", "registrationNumber"),
    ("Legal Entity Number", "leiCode"),
    ("Unified Social Credit Code", "registrationNumber"),
    ("National ID No.", "idNumber"),
    ("Identification Number", "idNumber"),
    ("Cedula No.", "idNumber"),
    ("Tax ID No.", "taxNumber"),
    ("Passport", "passportNumber"),
    ("SWIFT/BIC", "swiftBic"),
    ("MMSI", "mmsi"),
    ("Website", "website"),
    ("Email Address", "email"),
    ("Phone Number", "phone"),
    ("Organization Established Date", "incorporationDate"),
    ("Aircraft Model", "model"),
    ("Aircraft Tail Number", "registrationNumber"),
    ("Aircraft Manufacturer's Serial Number (MSN)", "serialNumber"),
    ("Aircraft Manufacture Date", "buildDate"),
    ("nationality", "nationality"),
    ("citizen", "citizenship"),
    ("Nationality of Registration", "country"),
    ("POB", "birthPlace"),
    ("Gender", "gender"),
    ("Title", "position"),
)
_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*'(.+)'\.?$", re.IGNORECASE)
_DOB = re.compile(r"^(?:alt\. )?DOB (?:circa )?(.+?)\.?$")
_RANGE = re.compile(r"^(.+?) to (.+)$")
_PAREN_TAIL = re.compile(r"\s*\(.*$")
_ISSUED = re.compile(r"\s+(?:issued|expires|expire|valid)\b.*$", re.IGNORECASE)
_DATE_PROPS = {"incorporationDate", "buildDate"}
_IDENTIFIER_PROPS = {
    "imoNumber",
    "registrationNumber",
    "leiCode",
    "idNumber",
    "taxNumber",
    "passportNumber",
    "swiftBic",
    "mmsi",
}


class OfacCsvLoader:
    """Reads the OFAC legacy SDN CSV and its address and alias companions."""

    format = "ofac-csv"
    default_source = "us_ofac_sdn"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        addresses = _companion(path, "add.csv", 6)
        aliases = _companion(path, "alt.csv", 5)
        comments = _companion(path, "sdn_comments.csv", 2)
        count = 0
        for line_no, row in enumerate(_rows(path), start=1):
            if len(row) == 1 and clean_text(row[0].strip("\x1a")) is None:
                continue  # the end-of-file marker
            if len(row) != SDN_COLUMNS:
                raise ListFormatError(
                    f"{path}: line {line_no} has {len(row)} columns, expected {SDN_COLUMNS} "
                    "(is this OFAC sdn.csv?)"
                )
            ent_num = row[0].strip()
            if not ent_num.isdigit():
                raise ListFormatError(
                    f"{path}: line {line_no}: first column {ent_num[:30]!r} is not an OFAC ent_num"
                    " (sdn.csv has no header row)"
                )
            overflow = [clean_text(extra[1]) or "" for extra in comments.get(ent_num, [])]
            if overflow:
                row = [*row[:11], join_remarks(row[11], overflow)]
            yield from _record(row, addresses.get(ent_num, []), aliases.get(ent_num, []))
            count += 1
        if count == 0:
            raise ListFormatError(f"{path}: the list holds no entries")


def _rows(path: Path) -> Iterator[list[str]]:
    data = read_bytes(path)
    if data.lstrip()[:1] == b"<":
        raise ListFormatError(f"{path}: this looks like HTML/XML, not OFAC sdn.csv")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ListFormatError(f"{path}: malformed CSV: {exc}") from None


def join_remarks(remarks: str, overflow: list[str]) -> str:
    """Append ``sdn_comments.csv`` text: a cut-off remark continues, a finished one is followed."""
    text = clean_text(remarks) or ""
    for extra in overflow:
        if not text:
            text = extra
        elif text.endswith("."):
            text = f"{text[:-1]}; {extra}"
        else:
            text = f"{text}{extra}"
    return text


def _companion(path: Path, name: str, columns: int) -> dict[str, list[list[str]]]:
    """Rows of a companion file beside ``path``, grouped by ent_num."""
    companion = path.parent / name
    grouped: dict[str, list[list[str]]] = defaultdict(list)
    if not companion.is_file() or companion.resolve() == path.resolve():
        return grouped
    for line_no, row in enumerate(_rows(companion), start=1):
        if len(row) == 1:
            continue
        if len(row) != columns:
            raise ListFormatError(
                f"{companion}: line {line_no} has {len(row)} columns, expected {columns}"
            )
        grouped[row[0].strip()].append(row)
    return grouped


def _record(
    row: list[str], addresses: list[list[str]], aliases: list[list[str]]
) -> Iterator[EntityProxy]:
    ent_num, name, sdn_type, programs, title = (clean_text(cell) for cell in row[:5])
    assert ent_num is not None
    schema = SCHEMA_BY_TYPE.get((sdn_type or "").lower(), "Organization")
    entity = new_entity(schema, f"{ID_PREFIX}{ent_num}")
    _put_name(entity, "name", name)
    put(entity, "position" if schema == "Person" else "notes", title)
    if schema == "Vessel":
        put(entity, "callSign", row[5])
        put(entity, "type", row[6])
        put(entity, "tonnage", row[7])
        put(entity, "grossRegisteredTonnage", row[8])
        put(entity, "flag", row[9])
        owner = clean_text(row[10])
        put(entity, "notes", f"Owner: {owner}" if owner else None)
    program_tags = split_programs(programs)
    put(entity, "program", *program_tags)
    parse_remarks(entity, row[11])
    for address in addresses:
        parts = [clean_text(cell) for cell in address[2:5]]
        put(entity, "address", ", ".join(part for part in parts if part) or None)
        put(entity, "country", address[4])
    for alias in aliases:
        prop = ALT_TYPE_PROP.get((clean_text(alias[2]) or "aka").lower().strip("."), "alias")
        _put_name(entity, prop, alias[3])
    add_topic(entity)
    yield entity
    yield ofac_sanction(entity, ent_num, program_tags, SOURCE_URL)


def split_programs(programs: str | None) -> list[str]:
    """``"DPRK3] [DPRK4"`` (how the CSV writes several tags) → ``["DPRK3", "DPRK4"]``."""
    return [tag.strip(" []") for tag in (programs or "").split("] [") if tag.strip(" []")]


def _put_name(entity: EntityProxy, prop: str, name: str | None) -> None:
    """Individuals are written ``LAST, First``; FtM names read ``First LAST``."""
    text = clean_text(name)
    if text is None:
        return
    if entity.schema.is_a("Person") and text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if prop == "name":
            put(entity, "firstName", first)
            put(entity, "lastName", last)
        text = f"{first} {last}".strip()
    put(entity, prop, text)


def split_remarks(remarks: str) -> list[str]:
    """Split remarks on ``;`` outside quoted aliases."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for index, char in enumerate(remarks):
        if char == "'":
            before = remarks[index - 1] if index else " "
            after = remarks[index + 1] if index + 1 < len(remarks) else " "
            if not quoted and not before.isalnum():
                quoted = True
            elif quoted and not after.isalnum():
                quoted = False
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def parse_remarks(entity: EntityProxy, remarks: str | None) -> None:
    """Read the labelled facts of an SDN remarks field into ``entity``."""
    text = clean_text(remarks)
    if text is None:
        return
    for part in split_remarks(text):
        if not _apply_remark(entity, part):
            put(entity, "notes", part.rstrip("."))


def _apply_remark(entity: EntityProxy, part: str) -> bool:
    alias = _ALIAS.match(part)
    if alias:
        _put_name(entity, ALIAS_PROP[alias.group(1).lower()], alias.group(2))
        return True
    dob = _DOB.match(part)
    if dob:
        put(entity, "birthDate", *_dates(dob.group(1)))
        return True
    label_text = part[5:] if part.startswith("alt. ") else part
    for label, prop in REMARK_PROPS:
        if label_text.startswith(label + " ") or label_text.startswith(label + ":"):
            value = label_text[len(label) :].strip(" :.")
            _put_plain(entity, prop, value)
            return True
    return False


def apply_labelled(entity: EntityProxy, label: str, value: str | None) -> bool:
    """Put an OFAC ``label: value`` pair (XML ``idList``) on ``entity``; False if unknown."""
    text = clean_text(value)
    if text is None:
        return True
    for known, prop in REMARK_PROPS:
        if label.strip(" :").lower() == known.lower():
            _put_plain(entity, prop, text)
            return True
    return False


def put_dates(entity: EntityProxy, prop: str, text: str | None) -> None:
    """Dates as OFAC writes them ("08 Jan 1984", "circa 1962", "1960 to 1962")."""
    value = clean_text(text)
    if value:
        put(entity, prop, *_dates(value.removeprefix("circa ")))


def put_name(entity: EntityProxy, prop: str, name: str | None) -> None:
    _put_name(entity, prop, name)


def _dates(text: str) -> list[str]:
    span = _RANGE.match(text)
    if span:
        start, end = parse_date(span.group(1)), parse_date(span.group(2))
        if start and end and len(start) == len(end) == 4:
            return year_range(start, end)
        return [date for date in (start, end) if date]
    date = parse_date(text)
    return [date] if date else []


def _put_plain(entity: EntityProxy, prop: str, value: str) -> None:
    if prop in _IDENTIFIER_PROPS:
        value = _ISSUED.sub("", _PAREN_TAIL.sub("", value)).strip(" .")
        if prop == "imoNumber":
            value = value.removeprefix("IMO").strip()
    elif prop in _DATE_PROPS:
        value = parse_date(value) or ""
    elif prop == "gender":
        value = value.lower()
    put(entity, prop, value or None)


def ofac_sanction(
    entity: EntityProxy,
    reference: str,
    programs: list[str],
    source_url: str,
    listing_date: str | None = None,
) -> EntityProxy:
    """The Sanction an OFAC record stands for, the same whichever OFAC format it came from:
    program tags in brackets as OFAC prints them, the record's own id as ``authorityId``."""
    sanction = make_sanction(
        entity,
        reference,
        authority=AUTHORITY,
        program=" ".join(f"[{tag}]" for tag in programs) or None,
        listing_date=listing_date,
        source_url=source_url,
        reference=reference,
        reference_prop="authorityId",
        country="us",
    )
    put(sanction, "programId", *programs)
    return sanction
