"""Pronouns and definite descriptions read as the one named entity they can mean.

Every sentence here is written for these tests. Resolver-level tests ask which anaphors
resolve to whom; relation-level tests check that the finders then produce the relation, with
the anaphor's span, its sentence as evidence and a lowered confidence.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from test_relations_support import extract, nlp, triples

from sanctionwatch.extract import relations
from sanctionwatch.extract.coreference import (
    COREFERENCE_PATH,
    default_coreference_rules,
    load_coreference_rules,
    resolve_coreferences,
)
from sanctionwatch.extract.relation_mentions import mentions_for_names
from sanctionwatch.extract.relation_parse import ANAPHOR_SOURCE
from sanctionwatch.extract.relations import extractor_version
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.statements import Statement

PETROV, SIDOROV = "Ivan Petrov", "Oleg Sidorov"
AMUR, BALTIC = "Amur Forest LLC", "Baltic Timber LLC"
MINISTRY = "Ministry of Forestry"
NAMES = {
    PETROV: "Person",
    SIDOROV: "Person",
    AMUR: "Company",
    BALTIC: "Company",
    "OFAC": "Organization",
    MINISTRY: "Organization",
    "Kuwait": "Place",
    "Vladivostok": "Place",
}


def resolved(text: str) -> list[tuple[str, str]]:
    """(anaphor as written, canonical name it resolves to) for every resolved anaphor."""
    doc = nlp()(text)
    mentions = mentions_for_names(doc, {n: s for n, s in NAMES.items() if n in text})
    return [(m.text, m.canonical) for m in resolve_coreferences(doc, mentions).anaphors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # subject pronoun, one sentence back
        (f"{PETROV} runs a sawmill in Irkutsk. He is the director of {AMUR}.", ("He", PETROV)),
        # "she": no gender check, a person is a person
        (f"{PETROV} moved to Vladivostok. She later founded {AMUR}.", ("She", PETROV)),
        # object pronoun: never its own clause's subject ("OFAC designated it")
        (f"{BALTIC} opened a sawmill in 2015. OFAC designated it in 2018.", ("it", BALTIC)),
        # possessive with nothing compatible after it
        (f"{AMUR} was set up in 2015. Its director is {PETROV}.", ("Its", AMUR)),
        # a definite description skips an organisation of another kind
        (
            f"OFAC designated {AMUR} in 2016. The firm employed North Korean welders.",
            ("The firm", AMUR),
        ),
        # modifiers and a non-restrictive participle are part of the description
        (
            f"{AMUR} grew fast. The Khabarovsk-based timber company, located near the port, "
            "employed 40 workers.",
            ("The Khabarovsk-based timber company", AMUR),
        ),
        # a ministry noun reads as the ministry, not the company
        (
            f"{AMUR} sells timber. {MINISTRY} fined it. The ministry said so.",
            ("The ministry", MINISTRY),
        ),
        # two sentences back is in scope
        (f"{PETROV} lives in Irkutsk. The sawmill is old. He owns {AMUR}.", ("He", PETROV)),
    ],
)
def test_anaphor_resolves_to_the_one_compatible_name(text: str, expected: tuple[str, str]) -> None:
    assert expected in resolved(text)


@pytest.mark.parametrize(
    "text",
    [
        # two candidates -> nothing
        f"{PETROV} met {SIDOROV} in May. He is the director of {AMUR}.",
        f"{AMUR} sued {BALTIC} in 2017. The company lost the case.",
        # cataphora: the name comes after the pronoun in its sentence
        f"{BALTIC} is a sawmill. Before it was listed, {AMUR} moved to Dubai.",
        f"Before he joined {AMUR}, {PETROV} worked in Moscow.",
        # quoted speech
        f"{PETROV} runs a sawmill. “He is the director of {AMUR},” a colleague said.",
        # another paragraph, or too far back
        f"{PETROV} runs a sawmill.\nHe is the director of {AMUR}.",
        f"{PETROV} lives in Irkutsk. The town is cold. The sawmill is old. He owns it.",
        # an unnamed noun that may be meant
        f"{PETROV} hired a manager in 2015. He owns {AMUR}.",
        f"{AMUR} hired a contractor. The firm employed North Korean welders.",
        # a place in the sentence may be what "it" means
        f"{AMUR} hired workers. Kuwait said it would stop issuing visas.",
        # an expletive "it"
        f"{AMUR} was set up in 2015. It is likely that the registry is wrong.",
        # descriptions that pick out another entity, or name one
        f"{AMUR} was set up in 2015. The same company was later renamed.",
        f"{AMUR} was set up in 2015. The Chinese company was later renamed.",
        f"{AMUR} was set up in 2015. The parent company was later renamed.",
        f"{AMUR} was set up in 2015. A company was later renamed.",
        f"{AMUR} was set up in 2015. The companies were later renamed.",
        # a person noun never reads as a company, a company noun never as a person
        f"{PETROV} was born in 1970. The company was later renamed.",
        f"{AMUR} was set up in 2015. The man was later arrested.",
    ],
)
def test_no_resolution_when_it_is_not_certain(text: str) -> None:
    assert resolved(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the anaphor is the subject of the clause naming the other company: it is not that one
        (f"OFAC designated {AMUR} in 2016. The firm paid {BALTIC} in cash.", ("The firm", AMUR)),
        (f"{AMUR} was listed in 2016. It later sold timber to {BALTIC}.", ("It", AMUR)),
        (
            f"{PETROV} was arrested in May. He told police that {SIDOROV} had fled.",
            ("He", PETROV),
        ),
    ],
)
def test_a_subject_anaphor_never_means_a_name_in_its_own_clause(
    text: str, expected: tuple[str, str]
) -> None:
    assert expected in resolved(text)


@pytest.mark.parametrize(
    "text",
    [
        # a possessive may point ahead to the name after it
        f"{AMUR} was listed in 2016. Its owner sold {BALTIC} in 2019.",
        # the subject of a clause before the main one: the main clause's name may be meant
        f"{AMUR} was listed in 2016. When it was sold, {BALTIC} moved to Dubai.",
    ],
)
def test_a_name_outside_the_anaphors_clause_is_still_cataphora(text: str) -> None:
    assert resolved(text) == []


def test_relation_between_two_companies_through_a_description() -> None:
    _, rows = extract(f"OFAC designated {AMUR} in 2016. The firm paid {BALTIC} for timber.", NAMES)
    pairs = {(row.source, row.target) for row in rows}
    assert (AMUR, BALTIC) in pairs
    assert ("OFAC", BALTIC) not in pairs  # not the subject of the sentence before


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        # two companies: the resolver abstains, and the older rule must not take the subject
        (f"OFAC designated {AMUR} and {BALTIC}. The firm paid {PETROV} in cash.", "OFAC"),
        (f"{MINISTRY} fined {AMUR} and {BALTIC}. The company paid {PETROV} in cash.", MINISTRY),
    ],
)
def test_a_company_noun_never_reads_as_an_authority_or_state_body(text: str, wrong: str) -> None:
    _, rows = extract(text, NAMES)
    assert (wrong, PETROV) not in {(row.source, row.target) for row in rows}


def test_a_company_noun_still_reads_as_the_one_company() -> None:
    _, rows = extract(f"OFAC fined {AMUR} in 2016. The firm paid {PETROV} in cash.", NAMES)
    assert (AMUR, PETROV) in {(row.source, row.target) for row in rows}


def test_the_company_named_right_after_is_no_anaphor() -> None:
    text = f"{AMUR} was set up in 2015. The company {BALTIC} bought it."
    assert ("The company", AMUR) not in resolved(text)


def _employer_statement(statements: list[Statement]) -> Statement:
    (employer,) = [stmt for stmt in statements if stmt.prop == "employer"]
    return employer


def test_relation_through_a_description_has_its_span_sentence_and_lower_confidence() -> None:
    named, _ = extract(f"{AMUR} employed North Korean welders.", NAMES)
    text = f"OFAC designated {AMUR} in 2016. The firm employed North Korean welders."
    statements, rows = extract(text, NAMES)
    assert ("employment", "North Korean welders", AMUR) in triples(rows)
    employer = _employer_statement(statements)
    direct = _employer_statement(named)
    factor = default_coreference_rules().confidence_factor
    assert employer.confidence == pytest.approx(round(direct.confidence * factor, 3))
    assert employer.confidence < direct.confidence
    assert employer.sentence == "The firm employed North Korean welders."
    assert text[employer.start : employer.end].startswith("The firm")


def test_relation_through_a_pronoun_follows_the_resolver_not_the_previous_subject() -> None:
    # "The firm" is the company, not OFAC, the subject of the sentence before.
    _, rows = extract(f"OFAC designated {AMUR} in 2016. The firm employed Korean welders.", NAMES)
    employers = {row.target for row in rows if row.kind == "employment"}
    assert employers == {AMUR}


def test_directorship_through_a_possessive_in_the_next_sentence() -> None:
    text = f"{AMUR} was set up in Khabarovsk in 2015. Its director, {PETROV}, lives in Moscow."
    statements, rows = extract(text, NAMES)
    assert ("directorship", PETROV, AMUR) in triples(rows)
    (organisation,) = [stmt for stmt in statements if stmt.prop == "organization"]
    assert text[organisation.start : organisation.end].startswith("Its")
    assert organisation.sentence == f"Its director, {PETROV}, lives in Moscow."


def test_location_read_from_a_description() -> None:
    text = f"{AMUR} grew fast. The timber company, located in Vladivostok, employed 40 workers."
    _, rows = extract(text, NAMES)
    assert ("location", AMUR, "Vladivostok") in triples(rows)


def test_anaphor_mentions_carry_the_antecedent_and_a_lower_confidence() -> None:
    text = f"{PETROV} runs a sawmill in Irkutsk. He is the director of {AMUR}."
    doc = nlp()(text)
    mentions = mentions_for_names(doc, {PETROV: "Person", AMUR: "Company"})
    coref = resolve_coreferences(doc, mentions)
    (anaphor,) = coref.anaphors
    petrov = next(m for m in mentions if m.canonical == PETROV)
    assert anaphor.source == ANAPHOR_SOURCE
    assert (anaphor.entity_id, anaphor.schema) == (petrov.entity_id, "Person")
    assert text[anaphor.start : anaphor.end] == "He"
    assert anaphor.sentence_start == text.index("He")
    assert anaphor.confidence < petrov.confidence
    assert coref.resolved == {(anaphor.start, anaphor.end): petrov.entity_id}


def _write_rules(tmp_path: Path, **changes: object) -> Path:
    data = yaml.safe_load(COREFERENCE_PATH.read_text(encoding="utf-8")) | changes
    path = tmp_path / "coreference.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_confidence_factor_and_scope_come_from_the_rules_file(tmp_path: Path) -> None:
    text = f"{PETROV} lives in Irkutsk. The sawmill is old. He owns {AMUR}."
    doc = nlp()(text)
    mentions = mentions_for_names(doc, {PETROV: "Person", AMUR: "Company"})
    limits = {"sentences_back": 1, "description_words": 4}
    narrow = load_coreference_rules(_write_rules(tmp_path, limits=limits))
    assert resolve_coreferences(doc, mentions, narrow).anaphors == []
    cheap = load_coreference_rules(_write_rules(tmp_path, confidence_factor=0.5))
    (anaphor,) = resolve_coreferences(doc, mentions, cheap).anaphors
    assert anaphor.confidence == 0.5


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"confidence_factor": 1.5}, "'confidence_factor' must be at most 1"),
        ({"pronouns": "he"}, "'pronouns' must be a list of mappings"),
        ({"descriptions": [{"heads": ["firm"]}]}, "'descriptions[1].refers_to'"),
        ({"descriptions": [{"heads": "firm", "refers_to": ["Company"]}]}, "descriptions[1].heads"),
        ({"limits": {"sentences_back": -1, "description_words": 3}}, "limits.sentences_back"),
    ],
)
def test_a_bad_rules_file_is_one_error_naming_file_and_key(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    path = _write_rules(tmp_path, **changes)
    with pytest.raises(RuleFileError, match=r"coreference\.yaml") as error:
        load_coreference_rules(path)
    assert message in str(error.value)


def test_rules_version_is_part_of_the_relations_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = extractor_version()
    bumped = replace(default_coreference_rules(), version="99")
    monkeypatch.setattr(relations, "default_coreference_rules", lambda: bumped)
    assert extractor_version() != before


def test_each_paragraph_resolves_to_its_own_person() -> None:
    people = [f"Ivan Petrov{suffix}" for suffix in ("", "a", "ov", "ski", "enko")]
    text = "\n".join(f"{name} runs a sawmill. He owns {AMUR}." for name in people)
    doc = nlp()(text)
    mentions = mentions_for_names(doc, {AMUR: "Company"} | dict.fromkeys(people, "Person"))
    anaphors = resolve_coreferences(doc, mentions).anaphors
    assert [(m.text, m.canonical) for m in anaphors] == [("He", name) for name in people]


def test_a_resolved_anaphor_carries_the_entity_further() -> None:
    text = f"{AMUR} was set up in 2015. It hired welders. The sawmill is old. It is in Khabarovsk."
    assert resolved(text) == [("It", AMUR), ("It", AMUR)]


def test_span_through_an_anaphor_is_in_the_original_text() -> None:
    first = f"OFAC designated {AMUR} in 2016."
    second = "The firm employed North Korean welders."
    original = f"<p><b>{first}</b> {second}</p>"
    clean = f"{first} {second}"
    offsets = OffsetMap([[0, 6, len(first)], [len(first), 6 + len(first) + 4, 1 + len(second)]])
    statements, _ = extract(clean, NAMES, offsets=offsets)
    employer = _employer_statement(statements)
    assert original[employer.start : employer.end].startswith("The firm employed")
    assert employer.sentence == second
