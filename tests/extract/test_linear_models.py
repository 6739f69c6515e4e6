"""The shared reader and scorer of the learned components' logistic regressions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sanctionwatch.extract.linear_models import (
    Switch,
    active,
    class_weights,
    number,
    parse_switch,
    read_json,
    softmax,
)


class BadFileError(Exception):
    """Stands for a component's one-line file error."""


def _fail(problem: str) -> Exception:
    return BadFileError(f"model.json: {problem}")


def test_softmax_adds_the_weights_of_the_features_present() -> None:
    bias = {"none": 0.0, "yes": 0.0}
    weights = {"cue": {"yes": math.log(3.0)}, "other": {"none": 9.0}}
    probabilities = softmax(bias, weights, ["cue", "unseen"])
    assert probabilities["yes"] == pytest.approx(0.75)
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert softmax(bias, weights, []) == {"none": 0.5, "yes": 0.5}
    huge = softmax(bias, {"big": {"yes": 5000.0}}, ["big"])  # no overflow
    assert huge["yes"] == pytest.approx(1.0)


@pytest.mark.parametrize("value", [True, "1", None, math.inf, math.nan])
def test_number_refuses_what_is_no_finite_number(value: object) -> None:
    with pytest.raises(BadFileError, match=r"'bias\.yes' must be a number"):
        number(value, "bias.yes", _fail)
    assert number(2, "x", _fail) == 2.0


def test_class_weights_check_every_row() -> None:
    assert class_weights({"f": {"yes": 1}}, ["none", "yes"], _fail) == {"f": {"yes": 1.0}}
    with pytest.raises(BadFileError, match="'weights' must map"):
        class_weights([], ["yes"], _fail)
    with pytest.raises(BadFileError, match="weights of 'f'"):
        class_weights({"f": {"maybe": 1}}, ["none", "yes"], _fail)
    with pytest.raises(BadFileError, match=r"'weights\.f' must be a number"):
        class_weights({"f": {"yes": "high"}}, ["none", "yes"], _fail)


def test_read_json_fails_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{oops", "utf-8")
    with pytest.raises(BadFileError, match=r"not valid JSON \(line 1"):
        read_json(broken, "test model", _fail)
    with pytest.raises(BadFileError, match="cannot read the test model"):
        read_json(tmp_path / "absent.json", "test model", _fail)
    good = tmp_path / "good.json"
    good.write_text('{"version": "1"}', "utf-8")
    assert read_json(good, "test model", _fail) == {"version": "1"}


@pytest.mark.parametrize(
    ("setting", "packaged_on", "expected"),
    [
        ("off", True, None),
        ("No", True, None),
        ("on", False, "packaged.json"),
        (" 1 ", False, "packaged.json"),
        ("/elsewhere/other.json", False, "/elsewhere/other.json"),
        ("", True, "packaged.json"),
        ("", False, None),
    ],
)
def test_active_follows_the_setting_then_the_packaged_switch(
    monkeypatch: pytest.MonkeyPatch, setting: str, packaged_on: bool, expected: str | None
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_TEST_MODEL", setting)
    asked: list[str] = []

    def enabled(path: str) -> bool:
        asked.append(path)
        return packaged_on

    chosen = active("SANCTIONWATCH_TEST_MODEL", Path("packaged.json"), lambda path: path, enabled)
    assert chosen == expected
    assert asked == ([] if setting.strip() else ["packaged.json"])


def test_parse_switch_reads_version_and_enabled_but_not_the_weights() -> None:
    assert parse_switch({"version": "3", "weights": "broken"}, _fail) == Switch("3", False)
    assert parse_switch({"version": "3", "enabled": True}, _fail) == Switch("3", True)
    with pytest.raises(BadFileError, match=r"model\.json: .*'version' string"):
        parse_switch({"enabled": True}, _fail)
    with pytest.raises(BadFileError, match=r"model\.json: 'enabled' must be true or false"):
        parse_switch({"version": "3", "enabled": "yes"}, _fail)
