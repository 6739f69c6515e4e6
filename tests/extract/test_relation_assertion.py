"""One check for "is this clause stated as fact?" (``extract/relation_assertion.py``), used by
every relation rule: the sentence rules' fallback, links, sweeps and roles.

Sentences and names are invented for these tests.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from spacy.language import Language

from relationkit import rows_for
from sanctionwatch.extract.relation_assertion import AssertionWords, asserted, unasserted
from sanctionwatch.extract.relation_rules import (
    RULES_PATH,
    RelationRulesError,
    default_rules,
    load_rules,
    parse_rules,
)

SOBAEK = "Sobaek Trading Corporation"
KUMSONG = "Kumsong Marine Ltd"
PARTY = "Workers' Party of Korea"
NAMES = {
    SOBAEK: "Company",
    KUMSONG: "Company",
    PARTY: "Organization",
    "Ri Chol": "Person",
    "Office of Foreign Assets Control": "Organization",
}

# (sentence, the word whose clause is judged, why it is not asserted or None)
TABLE = [
    (f"{SOBAEK} supplied coal to {KUMSONG}.", "supplied", None),
    (f"{SOBAEK} did not supply coal to {KUMSONG}.", "supply", "negated"),
    (f"{SOBAEK} never supplied coal to {KUMSONG}.", "supplied", "negated"),
    (f"{SOBAEK} might supply coal to {KUMSONG}.", "supply", "hedged"),
    (f"{SOBAEK} will supply coal to {KUMSONG} next year.", "supply", "hedged"),
    (f"{SOBAEK} possibly supplied coal to {KUMSONG}.", "supplied", "hedged"),
    (f"{SOBAEK} allegedly supplied coal to {KUMSONG}.", "supplied", None),
    (f"{SOBAEK} reportedly supplied coal to {KUMSONG}.", "supplied", None),
    (f"{SOBAEK} denied supplying coal to {KUMSONG}.", "supplying", "denied"),
    (f"{SOBAEK} denied that it supplied coal to {KUMSONG}.", "supplied", "denied"),
    (
        f"The ministry refused to confirm that {SOBAEK} supplied coal to {KUMSONG}.",
        "supplied",
        "denied",
    ),
    (
        f"The ministry declined to say whether {SOBAEK} supplied coal to {KUMSONG}.",
        "supplied",
        "denied",
    ),
    (f"There is no evidence that {SOBAEK} supplied coal to {KUMSONG}.", "supplied", "no evidence"),
    (f"Auditors found no evidence that {SOBAEK} paid {KUMSONG}.", "paid", "no evidence"),
    (f"Auditors found evidence that {SOBAEK} paid {KUMSONG}.", "paid", None),
    (f"Officials did not say whether {SOBAEK} paid {KUMSONG}.", "paid", "negated"),
    (f"Officials said {SOBAEK} has paid {KUMSONG}.", "paid", None),
    (f"Officials may say that {SOBAEK} paid {KUMSONG}.", "paid", None),
    (f"{SOBAEK} might try to sell coal to {KUMSONG}.", "sell", "hedged"),
    (f"{SOBAEK} did not buy or sell coal from {KUMSONG}.", "sell", "negated"),
    (f"{SOBAEK} did not buy coal but sold it to {KUMSONG}.", "sold", None),
    (f"Ri Chol is no longer affiliated with the {PARTY}.", "affiliated", "negated"),
    (f"Ri Chol denied being affiliated with the {PARTY}.", "affiliated", "denied"),
    (f"Ri Chol is affiliated with the {PARTY}.", "affiliated", None),
    # questions the page leaves open (rules.yaml assertion.unsettled)
    (f"The ministry has yet to designate {SOBAEK}.", "designate", "unsettled"),
    (f"{SOBAEK} is yet to be paid by {KUMSONG}.", "paid", "unsettled"),
    (f"It is unclear whether {SOBAEK} paid {KUMSONG}.", "paid", "unsettled"),
    (f"It remains uncertain if {SOBAEK} supplied coal to {KUMSONG}.", "supplied", "unsettled"),
    (f"Officials are considering sanctioning {SOBAEK}.", "sanctioning", "unsettled"),
    (f"Officials are weighing whether to sanction {SOBAEK}.", "sanction", "unsettled"),
    (f"The ministry plans to designate {SOBAEK} next month.", "designate", "unsettled"),
    (f"{SOBAEK} may be a front for {KUMSONG}.", "front", "hedged"),
    (f"Ri Chol may be employed by {SOBAEK}.", "employed", "hedged"),
    (f"Officials said it is clear that {SOBAEK} paid {KUMSONG}.", "paid", None),
    (f"{SOBAEK} paid {KUMSONG}, which is considering an appeal.", "paid", None),
    (f"{SOBAEK} has already paid {KUMSONG}.", "paid", None),
    (f"{SOBAEK} is considered to be a front for {KUMSONG}.", "front", None),
    (f"Officials consider {SOBAEK} a front for {KUMSONG}.", "front", None),
    (f"{SOBAEK} is considered a front for {KUMSONG}.", "front", None),
    # a negation inside an apposition the parser hung on its head
    (f"{KUMSONG}, no longer a subsidiary of {SOBAEK}, sold two ships.", "subsidiary", "negated"),
    (f"{KUMSONG}, a subsidiary of {SOBAEK}, sold two ships.", "subsidiary", None),
    (f"{KUMSONG} is no longer a subsidiary of {SOBAEK}.", "subsidiary", "negated"),
]


@pytest.mark.parametrize(("text", "word", "reason"), TABLE)
def test_why_a_clause_is_not_asserted(
    nlp: Language, text: str, word: str, reason: str | None
) -> None:
    doc = nlp(text)
    token = next(t for t in doc if t.text == word)
    words = default_rules().assertion
    assert unasserted(token, words) == reason
    assert asserted(token, words) is (reason is None)


def test_reach_bounds_how_far_up_the_check_looks(nlp: Language) -> None:
    doc = nlp(f"The ministry refused to confirm that {SOBAEK} supplied coal to {KUMSONG}.")
    supplied = next(t for t in doc if t.text == "supplied")
    words = default_rules().assertion
    assert not asserted(supplied, words)
    assert asserted(supplied, AssertionWords(denial_verbs=words.denial_verbs, reach=1))


def _dealings(nlp: Language, text: str) -> list[tuple[str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="assert", published=date(2024, 5, 2))
    return [(row.source, row.target) for row in rows if row.kind == "unknown"]


@pytest.mark.parametrize(
    ("text", "linked"), [(text, reason is None) for text, _, reason in TABLE[:21]]
)
def test_links_follow_the_table(nlp: Language, text: str, linked: bool) -> None:
    """Dealing links are written exactly for the asserted sentences of the table."""
    assert ((SOBAEK, KUMSONG) in _dealings(nlp, text)) is linked


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        (f"{SOBAEK} visited {KUMSONG} in 2019.", True),
        (f"{SOBAEK} may visit {KUMSONG}.", False),
        (f"{SOBAEK} did not visit {KUMSONG}.", False),
        (f"{SOBAEK} denied visiting {KUMSONG}.", False),
        (f"{SOBAEK} acquired {KUMSONG} in 2019.", True),
        (f"{SOBAEK} may acquire {KUMSONG}.", False),
        (f"{SOBAEK} does not own {KUMSONG}.", False),
        (f"{SOBAEK} denied owning {KUMSONG}.", False),
        (f"There is no evidence that {SOBAEK} owns {KUMSONG}.", False),
    ],
)
def test_the_sentence_rules_use_the_same_check(nlp: Language, text: str, linked: bool) -> None:
    rows = rows_for(nlp, text, NAMES, document_id="fallback", published=date(2024, 5, 2))
    pairs = {(row.source, row.target) for row in rows}
    assert ((SOBAEK, KUMSONG) in pairs) is linked


@pytest.mark.parametrize(
    ("text", "sanctioned"),
    [
        (f"The Office of Foreign Assets Control targeted {SOBAEK} and {KUMSONG}.", True),
        (f"The Office of Foreign Assets Control did not target {SOBAEK} or {KUMSONG}.", False),
        (f"The Office of Foreign Assets Control may target {SOBAEK} and {KUMSONG}.", False),
        (
            f"The Office of Foreign Assets Control declined to target {SOBAEK} and {KUMSONG}.",
            False,
        ),
        (f"The Office of Foreign Assets Control sanctioned {SOBAEK} and {KUMSONG}.", True),
        (f"The Office of Foreign Assets Control did not sanction {SOBAEK} or {KUMSONG}.", False),
        (f"The Office of Foreign Assets Control might sanction {SOBAEK} and {KUMSONG}.", False),
    ],
)
def test_sweeps_designate_only_asserted_clauses(nlp: Language, text: str, sanctioned: bool) -> None:
    rows = rows_for(nlp, text, NAMES, document_id="sweep", published=date(2024, 5, 2))
    targets = {row.source for row in rows if row.kind == "sanction"}
    assert (targets == {SOBAEK, KUMSONG}) is sanctioned
    assert bool(targets) is sanctioned


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Ri Chol is a North Korean national.", True),
        ("Ri Chol, a North Korean national, was arrested.", True),
        ("Ri Chol is not a North Korean national.", False),
        ("Ri Chol may be a North Korean national.", False),
    ],
)
def test_nationality_nouns_use_the_same_check(nlp: Language, text: str, stated: bool) -> None:
    rows = rows_for(nlp, text, NAMES, document_id="national", published=date(2024, 5, 2))
    nationalities = {(row.source, row.target) for row in rows if row.kind == "nationality"}
    assert (("Ri Chol", "North Korea") in nationalities) is stated


def test_rules_file_checks_the_assertion_section() -> None:
    packaged = load_rules()
    assert "might" in packaged.assertion.modals
    assert "deny" in packaged.assertion.denial_verbs
    assert "allegedly" not in packaged.assertion.hedges  # a reported claim stays a statement
    with pytest.raises(RelationRulesError, match="assertion: reach"):
        parse_rules({**_raw_rules(), "assertion": {"reach": -1}}, "rules.yaml")
    with pytest.raises(RelationRulesError, match=r"assertion\.modals"):
        parse_rules({**_raw_rules(), "assertion": {"modals": "might"}}, "rules.yaml")


def _raw_rules() -> dict[str, object]:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
