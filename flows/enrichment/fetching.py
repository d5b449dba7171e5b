"""One provider's HTTP side: concurrency and rate limit, retries with exponential backoff and
jitter (Retry-After honoured), a circuit breaker, a body-size cap and a content-type check.

`Fetcher.fetch` never raises for what a server does: it returns a `Reply` saying what
happened, so a slow, rate-limited, broken or hostile server can never stop a run. Clients are
sharded, 5 connections each: one httpx AsyncClient collapses above ~25-50 connections
(STACK_NOTES), and httpcore's pool scans every connection it holds for each request, so small
pools cost the least CPU per request. Each attempt takes a client with a free connection, so
nothing queues inside a pool (bench/enrich.py: ~0.5 ms of client CPU per lookup at 3, 5 or 10
connections a client; ~0.7 ms at 5 when requests went round-robin and queued).
"""

from __future__ import annotations

import asyncio
import collections
import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from flows import clock
from flows.enrichment.ssrf import (
    Allowlist,
    GuardedTransport,
    Resolver,
    Unresolvable,
    UnsafeTarget,
    default_ssl_context,
)
from flows.enrichment.ssrf import system_resolver as _system_resolver

CONNECTIONS_PER_CLIENT = 5
JSON_TYPES: tuple[str, ...] = ("application/json", "+json")
HTML_TYPES: tuple[str, ...] = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Policy:
    """How one provider is called; every field can be set per provider in providers.toml."""

    concurrency: int = 4
    rate_per_second: float | None = None  # None: no limit
    timeout_seconds: float = 10.0  # for a whole attempt, body included
    retries: int = 3
    backoff_seconds: float = 0.5  # first retry after 0.25-0.5 s, then doubling
    backoff_cap_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0  # a longer Retry-After gives up until the next run
    max_bytes: int = 2_000_000
    content_types: tuple[str, ...] = JSON_TYPES
    max_redirects: int = 3
    breaker_failures: int = 5  # consecutive failed lookups that open the circuit
    breaker_cooldown_seconds: float = 60.0


@dataclass(frozen=True)
class Reply:
    """What one lookup came to. `status`: ok, not_found, refused (SSRF guard) or error."""

    status: str
    body: bytes = b""
    content_type: str = ""
    http_status: int | None = None
    error: str | None = None
    attempts: int = 0  # HTTP requests sent for this lookup
    skipped: bool = False  # never tried: the circuit breaker was open
    retry_after: float | None = None


class _TooLarge(Exception):
    pass


class RateLimiter:
    """Spaces request starts evenly, 5 % under the configured rate so that network jitter never
    bunches them into a burst over the limit on the server's side; `pause` (a 429's
    Retry-After) holds every request."""

    MARGIN = 0.95

    def __init__(self, rate_per_second: float | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / (rate_per_second * self.MARGIN) if rate_per_second else 0.0
        self._clock, self._next = clock, 0.0

    async def acquire(self) -> None:
        now = self._clock()
        start = max(now, self._next)
        self._next = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, self._clock() + seconds)


class CircuitBreaker:
    """Opens after `threshold` consecutive failed lookups; after `cooldown` s one probe may
    try again, and its success closes the circuit."""

    def __init__(self, threshold: int, cooldown: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold, self._cooldown, self._clock = threshold, cooldown, clock
        self._failures, self._opened_at, self._probing = 0, None, False
        self.trips = 0

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> tuple[bool, bool]:
        """(may this lookup run, is it the probe of a half-open circuit)."""
        if self._opened_at is None:
            return True, False
        if not self._probing and self._clock() - self._opened_at >= self._cooldown:
            self._probing = True
            return True, True
        return False, False

    def record(self, success: bool) -> None:
        self._probing = False
        if success:
            self._failures, self._opened_at = 0, None
            return
        self._failures += 1
        if self._failures >= self._threshold:
            if self._opened_at is None:
                self.trips += 1
            self._opened_at = self._clock()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP date), else None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or clock.utc_now())).total_seconds())


