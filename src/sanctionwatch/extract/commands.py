"""Commands of the extract stage: ``extract`` (and ``run_extraction`` for ``run``)."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sanctionwatch.clikit import (
    RULE_FILE_HINT,
    DbOption,
    JsonOption,
    err_console,
    fail,
    open_database,
    print_counts,
)
from sanctionwatch.extract import entity_typer, relation_attributes, relation_model
from sanctionwatch.extract.pipeline import ExtractReport, extract_documents
from sanctionwatch.extract.rulefile import RuleFileError
from sanctionwatch.store import Database

_MODEL_SWITCHES: tuple[tuple[type[RuleFileError], str], ...] = (
    (entity_typer.EntityTyperError, entity_typer.SETTING),
    (relation_attributes.AttributeModelError, relation_attributes.SETTING),
    (relation_model.RelationModelError, relation_model.SETTING),
)
"""Each learned model's file error and the setting that switches that model off."""


def rule_file_hint(exc: RuleFileError) -> str:
    """What to do about a rules or model file that does not load: a learned model's hint
    names its own off switch; a rules file can only be fixed."""
    for error, setting in _MODEL_SWITCHES:
        if isinstance(exc, error):
            return f"fix that file, or set {setting}=off to run without that model"
    return RULE_FILE_HINT


def run_extraction(
    database: Database, *, reprocess: bool = False, quiet: bool = False
) -> ExtractReport:
    """Extract every new document with a progress bar on stderr; used by ``extract`` and ``run``."""
    with Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("extract", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            report = extract_documents(database, reprocess=reprocess, on_progress=advance)
        except RuntimeError as exc:
            fail(str(exc), "install the model named by SANCTIONWATCH_SPACY_MODEL")
        except RuleFileError as exc:  # a rules or learned model file that does not load
            fail(str(exc), rule_file_hint(exc))
    for document, error in report.failures:
        err_console.print(f"[bold red]error:[/] {document}: {error}", highlight=False)
    return report


def extract(
    reprocess: bool = typer.Option(
        False, "--reprocess", help="Run again on every document, replacing extracted statements."
    ),
    db: str | None = DbOption,
    as_json: bool = JsonOption,
) -> None:
    """Extract entities, relations and claims from documents not yet extracted.

    Documents already processed by the current extractor versions are skipped; a new version
    (or --reprocess) replaces that extractor's statements. Analysts' edits are kept.

    Example:

        sanctionwatch extract --db sqlite:///sanctionwatch.db
    """
    database = open_database(db)
    report = run_extraction(database, reprocess=reprocess, quiet=as_json)
    print_counts("Extraction", report.as_dict(), as_json, hide=["failures"])
    if report.failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``extract`` to ``app`` (``entities`` and ``entity`` list resolved entities: they live
    with the views in ``api/entity_commands.py``)."""
    app.command()(extract)
