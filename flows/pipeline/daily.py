"""The Prefect flows: the daily lead sheet and the weekly retrain. Thin: each step is a plain
function in flows/pipeline/steps.py (the sheet: publishing.py) wrapped as a batch task here."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import clock, store
from flows.enrichment.lookups import enrich_daily, summary_lines
from flows.models import scoring as model_scoring
from flows.models.retraining import card_markdown, retrain
from flows.pipeline import notify, owners, publishing, stale, steps
from flows.pipeline.checks import check_inputs
from flows.settings import Settings


def _task(fn: Callable[..., Any], **options: Any):
    return task(fn, name=fn.__name__, cache_policy=NO_CACHE, **options)


def _io_error(task, task_run, state) -> bool:
    """Retry a task only on an I/O error (a disk or network hiccup), never on a user's mistake."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, OSError) and not isinstance(error, FileNotFoundError)


# Retries for the steps that read or write files and the network (STYLE.md: I/O tasks only).
_IO = {"retries": 3, "retry_delay_seconds": [2, 5, 15], "retry_condition_fn": _io_error}


@flow(name="daily-lead-sheet", log_prints=True)
def daily_lead_sheet(run_date: date | None = None, now: datetime | None = None) -> str:
    """Import, enrich, featurise, score, price, explain and assign the open leads of `run_date`
    (default: today in the team's time zone) as of `now` (default: the clock); write the
    sheet. A failure leaves a STALE marker beside the sheets and a run-failed artifact."""
    settings = Settings()
    run_date = run_date or clock.today(settings)
    try:
        path = _daily(settings, run_date, now)
    except Exception as exc:
        marker = stale.mark(settings, run_date, exc, clock.now(settings) if now is None else now)
        notify.run_failed(settings, run_date, exc, marker)
        raise
    stale.clear(settings, run_date)
    return path


def _daily(settings: Settings, run_date: date, now: datetime | None) -> str:
    started = now or clock.now(settings)
    _task(check_inputs)(settings)  # editable files and the model, before the first write
    summary: dict[str, Any] = {"intake": _task(steps.intake, **_IO)(settings, run_date,
                                                                    started)}
    summary["enriched"] = _task(steps.enrich)(settings, started)
    # HTTP, with its own per-request retries; never fails the run (a task retry would re-ask all)
    summary["enrichment"] = _task(enrich_daily)(settings, started)
    summary["open_leads"] = _task(steps.features)(settings, run_date)
    scorer = _task(model_scoring.choose_scorer)(settings, started)  # champion, or the rules
    summary["scoring"] = _task(model_scoring.score)(settings, run_date, scorer)
    summary["drift"] = _task(model_scoring.drift)(settings, run_date, scorer)
    summary["priced"] = _task(steps.price)(settings, run_date)
    summary["talking_points"], summary["owners"] = _side_by_side(
        _task(steps.talking_points), _task(owners.assign_owners), settings, run_date)
    path, leads, top = _task(publishing.publish, **_IO)(settings, run_date)
    if settings.keep_days:  # once the day's sheet is written, never before
        summary["pruned"] = _pruned(settings, run_date)
    _record(settings, run_date, started, clock.now(settings) if now is None else now, summary)
    _publish_artifacts(run_date, summary, top)
    print(f"Lead sheet for {run_date}: {path} ({leads} leads)")
    print(owners.load_line(summary["owners"]))
    print("\n".join([*_pruned_line(summary.get("pruned"), settings.keep_days),
                     *model_scoring.summary_lines(summary)]))
    return str(path)


def run_lines(settings: Settings, run_date: date) -> list[str]:
    """What `leadpilot run` prints under the sheet, read back from the runs table: who scored,
    the drift warnings, what was deleted as too old."""
    summary = model_scoring.recorded_summary(settings, run_date)
    return [*model_scoring.summary_lines(summary),
            *_pruned_line(summary.get("pruned"), settings.keep_days)] if summary else []


def _pruned(settings: Settings, run_date: date) -> dict[str, Any]:
    """What is over `keep_days` old deleted (steps.prune_old_days). The day's sheet is written
    by then: any failure shows in the task run and the run's summary, and does not fail the
    run (the next run tries again)."""
    try:
        return _task(steps.prune_old_days)(settings, run_date, settings.keep_days).summary()
    except Exception as exc:  # reported, not raised: the run's work is done
        return {"error": str(exc)}


def _pruned_line(pruned: dict[str, Any] | None, keep_days: int | None) -> list[str]:
    """
    >>> _pruned_line({"folders": 2, "bytes": 2_950_000_000, "run_days": 2, "rows": 6000}, 30)
    ['Over 30 days old: deleted the folders of 2 day(s) (2.95 GB) and the features, scores and \
prices of 2 run day(s) (6000 rows); the sheets handed out stay in the warehouse (`leadpilot \
export --date DAY --rep-pages` writes a folder again).']
    >>> _pruned_line({"folders": 0, "bytes": 0, "run_days": 0, "rows": 0}, 30)
    []
    """
    if not pruned or not (pruned.get("error") or pruned["folders"] or pruned["rows"]):
        return []
    if "error" in pruned:
        return [f"What is over {keep_days} days old was not all deleted: {pruned['error']}"]
    return [f"Over {keep_days} days old: deleted the folders of {pruned['folders']} day(s) "
            f"({pruned['bytes'] / 1e9:.2f} GB) and the features, scores and prices of "
            f"{pruned['run_days']} run day(s) ({pruned['rows']} rows); the sheets handed out "
            "stay in the warehouse (`leadpilot export --date DAY --rep-pages` writes a folder "
            "again)."]


