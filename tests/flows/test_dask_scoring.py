"""The daily flow with its scoring chunks on a Dask cluster (LEADPILOT_DASK_ADDRESS): a local
cluster on 127.0.0.1 started here, its workers talking to this process over TCP, gives the
committed single-process sheet byte for byte."""

from __future__ import annotations

import math
import shutil

import pytest
from support import ANCHOR, NOW, REPO

from flows import store
from flows.errors import LeadpilotError

pytestmark = pytest.mark.usefixtures("prefect_harness")

GOLDEN = REPO / "tests" / "fixtures" / "golden" / "lead_sheet_2026-11-27.csv"
CHUNK = 97  # leads per chunk: several chunks on the demo, the last one partial


def test_the_scoring_chunks_run_on_the_cluster_and_the_sheet_is_the_single_process_one(
        demo_env, cluster, tmp_path, monkeypatch):
    from flows.pipeline.daily import daily_lead_sheet

    settings = demo_env[0]
    local, finished = cluster
    assert local.scheduler_address.startswith("tcp://127.0.0.1:")
    warehouse = tmp_path / "leadpilot.duckdb"
    shutil.copy(settings.path(settings.warehouse), warehouse)
    for name, value in {"WAREHOUSE": warehouse, "OUT_DIR": tmp_path / "out",
                        "REJECTS_DIR": tmp_path / "rejects", "CHUNK_LEADS": CHUNK,
                        "DASK_ADDRESS": local.scheduler_address}.items():
        monkeypatch.setenv(f"LEADPILOT_{name}", str(value))

    sheet = daily_lead_sheet(run_date=ANCHOR, now=NOW)

    with store.opened(warehouse) as con:
        [(leads,)] = con.execute("SELECT count(*) FROM scores WHERE run_date = ?",
                                 [ANCHOR]).fetchall()
    assert leads > 2 * CHUNK and leads % CHUNK  # several chunks, the last one partial
    assert len(finished.keys) == math.ceil(leads / CHUNK)  # each chunk, once, on the cluster
    assert all(key.startswith("score_chunk-") for key in finished.keys), finished.keys
    assert open(sheet, "rb").read() == GOLDEN.read_bytes()


@pytest.mark.parametrize(("dask", "api", "refused"), [
    ("tcp://127.0.0.1:8786", None, "there is none"),
    ("tcp://10.0.0.5:8786", "http://127.0.0.1:4200/api", "is this machine's own"),
    ("tcp://10.0.0.5:8786", "http://localhost:4200/api", "is this machine's own"),
    ("tcp://127.0.0.1:8786", "http://127.0.0.1:4200/api", None),
    ("tcp://10.0.0.5:8786", "http://10.0.0.5:4200/api", None),
])
def test_a_cluster_whose_workers_cannot_reach_the_prefect_server_is_refused_before_any_write(
        demo_env, dask, api, refused):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.pipeline.checks import check_inputs

    settings = demo_env[0].model_copy(update={"dask_address": dask})
    with temporary_settings(updates={PREFECT_API_URL: api}):
        if refused is None:
            assert check_inputs(settings)
        else:
            with pytest.raises(LeadpilotError, match=f"{refused}.*set PREFECT_API_URL"):
                check_inputs(settings)
