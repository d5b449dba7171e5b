"""Prefect's temporary server (uvicorn), run as a child that dies with the leadpilot process that
started it: `python -m flows.pipeline.server_child PARENT_PID <uvicorn arguments>`.

Prefect stops its temporary server at exit, but a killed `leadpilot run` (SIGKILL, OOM) left it
running as an orphan. A watcher thread stops the server once its parent is gone.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

GRACE_SECONDS = 5


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn shuts down cleanly
    time.sleep(GRACE_SECONDS)
    os._exit(1)


def main() -> None:
    parent, arguments = int(sys.argv[1]), sys.argv[2:]
    if os.getppid() != parent:  # the parent died before we got here
        sys.exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    sys.argv = ["uvicorn", *arguments]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
