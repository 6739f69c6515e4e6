from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from sanctionwatch.screen.lists.diff import diff_versions
from sanctionwatch.screen.lists.store import (
    ListDropError,
    current_version,
    get_list_entity,
    iter_list_entities,
    list_versions,
    load_list_file,
    sanctions_of,
)
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.store import Database
from sanctionwatch.store.tables import StatementRow


def _count_statements(database: Database, origin: str) -> int:
    with database.session() as session:
        return (
            session.scalar(
                select(func.count()).select_from(StatementRow).where(StatementRow.origin == origin)
            )
            or 0
        )


def test_load_stores_version_snapshot_and_statements(database: Database, fixtures: Path) -> None:
    result = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    assert result.source == "un_sc"
    assert (result.entity_count, result.designation_count) == (5, 5)
    assert not result.unchanged
    with database.session() as session:
        version = current_version(session, "un_sc")
        assert version is not None and version.id == result.version_id
        targets = list(iter_list_entities(session, "un_sc", targets_only=True))
        assert len(targets) == 5
        pugang = get_list_entity(session, "un-sc-KPe.038")
        assert pugang is not None
        assert pugang.get("name") == ["KOREA PUGANG TRADING CORPORATION"]
        assert [s.get("unscId") for s in sanctions_of(session, "un-sc-KPe.038")] == [["KPe.038"]]
        everything = list(iter_list_entities(session))
        assert len(everything) == 10
    assert _count_statements(database, "list:un_sc") == result.statement_count > 0


def test_reloading_identical_bytes_is_a_no_op(database: Database, fixtures: Path) -> None:
    first = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    again = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    assert again.unchanged and again.version_id == first.version_id
    with database.session() as session:
        assert len(list_versions(session, "un_sc")) == 1


def test_failed_load_keeps_previous_version(
    database: Database, fixtures: Path, tmp_path: Path
) -> None:
    first = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    before = _count_statements(database, "list:un_sc")
    broken = tmp_path / "consolidated.xml"
    broken.write_bytes((fixtures / "un_consolidated.xml").read_bytes()[:2500])
    with pytest.raises(ListFormatError, match="malformed XML"):
        load_list_file(database, broken, "un-xml")
    with database.session() as session:
        version = current_version(session, "un_sc")
        assert version is not None and version.id == first.version_id
        assert len(list_versions(session, "un_sc")) == 1
    assert _count_statements(database, "list:un_sc") == before


def _shrunk_list(fixtures: Path, tmp_path: Path, keep: int) -> Path:
    """The fixture with only the first ``keep`` ENTITY records (and no individuals)."""
    text = (fixtures / "un_consolidated.xml").read_text(encoding="utf-8")
    head, _, rest = text.partition("<INDIVIDUALS>")
    _, _, rest = rest.partition("</INDIVIDUALS>")
    entities = rest.split("</ENTITY>")
    kept = "</ENTITY>".join(entities[:keep]) + "</ENTITY>\n  </ENTITIES>\n</CONSOLIDATED_LIST>\n"
    path = tmp_path / "shrunk.xml"
    path.write_text(head + kept, encoding="utf-8")
    return path


