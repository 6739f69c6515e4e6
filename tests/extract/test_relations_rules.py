"""The relation rules file: loading, validation errors, versions; date phrases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from test_relations_support import nlp

from sanctionwatch.extract.relation_dates import resolve_date
from sanctionwatch.extract.relation_finders import Fact, Link
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_rules import (
    RULES_PATH,
    RelationRulesError,
    default_rules,
    load_rules,
    normalise_phrase,
    parse_rules,
)
from sanctionwatch.extract.relations import (
    EXTRACTOR_VERSION,
    extractor_version,
    find_relations,
    rule_file_versions,
)
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap


def _packaged() -> dict[str, object]:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_packaged_rules_load_with_a_version() -> None:
    rules = default_rules()
    assert rules.version == str(_packaged()["version"])
    assert rules.title("senior fellow") is not None
    assert rules.authority("the U.S. Treasury Department") is not None
    assert rules.authority("U.N.").name == "United Nations Security Council"  # type: ignore[union-attr]
    assert rules.authority("the Kremlin") is None


def test_version_of_statements_follows_the_rules_version(tmp_path: Path) -> None:
    data = _packaged() | {"version": "9.9.9"}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rules = load_rules(path)
    assert rule_file_versions(rules)["rules"] == "9.9.9"
    # readable ("...+r9.9.9") or a digest once it outgrows the column: either way it changes
    assert extractor_version(rules) != EXTRACTOR_VERSION


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("version"), "expected a mapping with a 'version' key"),
        (
            lambda d: d["verbs"][0].update(schema="Ownershp"),
            "unknown FollowTheMoney schema 'Ownershp'",
        ),
        (lambda d: d["nouns"][0].update(holder="proprietor"), "has no property 'proprietor'"),
        (lambda d: d["verbs"][0].update(confidence=1.5), "confidence must be a number in (0, 1]"),
        (
            lambda d: d["titles"].update(bosses={"words": ["boss"], "confidence": 0.5}),
            "unknown title kind 'bosses'",
        ),
        (lambda d: d["sanctions"].update(verbs="sanction"), "expected a list of strings"),
        (
            lambda d: d["titles"]["directorship"].update(indirect="bosses"),
            "indirect names no title kind 'bosses'",
        ),
        (lambda d: d["worker_groups"]["link"].update(workers="crew"), "has no property 'crew'"),
        (lambda d: d["fallback"].pop("schema"), "fallback: missing 'schema'"),
        (
            lambda d: d["locations"]["registered_fact"].update(country_property="homeland"),
            "has no property 'homeland'",
        ),
        (
            lambda d: d["locations"]["based_fact"].update(evidence="{town}-based"),
            "evidence may use only {place} and {cue}",
        ),
    ],
)
def test_bad_rules_fail_naming_the_file_and_the_rule(change, message: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _packaged()
    change(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RelationRulesError) as error:
        load_rules(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_unreadable_and_invalid_files_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(RelationRulesError, match="cannot read relation rules: No such file"):
        load_rules(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [unclosed\n", encoding="utf-8")
    with pytest.raises(RelationRulesError, match="cannot read relation rules: line 2, column 1"):
        load_rules(broken)
    with pytest.raises(RelationRulesError, match="expected a mapping"):
        parse_rules(["not", "a", "mapping"], "inline")


@pytest.mark.parametrize(
    "content",
    [
        "version: 1\nverbs: [never closed\nnouns: {\n",  # bad YAML
        "- version\n- 1\n",  # a list
        "verbs: []\n",  # no version
        b"version: 1\nparty_schemata: \xff\xfe\n",  # not UTF-8
        None,  # missing
    ],
)
def test_a_broken_rules_file_is_one_rule_file_error_line_naming_it(
    tmp_path: Path, content: str | bytes | None
) -> None:
    path = tmp_path / "edited.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(RelationRulesError) as raised:
        load_rules(path)
    message = str(raised.value)
    assert isinstance(raised.value, RuleFileError)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message


def test_an_added_cue_verb_is_used(tmp_path: Path) -> None:
    data = _packaged()
    data["verbs"][0]["lemmas"].append("bankroll")  # type: ignore[index]
    rules = parse_rules(data)
    assert "bankroll" in rules.verbs[0].lemmas
    assert "bankroll" in rules.trigger_verbs  # the UnknownLink fallback leaves it alone


def test_links_and_place_facts_are_written_as_the_rules_file_says() -> None:
    data = _packaged()
    data["titles"]["possessive"].update(role="correspondent", confidence=0.55)  # type: ignore[index]
    data["locations"]["registered_fact"].update(evidence="incorporated in {place}")  # type: ignore[index]
    rules = parse_rules(data)
    text = "The Daily Courier's Anna Berg wrote that Amur Forest LLC is registered in Cyprus."
    names = {"Daily Courier": "Organization", "Anna Berg": "Person", "Amur Forest LLC": "Company"}
    doc = nlp()(text)
    context = DocumentContext("doc-rules", text, OffsetMap.identity(len(text)))
    found = list(find_relations(doc, context, mentions_for_names(doc, names), rules))
    (staff,) = [
        item for item in found if isinstance(item, Link) and item.rule == "title:possessive"
    ]
    assert ("role", "correspondent", None) in staff.values
    assert staff.confidence == 0.55
    assert set(staff.parties) == {"employee", "employer"}
    (registered,) = [item for item in found if isinstance(item, Fact)]
    assert (registered.kind, registered.prop, registered.value) == (
        "registration",
        "jurisdiction",
        "cy",
    )
    assert registered.original == "incorporated in Cyprus"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the U.S.", "us"),
        ("The EU's", "eu"),
        ("U.N.-backed", "un-backed"),
        ("  Treasury   Department ", "treasury department"),
    ],
)
def test_normalise_phrase(text: str, expected: str) -> None:
    assert normalise_phrase(text) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("in December 2016", None, "2016-12"),
        ("on 22 December 2017", None, "2017-12-22"),
        ("on December 22, 2017", None, "2017-12-22"),
        ("since 2013", None, "2013"),
        ("on June 28", date(2022, 7, 20), "2022-06-28"),
        ("on June 28", None, None),
        ("last year", date(2019, 2, 3), "2018"),
        ("this month", date(2019, 2, 3), "2019-02"),
        ("last month", date(2019, 1, 3), "2018-12"),
        ("in Aug. 2018", None, "2018-08"),
        ("on February 30, 2019", None, "2019-02"),
        ("soon", date(2019, 2, 3), None),
        ("in 1000 days", None, None),
    ],
)
def test_resolve_date(text: str, published: date | None, expected: str | None) -> None:
    assert resolve_date(text, published) == expected


def test_relation_rule_errors_are_rule_file_errors() -> None:
    """Callers catch every rules file's problem as one neutral error of the shared checks."""
    assert issubclass(RelationRulesError, RuleFileError)
    with pytest.raises(RuleFileError, match="expected a mapping"):
        parse_rules([], "rules.yaml")
