"""Bad input: each file gets a one-line reason, the batch goes on, the store stays consistent."""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.ingest import IngestOutcome, Status, ingest_paths
from sanctionwatch.ingest.tables import DocumentSourceRow
from sanctionwatch.settings import Settings
from sanctionwatch.store import Database
from sanctionwatch.store.tables import DocumentRow, StatementRow

REPO_ROOT = Path(__file__).resolve().parents[2]
GOOD = "Korea Rungrado General Trading Corporation sent 40 workers to Irkutsk in May 2018.\n"


def _count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(DocumentRow)) or 0


def _one(database: Database, path: Path, settings: Settings | None = None) -> IngestOutcome:
    report = ingest_paths(database, [path], settings=settings)
    assert len(report.outcomes) == 1
    return report.outcomes[0]


def _stored(database: Database, outcome: IngestOutcome) -> DocumentRow:
    with database.session() as session:
        row = session.get(DocumentRow, outcome.document_id)
    assert row is not None
    return row


def assert_complete(row: DocumentRow) -> None:
    """A stored document is whole: texts, offset map that reproduces the clean text, a date kind."""
    assert row.original_text.strip()
    assert row.clean_text.strip()
    assert row.date_kind in ("given", "inferred", "none")
    rebuilt = "".join(row.original_text[o : o + n] for _, o, n in row.offset_map)
    assert rebuilt == row.clean_text