def test_drop_of_ninety_percent_is_refused_unless_forced(
    database: Database, fixtures: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.xml"
    text = (fixtures / "un_consolidated.xml").read_text(encoding="utf-8")
    # Multiply the records (new reference numbers) so that one left is a drop of more than 90%.
    head, _, rest = text.partition("<ENTITIES>")
    body, _, tail = rest.partition("</ENTITIES>")
    copies = [body.replace("KPe.", f"KPe.{n}") for n in range(1, 5)]
    big.write_text(head + "<ENTITIES>" + "".join(copies) + "</ENTITIES>" + tail, "utf-8")
    first = load_list_file(database, big, "un-xml")
    assert first.entity_count == 14
    small = _shrunk_list(fixtures, tmp_path, 1)
    with pytest.raises(ListDropError, match="--force"):
        load_list_file(database, small, "un-xml")
    with database.session() as session:
        version = current_version(session, "un_sc")
        assert version is not None and version.id == first.version_id
    forced = load_list_file(database, small, "un-xml", force=True)
    assert forced.entity_count == 1
    assert _count_statements(database, "list:un_sc") == forced.statement_count


def test_new_version_replaces_statements_and_diff_reports_changes(
    database: Database, fixtures: Path, tmp_path: Path
) -> None:
    first = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    text = (fixtures / "un_consolidated.xml").read_text(encoding="utf-8")
    changed = text.replace(
        "<LISTED_ON>2017-08-05</LISTED_ON>", "<LISTED_ON>2017-08-06</LISTED_ON>", 1
    )
    changed = changed.replace("Korea Pyolbit Trading Corporation", "Pyolbit Trading Co")
    head, _, rest = changed.partition("<ENTITY>")
    _, _, rest = rest.partition("</ENTITY>")  # drop Korea Pugang Trading Corporation
    second_path = tmp_path / "second.xml"
    second_path.write_text(head + rest.lstrip(), encoding="utf-8")
    second = load_list_file(database, second_path, "un-xml", force=True)
    assert second.previous_version_id == first.version_id
    with database.session() as session:
        assert get_list_entity(session, "un-sc-KPe.038") is None
        diff = diff_versions(session, first.version_id, second.version_id)
        versions = list_versions(session, "un_sc")
    assert [v.status for v in versions] == ["superseded", "current"]
    assert [entry.entity_id for entry in diff.removed] == ["un-sc-KPe.038"]
    assert diff.added == []
    changes = {entry.entity_id: entry.fields for entry in diff.changed}
    assert changes == {
        "un-sc-KPi.954": ["sanction.listingDate", "sanction.startDate"],
        "un-sc-KPe.976": ["alias"],
    }


def test_statements_of_other_sources_are_untouched(database: Database, fixtures: Path) -> None:
    load_list_file(database, fixtures / "un_consolidated.xml", "un-xml", source="un_sc")
    copy = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml", source="un_sc_copy")
    assert copy.source == "un_sc_copy" and not copy.unchanged
    assert _count_statements(database, "list:un_sc") == _count_statements(
        database, "list:un_sc_copy"
    )


def test_unknown_format_and_bad_source_id(database: Database, fixtures: Path) -> None:
    with pytest.raises(ListFormatError, match="unknown list format"):
        load_list_file(database, fixtures / "un_consolidated.xml", "pdf")
    with pytest.raises(ListFormatError, match="invalid list source id"):
        load_list_file(database, fixtures / "un_consolidated.xml", "un-xml", source="UN SC!")


def test_missing_file(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match=r"cannot read|not found"):
        load_list_file(database, tmp_path / "nope.xml", "un-xml")


def test_failure_inside_the_transaction_rolls_everything_back(
    database: Database, fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanctionwatch.screen.lists import store

    first = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    before = _count_statements(database, "list:un_sc")
    text = (fixtures / "un_consolidated.xml").read_text(encoding="utf-8")
    second = tmp_path / "second.xml"
    second.write_text(text.replace("KPe.976", "KPe.977"), encoding="utf-8")

    def explode(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_replace_statements", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        load_list_file(database, second, "un-xml")
    with database.session() as session:
        versions = list_versions(session, "un_sc")
        assert [(v.id, v.status) for v in versions] == [(first.version_id, "current")]
    assert _count_statements(database, "list:un_sc") == before


def test_list_entities_ignore_other_origins(database: Database, fixtures: Path) -> None:
    from sanctionwatch.store import Statement
    from sanctionwatch.store.statements import add_statements

    load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    with database.session() as session:
        add_statements(
            session,
            [
                Statement(
                    "un-sc-KPe.038",
                    "Organization",
                    "notes",
                    "analyst note",
                    "documents",
                    "human:alice",
                    "1",
                ),
                Statement(
                    "other-1",
                    "Company",
                    "name",
                    "Not Listed Ltd",
                    "documents",
                    "extract:entities",
                    "1",
                ),
            ],
        )
    load_list_file(database, fixtures / "un_consolidated.xml", "un-xml", source="un_sc_copy")
    with database.session() as session:
        ids = {entity.id for entity in iter_list_entities(session, targets_only=True)}
        assert "other-1" not in ids and len(ids) == 5
        pugang = get_list_entity(session, "un-sc-KPe.038")
        assert pugang is not None and "analyst note" not in pugang.get("notes")
    with database.session() as session:
        human = session.scalar(
            select(func.count())
            .select_from(StatementRow)
            .where(StatementRow.origin == "human:alice")
        )
    assert human == 1


def test_update_keeps_first_seen_of_unchanged_statements(
    database: Database, fixtures: Path, tmp_path: Path
) -> None:
    first = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    with database.session() as session:
        before = {
            row.id: row.first_seen
            for row in session.scalars(
                select(StatementRow).where(StatementRow.origin == "list:un_sc")
            )
        }
    text = (fixtures / "un_consolidated.xml").read_text(encoding="utf-8")
    second = tmp_path / "second.xml"
    second.write_text(text.replace("Chef Ryu", "Comrade Ryu"), encoding="utf-8")
    result = load_list_file(database, second, "un-xml")
    with database.session() as session:
        rows = list(
            session.scalars(select(StatementRow).where(StatementRow.origin == "list:un_sc"))
        )
    assert len(rows) == result.statement_count == first.statement_count
    assert {row.origin_version for row in rows} == {f"v{result.version_id}"}
    kept = [row for row in rows if row.id in before]
    assert len(kept) == len(rows) - 1
    assert all(row.first_seen == before[row.id] for row in kept)
    new = [row for row in rows if row.id not in before]
    assert [(new[0].prop, new[0].value) for _ in new] == [("weakAlias", "Comrade Ryu")]


def test_diff_refuses_versions_of_different_sources(database: Database, fixtures: Path) -> None:
    from sanctionwatch.screen.lists.diff import UnknownVersionError

    un = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    eu = load_list_file(database, fixtures / "eu_fsf.xml", "eu-xml")
    with database.session() as session, pytest.raises(UnknownVersionError, match="different"):
        diff_versions(session, un.version_id, eu.version_id)


def test_stored_ids_equal_the_statement_contract(sqlite_database: Database, fixtures: Path) -> None:
    from sanctionwatch.screen.lists.store import entity_statements, read_entities

    result = load_list_file(sqlite_database, fixtures / "un_consolidated.xml", "un-xml")
    expected = {
        stmt.id
        for entity in read_entities(fixtures / "un_consolidated.xml", "un-xml")
        for stmt in entity_statements(entity, "un_sc", result.version_id)
    }
    with sqlite_database.session() as session:
        query = select(StatementRow.id).where(StatementRow.origin == "list:un_sc")
        stored = set(session.scalars(query))
    assert stored == expected
