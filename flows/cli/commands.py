"""The `leadpilot` command line. Errors print as one sentence; long work shows progress."""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from flows import clock
from flows.cli.console import bold, console, err, error_line
from flows.cli.console import progress as _progress
from flows.cli.console import settings as _settings
from flows.cli.models import models_app
from flows.errors import LeadpilotError

if TYPE_CHECKING:  # built when a command runs, not when --help prints
    from flows.settings import Settings

app = typer.Typer(help="leadpilot: ranked, explained and priced B2B leads for your sales reps.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
@app.command("import")
def import_(
    file: Path = typer.Argument(None, help="A CRM export or lead list (CSV, TXT or XLSX)."),
    preset: str = typer.Option(None, help="Layout: salesforce, hubspot, leadpilot, companies."),
    mapping: Path = typer.Option(None, help="A TOML mapping for any other layout."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Preview only: write nothing."),
    leads: Path = typer.Option(None, help="Leads CSV (default: settings.leads_csv)."),
    companies: Path = typer.Option(None, help="Companies CSV (default: settings.companies_csv)."),
    activities: Path = typer.Option(None, help="Activities CSV (default: settings)."),
) -> None:
    """Import FILE (any CRM export), else the leads, companies and activities CSVs.

    FILE's encoding, separator, numbers and dates are detected; duplicates are merged, changes
    kept in history, bad rows written to a rejects CSV with their line and reason. The three
    CSVs go through the same door (presets leadpilot and companies), with the same reasons.
    """
    settings = _settings()
    if file is not None:
        from flows.cli.imports import run_import

        run_import(settings, file, preset, mapping, dry_run, console, clock.now(settings),
                   clock.today(settings))
        return
    from flows.pipeline import steps

    updates = {k: v for k, v in {"leads_csv": leads, "companies_csv": companies,
                                 "activities_csv": activities}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    results = steps.intake(settings, clock.today(settings), clock.now(settings), dry_run)
    _print_intake(results, dry_run)


def _print_intake(results: list[dict], dry_run: bool) -> None:
    if dry_run:
        console.print("[bold]Dry run: nothing was written[/]")
    counts = ("read", "inserted", "updated", "unchanged", "merged", "rejected", "suppressed")
    table = Table("file", *counts, "rejects file")
    for r in results:
        table.add_row(Path(r["file"]).name, *(str(r[k]) for k in counts),
                      r["rejects_file"] or "-")
    console.print(table)
    for r in results:
        if r.get("same_as"):
            console.print(f"{Path(r['file']).name}: the same file as imported at {r['same_as']}, "
                          "not read again.")


@app.command()
def outcomes(
    file: Path = typer.Argument(..., help="The filled-in lead sheet (CSV/XLSX) or a CRM export."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Preview only: write nothing."),
) -> None:
    """Record won, lost, no answer or bad fit, with reason, close date and deal value."""
    from flows.cli.imports import run_outcomes

    settings = _settings()
    run_outcomes(settings, file, dry_run, console, clock.now(settings), clock.today(settings))


@app.command("playbook-stats")
def playbook_stats() -> None:
    """Per talking point: to how many leads it was shown, how many reps found it useful or wrong."""
    from flows.cli.imports import print_playbook_stats

    print_playbook_stats(_settings(), console)


_HISTORY = typer.Option(None, "--history", help="Train on this CRM export instead of the "
                        "warehouse (CSV or XLSX, any separator).")
_TARGET = typer.Option(None, "--target", help="The outcome column: 1/0, yes/no, true/false or "
                       "won/lost; empty = open lead.")
_MAPPING = typer.Option(None, "--mapping", help="TOML mapping of the file's columns (as for "
                        "`leadpilot import`).")
_DATE = typer.Option(None, "--date-column", help="A date column: validate on the newest leads.")
_EXCLUDE = typer.Option(None, "--exclude", help="Columns filled in after contact, comma-separated "
                        "(e.g. \"Lead Quality,Tags\").")


@app.command()
def train(history: Path = _HISTORY, target: str = _TARGET, mapping: Path = _MAPPING,
          date_column: str = _DATE, exclude: str = _EXCLUDE) -> None:
    """Train on the warehouse's closed leads (challenging the champion) or on a CRM export."""
    from flows.cli.models import train_command

    train_command(console, history, target, mapping, date_column, exclude)


@app.command()
def evaluate(history: Path = _HISTORY, target: str = _TARGET, mapping: Path = _MAPPING,
             date_column: str = _DATE, exclude: str = _EXCLUDE,
             as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
             report: Path = typer.Option(None, help="Where to write the HTML report.")) -> None:
    """Cross-validate the default training: ROC AUC, PR AUC, lift, Brier, calibration."""
    from flows.cli.models import evaluate_command

    evaluate_command(console, _progress, history, target, mapping, date_column, exclude,
                     as_json, report)


app.add_typer(models_app, name="models")


@app.command()
def run(run_date: str = typer.Option(None, "--date", help="Run date YYYY-MM-DD (default: today)."),
        top: int = typer.Option(5, help="How many leads to print.")) -> None:
    """Run the daily lead-sheet flow for a date (default today) and print the top leads."""
    settings = _settings()
    day = _parse_date(run_date)
    from flows.pipeline import local_server

    server = local_server.start(settings)  # it boots while the libraries import
    from flows.pipeline.daily import daily_lead_sheet
    from flows.pipeline.prefect_env import before_flows, pid_tagged

    day = day or clock.today(settings)
    with console.status("Running the daily flow (Prefect)…"), local_server.serving(server):
        before_flows(settings)
        gc.freeze()  # what the imports made, out of the collector's full passes (see README)
        try:
            path = pid_tagged(daily_lead_sheet)(run_date=day, now=clock.now(settings))
        finally:
            gc.unfreeze()  # collectable again, for a caller that goes on (a test)
    _print_top(settings, day, Path(path), top)
    from flows.pipeline.daily import run_lines

    for line in run_lines(settings, day):  # scored by, drift warnings, what was deleted
        console.print(line.removeprefix("- ").replace("**", ""))


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise LeadpilotError(f"--date must look like 2026-11-29, got {text!r}.") from exc


def _print_top(settings: Settings, day: date, path: Path, top: int) -> None:
    """The top of the sheet as the warehouse kept it (whatever the file's format and locale)."""
    from flows import store
    from flows.sheets.csv_cells import cell_text
    from flows.sheets.export import stored_top

    with store.opened(settings.path(settings.warehouse)) as con:
        sheet, total = stored_top(con, day, top)
    console.print(Text.assemble("\nLead sheet: ", (str(path), "bold"), f" ({total} leads)\n"))
    if not total:  # a day before the first lead, or with every lead closed
        console.print(f"No lead was open on {day}: the sheet holds its header alone.")
        return
    columns = {"rank": "#", "owner": "Owner", "grade": "Grade", "win_probability": "Win %",
               "expected_value": "Expected €", "lead_name": "Lead", "company": "Company",
               "plan": "Plan", "seats": "Seats", "currency": "Cur.", "acv": "Suggested",
               "floor_price": "Walk-away"}  # prices in the lead's currency, EV in euros
    table = Table(*columns.values(), "Top reason", title=f"Top {len(sheet)} leads")
    for row in sheet.head(top).to_dict(orient="records"):
        reason = row["reasons"].splitlines()[0] if row["reasons"] else ""
        table.add_row(*(cell_text(row[c]) for c in columns), reason)
    console.print(table)


@app.command()
def demo(seed: int = typer.Option(42, help="Seed of the demo data generator."),
         top: int = typer.Option(5, help="How many leads to print."),
         open_leads: int = typer.Option(300, "--open-leads", min=1,
                                        help="How many open leads to generate (a bigger day).")
         ) -> None:
    """Generate the demo data, train on its history, run today's flow, print the top leads."""
    settings = _settings()
    from flows.pipeline import local_server

    server = local_server.start(settings)  # it boots while the libraries import
    from flows.demo.data import generate, write_demo
    from flows.models.training import train_from_warehouse
    from flows.pipeline.checks import check_inputs
    from flows.pipeline.daily import daily_lead_sheet
    from flows.pipeline.prefect_env import before_flows, log_to_file
    from flows.pipeline.steps import enrich, intake

    check_inputs(settings)  # editable files and the model, before the first write (as `run`)
    log_to_file(settings)
    day, now = clock.today(settings), clock.now(settings)
    with _progress() as progress:
        bar = progress.add_task("Demo", total=4)
        progress.update(bar, description="Generating the demo data")
        write_demo(generate(day, seed=seed, n_open=open_leads),
                   settings.path(settings.leads_csv).parent)
        progress.update(bar, advance=1, description="Importing the CSVs")
        results = intake(settings, day, now)
        progress.update(bar, advance=1, description="Training the model")
        enrich(settings, now)
        folder, card = train_from_warehouse(settings, now)
        progress.update(bar, advance=1, description="Running the daily flow (Prefect)")
        with local_server.serving(server):  # booted meanwhile
            before_flows(settings)
            path = daily_lead_sheet(run_date=day, now=now)
        progress.update(bar, advance=1, description="Done")
    _print_intake(results, dry_run=False)
    from flows.cli.models import print_card

    print_card(console, card)
    _print_top(settings, day, Path(path), top)


@app.command()
def export(
    run_date: str = typer.Option(None, "--date", help="Run date YYYY-MM-DD (default: the latest)."),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: settings)."),
    locale: str = typer.Option(None, help="en, or fr for French Excel (default: settings)."),
    per_owner: bool = typer.Option(False, "--per-owner", help="Also one file per owner."),
    rep_pages: bool = typer.Option(False, "--rep-pages", help="Also each rep's page and "
                                   "e-mail (reps/<rep>.html and .eml)."),
    out: Path = typer.Option(None, help="Folder (default: <out_dir>/<run date>)."),
) -> None:
    """Rebuild the lead sheet of a past run from the warehouse, as CSV or XLSX."""
    from flows import store
    from flows.sheets.export import files_for, record, sheet_date, stored_sheet
    from flows.sheets.files import FORMATS, LOCALES, write_sheet

    settings = _settings()
    fmt, locale = fmt or settings.sheet_format, locale or settings.sheet_locale
    if fmt not in FORMATS:
        raise LeadpilotError(f"--format must be csv or xlsx, got {fmt!r}.")
    if locale not in LOCALES:
        raise LeadpilotError(f"--locale must be en or fr, got {locale!r}.")
    with store.opened(settings.path(settings.warehouse)) as con:
        day = sheet_date(con, _parse_date(run_date))
        sheet = stored_sheet(con, day)
        folder = out if out is not None else settings.path(settings.out_dir) / day.isoformat()
        files = files_for(sheet, folder, fmt, per_owner, locale)
        with store.transaction(con):  # before writing: `forget` must find every copy
            record(con, [path for path, _ in files], day, fmt, locale, clock.now(settings))
    with _progress() as progress:
        bar = progress.add_task(f"Writing the sheet of {day}", total=len(files))
        for path, part in files:
            write_sheet(part, path, fmt, locale)
            progress.advance(bar)
    table = Table("file", "leads", title=f"Lead sheet of {day} ({fmt}, {locale})")
    for path, part in files:
        table.add_row(str(path), str(len(part)))
    if rep_pages:
        from flows.pipeline.owners import load_territories
        from flows.sheets.rep_pages import write_rep_pages

        addresses = {rep.name: rep.email for rep in load_territories(settings).reps}
        for path in write_rep_pages(sheet, folder, day, locale, addresses):
            table.add_row(str(path), "")
    console.print(table)


@app.command()
def forget(
    email: str = typer.Argument(..., help="The person's email address (any case)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would go; erase nothing."),
) -> None:
    """Erase a person everywhere (GDPR right to erasure) and report the rows removed."""
    from flows.privacy.erasure import forget as erase

    settings = _settings()
    with console.status(f"Erasing {email}…"):
        erased = erase(settings, email, dry_run=dry_run, now=clock.now(settings))
    verb = "would remove" if dry_run else "removed"
    table = Table("table", f"rows {verb}", title=f"{erased.email}: lead ids "
                  f"{', '.join(erased.lead_ids) or 'none'}")
    for name, count in erased.tables.items():
        table.add_row(name, str(count))
    table.add_row(bold("total"), bold(str(erased.total)))
    console.print(table)
    for path, count in erased.files.items():
        action = ("would rewrite", "to remove") if dry_run else ("rewrote", "removed")
        console.print(f"{action[0]} {path} ({count} row(s) {action[1]})")
    for path in erased.leftovers:
        console.print(f"{'would delete' if dry_run else 'deleted'} {path} (left unfinished by "
                      "a run that was stopped; the next run of its day writes it again)")
    if dry_run:
        console.print(f"Without --dry-run, {erased.email} would also be kept out of future "
                      "imports.")
        return
    console.print(f"{erased.email} will be kept out of future imports (leadpilot keeps salted "
                  "hashes of the address and of its lead ids on its suppression list, not "
                  "the address or the ids).")
    if erased.total:
        console.print("Not erased by leadpilot: the input files (erase the person in the CRM "
                      "too), sheets copied elsewhere by hand, backups and Prefect's run history.")


@app.command()
def prune(keep_days: int = typer.Option(None, "--keep-days", min=1, help="Keep the days up to "
                                        "this many before --date (LEADPILOT_KEEP_DAYS)."),
          run_date: str = typer.Option(None, "--date", help="Count back from it (default: today)."),
          dry_run: bool = typer.Option(False, "--dry-run", help="List them; delete nothing.")
          ) -> None:
    """Delete old days' folders under out_dir and their features, scores and prices."""
    from flows.cli.prune import prune_command

    prune_command(_settings(), console, _progress, keep_days, _parse_date(run_date), dry_run)


@app.command()
def enrich(provider: str = typer.Option(None, help="Only this provider of providers.toml."),
           refresh: bool = typer.Option(False, help="Ask again what the cache still holds.")
           ) -> None:
    """Enrich every lead over HTTP with the providers switched on in data/providers.toml."""
    from flows.cli.enrich import run_enrich

    run_enrich(_settings(), console, _progress, provider, refresh)


@app.command()
def serve() -> None:
    """Serve the daily flow (07:00 Mon-Fri) and the weekly retrain (Sun 22:00) on a schedule."""
    from flows.pipeline.prefect_env import configure
    from flows.settings import Settings

    configure(Settings(), quiet=False)  # before Prefect is imported
    from flows.pipeline.serve import serve_forever

    serve_forever(Settings(), console)


def _read_errors() -> tuple[type[Exception], ...]:
    """features.reading.ReadError when reading ran (never imported for `--help`: it is cheap
    to leave pandas unloaded)."""
    errors = sys.modules.get("features.reading.errors")
    return (errors.ReadError,) if errors else ()


def _warehouse_failure(exc: Exception) -> str | None:
    """The sentence for a DuckDB error about the warehouse file met outside flows.store (a
    commit that cannot write, a truncated block), naming the file and what to do."""
    if "duckdb" not in sys.modules:
        return None
    from flows.errors import explain

    sentence = explain(exc)
    return None if sentence is None else str(sentence)


_log = logging.getLogger("leadpilot.cli")
_log.addHandler(logging.NullHandler())  # no handler yet: never print to stderr


def main() -> None:
    """Entry point: run the CLI, turning known errors into one sentence on stderr."""
    from flows.editable_files import ConfigError

    # Registered first, run last: once the command is done and the process exits, the heap goes
    # out of the garbage collector's reach, so the interpreter's exit does not walk it in full
    # passes again and again (after a daily run, 0.82-0.85 s after the last exit handler,
    # 0.07-0.09 s frozen). Objects are still freed by their counts.
    atexit.register(gc.freeze)
    try:
        app()
    except (LeadpilotError, ConfigError, *_read_errors()) as exc:
        _log.warning("%s", exc, exc_info=True)  # the details, where a log file is set up
        err.print(error_line(str(exc)))
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one sentence, details on demand
        if os.environ.get("LEADPILOT_DEBUG"):
            raise
        _log.error("%s: %s", type(exc).__name__, exc, exc_info=True)
        sentence = _warehouse_failure(exc)
        if sentence:
            err.print(error_line(sentence))
            sys.exit(1)
        err.print(error_line(f"{type(exc).__name__}: {exc} (set LEADPILOT_DEBUG=1 for the "
                             "details)."))
        sys.exit(1)
