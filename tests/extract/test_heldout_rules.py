"""Rules that carry extraction over to real pages: active-voice designations dated by the
press release, statutes as legal instruments, headings that are not entities."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language
from test_relations_support import rows_of, triples

from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.store.offsets import OffsetMap

FIRM = "Baikal Stroy LLC"
FIRMS = {FIRM: "Company", "Amnok General Trading Corporation": "Company"}
RELEASE_DAY = date(2021, 3, 9)


def _sanctions(text: str, **kwargs: object) -> list[tuple[str, str, str | None]]:
    rows = rows_of(text, FIRMS, **kwargs)
    return [
        (row.source, row.target, (row.properties.get("startDate") or [None])[0])
        for row in rows
        if row.kind == "sanction"
    ]


@pytest.mark.parametrize(
    "text",
    [
        f"OFAC designated {FIRM} pursuant to Executive Order 13722.",
        f"The Treasury Department sanctioned {FIRM} for exporting workers.",
        f"Today, the U.S. Department of the Treasury imposed sanctions on {FIRM}.",
    ],
)
def test_active_voice_designations_find_the_authority(text: str) -> None:
    found = _sanctions(text, published=RELEASE_DAY, title="Treasury Sanctions Two Firms")
    assert [(source, target) for source, target, _ in found] == [(FIRM, "United States")]


def test_today_dates_the_designation_by_the_document() -> None:
    text = f"{FIRM} was designated today by OFAC for exporting workers."
    assert _sanctions(text, published=RELEASE_DAY) == [(FIRM, "United States", "2021-03-09")]


def test_press_release_headline_dates_an_undated_designation() -> None:
    text = f"OFAC designated {FIRM} pursuant to Executive Order 13722."
    release = _sanctions(text, published=RELEASE_DAY, title="Treasury Designates Labour Fronts")
    assert release == [(FIRM, "United States", "2021-03-09")]
    news = _sanctions(text, published=RELEASE_DAY, title="Firms in Siberia hire abroad")
    assert news == [(FIRM, "United States", None)]


def test_a_stated_date_wins_over_the_release_date() -> None:
    text = f"OFAC designated {FIRM} in May 2018."
    found = _sanctions(text, published=RELEASE_DAY, title="Treasury Sanctions Two Firms")
    assert found == [(FIRM, "United States", "2018-05")]


def test_imposed_sanctions_needs_a_sanctions_noun() -> None:
    text = f"The U.S. Treasury imposed a deadline on {FIRM}."
    assert _sanctions(text, published=RELEASE_DAY) == []


@pytest.mark.parametrize(
    ("text", "country"),
    [
        (f"The ministry named {FIRM}, a Russian construction company.", "Russia"),
        (
            "The ministry named Amnok General Trading Corporation, a North Korean company.",
            "North Korea",
        ),
    ],
)
def test_descriptor_demonym_gives_the_company_country(text: str, country: str) -> None:
    rows = rows_of(text, FIRMS)
    found = {(row.source, row.target) for row in rows if row.kind == "nationality"}
    assert len(found) == 1
    ((_, target),) = found
    assert target == country


def test_possessive_country_gives_the_company_country() -> None:
    rows = rows_of("Investigators traced North Korea’s Amnok General Trading Corporation.", FIRMS)
    assert ("nationality", "Amnok General Trading Corporation", "North Korea") in triples(rows)


def _mentions(nlp: Language, text: str) -> dict[str, str]:
    context = DocumentContext("doc", text, OffsetMap.identity(len(text)))
    return {m.text: m.schema for m in find_mentions(nlp(text), context)}


def test_named_statutes_are_legal_instruments(nlp: Language) -> None:
    text = (
        "The firm was listed under the Foreign Timber Transparency and Labour Accountability Act "
        "of 2019 (FTTLAA), as amended by the Overseas Labour Restrictions (OLR) Act. "
        "Lawyers said the FTTLAA left little room."
    )
    found = _mentions(nlp, text)
    instruments = {name for name, schema in found.items() if schema == "LegalInstrument"}
    assert "Foreign Timber Transparency and Labour Accountability Act of 2019" in instruments
    assert any(name.startswith("Overseas Labour Restrictions") for name in instruments)
    assert found.get("FTTLAA") in (None, "LegalInstrument")  # never an organisation
    organisations = [name for name, schema in found.items() if schema == "Organization"]
    assert not [name for name in organisations if "Act" in name or "OLR" in name]


def test_instrument_references_are_not_organisations(nlp: Language) -> None:
    text = "Moscow ignored the UN Security Council Resolutions on the matter, diplomats said."
    found = _mentions(nlp, text)
    assert not [n for n, s in found.items() if s == "Organization" and "Resolutions" in n]


def test_heading_phrases_are_dropped_but_names_in_headings_kept(nlp: Language) -> None:
    text = (
        "Growing Markets, Hidden Workers\n\n"
        "Ussuri Timber LLC\n\n"
        "Ussuri Timber LLC hired ninety welders in Khabarovsk, the ministry said.\n\n"
        "By Marina Volkova and Pavel Sokolov\n"
    )
    found = _mentions(nlp, text)
    assert "Growing Markets" not in found
    assert "Hidden Workers" not in found
    assert found.get("Ussuri Timber LLC") == "Company"
    assert found.get("Pavel Sokolov") == "Person"  # a byline is not a heading
