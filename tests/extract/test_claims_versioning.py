"""The version the pipeline records for claims follows the vocabulary and the figure model."""

from __future__ import annotations

import dataclasses

import pytest

from sanctionwatch.extract import claims as claims_module
from sanctionwatch.extract import pipeline
from sanctionwatch.extract.claimkit import figures
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary


def test_pipeline_records_the_version_the_claims_are_stamped_with() -> None:
    vocabulary = default_vocabulary()
    model = figures.default_model() if vocabulary.learned_measure is not None else None
    expected = claims_module.extractor_version(vocabulary, model)
    assert pipeline.extractor_versions()["claims"] == expected
    assert f"+v{vocabulary.version}" in expected


def test_a_vocabulary_edit_changes_the_recorded_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pipeline.extractor_versions()["claims"]
    vocabulary = default_vocabulary()
    edited = dataclasses.replace(vocabulary, version=f"{vocabulary.version}edited")
    monkeypatch.setattr(claims_module, "default_vocabulary", lambda: edited)
    after = pipeline.extractor_versions()["claims"]
    assert after != before
    assert f"+v{edited.version}" in after


def test_a_new_figure_model_changes_the_recorded_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pipeline.extractor_versions()["claims"]
    retrained = dataclasses.replace(figures.default_model(), version="retrained")
    monkeypatch.setattr(figures, "default_model", lambda: retrained)
    assert pipeline.extractor_versions()["claims"].endswith("+mretrained")
    assert pipeline.extractor_versions()["claims"] != before


def test_unknown_module_attributes_still_raise() -> None:
    with pytest.raises(AttributeError):
        _ = claims_module.NOT_A_NAME  # type: ignore[attr-defined]
