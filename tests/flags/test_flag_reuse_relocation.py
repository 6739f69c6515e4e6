"""Name reuse and relocation: what an analyst would not accept as a flag (and what still is)."""

from __future__ import annotations

import pytest
from graphkit import GraphBuilder

from sanctionwatch.flags.engine import FlagView, evaluate_flags, list_flags
from sanctionwatch.flags.evaluators import _Cue, _pattern, relocation_in_sentence
from sanctionwatch.flags.rules import load_rules
from sanctionwatch.store import Database


def run(database: Database, builder: GraphBuilder, rule_id: str) -> list[FlagView]:
    builder.save(database)
    evaluate_flags(database, [rule for rule in load_rules() if rule.id == rule_id])
    with database.session() as session:
        return list_flags(session, rule=rule_id)


def flagged(flags: list[FlagView]) -> set[tuple[str, ...]]:
    return {tuple(flag.entity_ids) for flag in flags}


def test_name_reuse_spares_the_designated_entity_home_firms_and_non_firms(
    database: Database,
) -> None:
    builder = GraphBuilder()
    # A list entry, and a report mention of it that resolution has not joined.
    builder.fact(
        "ofac-paektu-air",
        "Organization",
        "name",
        "PAEKTUSAN AIRLINES",
        dataset="us_ofac_sdn",
        origin="list:us_ofac_sdn",
    )
    builder.company("own-mention", "Paektusan Airlines")
    # A firm of the brand's home country, the mountain itself, a city body.
    builder.company("home", "Paektusan Mining Company", country="kp")
    builder.fact("mountain", "Organization", "name", "Paektusan", "Paektusan rises above.")
    builder.fact("committee", "Organization", "name", "Pyongyang City Committee", "It met.")
    # Still reuse: a firm abroad (Company), an organisation whose name carries a legal form.
    builder.company("front", "Paektusan Restaurant LLC", country="ru")
    builder.fact("agency", "Organization", "name", "Paektu Travel LLC", "Paektu Travel LLC hires.")
    found = flagged(run(database, builder, "name_reuse"))
    assert ("front",) in found and ("agency",) in found
    for spared in ("own-mention", "home", "mountain", "committee", "ofac-paektu-air"):
        assert not any(spared in ids for ids in found), spared


CUE = _Cue(
    cues=_pattern(["send", "fly", "hire", "moved"]),
    workers=_pattern(["workers", "crews"]),
    territories=_pattern(["Abkhazia", "Donbas", "Transnistria"]),
    max_words=12,
    attribution=_pattern(["said", "told"]),
)


@pytest.mark.parametrize(
    "sentence",
    [
        "Alpha LLC will send 40 of its North Korean workers to Abkhazia next spring.",
        "The crews were moved to Transnistria in May.",
        "Moscow could hire North Korean workers to rebuild the war-torn Donbas region.",
    ],
)
def test_a_move_that_takes_workers_to_a_territory_counts(sentence: str) -> None:
    assert relocation_in_sentence(sentence, CUE) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        # the territory is only described; the cue is about something else
        "Transnistria, where few workers are sent these days, is a breakaway strip.",
        # two sentences run together: the workers are far from the move
        "He plans to fly a team to Abkhazia, a region with no seat at the U.N. By keeping "
        "them busy there on a hotel project for a long season, he keeps money flowing back "
        "home to the workers and their families.",
        # no worker at all
        "Tourists fly to Abkhazia for the beaches.",
    ],
)
def test_background_sentences_do_not_count(sentence: str) -> None:
    assert relocation_in_sentence(sentence, CUE) is None


def test_relocation_flags_the_movers_not_the_reporters(database: Database) -> None:
    sentence = (
        "Ivan Sorokin said in an interview with the Northern Herald, Alpha LLC could hire "
        "North Korean workers to rebuild the Donbas region."
    )
    builder = GraphBuilder()
    builder.fact("speaker", "Person", "name", "Ivan Sorokin", sentence)
    builder.fact("paper", "Organization", "name", "Northern Herald", sentence)
    builder.company("alpha", "Alpha LLC", sentence=sentence)
    builder.company("beta", "Beta LLC", sentence="Beta LLC said it moved its crews to Abkhazia.")
    flags = run(database, builder, "relocation_unreported_territory")
    assert flagged(flags) == {("alpha",), ("beta",)}


def test_a_screening_hit_alone_is_a_possible_designation(database: Database) -> None:
    from sanctionwatch.screen.tables import ScreenMatchRow

    builder = GraphBuilder()
    builder.company("hit-only", "Sinpo Pine LLC")
    builder.company("sanctioned", "Rason Amber LLC")
    builder.sanction("sanctioned")
    builder.save(database)
    with database.session() as session:
        session.add(
            ScreenMatchRow(
                id="m1",
                graph_entity_id="hit-only",
                list_entity_id="ofac-1",
                list_source="us_ofac_sdn",
                score=0.93,
                matcher_version="test",
            )
        )
    explanations = {
        tuple(f.entity_ids): f.explanation for f in run(database, builder, "designated_party")
    }
    assert explanations[("sanctioned",)].startswith("Rason Amber LLC is designated (")
    assert explanations[("hit-only",)].startswith("Sinpo Pine LLC may be designated (screening")


def test_sentence_cues_flag_the_actors_not_the_quoted_source(database: Database) -> None:
    quoted = (
        "According to the website Border Ledger: “Two couriers of Delta LLC carried cash "
        "across the river.”"
    )
    builder = GraphBuilder()
    builder.fact("source", "Organization", "name", "Border Ledger", quoted)
    builder.company("delta", "Delta LLC", sentence=quoted)
    builder.company(
        "gamma", "Gamma LLC", sentence="In May, Gamma LLC couriers carried cash to the airport."
    )
    flags = run(database, builder, "cash_smuggling")
    assert flagged(flags) == {("delta",), ("gamma",)}


def _document(database: Database, title: str, text: str) -> None:
    from graphkit import DOC

    from sanctionwatch.store.tables import DocumentRow

    with database.session() as session:
        session.add(
            DocumentRow(
                id=DOC,
                source="report.txt",
                media_type="text/plain",
                byte_size=len(text),
                title=title,
                original_text=text,
                clean_text=text,
                offset_map=[],
                authors=[],
            )
        )


def test_a_headline_is_not_a_reported_event(database: Database) -> None:
    title = "Cash, couriers and a river bank: how wages travel"
    body = "In May the firm paid its builders by bank transfer."
    _document(database, title, f"{title}\n{body}")
    builder = GraphBuilder()
    builder.company("firm", "Omega LLC", sentence=f"{title} {body}")
    assert run(database, builder, "cash_smuggling") == []


def test_visa_words_far_from_the_workers_are_no_visa_finding(database: Database) -> None:
    heading_run_in = (
        "Hostels and student visas after the deadline On 3 March the Treasury listed two "
        "firms that kept North Korean workers abroad."
    )
    builder = GraphBuilder()
    builder.company("kappa", "Kappa LLC", sentence=heading_run_in)
    builder.company(
        "lambda", "Lambda LLC", sentence="Lambda LLC brought in 30 workers on student visas."
    )
    assert flagged(run(database, builder, "non_work_visas")) == {("lambda",)}
