"""A real HTTP/1.1 server on 127.0.0.1 for the enrichment tests: it replays the recorded
provider responses (tests/fixtures/enrichment/) and injects faults on demand (500, 503 and 429
with Retry-After, slow answers, connection resets, invalid JSON, HTML instead of JSON, a 20 MB
body). It runs its own event loop in a background thread and records every request it sees."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "enrichment"
FAULTS: tuple[str, ...] = ("500", "503", "429", "slow", "reset", "invalid_json", "html", "huge")


@dataclass(frozen=True)
class Hit:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when the request arrived


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None  # "reset" or "huge" are not plain answers


@dataclass
class FaultPlan:
    """`rate` of the requests under `prefix` get one of `kinds`, drawn with a seeded RNG."""

    rate: float
    kinds: tuple[str, ...] = FAULTS
    prefix: str = "/"
    seed: int = 7
    retry_after: str = "1"
    slow_seconds: float = 1.0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


def registry_recordings() -> dict[str, bytes]:
    """q (lower case) -> recorded body of every Recherche d'entreprises fixture."""
    recordings = {}
    for path in sorted((FIXTURES / "recherche_entreprises").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        recordings[data["searchTerms"].lower()] = json.dumps(
            data["result"], ensure_ascii=False).encode()
    return recordings


def homepage(domain: str) -> bytes:
    page = (FIXTURES / "homepage.html").read_text(encoding="utf-8")
    return page.replace("<h1>Nos pains</h1>", f"<h1>{domain}</h1>").encode()


class ReplayServer:
    """Start with `start()`; `url(path)` gives an address on it; `hits` lists what it saw."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.faults: FaultPlan | None = None
        self.forced: dict[str, list[Answer]] = {}
        self.routes: dict[str, Callable[[Hit], Answer]] = {}
        self.bytes_sent_huge = 0
        self._registry = registry_recordings()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> ReplayServer:
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        """Close the server and end its open connections on its own loop, then stop the loop: a
        connection left waiting would be closed later by the garbage collector, on a stopped
        loop (an "Exception ignored" warning in whichever test runs then)."""
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def _shutdown(self) -> None:
        self._server.close()
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}{path}"

    def hits_under(self, prefix: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path.startswith(prefix)]

    def reset(self) -> None:
        self.hits.clear()
        self.faults, self.forced = None, {}

    # -- serving ------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line.strip():
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                parts = urlsplit(target)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                hit = Hit(method, unquote(parts.path), query, headers, time.monotonic())
                self.hits.append(hit)
                if not await self._write(writer, self._answer(hit)):
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _answer(self, hit: Hit) -> Answer:
        for prefix, queue in self.forced.items():
            if hit.path.startswith(prefix) and queue:
                return queue.pop(0)
        plan = self.faults
        if plan and hit.path.startswith(plan.prefix) and plan.rng.random() < plan.rate:
            return self.fault(plan.rng.choice(plan.kinds), plan.retry_after, plan.slow_seconds)
        for prefix, route in self.routes.items():
            if hit.path.startswith(prefix):
                return route(hit)
        return self._replay(hit)

    @staticmethod
    def fault(kind: str, retry_after: str = "1", slow_seconds: float = 1.0) -> Answer:
        if kind in ("500", "503", "429"):
            headers = {"Retry-After": retry_after} if kind != "500" else {}
            body = {"erreur": "Une erreur inattendue s'est produite. Veuillez réessayer plus "
                              "tard."} if kind == "500" else {"erreur": "Too Many Requests"}
            return Answer(int(kind), json.dumps(body).encode(), headers=headers)
        if kind == "slow":
            return Answer(200, b'{"results": []}', delay=slow_seconds)
        if kind == "invalid_json":
            return Answer(200, b'{"results": [{"siren": "55203', "application/json")
        if kind == "html":
            return Answer(200, b"<html><body>Maintenance</body></html>", "text/html")
        return Answer(fault=kind)  # reset, huge, huge_stream

    def _replay(self, hit: Hit) -> Answer:
        if hit.path.startswith("/registry/search"):
            body = self._registry.get(hit.query.get("q", "").lower(),
                                      self._registry["12345678900003"])  # the recorded no-match
            return Answer(200, body)
        if hit.path.startswith("/clearbit/"):
            domain = hit.query.get("domain", "")
            if domain == "uber.com":
                return Answer(200, (FIXTURES / "clearbit" / "1.json").read_bytes())
            if domain == "calvinklein.com":
                combined = json.loads((FIXTURES / "clearbit" / "2.json").read_text("utf-8"))
                return Answer(200, json.dumps(combined["company"]).encode())
            return Answer(404, json.dumps({"error": {"type": "unknown_record", "message":
                          f"Unknown record for {domain}"}}).encode())
        if hit.path.startswith("/sites/"):
            domain = hit.path.split("/")[2]
            return Answer(200, homepage(domain), "text/html; charset=utf-8")
        if hit.path.startswith("/redirect-chain/"):
            left = int(hit.path.rsplit("/", 1)[1])  # /redirect-chain/N: N redirects to a page
            target = self.url(f"/redirect-chain/{left - 1}") if left > 1 else self.url(
                "/sites/chain.example/")
            return Answer(302, b"", "text/plain", {"Location": target})
        if hit.path.startswith("/redirect"):
            return Answer(302, b"", "text/plain", {"Location": hit.query["to"]})
        return Answer(404, b'{"erreur": "Ressource non trouv\\u00e9e."}')

    async def _write(self, writer: asyncio.StreamWriter, answer: Answer) -> bool:
        if answer.delay:
            await asyncio.sleep(answer.delay)
        if answer.fault == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        if answer.fault in ("huge", "huge_stream"):
            return await self._write_huge(writer, 20 * 1024 * 1024, answer.fault == "huge")
        reason = {200: "OK", 302: "Found", 404: "Not Found", 429: "Too Many Requests",
                  500: "Internal Server Error", 503: "Service Unavailable"}.get(answer.status,
                                                                                "Status")
        head = [f"HTTP/1.1 {answer.status} {reason}", f"Content-Type: {answer.content_type}",
                f"Content-Length: {len(answer.body)}",
                *(f"{k}: {v}" for k, v in answer.headers.items())]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + answer.body)
        await writer.drain()
        return True

    async def _write_huge(self, writer: asyncio.StreamWriter, size: int, declared: bool) -> bool:
        """20 MB of JSON whitespace, with its Content-Length or (a liar's way) without one."""
        length = f"Content-Length: {size}" if declared else "Connection: close"
        writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n\r\n"
                     .encode())
        chunk = b" " * 65536
        try:
            while self.bytes_sent_huge < size:
                writer.write(chunk)
                await writer.drain()
                self.bytes_sent_huge += len(chunk)
        except ConnectionError:
            pass
        return False
