from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from sanctionwatch.cli import app
from sanctionwatch.store import Database
from sanctionwatch.web.dossier import find_chromium
from web_sample_graph import SampleGraph

runner = CliRunner()


def _ftm_binary() -> str:
    import shutil
    import sys

    beside = Path(sys.executable).parent / "ftm"
    return str(beside) if beside.exists() else (shutil.which("ftm") or "ftm")


def _export(database: Database, fmt: str, output: Path) -> None:
    result = runner.invoke(
        app, ["export", "--format", fmt, "--output", str(output), "--db", database.url]
    )
    assert result.exit_code == 0, result.output


def test_ftm_export_validates_and_aggregates_with_followthemoney(
    sqlite_database: Database, graph: SampleGraph, tmp_path: Path
) -> None:
    out = tmp_path / "entities.ftm.json"
    _export(sqlite_database, "ftm", out)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    ids = {line["id"] for line in lines}
    assert {graph.rungrado, graph.arrowcrest, graph.ownership, graph.kim} <= ids
    ftm = _ftm_binary()
    validated = subprocess.run(
        [ftm, "validate", "-i", str(out)], capture_output=True, text=True, check=True
    )
    revalidated = [json.loads(line) for line in validated.stdout.splitlines()]
    assert {e["id"] for e in revalidated} == ids
    ownership = next(e for e in revalidated if e["id"] == graph.ownership)
    assert ownership["properties"]["owner"] == [graph.rungrado]
    aggregated = subprocess.run(
        [ftm, "aggregate", "-i", str(out)], capture_output=True, text=True, check=True
    )
    assert len(aggregated.stdout.splitlines()) == len(lines)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_exports_read_back_with_networkx(
    sqlite_database: Database, graph: SampleGraph, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"graph.{fmt}"
    _export(sqlite_database, fmt, out)
    read = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    assert read.has_edge(graph.rungrado, graph.arrowcrest)
    edge = read.get_edge_data(graph.rungrado, graph.arrowcrest)
    if read.is_multigraph():
        edge = next(iter(edge.values()))
    assert edge["label"] == "owns"
    assert read.nodes[graph.ofac_rungrado]["designated"] in (True, "true", "True")
    assert read.nodes[graph.arrowcrest]["designated"] in (False, "false", "False")
    assert graph.ofac_sanction not in read


def test_csv_export_writes_one_file_per_schema(
    sqlite_database: Database, graph: SampleGraph, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    _export(sqlite_database, "csv", folder)
    assert {p.name for p in folder.iterdir()} >= {"Company.csv", "Person.csv", "Ownership.csv"}
    with (folder / "Company.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    arrowcrest = next(r for r in rows if r["id"] == graph.arrowcrest)
    assert arrowcrest["name"] == "Arrowcrest Limited"
    assert arrowcrest["jurisdiction"] == "hk"


def test_unknown_format_fails_with_a_hint(sqlite_database: Database) -> None:
    result = runner.invoke(app, ["export", "--format", "xls", "--db", sqlite_database.url])
    assert result.exit_code == 1
    assert "unknown export format" in result.output


def test_html_dossier_footnotes_every_fact(
    sqlite_database: Database, graph: SampleGraph, tmp_path: Path
) -> None:
    out = tmp_path / "dossier.html"
    result = runner.invoke(
        app, ["report", graph.rungrado, "--output", str(out), "--db", sqlite_database.url]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Korea Rungrado General Trading Corporation" in html
    assert 'href="#src-1"' in html and 'id="src-1"' in html
    assert "according to company filings" in html
    assert "Arrowcrest Limited" in html


def test_report_for_unknown_entity_fails(sqlite_database: Database) -> None:
    result = runner.invoke(app, ["report", "nobody", "--db", sqlite_database.url])
    assert result.exit_code == 1
    assert "no entity" in result.output


def test_pdf_dossier_opens_and_names_the_entity(
    sqlite_database: Database, graph: SampleGraph, tmp_path: Path
) -> None:
    if find_chromium() is None:
        if os.environ.get("SANCTIONWATCH_REQUIRE_BROWSER") == "1":
            pytest.fail("SANCTIONWATCH_REQUIRE_BROWSER=1 but Chromium is missing")
        pytest.skip("no Chromium")
    out = tmp_path / "dossier.pdf"
    result = runner.invoke(
        app,
        [
            "report",
            graph.arrowcrest,
            "--format",
            "pdf",
            "-o",
            str(out),
            "--db",
            sqlite_database.url,
        ],
    )
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() or "" for page in PdfReader(out).pages)
    assert "Arrowcrest Limited" in text
    assert "Korea Rungrado" in text


def test_run_without_serving_prints_the_summary(sqlite_database: Database) -> None:
    result = runner.invoke(app, ["run", "--no-serve", "--db", sqlite_database.url])
    assert result.exit_code == 0, result.output
    assert "SanctionWatch store" in result.output


def test_run_serves_only_when_asked_or_in_a_terminal(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(
        "sanctionwatch.web.commands.serve_app",
        lambda database, host, port: served.append((host, port)),
    )
    quiet = runner.invoke(app, ["run", "--db", sqlite_database.url])
    assert quiet.exit_code == 0, quiet.output
    assert served == [] and "sanctionwatch serve" in quiet.output
    asked = runner.invoke(app, ["run", "--serve", "--port", "8123", "--db", sqlite_database.url])
    assert asked.exit_code == 0, asked.output
    assert served == [("127.0.0.1", 8123)]
