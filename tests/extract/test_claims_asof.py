"""As-of dates of figures: deadlines, spans, looking-ahead dates, starts, continuations, and the
evidence kept with each (phrase, rule, note). Every sentence here was written for these tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from sanctionwatch.extract.claimkit import dates as dates_module
from sanctionwatch.extract.claimkit.dates import DocumentDate, find_dates
from sanctionwatch.extract.claimkit.vocabulary import (
    VOCABULARY_PATH,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)
from sanctionwatch.extract.claims import Claim, find_claims, publication_date_of
from sanctionwatch.extract.entities import find_mentions
from sanctionwatch.extract.types import DocumentContext
from sanctionwatch.ingest.clean import clean_text
from sanctionwatch.ingest.formats import TEXT, parse
from sanctionwatch.ingest.metadata import describe
from sanctionwatch.store.offsets import OffsetMap
from sanctionwatch.store.tables import DocumentRow


def read(nlp: Language, text: str, published: str | None, inferred: bool = False) -> list[Claim]:
    return read_with(nlp, text, DocumentDate.parse(published, inferred))


def read_with(nlp: Language, text: str, published: DocumentDate | None) -> list[Claim]:
    context = DocumentContext(
        document_id="e" * 64,
        clean_text=text,
        offsets=OffsetMap.identity(len(text)),
        published=None,
    )
    doc = nlp(text)
    return find_claims(doc, context, find_mentions(doc, context), published=published)


def one(nlp: Language, text: str, published: str | None = "2019-06-14", **kw: bool) -> Claim:
    claims = read(nlp, text, published, **kw)
    assert len(claims) == 1, [(c.measure, c.value, c.as_of) for c in claims]
    return claims[0]


def dates(text: str, published: date | None = date(2019, 6, 14)) -> list[tuple[str, ...]]:
    return [
        (d.text.strip(), d.as_of or "", d.rule, "deadline" if d.deadline else "")
        for d in find_dates(text, published, default_vocabulary())
    ]


# --- find_dates: the rules one by one ---------------------------------------------------------


def test_within_a_span_of_a_dated_event_ends_after_it() -> None:
    found = dates("The order signed in March 2016 gave firms within 18 months to comply.")
    assert ("within 18 months", "2017-09", "span-end", "deadline") in found


def test_within_a_span_without_a_dated_event_counts_from_publication() -> None:
    (found,) = dates("Employers must let the crews go within six months.")
    assert found[1:3] == ("2019-12", "span-end")


def test_a_span_of_an_event_stated_before_counts_from_it() -> None:
    found = find_dates(
        "Member states must repatriate the crews within 24 months of its adoption.",
        date(2019, 6, 14),
        default_vocabulary(),
        anchor="2017-12-22",
    )
    assert [(d.as_of, d.rule) for d in found] == [("2019-12-22", "span-end")]
    plain = find_dates(
        "Employers must let the crews go within six months.",
        date(2019, 6, 14),
        default_vocabulary(),
        anchor="2017-12-22",
    )
    assert plain[0].as_of == "2019-12"  # no "of its ...": from publication


def test_a_span_deadline_written_as_an_adjective() -> None:
    found = dates("The decree of April 2018 set a six-month deadline for the brigades.")
    assert ("a six-month deadline", "2018-10", "span-end", "deadline") in found


def test_a_year_less_date_restating_the_span_takes_its_year() -> None:
    found = dates("Rules adopted in May 2016 required exits within 24 months, or by May 20.")
    assert found[-1] == ("by May 20", "2018-05-20", "deadline-apposition", "deadline")


def test_a_span_from_a_year_only_event_is_restated_too() -> None:
    found = dates("Rules adopted in 2016 required exits within 24 months, or by May 20.")
    assert found[1:] == [
        ("within 24 months", "2018", "span-end", "deadline"),
        ("by May 20", "2018-05-20", "deadline-apposition", "deadline"),
    ]


def test_a_sentence_looking_ahead_takes_the_next_such_date() -> None:
    # Looking ahead: the next November 30 after publication, not the one before it.
    (ahead,) = dates("Officials said the brigades must leave by November 30.")
    assert ahead[1:3] == ("2019-11-30", "month-next")
    # Reporting what happened: the latest November not after publication.
    (past,) = dates("The brigades had left by November.")
    assert past[1:3] == ("2018-11", "month-latest")


def test_a_date_after_the_word_deadline_looks_ahead_unless_it_passed() -> None:
    (ahead,) = dates("They must go before the deadline expires in December.")[-1:]
    assert ahead[1:3] == ("2019-12", "month-next")
    (passed,) = dates("The deadline passed in December.")
    assert passed[1:3] == ("2018-12", "month-latest")


def test_a_cue_far_away_in_another_clause_does_not_look_ahead() -> None:
    found = dates(
        "Officials, who will meet their counterparts again at the regional forum in Ulaanbaatar, "
        "said the brigades had left by November."
    )
    assert found[-1][1:3] == ("2018-11", "month-latest")


def test_a_looking_ahead_date_counts_from_the_event_the_sentence_dates() -> None:
    found = dates("A rule issued in February 2015 required every crew to leave by March 1.")
    assert found[-1][1:3] == ("2015-03-01", "month-next")


def test_a_year_less_date_tied_to_a_relative_year() -> None:
    assert dates("The cut-off is October 1 this year.")[0][1:3] == (
        "2019-10-01",
        "month-of-relative-year",
    )
    assert dates("The mine closed in April last year.")[0][1:3] == (
        "2018-04",
        "month-of-relative-year",
    )


def test_a_date_next_to_the_word_deadline_is_a_deadline() -> None:
    assert dates("Firms rushed before the September 15 deadline.")[0][1:] == (
        "2019-09-15",
        "month-next",
        "deadline",
    )
    assert dates("The deadline for the exits was March 2018.")[0][3] == "deadline"
    assert dates("Exports rose in March 2018.")[0][3] == ""


def test_the_deadline_means_the_document_deadline() -> None:
    found = find_dates(
        "Two crews stayed past the deadline.",
        date(2019, 6, 14),
        default_vocabulary(),
        deadline="2019-12-22",
    )
    assert [(d.text, d.as_of, d.rule) for d in found] == [
        ("the deadline", "2019-12-22", "deadline")
    ]
    assert find_dates("Two crews stayed past the deadline.", None, default_vocabulary()) == []


def test_since_is_a_start_not_an_as_of() -> None:
    found = find_dates("Since the ban took effect, exits slowed.", None, default_vocabulary())
    assert [(d.role, d.rule, d.as_of) for d in found] == [("since", "since", None)]
    (year,) = find_dates("hired since 2013", date(2019, 6, 14), default_vocabulary())
    assert year.role == "since"


def test_notes_say_what_a_date_was_resolved_against() -> None:
    (found,) = find_dates(
        "by August",
        date(2019, 6, 14),
        default_vocabulary(),
        reference_note="publication date 2019-06 (inferred)",
    )
    assert found.note == "the latest August not after the publication date 2019-06 (inferred)"


# --- claims: the as-of date and its evidence --------------------------------------------------


def test_a_figure_by_the_deadline_of_a_span(nlp: Language) -> None:
    claim = one(
        nlp,
        "The council adopted the measure in March 2016 and told member states to send home all "
        "North Korean workers within 18 months. Poland still hosted 900 North Korean workers by "
        "the deadline.",
        published="2018-02-01",
    )
    assert (claim.value, claim.as_of) == (900, "2017-09")
    assert (claim.as_of_phrase, claim.as_of_rule) == ("by the deadline", "deadline")
    assert "2017-09" in (claim.as_of_note or "")


def test_a_figure_due_by_a_year_less_date_looks_ahead(nlp: Language) -> None:
    claim = one(nlp, "Officials say 3,000 North Korean workers must leave Mongolia by November 30.")
    assert (claim.as_of, claim.as_of_rule) == ("2019-11-30", "month-next")


def test_since_keeps_the_publication_date_and_says_why(nlp: Language) -> None:
    claim = one(nlp, "Since 2016, 4,500 North Korean workers have arrived in Mongolia.")
    assert (claim.as_of, claim.as_of_kind) == ("2019-06-14", "document-date")
    assert (claim.as_of_phrase, claim.as_of_rule) == ("Since 2016", "since")
    assert "not an as-of" in (claim.as_of_note or "")


def test_present_tense_is_the_publication_date(nlp: Language) -> None:
    claim = one(nlp, "Mongolia currently hosts about 1,000 North Korean workers.")
    assert (claim.as_of, claim.as_of_phrase, claim.as_of_rule) == (
        "2019-06-14",
        "currently",
        "present",
    )
    plain = one(nlp, "Mongolia hosts about 1,000 North Korean workers.")
    assert (plain.as_of_phrase, plain.as_of_rule) == (None, "document-date")
    assert "publication date 2019-06-14" in (plain.as_of_note or "")


def test_relative_and_stated_dates_keep_their_phrase(nlp: Language) -> None:
    last = one(nlp, "Some 1,200 North Korean workers were in Kuwait last year, the ministry said.")
    assert (last.as_of, last.as_of_phrase, last.as_of_rule) == ("2018", "last year", "relative")
    stated = one(nlp, "As of 2018, about 800 North Korean workers were in Poland.")
    assert (stated.as_of, stated.as_of_phrase, stated.as_of_rule) == (
        "2018",
        "As of 2018",
        "stated",
    )
    later = one(nlp, "About 700 North Korean workers will leave Kuwait later this year.")
    assert (later.as_of, later.as_of_rule) == ("2019", "relative")


IMMINENT = (
    "A UN deadline to send all North Korean workers home is unlikely to be met, officials said. "
    "Sanctions adopted in June 2017 told states to send the workers home within 24 months, or "
    "by June 30. As of early June, some 4,000 North Korean workers had been sent home from "
    "Mongolia. About 900 North Korean workers remain in Mongolia."
)


def ingested(text: str) -> DocumentDate | None:
    """The publication date ingest infers for ``text``, read back as the claims read it."""
    parsed = parse(text.encode("utf-8"), TEXT)
    finding = describe(parsed, clean_text(parsed.text)).date
    row = DocumentRow(
        published_at=finding.value or None,
        date_kind=finding.kind,
        date_evidence=finding.evidence(),
    )
    return publication_date_of(row)


def test_an_imminent_deadline_dates_an_article_known_only_by_a_lower_bound(
    nlp: Language,
) -> None:
    # Ingest dates the article (rule `imminent-deadline`); the claims use that date and say so.
    published = ingested(IMMINENT)
    assert published is not None and (published.iso, published.inferred) == ("2019-06", True)
    sent_home, remaining = sorted(read_with(nlp, IMMINENT, published), key=_value)
    assert (sent_home.as_of, sent_home.as_of_rule) == ("2019-06", "month-latest")
    assert "imminent deadline 2019-06" in (sent_home.as_of_note or "")
    assert "within 24 months" in (sent_home.as_of_note or "")
    assert (remaining.as_of, remaining.as_of_kind) == ("2019-06", "document-date-inferred")


def test_the_claims_no_longer_move_an_inferred_date_themselves(nlp: Language) -> None:
    # One home for the rule: a date ingest inferred some other way is used as it is.
    sent_home, remaining = sorted(read(nlp, IMMINENT, "2017-06", inferred=True), key=_value)
    assert remaining.as_of == "2017-06"
    assert "imminent" not in (sent_home.as_of_note or "")


def test_the_deadline_of_a_resolution_dated_in_an_earlier_sentence(nlp: Language) -> None:
    text = (
        "The council adopted the resolution on March 3, 2016. It requires states to send all "
        "North Korean workers home within 18 months of its adoption. Poland still hosted 900 "
        "North Korean workers by the deadline."
    )
    (claim,) = read(nlp, text, "2018-02-01")
    assert (claim.as_of, claim.as_of_rule) == ("2017-09-03", "deadline")


def test_an_imminent_deadline_does_not_move_a_given_publication_date(nlp: Language) -> None:
    sent_home, remaining = sorted(read(nlp, IMMINENT, "2018-02-10"), key=_value)
    assert sent_home.as_of == "2017-06"  # the latest June before a February 2018 article
    assert remaining.as_of == "2018-02-10"


def test_a_passed_deadline_does_not_date_the_article(nlp: Language) -> None:
    passed = IMMINENT.replace("is unlikely to be met", "was missed")
    published = ingested(passed)
    assert published is not None and published.iso == "2017-06"
    (_, remaining) = sorted(read_with(nlp, passed, published), key=_value)
    assert remaining.as_of == "2017-06"


def _value(claim: Claim) -> float:
    return -claim.value


def test_a_sentence_continuing_the_one_before_takes_its_date_and_source(nlp: Language) -> None:
    first, second = read(
        nlp,
        "The ministry's latest survey found 650 North Korean workers in Poland in 2018. "
        "These workers earn an estimated $2 million a year.",
        "2019-06-14",
    )
    assert (first.as_of, first.asserted_by) == ("2018", "ministry")
    assert (second.as_of, second.as_of_rule, second.asserted_by) == (
        "2018",
        "continuation",
        "ministry",
    )
    unrelated = read(
        nlp,
        "The survey found 650 North Korean workers in Poland in 2018. "
        "Workers abroad earn an estimated $2 million a year.",
        "2019-06-14",
    )
    assert unrelated[1].as_of == "2019-06-14"


# --- asserters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "asserter"),
    [
        ("According to Kuwait's report to the UN, 300 North Korean workers were in Kuwait in "
         "March 2019.", "Kuwait"),
        ("A total of 420 North Korean workers in Poland was reported by the Polish labour "
         "inspectorate in 2018.", "Polish labour inspectorate"),
        ("The border agency estimated that 2,500 North Korean workers were in Mongolia in 2018.",
         "border agency"),
        ("Some 5,000 new North Korean workers registered in Mongolia in 2018, according to "
         "immigration ministry records.", "immigration ministry"),
        ("According to interim reports, over 9,000 North Korean workers were sent home in 2019.",
         "interim reports"),
        ("Roughly 2,000 North Korean workers were in Vietnam in 2019, according to a 2019 "
         "estimate by the unification ministry.", "unification ministry"),
        ("The Office of Labour Migration (OLM) said 1,500 North Korean workers were in Kuwait in "
         "2018.", "Office of Labour Migration"),
    ],
)  # fmt: skip
def test_asserters(nlp: Language, sentence: str, asserter: str) -> None:
    assert one(nlp, sentence).asserted_by == asserter


def test_the_figure_is_never_its_own_asserter(nlp: Language) -> None:
    claim = one(nlp, "Some 5,000 new North Korean workers registered in Mongolia in 2018.")
    assert claim.asserted_by is None


# --- measures seen on real pages ------------------------------------------------------------


def test_new_registrations_are_arrivals_not_the_stock(nlp: Language) -> None:
    new = one(nlp, "Some 5,000 new North Korean workers registered in Mongolia in 2018.")
    assert new.measure == "dprk_nationals_entering:mongolia"
    stock = one(
        nlp, "Some 5,000 North Korean workers registered in Mongolia in 2018, a new study says."
    )
    assert stock.measure == "dprk_workers_in:mongolia"


def test_work_permits_and_host_countries_are_counted(nlp: Language) -> None:
    permits = one(nlp, "At least 300 work permits were issued to North Koreans in Kuwait in 2019.")
    assert (permits.measure, permits.unit, permits.qualifier) == (
        "dprk_work_permits_issued",
        "permits",
        "at_least",
    )
    countries = one(nlp, "North Korean laborers work in about 20 countries, officials said.")
    assert (countries.measure, countries.unit) == ("dprk_worker_host_countries", "countries")
    assert read(nlp, "Visitors from 20 countries came to the fair.", "2019-06-14") == []


def test_sent_home_with_no_host_country_named_has_no_place(nlp: Language) -> None:
    claim = one(nlp, "Over 9,000 North Korean workers have been sent home so far, states reported.")
    assert claim.measure == "dprk_workers_repatriated"
    named = one(nlp, "Over 9,000 North Korean workers have been sent home from Kuwait.")
    assert named.measure == "dprk_workers_expelled_from:kuwait"


def test_there_were_is_not_a_place_and_worldwide_is(nlp: Language) -> None:
    claim = one(
        nlp,
        "Officials visited Kuwait. The ministry estimated there were about 90,000 North Korean "
        "workers worldwide.",
    )
    assert claim.measure == "dprk_workers_in:world"


def test_designations_count_designated_entities(nlp: Language) -> None:
    claim = one(nlp, "Today the Treasury announced three new designations of trading companies.")
    assert (claim.measure, claim.value, claim.unit) == ("designated_entities", 3, "entities")


# --- the vocabulary that holds these tunables ----------------------------------------------


def test_vocabulary_units_of_count_are_data_and_checked(tmp_path: Path) -> None:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    data["counted"]["vehicles"] = ["truck", "lorry"]
    data["measures"].append({"key": "trucks_seized", "label": "trucks", "units": ["vehicles"]})
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_vocabulary(path).counted["lorry"] == "vehicles"
    data["counted"]["money"] = ["coin"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"vocabulary\.yaml: counted\.money"):
        load_vocabulary(path)


def test_vocabulary_require_place_must_be_a_boolean(tmp_path: Path) -> None:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    data["measures"][0]["require_place"] = "sometimes"
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"measures\[0\]\.require_place"):
        load_vocabulary(path)


def test_as_of_cue_lists_are_editable(tmp_path: Path) -> None:
    data = yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
    data["looking_ahead"] = ["is slated"]
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    vocabulary = load_vocabulary(path)
    text = "The last crew is slated to leave by May 2."
    (found,) = find_dates(text, date(2019, 6, 14), vocabulary)
    assert (found.as_of, found.rule) == ("2020-05-02", "month-next")
    (default,) = find_dates(text, date(2019, 6, 14), default_vocabulary())
    assert default.as_of == "2019-05-02"


# --- the cheap pre-checks never lose a date ------------------------------------------------


HINT_SENTENCES = [
    "By the end of 2017, some 30,000 had left; a month before that, 20,000.",
    "On 4 July 2012, in March 2013, on Sept. 9, 2011 and between 2014 and 2016.",
    "Three years ago and later this year, now and these days, at present.",
    "The crews must go within two years, or by May 20; the deadline is June 1 next year.",
    "In April last year, early in February, on August 3 and since the ban.",
    "No dates here at all, just 40 workers and a march to the sea.",
]


def test_hints_only_skip_patterns_that_cannot_match(monkeypatch: pytest.MonkeyPatch) -> None:
    def run() -> list[list[tuple[str, str | None, str]]]:
        return [
            [(d.text, d.as_of, d.rule) for d in find_dates(s, date(2019, 6, 14),
                                                         default_vocabulary(), deadline="2019-12")]
            for s in HINT_SENTENCES
        ]  # fmt: skip

    with_hints = run()
    monkeypatch.setattr(dates_module, "HINTS", {name: () for name in dates_module.HINTS})
    assert run() == with_hints
    assert sum(len(found) for found in with_hints) >= 15
