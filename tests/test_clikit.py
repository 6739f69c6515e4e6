"""The shared CLI output helpers: one set of records gives both the JSON lines and the table."""

from __future__ import annotations

import json

import pytest

from sanctionwatch.clikit import Column, print_counts, print_records

RECORDS = [
    {"id": "v1", "score": 0.91234, "note": None, "hidden": "only in JSON"},
    {"id": "v2", "score": 0.5, "note": "checked", "hidden": "only in JSON"},
]
COLUMNS: list[Column] = ["id", ("score", lambda r: f"{r['score']:.2f}"), ("remark", "note")]


def test_records_as_json_lines_keep_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    print_records("versions", RECORDS, COLUMNS, as_json=True)
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == RECORDS


def test_records_as_a_table_show_only_the_columns(capsys: pytest.CaptureFixture[str]) -> None:
    print_records("versions", RECORDS, COLUMNS, as_json=False)
    out = capsys.readouterr().out
    assert "remark" in out and "0.91" in out and "checked" in out
    assert "0.91234" not in out and "only in JSON" not in out and "None" not in out


def test_counts_hide_keys_only_in_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    counts = {"documents": 3, "failures": ["a.txt: empty"]}
    print_counts("Extraction", counts, as_json=False, hide=["failures"])
    table = capsys.readouterr().out
    assert "documents" in table and "what" in table and "a.txt" not in table
    print_counts("Extraction", counts, as_json=True, hide=["failures"])
    assert json.loads(capsys.readouterr().out) == counts