def _pruned_lines(pruned: dict[str, Any] | None) -> list[str]:
    if pruned is None:
        return []
    if "error" in pruned:
        return [f"- old days not all deleted: {pruned['error']}"]
    return [f"- old days deleted: {pruned['folders']} folder(s) ({pruned['bytes'] / 1e9:.2f} "
            f"GB), {pruned['rows']} rows of {pruned['run_days']} run day(s)"]


def _side_by_side(first, second, *args: Any) -> tuple[Any, Any]:
    """The results of two tasks that read nothing the other writes, run at once: `first` in
    the flow's task runner (a thread), `second` here. The talking points and the owners each
    use 1.2-1.4 of the 2 cores alone; side by side, at a million leads, the two took 10.8-12.1 s
    against 12.4-12.8 s one after the other (README, A bigger day). When `second` fails,
    `first` is waited for before the error goes on, so no step still writes as the run is
    marked failed."""
    running = first.submit(*args)
    try:
        done = second(*args)
    except BaseException:
        running.wait()
        raise
    return running.result(), done


@flow(name="weekly-retrain", log_prints=True)
def weekly_retrain(run_date: date | None = None, now: datetime | None = None) -> str:
    """Import the latest outcomes, train a challenger, promote it only if it beats the champion
    on the most recent closed leads, and publish the cross-validated evaluation. `run_date`
    (the rejects folder) and `now` default to the clock. A failure leaves a RETRAIN_FAILED
    marker beside the sheets and a retrain-failed artifact, and notifies the webhook."""
    settings = Settings()
    run_date = run_date or clock.today(settings)
    try:
        folder = _weekly(settings, run_date, now)
    except Exception as exc:
        at = clock.now(settings) if now is None else now
        marker = stale.mark_retrain(settings, run_date, exc, at)
        notify.run_failed(settings, run_date, exc, marker, flow="weekly-retrain")
        raise
    stale.clear_retrain(settings)
    return folder


def _weekly(settings: Settings, run_date: date, now: datetime | None) -> str:
    started = now or clock.now(settings)
    _task(check_inputs)(settings)  # editable files and the champion, before the first write
    _task(steps.intake, **_IO)(settings, run_date, started)
    _task(steps.enrich)(settings, started)
    result = _task(retrain)(settings, started)  # challenger vs champion, and cross-validation
    create_markdown_artifact(key="model-card", markdown=card_markdown(result))
    if result["trained"]:
        create_markdown_artifact(key="model-evaluation", markdown=result["evaluation_markdown"])
    print(result["message"])
    return result.get("folder", "")


def _record(settings: Settings, run_date: date, started: datetime, finished: datetime,
            summary: dict) -> None:
    with store.opened(settings.path(settings.warehouse)) as con, store.transaction(con):
        con.execute(store.sql("record_run", __package__), {
            "run_date": run_date, "started_at": started, "finished_at": finished,
            "model_version": summary["scoring"].get("model_version"),
            "summary": json.dumps(summary, default=str),
        })


def _publish_artifacts(run_date: date, summary: dict, top) -> None:
    grades = summary["scoring"].get("grades", {})
    rejected = sum(r["rejected"] for r in summary["intake"])
    suppressed = sum(r["suppressed"] for r in summary["intake"])
    create_markdown_artifact(key="run-summary", markdown="\n".join([
        f"# Lead sheet {run_date}",
        f"- open leads scored: {summary['scoring'].get('scored', 0)}",
        "- grades: " + ", ".join(f"{g} {grades.get(g, 0)}" for g in "ABCD"),
        f"- rows rejected at intake: {rejected}",
        f"- rows of erased people skipped at intake: {suppressed}",
        *(f"- {Path(r['file']).name}: read {r['read']} = inserted {r['inserted']} + updated "
          f"{r['updated']} + unchanged {r['unchanged']} + merged {r['merged']} + rejected "
          f"{r['rejected']} + suppressed {r['suppressed']}"
          + (f" (the same file as imported at {r['same_as']}, not read again)"
             if r.get("same_as") else "") for r in summary["intake"]),
        f"- model: {summary['scoring'].get('model_version')}",
        *_pruned_lines(summary.get("pruned")),
        *summary_lines(summary.get("enrichment", {})),
        *model_scoring.summary_lines(summary),
    ]))
    # lead ids and figures only: `leadpilot forget` cannot reach Prefect's database
    top = top[["rank", "lead_id", "grade", "win_probability", "expected_value",
               "plan"]].astype(str)
    create_table_artifact(key="top-leads", table=top.to_dict(orient="records"))
