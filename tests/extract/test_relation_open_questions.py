"""Open questions and denied or lapsed ties give no relation: "has yet to designate", "it is
unclear whether", "is considering", "may be", "is not / no longer a subsidiary of" (session 7,
review findings), while the plain statements next to them still do.

Sentences and names are invented for these tests.
"""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from relationkit import rows_for

SOBAEK = "Sobaek Trading Corporation"
KUMSONG = "Kumsong Marine Ltd"
BUREAU = "Bureau 27"
MINISTRY = "Ministry of Light Industry"
AGENCY = "Reconnaissance General Bureau"
NAMES = {
    SOBAEK: "Company",
    KUMSONG: "Company",
    BUREAU: "Organization",
    MINISTRY: "Organization",
    AGENCY: "Organization",
    "European Union": "Organization",
    "Japan": "Country",
    "Ri Chol": "Person",
}


def _pairs(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    rows = rows_for(nlp, text, NAMES, document_id="open", published=date(2024, 5, 8))
    return {(row.kind, row.source, row.target) for row in rows}


@pytest.mark.parametrize(
    ("text", "relation", "stated"),
    [
        (f"The European Union designated {SOBAEK} on Monday.", "sanction", True),
        (f"The European Union has yet to designate {SOBAEK}.", "sanction", False),
        (f"The European Union is yet to sanction {SOBAEK}.", "sanction", False),
        (f"Japan is considering sanctioning {SOBAEK}.", "sanction", False),
        (f"Japan is weighing whether to designate {SOBAEK}.", "sanction", False),
        (f"Japan sanctioned {SOBAEK}, which is considering an appeal.", "sanction", True),
        (f"{SOBAEK} owns {KUMSONG}, the registry shows.", "ownership", True),
        (f"It is unclear whether {SOBAEK} owns {KUMSONG}.", "ownership", False),
        (f"It remains uncertain if {SOBAEK} owns {KUMSONG}.", "ownership", False),
        (f"{SOBAEK} owns {KUMSONG}; Japan is yet to decide on {BUREAU}.", "ownership", True),
        (f"{SOBAEK} owns {KUMSONG}; it is unclear whether Japan will act.", "ownership", True),
        (f"{SOBAEK} owns {KUMSONG}; Japan is considering sanctions.", "ownership", True),
        (f"{SOBAEK} is a front for the {AGENCY}.", "front", True),
        (f"{SOBAEK} may be a front for the {AGENCY}.", "front", False),
        (f"Ri Chol is the director of {SOBAEK}.", "directorship", True),
        (f"Ri Chol may be the director of {SOBAEK}.", "directorship", False),
        (f"Ri Chol is no longer the director of {SOBAEK}.", "directorship", False),
        (f"Ri Chol is a member of {BUREAU}.", "membership", True),
        (f"Ri Chol, who may be a member of {BUREAU}, denied it.", "membership", False),
    ],
)
def test_only_settled_statements_give_a_relation(
    nlp: Language, text: str, relation: str, stated: bool
) -> None:
    kinds = {kind for kind, _, _ in _pairs(nlp, text)}
    assert (relation in kinds) is stated


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        (f"{KUMSONG} is a subsidiary of {SOBAEK}.", True),
        (f"{KUMSONG}, a subsidiary of {SOBAEK}, sold two ships.", True),
        (f"{KUMSONG} is not a subsidiary of {SOBAEK}.", False),
        (f"{KUMSONG} is no longer a subsidiary of {SOBAEK}.", False),
        (f"{KUMSONG}, no longer a subsidiary of {SOBAEK}, sold two ships.", False),
        (f"{KUMSONG} may be a subsidiary of {SOBAEK}.", False),
        (f"Officials say {KUMSONG} has never been a subsidiary of {SOBAEK}.", False),
    ],
)
def test_a_denied_or_lapsed_subsidiary_gives_no_link(
    nlp: Language, text: str, stated: bool
) -> None:
    assert (("subsidiary", SOBAEK, KUMSONG) in _pairs(nlp, text)) is stated


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        (f"{BUREAU} is a unit of the {MINISTRY}, officials said.", True),
        (f"{BUREAU} is not a unit of the {MINISTRY}, officials said.", False),
        (f"{BUREAU} is no longer a unit of the {MINISTRY}.", False),
    ],
)
def test_a_denied_unit_gives_no_link(nlp: Language, text: str, stated: bool) -> None:
    assert (("subsidiary", MINISTRY, BUREAU) in _pairs(nlp, text)) is stated


def test_a_negated_predicate_of_a_named_unit_denies_only_its_own_link(nlp: Language) -> None:
    """ "Bureau 27 of the Ministry is not part of the agency": the name still states whose
    unit the bureau is (annotation guide, `subsidiary`); the denied tie to the agency is no
    link, nor is anything else the sentence negates about the unit."""
    unit = f"{BUREAU} of the {MINISTRY}"
    names = {**NAMES, unit: "Organization"}
    for text in (
        f"{unit} is not part of the {AGENCY}, officials said.",
        f"{unit} is not a front for {SOBAEK}, officials said.",
        f"{unit} is no longer a subsidiary of the {AGENCY}.",
    ):
        rows = rows_for(nlp, text, names, document_id="unit", published=date(2024, 5, 8))
        ends = {(row.source, row.target) for row in rows}
        assert not any(AGENCY in pair or SOBAEK in pair for pair in ends), text
