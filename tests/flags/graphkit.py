"""Build small graphs from statements for flag tests."""

from __future__ import annotations

from sanctionwatch.store import Database
from sanctionwatch.store.statements import Statement, add_statements
from storekit import add_text_document

DOC = "d" * 64


class GraphBuilder:
    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self.cursor = 0

    def fact(
        self,
        entity_id: str,
        schema: str,
        prop: str,
        value: str,
        sentence: str | None = None,
        original_value: str | None = None,
        dataset: str = "documents",
        origin: str = "extract:relations",
    ) -> None:
        start = self.cursor
        self.cursor += 10
        self.statements.append(
            Statement(
                entity_id=entity_id,
                schema=schema,
                prop=prop,
                value=value,
                dataset=dataset,
                origin=origin,
                origin_version="1",
                document_id=DOC if dataset == "documents" else None,
                start=start if dataset == "documents" else None,
                end=start + 5 if dataset == "documents" else None,
                sentence=sentence if dataset == "documents" else None,
                original_value=original_value,
            )
        )

    def company(self, entity_id: str, name: str, sentence: str | None = None, **props: str) -> str:
        self.fact(entity_id, "Company", "name", name, sentence or f"{name} is a company.")
        for prop, value in props.items():
            self.fact(entity_id, "Company", prop, value, sentence or f"{name} is a company.")
        return entity_id

    def own(
        self, owner: str, asset: str, percentage: str | None = None, role: str = "shareholder"
    ) -> str:
        link = f"rel-ownership-{owner}-{asset}"
        sentence = f"{owner} owns {percentage or 'part'} of {asset}."
        self.fact(link, "Ownership", "owner", owner, sentence)
        self.fact(link, "Ownership", "asset", asset, sentence)
        self.fact(link, "Ownership", "role", role, sentence)
        if percentage is not None:
            self.fact(link, "Ownership", "percentage", percentage, sentence)
        return link

    def sanction(self, entity: str, authority: str = "United States") -> None:
        link = f"rel-sanction-{entity}"
        sentence = f"The {authority} sanctioned {entity}."
        self.fact(link, "Sanction", "entity", entity, sentence)
        self.fact(link, "Sanction", "authority", authority, sentence)

    def save(self, database: Database) -> None:
        add_text_document(database, "x" * 1000, offsets=[], doc_id=DOC, source="report.txt")
        with database.session() as session:
            add_statements(session, self.statements)
