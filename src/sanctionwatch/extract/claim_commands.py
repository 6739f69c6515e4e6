"""Commands of the claims part of the extract stage: ``claims`` and ``claims series``."""

from __future__ import annotations

import math

import typer
from sqlalchemy import select

from sanctionwatch.clikit import (
    DbOption,
    JsonOption,
    console,
    err_console,
    fail,
    open_database,
    print_json_lines,
    print_table,
)
from sanctionwatch.extract.claim_tables import ClaimRow
from sanctionwatch.extract.claimkit.series import claim_dict
from sanctionwatch.extract.claimkit.vocabulary import default_vocabulary
from sanctionwatch.extract.claims import Claim, ClaimSeries, claim_series, list_claims
from sanctionwatch.store import Database

MeasureOption = typer.Option(
    None,
    "--measure",
    "-m",
    help="A measure key (dprk_workers_in:russia) or its stem for every place (dprk_workers_in).",
)
QUALIFIER_SIGNS = {
    "approx": "~",
    "at_least": "≥",
    "more_than": ">",
    "at_most": "≤",
    "less_than": "<",
    "exact": "",
    "range": "",
}


def format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def format_value(claim: Claim) -> str:
    """``~30,000``, ``20,000–50,000``, ``>500,000,000``, ``0.6667``."""
    if claim.value_low is not None and claim.value_high is not None:
        text = f"{format_number(claim.value_low)}–{format_number(claim.value_high)}"
    else:
        text = QUALIFIER_SIGNS.get(claim.qualifier, "") + format_number(claim.value)
    return f"{text}/{claim.period}" if claim.period else text


def _known_measures(database: Database) -> list[str]:
    with database.session() as session:
        query = select(ClaimRow.measure).distinct().order_by(ClaimRow.measure)
        return list(session.execute(query).scalars())


def _nothing_found(database: Database, measure: str | None, document: str | None) -> None:
    if measure is None and document is None:
        err_console.print("no claims stored yet; run `sanctionwatch extract` first")
        return
    known = _known_measures(database)
    what = f"measure {measure!r}" if measure else f"document {document!r}"
    hint = "known measures: " + ", ".join(known[:12]) if known else "run `sanctionwatch extract`"
    fail(f"no claims for {what}", hint)


def _claims(
    ctx: typer.Context,
    measure: str | None = MeasureOption,
    document: str | None = typer.Option(
        None, "--document", "-d", help="Only this document (an id or an id prefix)."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """List quantitative claims: what is measured, value, unit, as of when, who says so.

    One row per claim. Values show their qualifier (~ about, ≥ at least, > more than,
    ≤ up to, < less than) and ranges as low–high; "dated by" is the phrase that dates the
    figure (`--json` adds the rule and what it was resolved against in `as_of_rule` and
    `as_of_note`). Use `claims series` to see estimates of the same measure side by side.

    Example:

        sanctionwatch claims --measure dprk_workers_in
        sanctionwatch claims --document 4f2a --json
        sanctionwatch claims series --measure dprk_workers_in:russia
    """
    if ctx.invoked_subcommand is not None:
        return
    database = open_database(db)
    with database.session() as session:
        claims = list_claims(session, measure=measure, document_id=document)
    if not claims:
        _nothing_found(database, measure, document)
        return
    if as_json:
        print_json_lines(claim_dict(claim) for claim in claims)
        return
    print_table(
        f"{len(claims)} claims",
        ["measure", "value", "unit", "qualifier", "as of", "dated by", "asserted by", "document"],
        (
            [
                claim.measure,
                format_value(claim),
                claim.unit,
                claim.qualifier,
                _as_of(claim),
                _dated_by(claim),
                claim.asserted_by or "",
                claim.document_id[:12],
            ]
            for claim in claims
        ),
    )


def _as_of(claim: Claim) -> str:
    if claim.as_of is None:
        return "?"
    marks = {
        "document-date": " (doc)",
        "document-date-inferred": " (doc?)",
        "relative-inferred": " (rel?)",
    }
    return claim.as_of + marks.get(claim.as_of_kind, "")


def _dated_by(claim: Claim) -> str:
    """The words that date the figure, or how it was dated when no words did."""
    if claim.as_of_rule == "continuation":
        return f"(before) {claim.as_of_phrase or ''}".strip()
    if claim.as_of_rule == "since":
        return f"(start) {claim.as_of_phrase or ''}".strip()
    return (claim.as_of_phrase or "")[:32]


def _print_series(item: ClaimSeries) -> None:
    spread = "∞" if math.isinf(item.spread) else f"{item.spread:.1f}x"
    period = f" per {item.period}" if item.period else ""
    status = item.status.upper() if item.status == "conflicting" else item.status
    conflicted = {claim_id for pair in item.conflicts for claim_id in pair}
    console.print(
        f"[bold]{item.label}[/] ({item.measure}, {item.unit}{period}): "
        f"{len(item.estimates)} estimates, {item.distinct_values} distinct, spread {spread}, "
        f"{status}",
        highlight=False,
    )
    print_table(
        "",
        ["", "value", "as of", "asserted by", "document", "published"],
        (
            [
                "!" if estimate.claim.id in conflicted else "",
                format_value(estimate.claim),
                _as_of(estimate.claim),
                estimate.claim.asserted_by or "",
                (estimate.document_title or estimate.claim.document_id[:12])[:40],
                estimate.published or "",
            ]
            for estimate in item.estimates
        ),
    )


def series(
    measure: str | None = MeasureOption,
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Show each measure's estimates across documents side by side, conflicts marked.

    A series is every claim about one measure (same unit and period). Estimates dated to the
    same year whose ranges do not overlap are marked "!" and the series CONFLICTING; spread is
    the highest estimate over the lowest.

    Example:

        sanctionwatch claims series --measure dprk_workers_in:russia
        sanctionwatch claims series --json
    """
    database = open_database(db)
    learned = default_vocabulary().learned_measure
    if learned is not None and measure == learned.key:
        fail(
            f"figures of {measure!r} form no series (unrelated figures that share a unit)",
            f"list them with `sanctionwatch claims --measure {measure}`",
        )
    with database.session() as session:
        found = claim_series(session, measure=measure)
    if not found:
        _nothing_found(database, measure, None)
        return
    if as_json:
        print_json_lines(item.as_dict() for item in found)
        return
    for item in found:
        _print_series(item)


def register(app: typer.Typer) -> None:
    """Mount ``claims`` (a listing with a ``series`` sub-command)."""
    claims_app = typer.Typer(
        name="claims",
        invoke_without_command=True,
        no_args_is_help=False,
        rich_markup_mode="rich",
    )
    claims_app.callback(invoke_without_command=True)(_claims)
    claims_app.command("series")(series)
    app.add_typer(claims_app, name="claims")
