"""The one settings object: built once at the edge (CLI, flow entry) and passed down as values."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a leadpilot run; each can be set as `LEADPILOT_<NAME>` or in `.env`.

    Paths are relative to `home` unless absolute. `.env.example` documents every variable.
    """

    model_config = SettingsConfigDict(env_prefix="LEADPILOT_", env_file=".env", extra="ignore")

    home: Path = Field(default=Path("."), description="Project folder that holds data/.")
    leads_csv: Path = Path("data/demo/leads.csv")
    companies_csv: Path = Path("data/demo/companies.csv")
    activities_csv: Path = Path("data/demo/activities.csv")
    warehouse: Path = Path("data/warehouse/leadpilot.duckdb")
    models_dir: Path = Path("data/models")
    out_dir: Path = Path("data/out")
    rejects_dir: Path = Path("data/rejects")
    prefect_home: Path = Path("data/prefect")
    log_file: Path = Path("data/logs/leadpilot.log")
    price_book: Path = Path("data/pricebook.yaml")
    playbook: Path = Path("data/playbook.yaml")
    reasons: Path = Path("data/reasons.yaml")
    grades: Path = Path("data/grades.yaml")
    providers: Path = Field(
        default=Path("data/providers.toml"),
        description="Enrichment providers (registry, website, JSON APIs); all off by default.")
    reps: Path = Path("data/reps.yaml")
    sheet_format: Literal["csv", "xlsx"] = Field(
        default="csv", description="Format of the daily sheet and of `leadpilot export`.")
    sheet_locale: Literal["en", "fr"] = Field(
        default="en", description="en: comma and decimal point; fr: French Excel (; 1,5 DD/MM).")
    language: str | None = Field(
        default=None, description="Force the sheet language (en or fr); default: by country."
    )
    history_lag_days: int = Field(
        default=3, ge=0, description="A past lead is scored as of this many days after it came in."
    )
    move_days: int = Field(
        default=7, ge=1, description="A lead a rep moved up or down keeps its place this many "
        "days after the move was read, then goes back to its computed rank.")
    holdout_fraction: float = Field(default=0.2, gt=0, lt=1)
    min_closed_leads: int = Field(
        default=200, ge=0, description="Below this many closed leads, score with data/rules.yaml.")
    min_wins: int = Field(default=30, ge=0, description="Below this many wins, use the rules too.")
    rules: Path = Path("data/rules.yaml")
    promotion_margin: float = Field(
        default=0.005, ge=0, description="ROC AUC a challenger must gain to replace the champion.")
    search_candidates: int = Field(
        default=3, ge=1, le=6, description="How many tree settings the hyperparameter search "
        "tries per training (a count, so the model never depends on the machine's load).")
    drift_threshold: float = Field(
        default=0.2, gt=0, description="PSI above which the run summary warns about a feature.")
    seed: int = 42
    chunk_leads: int = Field(
        default=50_000, ge=1, description="The daily run's chunked steps read, compute "
        "and store the open leads this many at a time, so their memory does not grow with "
        "the day.")
    duckdb_memory_limit: str = Field(
        default="1.25GB", pattern=r"^[0-9]+(\.[0-9]+)?(KB|MB|GB|KiB|MiB|GiB)$",
        description="What DuckDB may hold in memory in the daily run's steps that read the "
        "day's leads (features, scores, prices, talking points, owners, the sheet); beyond it, "
        "it spills to a folder beside the warehouse (leadpilot.duckdb.tmp). Lower saves memory, "
        "costs time: the features of a million open leads need more than 512MB, and spill "
        "under 1GB (16 s instead of 9 s).")
    dask_address: str | None = Field(
        default=None, description="A Dask scheduler (e.g. tcp://10.0.0.5:8786): the scoring "
        "step's chunks then run on its workers, through Prefect's Dask task runner. Default: "
        "in the flow's own process.")
    dask_train_rows: int = Field(
        default=1_000_000, ge=1, description="With a Dask scheduler named, `train` fits the "
        "trees on its workers (lightgbm.dask) from this many closed leads up; below, in one "
        "process with the full recipe.")
    dask_sample_rows: int = Field(
        default=200_000, ge=1, description="On the Dask training path, the most closed leads "
        "kept in the flow's process for each of its two blocks: the newest (holdout) and those "
        "just before (tree count and calibration).")
    notify_url: str | None = Field(
        default=None, description="A webhook (Slack, Teams, any JSON receiver) told when a daily "
        "run fails: an HTTP POST of a JSON body.")
    stale_run_hours: float = Field(
        default=6, gt=0, description="A daily-lead-sheet or weekly-retrain flow run still "
        "Running or Pending after this many hours, and tagged with no leadpilot process, is "
        "marked crashed by the next `leadpilot run`.")
    keep_days: int | None = Field(
        default=None, ge=1, description="After its sheet, the daily run deletes what is more "
        "than this many days before its date: the folders under out_dir whose sheet the "
        "warehouse keeps (`leadpilot export --date D --rep-pages` writes one again), and the "
        "features, scores and prices the warehouse stored those days. Default: keep it all.")
    timezone: str = Field(
        default="Europe/Paris", description="The team's time zone: what 'today' means.")
    today: date | None = Field(
        default=None, description="Move the calendar to this day (replays, CI's calendar "
        "guard); the clock keeps the real time of day. Default: the real date.")

    def path(self, value: Path) -> Path:
        """Resolve a configured path against `home`."""
        return value if value.is_absolute() else (self.home / value)
