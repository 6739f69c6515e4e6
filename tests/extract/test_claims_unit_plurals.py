"""Session 7 (`claimfix`): unit names of the learned filter are correct plurals, the subject
cue words need a real name, and generic nouns of people are vocabulary data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sanctionwatch.extract.claimkit.figures import plural_of
from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("facility", "facilities"),
        ("box", "boxes"),
        ("branch", "branches"),
        ("bus", "buses"),
        ("day", "days"),
        ("site", "sites"),
        ("dish", "dishes"),
    ],
)
def test_plural_of(singular: str, plural: str) -> None:
    assert plural_of(singular) == plural


def test_learned_subject_needs_a_name_not_bare_nk() -> None:
    subject = default_vocabulary().learned_subject
    assert subject is not None
    assert subject.search("North Korea sent workers")
    assert not subject.search("the nk team played")


def test_generic_people_are_vocabulary_data_the_loader_requires(tmp_path: Path) -> None:
    assert "suspect" in default_vocabulary().generic_people
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    del data["generic_people"]
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(VocabularyError, match="generic_people"):
        load_vocabulary(path)
