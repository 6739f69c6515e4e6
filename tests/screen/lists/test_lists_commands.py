from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctionwatch.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[3]


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _json_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_load_detects_format_and_reports(tmp_path: Path, fixtures: Path) -> None:
    result = runner.invoke(
        app, ["lists", "load", str(fixtures / "un_consolidated.xml"), "--db", _db(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "un_sc: version 1 loaded from un-xml" in result.output
    again = runner.invoke(
        app,
        ["lists", "load", str(fixtures / "un_consolidated.xml"), "--db", _db(tmp_path), "--json"],
    )
    assert _json_lines(again.output)[0]["unchanged"] is True


def test_versions_diff_show(tmp_path: Path, fixtures: Path) -> None:
    db = _db(tmp_path)
    runner.invoke(
        app, ["lists", "load", str(fixtures / "un_consolidated.xml"), "-f", "un-xml", "--db", db]
    )
    text = (fixtures / "un_consolidated.xml").read_text(encoding="utf-8")
    newer = tmp_path / "newer.xml"
    newer.write_text(text.replace("KPe.976", "KPe.977"), encoding="utf-8")
    loaded = runner.invoke(app, ["lists", "load", str(newer), "--db", db])
    assert "1 added, 1 removed, 0 changed" in loaded.output
    versions = _json_lines(runner.invoke(app, ["lists", "versions", "--json", "--db", db]).output)
    assert [(v["id"], v["status"]) for v in versions] == [(1, "superseded"), (2, "current")]
    diff = _json_lines(runner.invoke(app, ["lists", "diff", "1", "2", "--json", "--db", db]).output)
    assert {(row["change"], row["entity_id"]) for row in diff} == {
        ("added", "un-sc-KPe.977"),
        ("removed", "un-sc-KPe.976"),
    }
    by_source = runner.invoke(app, ["lists", "diff", "--source", "un_sc", "--db", db])
    assert "un-sc-KPe.977" in by_source.output
    shown = _json_lines(
        runner.invoke(app, ["lists", "show", "un-sc-KPe.038", "--json", "--db", db]).output
    )
    assert shown[0]["schema"] == "Organization"
    assert shown[1]["schema"] == "Sanction"
    table = runner.invoke(app, ["lists", "show", "un-sc-KPe.038", "--db", db])
    assert "KOREA PUGANG TRADING CORPORATION" in table.output


def test_errors_are_one_line_with_exit_code(tmp_path: Path, fixtures: Path) -> None:
    db = _db(tmp_path)
    bomb = runner.invoke(
        app,
        [
            "lists",
            "load",
            str(fixtures / "hostile" / "billion_laughs.xml"),
            "-f",
            "un-xml",
            "--db",
            db,
        ],
    )
    assert bomb.exit_code == 1
    assert "refused" in bomb.output and "previous version" in bomb.output
    unknown = runner.invoke(
        app, ["lists", "load", str(fixtures / "hostile" / "error_page.html"), "--db", db]
    )
    assert unknown.exit_code == 1 and "cannot tell the list format" in unknown.output
    missing = runner.invoke(app, ["lists", "show", "un-sc-nope", "--db", db])
    assert missing.exit_code == 1 and "no list entity" in missing.output
    no_versions = runner.invoke(app, ["lists", "diff", "--source", "un_sc", "--db", db])
    assert no_versions.exit_code == 1 and "fewer than two versions" in no_versions.output
    bad_ids = runner.invoke(app, ["lists", "diff", "7", "8", "--db", db])
    assert bad_ids.exit_code == 1 and "does not exist" in bad_ids.output


def test_example_lists_load(tmp_path: Path) -> None:
    db = _db(tmp_path)
    for name in ("un_dprk_sample.xml", "ofac_sdn_dprk_sample.csv"):
        result = runner.invoke(
            app, ["lists", "load", str(REPO / "examples" / "lists" / name), "--db", db]
        )
        assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["lists", "show", "ofac-19613", "--db", db])
    assert "RUNGRADO TRADING CORPORATION" in shown.output


def test_load_folder_continues_past_bad_files(tmp_path: Path, fixtures: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    for name in ("un_consolidated.xml", "eu_fsf.xml"):
        (folder / name).write_bytes((fixtures / name).read_bytes())
    (folder / "broken.xml").write_bytes((fixtures / "ofac_sdn.xml").read_bytes()[:900])
    (folder / "notes.txt").write_text("not a list", encoding="utf-8")
    result = runner.invoke(app, ["lists", "load", str(folder), "--db", _db(tmp_path), "--json"])
    assert result.exit_code == 1
    assert "broken.xml: malformed XML" in result.output
    loaded = {row["source"] for row in _json_lines(result.output)}
    assert loaded == {"un_sc", "eu_fsf"}


def test_load_ofac_folder_reads_companions_once(tmp_path: Path, fixtures: Path) -> None:
    result = runner.invoke(
        app, ["lists", "load", str(fixtures / "ofac"), "--db", _db(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = _json_lines(result.output)
    assert [(row["source"], row["entities"]) for row in rows] == [("us_ofac_sdn", 6)]


def test_sources_command() -> None:
    result = runner.invoke(app, ["lists", "sources", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in _json_lines(result.output)}
    assert rows["un_sc"]["format"] == "un-xml"
    assert rows["opensanctions"]["enabled"] is False


def test_every_lists_command_has_an_example() -> None:
    for name in ("load", "update", "diff", "versions", "show", "sources"):
        result = runner.invoke(app, ["lists", name, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example" in result.output, name
