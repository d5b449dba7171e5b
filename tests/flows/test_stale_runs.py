"""A leadpilot flow run left Running or Pending with no process tag (started another way than
`leadpilot run`, or before runs were tagged) is marked crashed once it is older than the limit
(settings.stale_run_hours); the clock is passed in, nothing waits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.pipeline.prefect_env import mark_stale_runs, pid_tagged, run_tag

pytestmark = pytest.mark.usefixtures("prefect_harness")
LIMIT = timedelta(hours=6)


@flow(name="daily-lead-sheet")
def _daily() -> None:
    """Never run: its runs are created in a given state."""


@flow(name="someone-elses-flow")
def _other() -> None:
    """Never run: another team's flow on the same Prefect server."""


def test_an_untagged_leadpilot_run_left_past_the_limit_is_marked_crashed_and_no_other():
    from prefect.client.orchestration import get_client
    from prefect.states import Pending, Running

    with get_client(sync_client=True) as client:
        runs = {"running": client.create_flow_run(_daily, state=Running()),
                "pending": client.create_flow_run(_daily, state=Pending()),
                "other flow": client.create_flow_run(_other, state=Running()),
                "tagged, alive": client.create_flow_run(_daily, state=Running(),
                                                        tags=[run_tag()])}
        began = client.read_flow_run(runs["running"].id).start_time

        def states() -> dict[str, str]:
            return {name: client.read_flow_run(run.id).state_type.value
                    for name, run in runs.items()}

        mark_stale_runs(began + LIMIT - timedelta(minutes=1), LIMIT)
        assert set(states().values()) == {"RUNNING", "PENDING"}  # not old enough yet
        assert mark_stale_runs(began + LIMIT + timedelta(minutes=1), LIMIT) >= 2
        assert states() == {"running": "CRASHED", "pending": "CRASHED",
                            "other flow": "RUNNING", "tagged, alive": "RUNNING"}
        message = client.read_flow_run(runs["running"].id).state.message
    assert message.startswith("still running 6.0 h after it began, over the 6 h limit")


@task(cache_policy=NO_CACHE)
def _own_tags() -> list[str]:
    from prefect.context import TaskRunContext

    return sorted(TaskRunContext.get().task_run.tags)  # the tags Prefect asks slots for


@flow(name="tagged-flow")
def _tagged() -> list[list[str]]:
    return [_own_tags(), _own_tags()]


def test_a_pid_tagged_run_carries_the_process_tag_and_its_tasks_none():
    """A tagged task run makes Prefect ask the server for that tag's concurrency slots before
    the task: the process tag belongs to the flow run only."""
    from prefect.client.orchestration import get_client

    state = pid_tagged(_tagged)(return_state=True)
    assert state.result() == [[], []]
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run_tag() in run.tags
