from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from sanctionwatch.ingest import Status, ingest_bytes, ingest_paths, load_offset_map
from sanctionwatch.ingest.tables import DocumentSourceRow
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow

REPORT = (
    "Korea Rungrado General Trading Corporation sent construction workers to Vladivostok.\n\n"
    "The firm was designated by OFAC in December 2016.\n"
)


def _count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(DocumentRow)) or 0


def test_same_bytes_are_stored_once(database: Database, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    first = corpus / "a.txt"
    second = corpus / "copy" / "b.txt"
    second.parent.mkdir(parents=True)
    first.write_text(REPORT, encoding="utf-8")
    second.write_text(REPORT, encoding="utf-8")

    report = ingest_paths(database, [corpus])

    assert [o.status for o in report.outcomes] == [Status.ADDED, Status.UNCHANGED]
    assert report.outcomes[0].document_id == report.outcomes[1].document_id
    assert _count(database) == 1
    with database.session() as session:
        sources = session.scalars(select(DocumentSourceRow.source)).all()
    assert sorted(sources) == sorted([str(first.resolve()), str(second.resolve())])

    again = ingest_paths(database, [corpus])
    assert again.counts["unchanged"] == 2
    assert _count(database) == 1


def test_changed_file_becomes_a_linked_version(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    first = ingest_paths(database, [path]).outcomes[0]
    path.write_text(REPORT + "\nA correction was added later.\n", encoding="utf-8")

    second = ingest_paths(database, [path]).outcomes[0]

    assert first.status is Status.ADDED
    assert second.status is Status.NEW_VERSION
    assert second.previous_version_id == first.document_id
    with database.session() as session:
        row = session.get(DocumentRow, second.document_id)
        assert row is not None
        assert row.previous_version_id == first.document_id


def test_ingest_bytes_is_idempotent_and_keeps_offsets(database: Database) -> None:
    data = REPORT.encode("utf-8")
    outcome = ingest_bytes(database, data, source="upload:report.txt", url="https://example.org/r")
    repeat = ingest_bytes(database, data, source="upload:report.txt")

    assert outcome.status is Status.ADDED
    assert repeat.status is Status.UNCHANGED
    with database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
        assert row is not None
        offsets = load_offset_map(row)
        assert row.url == "https://example.org/r"
    for clean_start, original_start, length in offsets.to_json():
        piece = row.clean_text[clean_start : clean_start + length]
        assert piece == row.original_text[original_start : original_start + length]


def test_parallel_parsing_gives_the_same_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(12):
        text = REPORT + f"\nCase {number} was filed in March 201{number % 10}.\n"
        (corpus / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    (corpus / "copy.txt").write_text(REPORT + "\nCase 3 was filed in March 2013.\n", "utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    results = {}
    for workers in (1, 2):
        database = Database(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        database.migrate()
        report = ingest_paths(database, [corpus], workers=workers)
        with database.session() as session:
            rows = session.scalars(select(DocumentRow).order_by(DocumentRow.id)).all()
            results[workers] = (
                [(o.source, o.status, o.reason) for o in report.outcomes],
                [(r.id, r.clean_text, r.offset_map, r.published_at) for r in rows],
            )
        database.dispose()
    assert results[1] == results[2]
    statuses = [status for _, status, _ in results[2][0]]
    assert statuses.count(Status.ADDED) == 12
    assert statuses.count(Status.UNCHANGED) == 1
    assert statuses.count(Status.FAILED) == 1


def test_ingest_bytes_media_types(sqlite_database: Database) -> None:
    page = (
        "<html><head><title>Visas</title></head><body><article><p>"
        + "Workers entered Russia on student visas and worked on building sites. " * 3
        + "</p></article></body></html>"
    ).encode("utf-8")
    html = ingest_bytes(
        sqlite_database, page, source="feed:1", media_type="text/html; charset=utf-8"
    )
    assert html.status is Status.ADDED
    sniffed = ingest_bytes(
        sqlite_database, b"%PDF-1.4 broken", source="feed:2", media_type="application/octet-stream"
    )
    assert sniffed.reason is not None and sniffed.reason.startswith("corrupt or unreadable PDF")
    refused = ingest_bytes(
        sqlite_database, b"PK\x03\x04", source="feed:3", media_type="application/zip"
    )
    assert refused.status is Status.FAILED
    assert refused.reason == "unsupported media type 'application/zip'"
    with sqlite_database.session() as session:
        row = session.get(DocumentRow, html.document_id)
        assert row is not None and row.media_type == "text/html"
