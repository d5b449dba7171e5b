"""The fetcher against a real local server that injects faults: retries with backoff, Retry-After,
timeouts, resets, wrong content, huge bodies, the circuit breaker and the rate limit."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime

import pytest
from http_replay import Answer, ReplayServer

from flows.enrichment.fetching import (
    CircuitBreaker,
    Fetcher,
    Policy,
    RateLimiter,
    retry_after_seconds,
)
from flows.enrichment.ssrf import Allowlist

SEARCH = "/registry/search"
FAST = {"timeout_seconds": 0.4, "backoff_seconds": 0.02, "retries": 3}


@pytest.fixture
def replay(server):
    server.reset()
    server.routes.clear()
    server.bytes_sent_huge = 0
    return server


def _fetch_all(replay, n: int, **policy):
    """n lookups of Danone's SIREN through one Fetcher; returns (replies, fetcher)."""
    async def run():
        async with Fetcher(Policy(**{**FAST, **policy}), Allowlist([replay.host])) as fetcher:
            replies = await asyncio.gather(*(
                fetcher.fetch(replay.url(SEARCH), {"q": "552032534"}) for _ in range(n)))
            return replies, fetcher
    return asyncio.run(run())


def _one(replay, **policy):
    replies, fetcher = _fetch_all(replay, 1, **policy)
    return replies[0], fetcher


@pytest.mark.parametrize("fault", ["500", "503", "reset", "slow"])
def test_a_transient_fault_is_retried_and_the_lookup_succeeds(replay, fault):
    replay.forced[SEARCH] = [ReplayServer.fault(fault, retry_after="0", slow_seconds=1.0)]
    reply, fetcher = _one(replay)
    assert (reply.status, reply.attempts) == ("ok", 2)
    assert b'"DANONE"' in reply.body
    assert len(replay.hits) == fetcher.requests_sent == 2


def test_a_fault_that_lasts_gives_up_after_the_retries_with_the_last_error(replay):
    replay.forced[SEARCH] = [ReplayServer.fault("slow", slow_seconds=1.0)] * 4
    reply, _ = _one(replay)
    assert (reply.status, reply.error, reply.attempts) == ("error", "timed out after 0.4 s", 4)


def test_a_503_retry_after_is_honoured_before_the_retry(replay):
    replay.forced[SEARCH] = [ReplayServer.fault("503", retry_after="1")]
    reply, _ = _one(replay)
    assert reply.status == "ok"
    first, second = replay.hits
    assert second.at - first.at >= 0.95  # the backoff alone would be 0.01-0.02 s


def test_a_429_pauses_every_request_to_the_provider_not_only_the_one_refused(replay):
    replay.forced[SEARCH] = [ReplayServer.fault("429", retry_after="1")]

    async def run():
        async with Fetcher(Policy(**FAST), Allowlist([replay.host])) as fetcher:
            first = asyncio.create_task(fetcher.fetch(replay.url(SEARCH), {"q": "552032534"}))
            await asyncio.sleep(0.2)  # the 429 has arrived; now a second lookup starts
            second = await fetcher.fetch(replay.url(SEARCH), {"q": "842019051"})
            return await first, second

    first, second = asyncio.run(run())
    assert first.status == second.status == "ok"
    refused, *later = replay.hits
    assert all(hit.at - refused.at >= 0.95 for hit in later)


def test_a_retry_after_longer_than_the_limit_leaves_the_lookup_to_the_next_run(replay):
    replay.forced[SEARCH] = [ReplayServer.fault("429", retry_after="3600")]
    reply, _ = _one(replay, max_retry_after_seconds=60)
    assert reply.status == "error" and "next run" in reply.error
    assert reply.attempts == 1


@pytest.mark.parametrize(("fault", "error"), [
    ("html", "content type text/html is not application/json or +json"),
    ("huge", "body larger than 1000000 bytes"),
    ("huge_stream", "body larger than 1000000 bytes"),
])
def test_wrong_or_oversized_content_is_an_error_not_retried(replay, fault, error):
    replay.forced[SEARCH] = [ReplayServer.fault(fault)]
    reply, _ = _one(replay, max_bytes=1_000_000)
    assert (reply.status, reply.error, reply.attempts) == ("error", error, 1)
    assert replay.bytes_sent_huge < 8 * 1024 * 1024  # stopped long before 20 MB


