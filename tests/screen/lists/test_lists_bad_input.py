"""Hostile and broken list files are refused with one clear line naming the file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sanctionwatch.screen.lists.formats import FORMATS, get_loader
from sanctionwatch.screen.lists.store import current_version, load_list_file
from sanctionwatch.screen.lists.types import ListFormatError
from sanctionwatch.store import Database

XML_FORMATS = ("un-xml", "ofac-xml", "ofac-advanced-xml", "eu-xml")


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_billion_laughs_is_refused_quickly(fixtures: Path, fmt: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ListFormatError, match="refused") as error:
        list(get_loader(fmt).load(fixtures / "hostile" / "billion_laughs.xml"))
    assert time.perf_counter() - started < 2
    assert "billion_laughs.xml" in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("name", ["xxe.xml", "xxe_remote.xml"])
@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_external_entities_are_refused(fixtures: Path, fmt: str, name: str) -> None:
    with pytest.raises(ListFormatError, match="refused") as error:
        list(get_loader(fmt).load(fixtures / "hostile" / name))
    assert "root:" not in str(error.value)


@pytest.mark.parametrize("fmt", FORMATS)
def test_html_error_page_is_refused(fixtures: Path, fmt: str) -> None:
    with pytest.raises(
        ListFormatError, match=r"error_page\.html: this (is an HTML page|looks like HTML)"
    ):
        list(get_loader(fmt).load(fixtures / "hostile" / "error_page.html"))


@pytest.mark.parametrize("fmt", XML_FORMATS)
def test_html_with_xml_prolog_names_the_root(fixtures: Path, fmt: str) -> None:
    with pytest.raises(ListFormatError, match=r"unexpected root element <html> \(an HTML page\?\)"):
        list(get_loader(fmt).load(fixtures / "hostile" / "wrong_root.xml"))


@pytest.mark.parametrize(
    ("fmt", "fixture"),
    [
        ("un-xml", "un_consolidated.xml"),
        ("ofac-xml", "ofac_sdn.xml"),
        ("ofac-advanced-xml", "ofac_sdn_advanced.xml"),
        ("eu-xml", "eu_fsf.xml"),
    ],
)
def test_truncated_xml(fixtures: Path, tmp_path: Path, fmt: str, fixture: str) -> None:
    data = (fixtures / fixture).read_bytes()
    truncated = tmp_path / fixture
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ListFormatError, match="malformed XML"):
        list(get_loader(fmt).load(truncated))


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_file(tmp_path: Path, fmt: str) -> None:
    blank = tmp_path / "list.dat"
    blank.write_bytes(b"  \n")
    with pytest.raises(ListFormatError, match=r"list\.dat: .*(file is empty|no entries)"):
        list(get_loader(fmt).load(blank))


def test_list_without_entries(fixtures: Path) -> None:
    with pytest.raises(ListFormatError, match="no entries"):
        list(get_loader("un-xml").load(fixtures / "hostile" / "empty_un.xml"))


def test_hostile_file_leaves_store_untouched(database: Database, fixtures: Path) -> None:
    good = load_list_file(database, fixtures / "un_consolidated.xml", "un-xml")
    for name in ("billion_laughs.xml", "xxe.xml", "error_page.html", "empty_un.xml"):
        with pytest.raises(ListFormatError):
            load_list_file(database, fixtures / "hostile" / name, "un-xml")
    with database.session() as session:
        version = current_version(session, "un_sc")
        assert version is not None and version.id == good.version_id
