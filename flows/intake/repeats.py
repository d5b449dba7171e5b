"""The daily files when they are the very files imported last time.

The daily flow reads the same three CSVs (companies, leads, activities) every morning. A file
nobody changed holds nothing new, yet reading it again means parsing, checking and comparing
every row to find each one unchanged: at a million leads that costs more than scoring them. So
the intake recognises byte-identical files by their SHA-256 and reports what reading them again
would: every record that import wrote is unchanged, the same rows merged, rejected and
suppressed, marked `same_as` (when that import ran); today's rejects folder gets a copy of that
import's rejects files.

The three files are read again, all of them, when any one of them changed, when the suppression
lists changed since (rows of people erased since must be counted as suppressed), when a rejects
file of that import is gone, or when the reader's code changed (an upgrade may read differently).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path

import duckdb

from flows import store
from flows.intake import rejects

CHUNK = 1 << 20


def fingerprint(path: Path) -> str:
    """The SHA-256 of the file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def reader_id() -> str:
    """A digest of the intake's code and SQL (flows/intake, features/reading)."""
    digest = hashlib.sha256()
    for package in ("flows.intake", "features.reading"):
        root = Path(str(files(package)))
        for source in sorted(root.rglob("*")):
            if source.suffix in (".py", ".sql", ".toml", ".txt") and source.is_file():
                digest.update(str(source.relative_to(root)).encode() + source.read_bytes())
    return digest.hexdigest()


def erased(con: duckdb.DuckDBPyConnection) -> int:
    """How many people and lead ids the suppression lists hold."""
    return con.execute(store.sql("erased_count", __package__)).fetchone()[0]


def repeated(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], prints: Sequence[str],
             rejects_dir: Path) -> list[dict] | None:
    """The results of the import that read exactly these files (`prints`: their fingerprints),
    each with `same_as`, once its rejects files are copied to `rejects_dir`; None when the files
    must be read (see the module docstring)."""
    now_erased, reader = erased(con), reader_id()
    found = []
    for path, sha in zip(paths, prints, strict=True):
        row = con.execute(store.sql("daily_file", __package__), [str(path)]).fetchone()
        if row is None or tuple(row[:3]) != (sha, now_erased, reader):
            return None
        result = json.loads(row[4])
        kept = result["inserted"] + result["updated"] + result["unchanged"]
        result.update(inserted=0, updated=0, unchanged=kept, same_as=row[3].isoformat(sep=" "))
        if result["rejects_file"] and not Path(result["rejects_file"]).is_file():
            return None
        found.append(result)
    for path, result in zip(paths, found, strict=True):
        if result["rejects_file"]:
            result["rejects_file"] = str(_copy(Path(result["rejects_file"]),
                                               rejects.target(rejects_dir, path)))
    return found


def remember(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], prints: Sequence[str],
             results: Sequence[dict], now: datetime) -> None:
    """Record the files an import just read (in the import's transaction)."""
    now_erased, reader = erased(con), reader_id()
    for path, sha, result in zip(paths, prints, results, strict=True):
        con.execute(store.sql("remember_daily_file", __package__), {
            "path": str(path), "sha256": sha, "erased": now_erased, "reader": reader,
            "imported_at": now, "summary": json.dumps({k: v for k, v in result.items()
                                                       if k != "same_as"}),
        })


def _copy(source: Path, target: Path) -> Path:
    if source.resolve() != target.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source, partial)
        partial.replace(target)
    return target
