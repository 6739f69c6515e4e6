from __future__ import annotations

import pytest
from followthemoney import model

from sanctionwatch.screen.features import NAME_FEATURES
from sanctionwatch.screen.matcher import compare, compare_names, load_weights


@pytest.mark.parametrize(
    ("left", "right", "schema"),
    [
        ("Kim Jong Un", "KIM JONG-UN", "Person"),
        ("Kim Jong Un", "Kim Chong-un", "Person"),
        ("Kim Jong Un", "김정은", "Person"),
        ("Kim Jong Un", "Ким Чен Ын", "Person"),
        ("Kim Jong Un", "Kim Jongun", "Person"),
        ("Kim Jong Un", "Jong Un Kim", "Person"),
        ("Myohyangsan LLC", "ООО «Мехянсан»", "Company"),
        ("Korea Pugang Trading Corporation", "KOREA PUGANG TRADING CORP.", "Company"),
        ("Vyacheslav Ivanovich Medvedev", "Wjatscheslaw Medwedew", "Person"),
    ],
)
def test_variants_match(left: str, right: str, schema: str) -> None:
    result = compare_names(left, right, schema)
    assert result.match, (result.score, result.explanation)


@pytest.mark.parametrize(
    ("left", "right", "schema"),
    [
        ("Kim Jong Un", "Kim Jong Nam", "Person"),
        ("Kim Jong Un", "Kim Jong Il", "Person"),
        ("Kim Jong Un", "Kim Jung Jong", "Person"),
        ("Ro Hyang-hak", "Ro Hak-chol", "Person"),
        ("Tong San 2", "Tong San 3", "Vessel"),
        ("Korea Pugang Trading Corporation", "Korea Ryonbong General Corporation", "Company"),
        ("John Smith", "Robert Brown", "Person"),
    ],
)
def test_near_names_do_not_match(left: str, right: str, schema: str) -> None:
    result = compare_names(left, right, schema)
    assert not result.match, (result.score, result.explanation)


def test_result_has_every_feature_in_unit_interval_and_an_explanation() -> None:
    result = compare_names("Kim Jong Un", "Kim Jong Nam", "Person")
    assert set(NAME_FEATURES) <= set(result.features)
    assert all(0.0 <= value <= 1.0 for value in result.features.values())
    assert 0.0 <= result.score <= 1.0
    assert any("token_mismatch" in line for line in result.explanation)


def test_threshold_decides_match() -> None:
    result = compare_names("Kim Jong Un", "Kim Jong Nam", "Person", threshold=0.0)
    assert result.match
    assert compare_names("A B", "A B", "Person", threshold=1.0).score <= 1.0


def _person(name: str, **props: str) -> object:
    entity = model.make_entity("Person")
    entity.id = name.replace(" ", "-").lower()
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def test_person_never_matches_vessel() -> None:
    person = model.make_entity("Person")
    person.id = "p"
    person.add("name", "Chon Ma San")
    vessel = model.make_entity("Vessel")
    vessel.id = "v"
    vessel.add("name", "Chon Ma San")
    result = compare(person, vessel)
    assert result.score == 0.0
    assert not result.match
    assert result.features["schema_incompatible"] == 1.0


def test_birth_date_evidence_moves_the_score() -> None:
    query = _person("Kim Jong Un", birthDate="1984-01-08")
    same = _person("Kim Chong-un", birthDate="1984")
    other = _person("Kim Chong-un", birthDate="1950-04-01")
    agree, disagree = compare(query, same), compare(query, other)  # type: ignore[arg-type]
    assert agree.features["birth_date_match"] == 1.0
    assert disagree.features["birth_date_mismatch"] == 1.0
    assert agree.score > disagree.score


def test_identifier_mismatch_separates_vessels_of_one_name() -> None:
    def vessel(imo: str) -> object:
        entity = model.make_entity("Vessel")
        entity.id = imo
        entity.add("name", "Ji Song 6")
        entity.add("imoNumber", imo)
        return entity

    same = compare(vessel("IMO8898740"), vessel("IMO 8898740"))  # type: ignore[arg-type]
    different = compare(vessel("IMO8898740"), vessel("IMO9036533"))  # type: ignore[arg-type]
    assert same.features["identifier_match"] == 1.0
    assert different.features["identifier_mismatch"] == 1.0
    assert same.score > different.score


def test_weak_alias_alone_is_penalised() -> None:
    listed = model.make_entity("Person")
    listed.id = "listed"
    listed.add("name", "Pak Il Song")
    listed.add("weakAlias", "Kim Chol")
    query = _person("Kim Chol")
    result = compare(query, listed)  # type: ignore[arg-type]
    assert result.features["weak_alias"] == 1.0
    strong = model.make_entity("Person")
    strong.id = "strong"
    strong.add("name", "Kim Chol")
    assert compare(query, strong).score > result.score  # type: ignore[arg-type]


def test_fitted_threshold_is_a_probability() -> None:
    assert 0.0 < load_weights().threshold < 1.0


def _labelled_pairs() -> list[dict[str, str]]:
    import csv
    from pathlib import Path

    folder = Path(__file__).parents[2] / "bench" / "data"
    rows: list[dict[str, str]] = []
    for name in ("name_pairs_train.csv", "name_pairs_heldout.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def test_fused_features_equal_the_feature_functions_on_every_labelled_pair() -> None:
    from sanctionwatch.screen.features import name_features, reference_name_features
    from sanctionwatch.screen.normalize import prepare_name

    rows = _labelled_pairs()
    assert len(rows) > 3000
    for row in rows:
        left = prepare_name(row["name1"], row["schema"])
        right = prepare_name(row["name2"], row["schema"])
        fused, reference = name_features(left, right), reference_name_features(left, right)
        assert fused.keys() == reference.keys()
        for feature, value in fused.items():
            assert value == pytest.approx(reference[feature], abs=1e-12), (row, feature)


def test_compare_names_scores_like_the_weighted_feature_dictionary() -> None:
    import math

    weights = load_weights()
    for row in _labelled_pairs()[:300]:
        result = compare_names(row["name1"], row["name2"], row["schema"])
        logit = weights.bias + sum(weights.name[k] * v for k, v in result.features.items())
        assert result.score == pytest.approx(1 / (1 + math.exp(-logit)), abs=1e-12)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Aleksi Petrov", "Aleksei Petrov"),  # both split into "Korean syllables" by accident
        ("Ivan Petrovic", "Ivan Petrovik"),  # one surname, not a name and a patronymic
        ("Corina Vasile", "Корина Василе"),  # c and k are one sound
        ("Tara Km", "Tara Kim"),  # no name part is spelt without a vowel
        ("Ivan Petrov", "Ivan Petrovich Petrov"),
    ],
)
def test_transliteration_and_typo_variants_of_people_match(left: str, right: str) -> None:
    result = compare_names(left, right, "Person")
    assert result.match, (result.score, result.explanation)


def test_patronymic_is_still_not_the_name_it_comes_from() -> None:
    assert not compare_names("Ivan Ivanovich", "Ivan Ivan", "Person").match
