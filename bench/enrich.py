"""Benchmark: enrichment lookups against a local server that answers each request in 50 ms.

Run by hand: `.venv/bin/python bench/enrich.py [--lookups 5000] [--concurrency 100]
[--latency 0.05] [--limited-lookups 50]`.

A server process on 127.0.0.1 (plain asyncio, keep-alive, a small JSON body after `latency`
seconds) answers a JSON provider configured like Clearbit. The client is leadpilot's own path:
`flows.enrichment.lookups.fetch_lookups` (sharded httpx clients behind the SSRF guard, retries,
circuit breaker) then each reply parsed by `parse_reply`. Two runs:
  1. no rate limit: requests per second next to the bound (concurrency / latency), as a ratio;
     target at least 0.7;
  2. `rate_per_second = 7` (the registry's limit): the measured rate must stay at or under 7/s.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from features.lookups import Lookup
from flows.enrichment.fetching import JSON_TYPES, Policy
from flows.enrichment.lookups import fetch_lookups, parse_reply
from flows.enrichment.providers import Provider, Providers

BODY = (b'{"name": "Acme", "metrics": {"employees": 120, "employeesRange": "51-250"}, '
        b'"category": {"industry": "Software"}, "tech": ["hubspot", "google_analytics"]}')
FIELDS = {"metrics.employeesRange": "headcount_band", "category.industry": "industry_label",
          "tech": "tech_hints"}


def serve(port_queue: multiprocessing.Queue, latency: float) -> None:
    """An HTTP/1.1 keep-alive server: every GET gets BODY after `latency` seconds."""
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if not head:
                    break
                await asyncio.sleep(latency)
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def run(port: int, lookups: int, concurrency: int,
        rate: float | None) -> tuple[float, float, int]:
    """(seconds, client CPU seconds, ok lookups) for `lookups` distinct lookups through
    leadpilot's fetch path."""
    host = f"127.0.0.1:{port}"
    policy = Policy(concurrency=concurrency, rate_per_second=rate, timeout_seconds=10,
                    retries=0, content_types=JSON_TYPES, breaker_failures=10**6)
    provider = Provider(name="bench", kind="json", enabled=True,
                        url=f"http://{host}/v2/companies/find?domain={{domain}}", key="domain",
                        ttl=timedelta(days=30), policy=policy, fields=FIELDS)
    setup = Providers((provider,), allow=(host,))
    due = [Lookup("bench", f"company{i}.example",
                  f"http://{host}/v2/companies/find?domain=company{i}.example")
           for i in range(lookups)]
    started, cpu = time.perf_counter(), time.process_time()
    replies, _ = asyncio.run(fetch_lookups(due, [provider], setup))
    parsed = [parse_reply(provider, lookup, replies[("bench", lookup.key)]) for lookup in due]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, sum(1 for status, facts, _ in parsed if status == "ok" and facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limited-lookups", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="Unlimited runs; best is kept.")
    args = parser.parse_args()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.latency), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=10)
        bound = args.concurrency / args.latency
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores (other processes slow every figure below)")
        runs = [run(port, args.lookups, args.concurrency, None) for _ in range(args.repeat)]
        for seconds, cpu, ok in runs:
            rate = args.lookups / seconds
            print(f"no rate limit: {args.lookups} lookups ({ok} parsed ok) in {seconds:.2f} s = "
                  f"{rate:,.0f} req/s; bound {args.concurrency} / {args.latency * 1000:g} ms = "
                  f"{bound:,.0f} req/s; ratio {rate / bound:.2f} (target >= 0.70); client CPU "
                  f"{cpu / args.lookups * 1000:.2f} ms per lookup")
        best = max(args.lookups / seconds for seconds, _, _ in runs)
        cpu = min(cpu for _, cpu, _ in runs) / args.lookups
        print(f"best: {best:,.0f} req/s, ratio {best / bound:.2f}; with a core to itself the "
              f"client could do at most {1 / cpu:,.0f} req/s (ratio {1 / cpu / bound:.2f})")
        seconds, _, ok = run(port, args.limited_lookups, args.concurrency, 7)
        limited = args.limited_lookups / seconds
        print(f"rate_per_second = 7: {args.limited_lookups} lookups ({ok} parsed ok) in "
              f"{seconds:.2f} s = {limited:.2f} req/s (target <= 7)")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
