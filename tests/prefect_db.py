"""A migrated Prefect database, built once per installed Prefect version and copied into every
fresh Prefect home of the tests.

A temporary Prefect server on an empty database first runs Prefect's migrations: measured on
the 2-core machine, the first flow of a fresh home waits 20.6 s for its server, 9.8 s when the
home already holds a migrated database. The suite starts about six such servers (one harness
per worker, the CLI runs in subprocesses), so the copy saves about a minute of CPU.

The copy is Prefect's own database made by `prefect server database upgrade`, kept beside the
interpreter of the virtual environment (it goes with the installed Prefect), under a lock so
parallel workers build it once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path


def template() -> Path:
    """The migrated database of this environment's Prefect (built on first use)."""
    path = Path(sys.prefix) / f"leadpilot-tests-prefect-{version('prefect')}.db"
    if path.exists():
        return path
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building it
        if not path.exists():
            _build(path)
    return path


def _build(path: Path) -> None:
    home = Path(tempfile.mkdtemp(prefix="leadpilot-prefect-template-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   DO_NOT_TRACK="1")
        subprocess.run([str(Path(sys.executable).parent / "prefect"), "server", "database",
                        "upgrade", "-y"], env=env, check=True, capture_output=True, timeout=600)
        partial = path.with_suffix(".partial")
        shutil.copy(home / "prefect.db", partial)
        os.replace(partial, path)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def seed(home: Path, name: str = "prefect.db") -> Path:
    """Put a copy of the migrated database in the Prefect home `home` (created); returns it."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(template(), home / name)
    return home
