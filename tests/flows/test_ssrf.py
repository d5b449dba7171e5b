"""The SSRF guard: lead data can never make leadpilot reach inside our network. Every test here
proves the refusal happened before a request reached the local server."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from enrichment_support import NOW, crm_settings
from support import REPO

from flows import store
from flows.enrichment.fetching import HTML_TYPES, Fetcher, Policy
from flows.enrichment.lookups import enrich_http
from flows.enrichment.ssrf import Allowlist, UnsafeTarget, check_url, refusal, vetted_address


@pytest.fixture
def replay(server):
    server.reset()
    return server


def _resolver_with(names: dict[str, list[str]], calls: list[str] | None = None):
    """A resolver hook: the given names, then the real getaddrinfo for anything else."""
    from flows.enrichment.ssrf import system_resolver

    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return names[host] if host in names else system_resolver(host, port)
    return resolve


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.0.0.7", "private"),
    ("172.16.4.4", "private"), ("192.168.1.1", "private"), ("fd12::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.251", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"),
    ("100.64.0.1", "non-public"), ("240.0.0.1", "private"), ("2001:db8::1", "private"),
])
def test_every_inside_address_is_refused_for_ipv4_and_ipv6(address, reason):
    assert refusal(address) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_a_public_address_is_allowed(address):
    assert refusal(address) is None


@pytest.mark.parametrize(("url", "message"), [
    ("file:///etc/passwd", "scheme 'file'"), ("gopher://x.example/", "scheme 'gopher'"),
    ("http://admin:secret@acme.example/", "user name or password"),
    ("http://acme.example:8080/", "port 8080"), ("https://acme.example:22/", "port 22"),
    ("http://0x7f000001/", "loopback"), ("http://2130706433/", "loopback"),
    ("http://127.1/", "loopback"), ("http://[::ffff:a9fe:a9fe]/", "link-local"),
])
def test_a_url_is_refused_before_any_lookup_for_what_it_says_alone(url, message):
    with pytest.raises(UnsafeTarget, match=message):
        check_url(url, Allowlist())


def test_an_allowlisted_host_and_port_passes_but_only_as_written():
    allow = Allowlist(["127.0.0.1:8901"])
    check_url("http://127.0.0.1:8901/x", allow)
    with pytest.raises(UnsafeTarget):
        check_url("http://127.0.0.1:8902/x", allow)
    with pytest.raises(UnsafeTarget):
        check_url("http://localhost:8901/x", allow)


def test_a_host_with_one_inside_address_among_public_ones_is_refused():
    calls: list[str] = []
    resolve = _resolver_with({"mixed.example": ["93.184.216.34", "10.1.1.1"],
                              "intranet.example": ["127.0.0.1"]}, calls)
    with pytest.raises(UnsafeTarget, match="resolves to 10.1.1.1, a private address"):
        asyncio.run(vetted_address("mixed.example", 443, Allowlist(), resolve))
    with pytest.raises(UnsafeTarget, match="resolves to 127.0.0.1, a loopback address"):
        asyncio.run(vetted_address("intranet.example", 80, Allowlist(), resolve))
    assert calls == ["mixed.example", "intranet.example"]


def test_with_the_default_settings_lead_websites_pointing_inside_never_reach_a_server(
        replay, tmp_path):
    """The shipped providers file with the website provider switched on, and nothing else."""
    shipped = (REPO / "data" / "providers.toml").read_text(encoding="utf-8")
    website_on = shipped.replace('kind = "website"\nenabled = false',
                                 'kind = "website"\nenabled = true')
    assert website_on != shipped
    (tmp_path / "providers.toml").write_text(website_on, encoding="utf-8")
    inside = {
        "loopback with the server's port": replay.url("/sites/x/"),
        "cloud metadata": "http://169.254.169.254/latest/meta-data/",
        "IPv6 loopback": "http://[::1]/",
        "hex IPv4 loopback": "http://0x7f000001/",
        "a name that resolves to 127.0.0.1": "http://localhost/",
        "a name our resolver maps to 127.0.0.1": f"http://intranet.example:{replay.port}/",
        "a name our resolver maps to 127.0.0.1, port 80": "http://intranet.example/",
        "a user name": f"http://user:pw@{replay.host}/",
        "another scheme": "ftp://files.example/",
    }
    settings = crm_settings(tmp_path, [{"name": k, "domain": v, "country": "FR"}
                                       for k, v in inside.items()])
    with store.opened(settings.warehouse) as con:  # the intake keeps only valid host names
        for number, target in enumerate(inside.values(), start=1):  # (most of these: none);
            con.execute("UPDATE companies SET domain = ? WHERE company_id = ?",  # an older
                        [target, f"C{number}"])  # warehouse, or a hand edit, may hold them
    calls: list[str] = []
    summary = enrich_http(settings, NOW, resolver=_resolver_with(
        {"intranet.example": ["127.0.0.1"]}, calls))
    assert replay.hits == []
    assert summary["website"]["refused"] == len(inside)
    assert summary["website"]["http_requests"] == 0
    with store.opened(settings.path(settings.warehouse)) as con:
        refused = dict(con.execute("SELECT key, error FROM lead_lookups WHERE status = 'refused'"
                                   ).fetchall())
    assert set(refused) == set(inside.values())
    assert "169.254.169.254 is a link-local address" in refused[inside["cloud metadata"]]
    assert "resolves to 127.0.0.1" in refused[inside["a name that resolves to 127.0.0.1"]]
    assert "resolves to 127.0.0.1" in refused[
        inside["a name our resolver maps to 127.0.0.1, port 80"]]
    # only the two port-80 names were resolved (the others were refused from the URL alone)
    assert sorted(calls) == ["intranet.example", "localhost"]


def _html_fetcher(replay, **policy) -> Fetcher:
    return Fetcher(Policy(content_types=HTML_TYPES, retries=0, **policy),
                   Allowlist([replay.host]))


@pytest.mark.parametrize("target", ["http://localhost:{port}/landed", "http://10.0.0.1/",
                                    "http://169.254.169.254/latest/meta-data/",
                                    "http://[::1]:{port}/landed"])
def test_a_redirect_to_an_inside_address_is_refused_and_never_followed(replay, target):
    to = target.format(port=replay.port)

    async def fetch():
        async with _html_fetcher(replay) as fetcher:
            return await fetcher.fetch(replay.url("/redirect"), {"to": to})

    reply = asyncio.run(fetch())
    assert reply.status == "refused"
    assert [hit.path for hit in replay.hits] == ["/redirect"]  # the first hop only


def test_at_most_three_redirects_are_followed(replay):
    async def fetch(hops: int):
        async with _html_fetcher(replay) as fetcher:
            return await fetcher.fetch(replay.url(f"/redirect-chain/{hops}"))

    assert asyncio.run(fetch(3)).status == "ok"
    reply = asyncio.run(fetch(4))
    assert (reply.status, reply.error) == ("error", "more than 3 redirects")


def test_the_connection_goes_to_the_vetted_address_and_keeps_the_host_name(replay):
    """The OS cannot resolve shop.example: the request reaches our server only because the
    connection is pinned to the address our resolver returned and the guard vetted."""
    calls: list[str] = []
    resolve = _resolver_with({"shop.example": ["127.0.0.1"]}, calls)

    async def fetch():
        policy = Policy(content_types=HTML_TYPES, retries=0)
        async with Fetcher(policy, Allowlist([f"shop.example:{replay.port}"]), resolve) as f:
            first = await f.fetch(f"http://shop.example:{replay.port}/sites/shop.example/")
            second = await f.fetch(f"http://shop.example:{replay.port}/sites/shop.example/")
            return first, second

    first, second = asyncio.run(fetch())
    assert first.status == second.status == "ok"
    assert [hit.headers["host"] for hit in replay.hits] == [f"shop.example:{replay.port}"] * 2
    assert calls == ["shop.example"]  # one lookup, then the kept-alive pinned connection


def test_environment_proxies_are_never_used(replay, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", replay.url("/"))
    monkeypatch.setenv("ALL_PROXY", replay.url("/"))

    async def fetch():
        async with _html_fetcher(replay) as fetcher:
            return await fetcher.fetch("http://169.254.169.254/latest/meta-data/")

    assert asyncio.run(fetch()).status == "refused"
    assert replay.hits == []


def test_the_shipped_providers_file_switches_every_provider_off_and_allows_nothing(tmp_path):
    from flows.enrichment.providers import load_providers

    shipped = load_providers(REPO / "data" / "providers.toml")
    assert {p.name for p in shipped.providers} >= {"registry", "website", "clearbit", "apollo"}
    assert shipped.enabled == () and shipped.allow == ()
    copy = shutil.copy(REPO / "data" / "providers.toml", tmp_path / "p.toml")
    assert load_providers(copy).providers == shipped.providers
