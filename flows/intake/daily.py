"""Intake: read the leads, companies and activities CSVs into the warehouse, rejects aside.

One door: every file goes through `leadpilot import`'s reader, checks and reject texts. The
leads and companies files are imports with the presets leadpilot and companies
(flows/intake/importer.py); the activities file is read by the same reader and checked with
the same reason table (flows/intake/activities.py). Each file's rows:
read = inserted + updated + unchanged + merged + rejected + suppressed, where suppressed rows
are those of people `leadpilot forget` erased (privacy/suppression.py), skipped unwritten.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

import duckdb

from flows import store
from flows.intake import rejects, repeats
from flows.intake import rows as import_rows
from flows.intake.activities import import_activities
from flows.intake.importer import ImportSummary, import_file
from flows.intake.mapping import load_mapping
from flows.intake.reading import stamp


@dataclass(frozen=True)
class FileResult:
    file: str
    read: int
    inserted: int
    updated: int  # rows of records the warehouse had, with a change
    unchanged: int  # rows of records the warehouse had, as they were
    merged: int  # rows repeating a key seen earlier in the same file
    rejected: int
    rejects_file: str | None
    suppressed: int = 0  # rows of erased people: neither loaded nor in the rejects file
    same_as: str | None = None  # not read: byte-identical to the file imported then (repeats.py)

    @property
    def balanced(self) -> bool:
        """Every row read is accounted for exactly once."""
        return self.read == (self.inserted + self.updated + self.unchanged + self.merged
                             + self.rejected + self.suppressed)


def import_all(con: duckdb.DuckDBPyConnection, leads: Path, companies: Path, activities: Path,
               rejects_dir: Path, now: datetime, *, dry_run: bool = False) -> list[FileResult]:
    """Load the three CSVs in one transaction: a failure leaves the warehouse untouched.

    With `dry_run`, each file is previewed and nothing is written: neither the warehouse
    (`con` may be read-only) nor a rejects file. Files byte-identical to those of the last
    import are not read again (flows/intake/repeats.py): their results carry `same_as`."""
    paths = (companies, leads, activities)
    seen = None if dry_run else _fingerprints(paths)
    if seen is not None and (same := repeats.repeated(con, paths, seen[1], rejects_dir)):
        return [FileResult(**result) for result in same]
    import_rows.install(con, committed=True)  # once, outside the transaction, for the 3 files
    step = contextlib.nullcontext() if dry_run else store.transaction(con)
    targets = [rejects.target(rejects_dir, path) for path in paths]
    try:  # the rejects files stay `.partial` until the transaction commits
        # the scratch folders (transcoded copies; an in-memory dry run's spill, which DuckDB
        # cannot move once used: importer._spill_folder) outlive the transaction
        with tempfile.TemporaryDirectory(prefix="leadpilot-intake-") as tmp, step:
            firms, people = (import_file(con, path, load_mapping(preset, None), rejects_dir,
                                         now, dry_run=dry_run, in_transaction=not dry_run,
                                         workdir=_scratch(Path(tmp), preset))
                             for path, preset in ((companies, "companies"),
                                                  (leads, "leadpilot")))
            erased_leads = set(people.skipped_ids)  # the leads file's suppressed ids: their
            events = import_activities(con, activities, rejects_dir,  # activities go too
                                       _scratch(Path(tmp), "activities"), erased_leads,
                                       dry_run=dry_run)
            results = [_result(firms), _result(people), FileResult(file=str(activities), **events)]
            if seen is not None and [stamp(path) for path in paths] == seen[0]:
                repeats.remember(con, paths, seen[1], [asdict(r) for r in results], now)
    except BaseException:
        rejects.discard(targets)
        raise
    rejects.publish(targets)
    return results


def _scratch(tmp: Path, name: str) -> Path:
    """A file's own scratch folder (its transcoded copy is always named utf8.csv)."""
    folder = tmp / name
    folder.mkdir()
    return folder


def _fingerprints(paths: tuple[Path, ...]) -> tuple[list, list[str]] | None:
    """Each file's (size, mtime) and SHA-256, or None when one is missing (the import says so)."""
    if not all(Path(path).is_file() for path in paths):
        return None
    return [stamp(path) for path in paths], [repeats.fingerprint(path) for path in paths]


def _result(summary: ImportSummary) -> FileResult:
    """An import's summary as the intake reports it."""
    return FileResult(**{f.name: getattr(summary, f.name) for f in fields(FileResult)
                         if hasattr(summary, f.name)})
