"""A small sourced graph written straight into the store, for the API, web and export tests.

One article (our own wording) names a DPRK trading corporation, a Hong Kong company it owns and a
person; list statements designate the corporation (OFAC) and list Kim Jong Un (UN, OFAC).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.store import Database, Statement
from sanctionwatch.store.statements import add_statements
from sanctionwatch.store.tables import DocumentRow

TEST_TOKEN = "test-token-0123456789"
"""The write token the API tests configure."""

ARTICLE = (
    "<p>Exporting labour abroad</p>\n"
    "Korea Rungrado General Trading Corporation sends workers to building sites abroad. "
    "A Hong Kong firm, Arrowcrest Limited, is wholly owned by Korea Rungrado General Trading "
    "Corporation, according to company filings seen by reporters. "
    "Its director, Pak Chol Min, did not answer questions. "
    "A labour monitor put the number of North Korean workers in Russia at 30,000 in 2017. "
    "Russian migration statistics for 2017 counted only 13,000."
)


@dataclass(frozen=True)
class SampleGraph:
    document_id: str
    rungrado: str
    arrowcrest: str
    ownership: str
    pak: str
    ofac_rungrado: str
    ofac_sanction: str
    kim: str


def _span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _sentence(text: str, start: int) -> str:
    begin = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    end = text.find(". ", start)
    return text[begin : (len(text) if end < 0 else end + 1)].strip()


def insert_sample_graph(database: Database) -> SampleGraph:
    """Write the document, the extracted entities and the list entities; return their ids."""
    original = ARTICLE
    removed = len("<p>Exporting labour abroad</p>\n")
    clean = original[removed:]
    document_id = hashlib.sha256(original.encode()).hexdigest()
    ids = SampleGraph(
        document_id=document_id,
        rungrado="co-rungrado-doc",
        arrowcrest="co-arrowcrest-doc",
        ownership="own-rungrado-arrowcrest",
        pak="pe-pak-chol-min",
        ofac_rungrado="us-ofac-sdn-22222",
        ofac_sanction="us-ofac-sdn-22222-sanction",
        kim="un-sc-kpi-999",
    )

    def doc_stmt(
        entity: str,
        schema: str,
        prop: str,
        value: str,
        needle: str,
        nth: int = 0,
        origin: str = "extract:entities",
    ) -> Statement:
        start, end = _span(original, needle, nth)
        return Statement(
            entity_id=entity,
            schema=schema,
            prop=prop,
            value=value,
            dataset="documents",
            origin=origin,
            origin_version="1",
            document_id=document_id,
            start=start,
            end=end,
            sentence=_sentence(original, start),
            confidence=0.9,
        )

    def list_stmt(entity: str, schema: str, prop: str, value: str, dataset: str) -> Statement:
        return Statement(
            entity_id=entity,
            schema=schema,
            prop=prop,
            value=value,
            dataset=dataset,
            origin=f"list:{dataset}",
            origin_version="2024-05-03",
        )

    rungrado = "Korea Rungrado General Trading Corporation"
    statements = [
        doc_stmt(ids.rungrado, "Company", "name", rungrado, rungrado),
        doc_stmt(ids.rungrado, "Company", "name", rungrado, rungrado, nth=1),
        doc_stmt(ids.arrowcrest, "Company", "name", "Arrowcrest Limited", "Arrowcrest Limited"),
        doc_stmt(ids.arrowcrest, "Company", "jurisdiction", "hk", "Hong Kong"),
        doc_stmt(ids.pak, "Person", "name", "Pak Chol Min", "Pak Chol Min"),
        doc_stmt(
            ids.ownership,
            "Ownership",
            "owner",
            ids.rungrado,
            "wholly owned",
            origin="extract:relations",
        ),
        doc_stmt(
            ids.ownership,
            "Ownership",
            "asset",
            ids.arrowcrest,
            "wholly owned",
            origin="extract:relations",
        ),
        doc_stmt(
            ids.ownership,
            "Ownership",
            "percentage",
            "100",
            "wholly owned",
            origin="extract:relations",
        ),
        list_stmt(ids.ofac_rungrado, "Company", "name", rungrado.upper(), "us_ofac_sdn"),
        list_stmt(ids.ofac_rungrado, "Company", "country", "kp", "us_ofac_sdn"),
        list_stmt(ids.ofac_rungrado, "Company", "topics", "sanction", "us_ofac_sdn"),
        list_stmt(ids.ofac_sanction, "Sanction", "entity", ids.ofac_rungrado, "us_ofac_sdn"),
        list_stmt(
            ids.ofac_sanction,
            "Sanction",
            "authority",
            "Office of Foreign Assets Control",
            "us_ofac_sdn",
        ),
        list_stmt(ids.ofac_sanction, "Sanction", "program", "DPRK2", "us_ofac_sdn"),
        list_stmt(ids.kim, "Person", "name", "KIM Jong Un", "un_sc"),
        list_stmt(ids.kim, "Person", "birthDate", "1984-01-08", "un_sc"),
        list_stmt(ids.kim, "Person", "nationality", "kp", "un_sc"),
    ]
    pieces = [[0, removed, len(clean)]]
    with database.session() as session:
        session.add(
            DocumentRow(
                id=document_id,
                source="sample/rungrado.html",
                media_type="text/html",
                byte_size=len(original.encode()),
                encoding="utf-8",
                title="Exporting labour abroad",
                url="https://example.org/rungrado",
                publisher="Example Monitor",
                authors=["A. Reporter"],
                published_at="2019-06-01",
                date_kind="published",
                original_text=original,
                clean_text=clean,
                offset_map=pieces,
            )
        )
        session.flush()
        add_statements(session, statements)
        session.add_all(
            _claim(document_id, original, figure, value, asserter)
            for figure, value, asserter in (
                ("30,000", 30000.0, "a labour monitor"),
                ("13,000", 13000.0, "Russian migration statistics"),
            )
        )
    return ids


def _claim(document_id: str, text: str, figure: str, value: float, asserter: str) -> ClaimRow:
    start, end = _span(text, figure)
    return ClaimRow(
        id=f"claim-{figure}",
        document_id=document_id,
        measure="dprk_workers_in:ru",
        measure_label="North Korean workers in Russia",
        subject_name="Russia",
        value=value,
        unit="workers",
        qualifier="exact",
        as_of="2017",
        as_of_kind="stated",
        asserted_by=asserter,
        span_start=start,
        span_end=end,
        text=figure,
        sentence=_sentence(text, start),
        extractor_version="test",
        confidence=0.9,
    )