def _accepts(media_type: str, accepted: tuple[str, ...]) -> bool:
    return any(media_type == t or (t.startswith("+") and media_type.endswith(t))
               for t in accepted)


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing: a cookie one answer sets never rides along with another
    lookup, and no answer pays for httpx's cookie parsing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _Client(httpx.AsyncClient):
    """httpx's client without a cookie jar (see `_NoCookies`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies) -> None:
        raise TypeError("this client keeps no cookies")


class Fetcher:
    """Fetches for one provider. Use as ``async with Fetcher(...) as fetcher``."""

    def __init__(self, policy: Policy, allow: Allowlist | None = None,
                 resolver: Resolver = _system_resolver, user_agent: str = "leadpilot",
                 rng: random.Random | None = None) -> None:
        self.policy = policy
        allow = allow if allow is not None else Allowlist()
        shards = max(1, math.ceil(policy.concurrency / CONNECTIONS_PER_CLIENT))
        per_client = math.ceil(policy.concurrency / shards)
        # Each attempt is bounded as a whole (asyncio.timeout in _with_retries): per-read and
        # per-write timeouts would only add a cancel scope to every socket operation.
        timeout = httpx.Timeout(None, connect=min(policy.timeout_seconds, 5.0))
        context = default_ssl_context()
        self._transports = [GuardedTransport(allow, resolver, per_client, context)
                            for _ in range(shards)]
        self._clients = [
            _Client(transport=transport, timeout=timeout, follow_redirects=True,
                    max_redirects=policy.max_redirects, trust_env=False,
                    headers={"User-Agent": user_agent})
            for transport in self._transports
        ]
        # One token per connection, interleaved across clients: an attempt takes a client
        # with a free connection, so no request ever queues inside an httpcore pool
        # (whose queue is rescanned, with every connection, on each request).
        self._free = collections.deque(i for _ in range(per_client) for i in range(shards))
        self._slots = asyncio.Semaphore(policy.concurrency)
        self._rng = rng or random.Random()
        self.limiter = RateLimiter(policy.rate_per_second)
        self.breaker = CircuitBreaker(policy.breaker_failures, policy.breaker_cooldown_seconds)

    @property
    def requests_sent(self) -> int:
        """HTTP requests that left for a vetted address (each redirect hop counts)."""
        return sum(transport.requests_sent for transport in self._transports)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(client.aclose() for client in self._clients))

    async def fetch(self, url: str, params: Mapping[str, str] | None = None,
                    headers: Mapping[str, str] | None = None) -> Reply:
        """GET `url` with retries; never raises for anything the server or network does."""
        async with self._slots:
            allowed, probe = self.breaker.allow()
            if not allowed:
                return Reply("error", error="skipped: circuit open after repeated failures",
                             skipped=True)
            reply = await self._with_retries(url, params, headers, probe)
            if reply.status != "refused":
                self.breaker.record(reply.status != "error")
            return reply

    async def _with_retries(self, url, params, headers, probe: bool) -> Reply:
        policy, sent, error = self.policy, 0, "not tried"
        for attempt in range(policy.retries + 1):
            if attempt and self.breaker.is_open and not probe:
                break
            await self.limiter.acquire()
            turn = self._free.popleft()  # there are at least `concurrency` tokens
            wait = None
            try:
                async with asyncio.timeout(policy.timeout_seconds):
                    reply = await self._once(self._clients[turn], url, params, headers)
            except UnsafeTarget as exc:
                return Reply("refused", error=f"refused: {exc}", attempts=sent)
            except Unresolvable as exc:
                return Reply("not_found", error=str(exc), attempts=sent)
            except (TimeoutError, httpx.TimeoutException):
                error = f"timed out after {policy.timeout_seconds:g} s"
            except httpx.TooManyRedirects:
                return Reply("error", error=f"more than {policy.max_redirects} redirects",
                             attempts=sent + 1)
            except _TooLarge:
                return Reply("error", error=f"body larger than {policy.max_bytes} bytes",
                             attempts=sent + 1)
            except httpx.TransportError as exc:
                error = f"connection failed ({type(exc).__name__})"
            except httpx.HTTPError as exc:
                return Reply("error", error=f"request failed ({type(exc).__name__})",
                             attempts=sent + 1)
            else:
                if reply.status != "retry":
                    return Reply(**{**reply.__dict__, "attempts": sent + 1})
                error, wait = f"HTTP {reply.http_status}", reply.retry_after
                if wait is not None and reply.http_status == 429:
                    self.limiter.pause(wait)
                if wait is not None and wait > policy.max_retry_after_seconds:
                    return Reply("error", error=f"{error}, retry after {wait:g} s: next run",
                                 http_status=reply.http_status, attempts=sent + 1)
            finally:
                self._free.append(turn)
            sent += 1
            if attempt < policy.retries:
                await asyncio.sleep(max(self._backoff(attempt), wait or 0.0))
        return Reply("error", error=error, attempts=sent)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.policy.backoff_cap_seconds, self.policy.backoff_seconds * 2 ** attempt)
        return ceiling * self._rng.uniform(0.5, 1.0)

    async def _once(self, client: httpx.AsyncClient, url, params, headers) -> Reply:
        async with client.stream("GET", url, params=params, headers=headers) as response:
            status = response.status_code
            if status == 429 or status >= 500:
                return Reply("retry", http_status=status, retry_after=retry_after_seconds(
                    response.headers.get("retry-after")))
            if status in (204, 404, 410):
                return Reply("not_found", http_status=status)
            if status == 202:
                return Reply("error", http_status=status,
                             error="HTTP 202: the provider is still looking it up")
            if not 200 <= status < 300:
                return Reply("error", http_status=status, error=f"HTTP {status}")
            content_type = response.headers.get("content-type", "")
            media = content_type.split(";", 1)[0].strip().lower()
            if not _accepts(media, self.policy.content_types):
                return Reply("error", http_status=status, content_type=content_type,
                             error=f"content type {media or 'missing'} is not "
                                   f"{' or '.join(self.policy.content_types)}")
            body = await _read_capped(response, self.policy.max_bytes)
            return Reply("ok", body=body, content_type=content_type, http_status=status)


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)
