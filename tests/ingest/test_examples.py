from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from sanctionwatch.ingest import ingest_paths
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "reports"


def test_example_corpus_ingests_cleanly(sqlite_database: Database) -> None:
    files = sorted(EXAMPLES.iterdir())
    assert 6 <= len(files) <= 8
    assert any(path.suffix == ".html" for path in files)
    report = ingest_paths(sqlite_database, [EXAMPLES])
    assert report.ok, report.failures
    assert report.counts["added"] == len(files)
    with sqlite_database.session() as session:
        rows = session.scalars(select(DocumentRow)).all()
    for row in rows:
        words = len(row.clean_text.split())
        assert 300 <= words <= 700, (row.source, words)
        assert row.title, row.source
        assert row.date_kind in ("given", "inferred"), row.source
        assert not re.search(r"https?://|says:|\bReply\b|©", row.clean_text), row.source
    commented = next(row for row in rows if "comments" in row.source)
    assert len(commented.clean_text) < 0.8 * len(commented.original_text)
    assert commented.date_kind == "inferred"