@pytest.mark.parametrize(("status", "outcome"), [(404, "not_found"), (204, "not_found"),
                                                 (401, "error"), (202, "error")])
def test_client_errors_and_no_match_are_answers_not_retried(replay, status, outcome):
    replay.forced[SEARCH] = [Answer(status, b"")]
    reply, _ = _one(replay)
    assert (reply.status, reply.attempts) == (outcome, 1)


def test_a_cookie_one_answer_sets_is_never_sent_with_the_next_lookup(replay):
    replay.forced[SEARCH] = [Answer(200, b'{"results": []}', "application/json",
                                    {"Set-Cookie": "session=lead-1; Path=/"})] * 2

    async def run():  # one connection, one lookup after the other
        async with Fetcher(Policy(**{**FAST, "concurrency": 1}),
                           Allowlist([replay.host])) as fetcher:
            return [await fetcher.fetch(replay.url(SEARCH), {"q": "552032534"})
                    for _ in range(2)]

    assert [reply.status for reply in asyncio.run(run())] == ["ok", "ok"]
    assert len(replay.hits) == 2
    assert all("cookie" not in hit.headers for hit in replay.hits)


def test_the_circuit_breaker_stops_calling_a_provider_that_keeps_failing(replay):
    replay.routes[SEARCH] = lambda hit: ReplayServer.fault("500")
    replies, fetcher = _fetch_all(replay, 10, retries=1, concurrency=1, breaker_failures=3)
    assert [r.status for r in replies] == ["error"] * 10
    assert sum(r.skipped for r in replies) == 7
    assert len(replay.hits) == 3 * 2  # three lookups of two attempts, then nothing
    assert fetcher.breaker.trips == 1 and fetcher.breaker.is_open


def test_a_half_open_circuit_closes_again_when_its_probe_succeeds():
    clock = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown=30, clock=lambda: clock[0])
    breaker.record(False)
    breaker.record(False)
    assert breaker.allow() == (False, False)
    clock[0] = 31
    assert breaker.allow() == (True, True)  # one probe...
    assert breaker.allow() == (False, False)  # ...at a time
    breaker.record(True)
    assert not breaker.is_open and breaker.allow() == (True, False)


def test_the_rate_limit_holds_requests_to_the_configured_rate(replay, monkeypatch):
    starts = []  # when each request leaves, as the client sees it: a loaded machine may delay
    acquire = RateLimiter.acquire  # the test server's thread and bunch arrivals on its side

    async def timed(self):
        await acquire(self)
        starts.append(time.monotonic())

    monkeypatch.setattr(RateLimiter, "acquire", timed)
    replies, _ = _fetch_all(replay, 30, rate_per_second=20, concurrency=10)
    assert all(r.status == "ok" for r in replies) and len(replay.hits) == 30
    starts.sort()
    assert starts[-1] - starts[0] >= (30 - 1) / 20 * 0.95
    in_any_second = max(sum(1 for t in starts if s <= t < s + 1) for s in starts)
    assert in_any_second <= 21


def test_backoff_doubles_with_jitter_up_to_its_cap():
    fetcher = Fetcher(Policy(backoff_seconds=0.5, backoff_cap_seconds=3), rng=random.Random(1))
    delays = [[fetcher._backoff(attempt) for _ in range(200)] for attempt in range(4)]
    for attempt, ceiling in enumerate((0.5, 1.0, 2.0, 3.0)):
        assert ceiling / 2 <= min(delays[attempt]) and max(delays[attempt]) <= ceiling
        assert len(set(delays[attempt])) > 100  # jittered, so retries do not march in step


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Sun, 29 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 29 Nov 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_sharded_clients_keep_five_connections_each():
    async def shards():
        async with Fetcher(Policy(concurrency=100)) as fetcher:
            return [transport._pool._max_connections for transport in fetcher._transports]

    assert asyncio.run(shards()) == [5] * 20
