"""bench/claims_classifier.py: which hard limits a fold keeps, which figures reach the filter,
and that the labels of the shipped protocol need the unit as well as the value."""

from __future__ import annotations

from benchkit import load_bench

trainer = load_bench("claims_classifier")


def _figure(
    set_name: str, *limits: str, gold: bool = False, gold_value: bool = False, ruled: bool = False
) -> object:
    return trainer.Candidate(
        set_name, "doc", 5.0, "persons", {}, gold, ruled, gold_value=gold_value, limits=limits
    )


def test_a_fold_keeps_only_the_limits_its_training_sets_support() -> None:
    train = [
        _figure("a", "year"),
        _figure("a", "year"),
        _figure("b", "year", gold=True),
        _figure("a", "noun:age", gold=True),  # rules out a right figure: not supported
        _figure("b", "verb:fire"),
        _figure("b", "verb:fire", gold=True),  # one each: a tie is no support
        _figure("b", "noun:mile", ruled=True),  # the rules stored it: no evidence either way
    ]
    label = trainer.SHIPPED.label
    assert trainer.chosen_limits(train, label) == frozenset({"year"})


def test_a_limit_seen_only_in_the_left_out_set_does_not_apply() -> None:
    held = _figure("c", "noun:hostage")
    kept = trainer.chosen_limits(
        [_figure("a", "year"), _figure("b", "year")], trainer.SHIPPED.label
    )
    assert trainer.passes(held, kept)
    assert not trainer.passes(held, None)  # every limit in force, as the extractor runs
    assert not trainer.passes(_figure("c", "year"), kept)
    assert trainer.passes(_figure("c", "year", ruled=True), kept)
    assert trainer.passes(_figure("c"), None)


def test_the_shipped_labels_need_value_and_unit() -> None:
    right_value_wrong_unit = _figure("a", gold=False, gold_value=True)
    assert not trainer.SHIPPED.label(right_value_wrong_unit)
    published = next(p for p in trainer.PROTOCOLS if p.name == "published")
    assert published.label(right_value_wrong_unit)
    assert published.limits([_figure("a", "year")]) is None
    assert trainer.SHIPPED.limits([_figure("a", "year")]) == frozenset({"year"})
