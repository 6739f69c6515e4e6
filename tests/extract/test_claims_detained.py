"""Session 7 (`claimfix`): one definition per measure key, and a count of people detained is of
North Koreans only when the detained themselves are North Korean. Sentences written for these
tests, in varied forms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from spacy.language import Language
from test_claims import read

from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    load_vocabulary,
)


def _measures(nlp: Language, text: str) -> list[tuple[str, float]]:
    return [(claim.measure, claim.value) for claim in read(nlp, text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Police in Khabarovsk detained 12 North Korean workers last week.", 12),
        ("Russian police arrested two men, both North Korean nationals, in Vladivostok.", 2),
        ("Police detained 3 men, North Korean citizens who worked at a site.", 3),
        ("Border guards apprehended 30 North Koreans near the river.", 30),
        ("Officers arrested four workers from North Korea.", 4),
    ],
)
def test_north_koreans_detained(nlp: Language, text: str, value: float) -> None:
    assert _measures(nlp, text) == [("dprk_nationals_detained", value)]


@pytest.mark.parametrize(
    "text",
    [
        "Russian police arrested 2 men who had hired North Korean workers.",
        "After the North Korean ship docked, police detained 5 Chinese traders.",
        "Officers arrested three local managers of a firm that employed North Korean labourers.",
    ],
)
def test_others_detained_in_a_sentence_about_north_korea_are_no_claim(
    nlp: Language, text: str
) -> None:
    assert _measures(nlp, text) == []


def _with_measures(tmp_path: Path, edit: object) -> Path:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    assert callable(edit)
    edit(data["measures"])
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_key_defined_again_further_down_is_rejected(tmp_path: Path) -> None:
    def redefine(measures: list[dict[str, object]]) -> None:
        measures.append({**measures[0], "verbs": ["seize:obj"]})

    path = _with_measures(tmp_path, redefine)
    with pytest.raises(VocabularyError) as raised:
        load_vocabulary(path)
    message = str(raised.value)
    assert str(path) in message and f"`{load_vocabulary().measures[0].key}`" in message
    assert "\n" not in message


def test_alternatives_of_one_key_need_one_label(tmp_path: Path) -> None:
    def relabel(measures: list[dict[str, object]]) -> None:
        measures.insert(1, {**measures[0], "label": "something else"})

    with pytest.raises(VocabularyError, match="two labels"):
        load_vocabulary(_with_measures(tmp_path, relabel))


def test_the_shipped_vocabulary_defines_each_key_in_one_place() -> None:
    keys = [rule.key for rule in load_vocabulary().measures]
    groups = [key for index, key in enumerate(keys) if index == 0 or keys[index - 1] != key]
    assert len(groups) == len(set(groups))
    assert keys.count("dprk_nationals_detained") == 1


def test_detained_of_north_koreans_named_before(nlp: Language) -> None:
    text = "Inspectors found 40 North Korean workers at the site. Police detained 12 of them."
    detained = [(m, v) for m, v in _measures(nlp, text) if m == "dprk_nationals_detained"]
    assert detained == [("dprk_nationals_detained", 12)]


def test_managers_arrested_after_north_korean_workers_are_no_detained_north_koreans(
    nlp: Language,
) -> None:
    text = (
        "A Russian firm hired 300 North Korean workers in 2019. "
        "Police later arrested 2 managers of the firm."
    )
    assert all(value != 2 for _measure, value in _measures(nlp, text))
