"""The SSRF guard. Lead data is untrusted: a website field or an email domain must never make
leadpilot reach inside our network. Every URL is checked before a byte is sent (scheme, user
info, port, literal addresses), every host is resolved once and each of its addresses vetted,
and the connection goes to the vetted address (no second lookup, so no DNS rebinding). Redirect
hops go through the same transport, so each one is checked again.

Only hosts named in an explicit allowlist (``host:port`` as written in the URL, e.g. a test's
own ``127.0.0.1:54321``) skip the address and port rules.
"""

from __future__ import annotations

import ipaddress
import select
import socket
import ssl
from collections.abc import Callable, Iterable
from functools import lru_cache

import anyio
import certifi
import httpcore
import httpx

ALLOWED_SCHEMES: tuple[str, ...] = ("http", "https")
ALLOWED_PORTS: tuple[int, ...] = (80, 443)
DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # IPv4 reached through a NAT64 gateway

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> IP addresses``; blocking, run in a worker thread."""


class UnsafeTarget(Exception):
    """A URL or address the guard refuses; the message says why in one sentence."""


class Unresolvable(Exception):
    """The host name does not resolve: the site does not exist (not a transient failure)."""


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver (getaddrinfo), every address once, in its order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unresolvable(f"{host} does not resolve ({exc.strerror})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: str) -> str | None:
    """Why an IP address may not be contacted, or None when it is a public unicast address.

    IPv4-mapped and 6to4 IPv6 addresses are judged by the IPv4 address they carry.

    >>> refusal("169.254.169.254"), refusal("::1"), refusal("10.1.2.3"), refusal("1.1.1.1")
    ('link-local', 'loopback', 'private', None)
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal(str(embedded))
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
              ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
              ("private", ip.is_private), ("reserved", ip.is_reserved),
              ("site-local", getattr(ip, "is_site_local", False)))
    for reason, hit in checks:
        if hit:
            return reason
    return None if ip.is_global else "non-public"


def _literal_ip(host: str) -> str | None:
    """The address a host written as an IP means, legacy forms included (0x7f000001, 127.1)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


class Allowlist:
    """``host:port`` pairs (as written in URLs) that skip the address and port rules."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self._entries = frozenset(entry.strip().lower() for entry in entries if entry.strip())

    def allows(self, host: str, port: int) -> bool:
        host = host.lower()
        shown = f"[{host}]" if ":" in host else host
        return f"{shown}:{port}" in self._entries

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Allowlist) and other._entries == self._entries

    def __hash__(self) -> int:
        return hash(self._entries)


def check_url(url: httpx.URL | str, allow: Allowlist) -> None:
    """Refuse, before any lookup, what a URL alone gives away.

    Raises:
        UnsafeTarget: a scheme other than http(s), user info, no host, a port other than 80
            or 443, or a host written as a refused IP address.
    """
    url = httpx.URL(url) if isinstance(url, str) else url
    problem = _url_problem(url.scheme, bool(url.userinfo), url.host, url.port, allow)
    if problem is not None:
        raise UnsafeTarget(problem)


@lru_cache(maxsize=4096)
def _url_problem(scheme: str, userinfo: bool, host: str, port: int | None,
                 allow: Allowlist) -> str | None:
    if scheme not in ALLOWED_SCHEMES:
        return f"the scheme {scheme or '(none)'!r} is refused: only http(s)"
    if userinfo:
        return "a URL with a user name or password is refused"
    if not host:
        return "a URL without a host is refused"
    port = port or DEFAULT_PORTS[scheme]
    if allow.allows(host, port):
        return None
    if port not in ALLOWED_PORTS:
        return f"port {port} is refused: only 80 and 443"
    literal = _literal_ip(host)
    if literal is not None and (reason := refusal(literal)):
        return f"{host} is a {reason} address"
    return None


async def vetted_address(host: str, port: int, allow: Allowlist, resolver: Resolver) -> str:
    """Resolve `host` once and return an address to connect to, every address vetted.

    Raises:
        UnsafeTarget: when any address of the host is refused (unless allowlisted).
        Unresolvable: when the host has no address.
    """
    literal = _literal_ip(host)
    addresses = [literal] if literal else await anyio.to_thread.run_sync(resolver, host, port)
    if not addresses:
        raise Unresolvable(f"{host} has no address")
    if not allow.allows(host, port):
        for address in addresses:
            if reason := refusal(address):
                raise UnsafeTarget(f"{host} resolves to {address}, a {reason} address")
    return addresses[0]


class _Stream(httpcore.AsyncNetworkStream):
    """anyio's stream, with its raw socket looked up once: httpcore asks for it each time it
    considers reusing a pooled connection, and anyio rebuilds a dict of attributes to answer.
    A read or write without a timeout (the Fetcher bounds each whole attempt instead) goes
    straight to the anyio stream, skipping the cancel scope httpcore opens even for None."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner, self._socket = inner, inner.get_extra_info("socket")
        self._raw = getattr(inner, "_stream", None)  # httpcore.AnyIOStream's anyio stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if timeout is not None or self._raw is None:
            return await self._inner.read(max_bytes, timeout)
        try:
            return await self._raw.receive(max_bytes)
        except anyio.EndOfStream:
            return b""
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            raise httpcore.ReadError(exc) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if timeout is not None or self._raw is None:
            return await self._inner.write(buffer, timeout)
        if not buffer:
            return
        try:
            await self._raw.send(buffer)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
            raise httpcore.WriteError(exc) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        if info == "socket":
            return self._socket
        if info == "is_readable":
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """A pooled connection the server closed (or sent unasked data on) is readable: drop it."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the address `vetted_address` returned; TLS still names the host (SNI)."""

    def __init__(self, allow: Allowlist, resolver: Resolver) -> None:
        self._allow, self._resolver = allow, resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None,
                          socket_options=None):
        address = await vetted_address(host, port, self._allow, self._resolver)
        return _Stream(await self._inner.connect_tcp(address, port, timeout, local_address,
                                                     socket_options))

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise UnsafeTarget("unix sockets are refused")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def default_ssl_context() -> ssl.SSLContext:
    """Certificates checked against certifi's bundle (one context can serve many clients)."""
    return ssl.create_default_context(cafile=certifi.where())


class _Pool(httpcore.AsyncConnectionPool):
    """httpcore's pool, without the shielded cancel scope it opens after every request and
    response even when there is no connection to close."""

    async def _close_connections(self, closing) -> None:
        if closing:
            await super()._close_connections(closing)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport that checks each request's URL (each redirect hop included) and
    connects only to vetted addresses. Environment proxies are never used."""

    def __init__(self, allow: Allowlist, resolver: Resolver = system_resolver,
                 max_connections: int = 20, ssl_context: ssl.SSLContext | None = None) -> None:
        ssl_context = ssl_context or default_ssl_context()
        super().__init__(verify=ssl_context, trust_env=False)
        self._allow = allow
        self.requests_sent = 0  # requests that left for a vetted address (redirect hops too)
        # httpx builds its httpcore pool privately; ours adds the pinned network backend.
        self._pool = _Pool(
            ssl_context=ssl_context,
            max_connections=max_connections, max_keepalive_connections=max_connections,
            keepalive_expiry=5.0, network_backend=_PinnedBackend(allow, resolver),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        check_url(request.url, self._allow)
        refused = False
        try:
            return await super().handle_async_request(request)
        except UnsafeTarget:
            refused = True
            raise
        finally:
            self.requests_sent += 0 if refused else 1