def test_empty_file(sqlite_database: Database, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    outcome = _one(sqlite_database, path)
    assert (outcome.status, outcome.reason) == (Status.FAILED, "file is empty")
    assert _count(sqlite_database) == 0


def test_binary_renamed_txt(sqlite_database: Database, tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 64)
    outcome = _one(sqlite_database, path)
    assert outcome.status is Status.FAILED
    assert outcome.reason is not None and outcome.reason.startswith("binary data")
    assert _count(sqlite_database) == 0


@pytest.mark.parametrize(
    ("codec", "prefix", "text", "label"),
    [
        ("cp1251", b"", "ООО «Мехянсан» нанимало северокорейских рабочих в Иркутске.", "cp1251"),
        ("cp1252", b"", "The firm said it had “no knowledge” of the workers’ visas.", "cp1252"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "Workers ‘students’ — Рабочие, 2019.", "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "Workers ‘students’ — Рабочие, 2019.", "utf-16-be"),
    ],
)
def test_legacy_encodings(
    database: Database, tmp_path: Path, codec: str, prefix: bytes, text: str, label: str
) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(prefix + ((text + "\n") * 5).encode(codec))
    outcome = _one(database, path)
    assert outcome.status is Status.ADDED, outcome.reason
    row = _stored(database, outcome)
    assert row.original_text == (text + "\n") * 5
    assert row.encoding == label
    assert_complete(row)


def test_oversized_file_is_refused_without_reading_it(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(300 * 1024 * 1024)  # sparse: no 300 MB is written or read

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    started = time.perf_counter()
    outcome = _one(sqlite_database, path)
    assert time.perf_counter() - started < 5
    assert outcome.status is Status.FAILED
    assert outcome.reason == (
        "file is 300.0 MB, over the 50.0 MB limit "
        "(raise SANCTIONWATCH_MAX_DOCUMENT_BYTES to accept it)"
    )
    assert _count(sqlite_database) == 0


def test_size_limit_is_configurable(sqlite_database: Database, tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(GOOD, encoding="utf-8")
    outcome = _one(sqlite_database, path, Settings(max_document_bytes=20))
    assert outcome.status is Status.FAILED
    assert outcome.reason is not None and "is 83 bytes, over the 20 bytes limit" in outcome.reason


def test_corrupt_pdf(
    sqlite_database: Database, tmp_path: Path, pdf_bytes: Callable[..., bytes]
) -> None:
    path = tmp_path / "broken.pdf"
    data = pdf_bytes(["Some text about a company."])
    path.write_bytes(data[: len(data) // 2])
    outcome = _one(sqlite_database, path)
    assert outcome.status is Status.FAILED
    assert outcome.reason is not None and outcome.reason.startswith("corrupt or unreadable PDF")
    assert _count(sqlite_database) == 0


def test_valid_pdf(database: Database, tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(["Mansudae Overseas Project Group", "Listed on 5 August 2017."]))
    outcome = _one(database, path)
    assert outcome.status is Status.ADDED
    row = _stored(database, outcome)
    assert row.media_type == "application/pdf"
    assert "Mansudae Overseas Project Group" in row.clean_text
    assert_complete(row)


def test_html_without_main_text(sqlite_database: Database, tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text(
        "<html><head><title>Menu</title><script>var x = 1;</script></head>"
        "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        encoding="utf-8",
    )
    outcome = _one(sqlite_database, path)
    assert outcome.status is Status.FAILED
    assert outcome.reason is not None and outcome.reason.startswith("no main text found")
    assert _count(sqlite_database) == 0


def test_missing_path(sqlite_database: Database, tmp_path: Path) -> None:
    outcome = _one(sqlite_database, tmp_path / "nowhere" / "report.txt")
    assert outcome.status is Status.FAILED
    assert outcome.source == str(tmp_path / "nowhere" / "report.txt")
    assert outcome.reason == "path does not exist; check the spelling"


def test_unsupported_type_named_explicitly_fails_but_is_skipped_in_folders(
    sqlite_database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    named = _one(sqlite_database, folder / "notes.docx")
    assert named.status is Status.FAILED
    assert named.reason is not None and named.reason.startswith("unsupported file type .docx")
    walked = ingest_paths(sqlite_database, [folder])
    assert walked.counts["skipped"] == 1
    assert walked.counts["added"] == 1
    assert walked.ok


def test_folder_mixing_good_and_bad_files(tmp_path: Path, pdf_bytes: Callable[..., bytes]) -> None:
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    (folder / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "b-good.pdf").write_bytes(pdf_bytes(["Namgang Trading sent workers."]))
    (folder / "c-empty.txt").write_bytes(b"")
    (folder / "d-binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "e-broken.pdf").write_bytes(b"%PDF-1.7\nnot really")
    db = f"sqlite:///{tmp_path / 'batch.db'}"

    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", db, "--json"])

    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3
    for name, reason in [
        ("c-empty.txt", "file is empty"),
        ("d-binary.txt", "binary data"),
        ("e-broken.pdf", "corrupt or unreadable PDF"),
    ]:
        assert any(f"{name}: {reason}" in line for line in errors), (name, errors)
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(o["status"] for o in outcomes) == ["added", "added", "failed", "failed", "failed"]
    database = Database(db)
    assert _count(database) == 2
    database.dispose()


def test_seeds_on_both_backends(database: Database, shared_dir: Path) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    first = ingest_paths(database, [seeds])
    assert first.ok
    assert first.counts["added"] == 5
    assert _count(database) == 5
    again = ingest_paths(database, [seeds])
    assert again.counts["unchanged"] == 5
    assert again.counts["added"] == 0
    assert _count(database) == 5
    with database.session() as session:
        for row in session.scalars(select(DocumentRow)):
            assert_complete(row)
            assert row.date_kind in ("given", "inferred")


def _write_batch(folder: Path, count: int) -> None:
    folder.mkdir()
    paragraph = "The trading company registered a new subsidiary in Vladivostok in March 2018. "
    for number in range(count):
        body = f"Report {number}\n\n" + paragraph * (5 + number % 40) + f"\nCase {number}.\n"
        (folder / f"{number:05d}.txt").write_text(body, encoding="utf-8")


def _tagged(url: str, tag: str) -> str:
    """``url`` with ``tag`` as the PostgreSQL application name (SQLite URLs as they are), so the
    test can find the killed client's server process."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={tag}"


def _wait_for_server_to_settle(database: Database, tag: str) -> None:
    """Wait until PostgreSQL has ended the killed client's server process. Killing the client
    does not stop its server process at once: a COMMIT it had sent may still be landing, or an
    open transaction still holding locks. Read before that and two queries of one READ
    COMMITTED session can see different sets of committed documents, or the re-run can meet
    the dead transaction's lock and then its unique key (the flaky failure this wait removes).
    SQLite needs no wait: the killed process took its unfinished transaction with it."""
    if database.engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 60
    while _server_processes(database, tag):
        assert time.monotonic() < deadline, "the killed client's server process never ended"
        time.sleep(0.05)


def _server_processes(database: Database, tag: str) -> int:
    """How many PostgreSQL server processes serve clients named ``tag``."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :tag")
    with database.engine.connect() as connection:
        return connection.scalar(query, {"tag": tag}) or 0


@pytest.mark.slow
def test_crash_mid_batch_leaves_no_half_written_document(
    database: Database, tmp_path: Path
) -> None:
    total = 800
    folder = tmp_path / "batch"
    _write_batch(folder, total)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    tag = f"sw-crash-{uuid.uuid4().hex[:12]}"
    command = [
        sys.executable,
        "-m",
        "sanctionwatch.cli",
        "ingest",
        str(folder),
        "--db",
        _tagged(database.url, tag),
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while _count(database) < 40:
            assert process.poll() is None, "the batch finished before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.05)
        if database.engine.dialect.name == "postgresql":  # the wait below watches this process
            assert _server_processes(database, tag) >= 1
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    _wait_for_server_to_settle(database, tag)
    stored = _count(database)
    assert 40 <= stored < total
    with database.session() as session:
        rows = session.scalars(select(DocumentRow)).all()
        linked = set(session.scalars(select(DocumentSourceRow.document_id)).all())
        statements = session.scalar(select(func.count()).select_from(StatementRow))
    for row in rows:
        assert_complete(row)
    assert linked == {row.id for row in rows}
    assert statements == 0

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert _count(database) == total
