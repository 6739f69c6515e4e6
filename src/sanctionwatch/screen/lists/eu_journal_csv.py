"""EU DPRK annexes as a row-per-designation CSV (OpenSanctions' transcription of Reg. 2017/1509).

Not an official EU format: columns ``celex, recordId, programKey, annex, measure, startDate,
reason, schema, name, alias, …, imoNumber, address, notes`` named after FtM properties. Multi-
valued cells are ``;``-separated. Licensed CC BY-NC 4.0 by OpenSanctions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from followthemoney import EntityProxy, model

from sanctionwatch.screen.lists.common import (
    add_topic,
    clean_text,
    make_sanction,
    new_entity,
    parse_date,
    put,
    read_bytes,
    slug,
    stable_hash,
)
from sanctionwatch.screen.lists.types import ListFormatError

AUTHORITY = "Council of the European Union"
ID_PREFIX = "eu-journal-"
REQUIRED = ("celex", "annex", "schema", "name")
MULTI_VALUED = ("alias", "weakAlias", "previousName", "phone", "email", "passportNumber")
SKIP = {"celex", "recordId", "programKey", "annex", "measure", "startDate", "reason", "schema"}


class EuJournalCsvLoader:
    """Reads the EU Official Journal annex transcription CSV."""

    format = "eu-journal-csv"
    default_source = "eu_journal"

    def load(self, path: Path) -> Iterator[EntityProxy]:
        data = read_bytes(path)
        if data.lstrip()[:1] == b"<":
            raise ListFormatError(f"{path}: this looks like HTML/XML, not a CSV")
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig", errors="replace")))
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ListFormatError(f"{path}: missing columns {', '.join(missing)}")
        count = 0
        for line_no, row in enumerate(reader, start=2):
            if None in row:
                raise ListFormatError(f"{path}: line {line_no} has more cells than the header")
            yield from self._row(path, line_no, row)
            count += 1
        if count == 0:
            raise ListFormatError(f"{path}: the list holds no entries")

    def _row(self, path: Path, line_no: int, row: dict[str, str]) -> Iterator[EntityProxy]:
        schema_name = clean_text(row.get("schema")) or "LegalEntity"
        if model.get(schema_name) is None:
            raise ListFormatError(f"{path}: line {line_no}: unknown schema {schema_name!r}")
        name = clean_text(row.get("name"))
        if name is None:
            raise ListFormatError(f"{path}: line {line_no}: no name")
        annex = clean_text(row.get("annex")) or "?"
        key = f"{annex}-{clean_text(row.get('recordId')) or stable_hash(name, length=10)}"
        entity = new_entity(schema_name, ID_PREFIX + slug(f"{row.get('celex')}-{key}"))
        for column, value in row.items():
            if column in SKIP or not value:
                continue
            values = value.split(";") if column in MULTI_VALUED else [value]
            if column == "birthDate":
                values = [parse_date(v) or v for v in values]
            put(entity, column, *values)
        add_topic(entity)
        yield entity
        sanction = make_sanction(
            entity,
            key,
            authority=AUTHORITY,
            program=clean_text(row.get("programKey")),
            listing_date=parse_date(row.get("startDate")),
            reason=clean_text(row.get("reason")),
            source_url=f"https://eur-lex.europa.eu/eli/reg/2017/1509?annex={annex}",
            reference=f"{row.get('celex')} annex {annex}",
            reference_prop="authorityId",
        )
        put(sanction, "programId", row.get("programKey"))
        put(sanction, "provisions", row.get("measure"))
        yield sanction
