"""Where watcher may connect: deny_networks on every connection (after DNS, redirects included),
no redirect from a public address inward unless allow_private. Every socket stays on loopback: a
denied address is a loopback one (127.0.0.3) on which a listener proves no connection came."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Iterator

import pytest
from servers import held

from watcher import config
from watcher.errors import FetchError
from watcher.fetch import Fetcher
from watcher.redirects import Policy, verdict

UA = "watcher-test/1.0 (+mailto:test@example.com)"
DEFAULT = Policy.of(config.DEFAULT_DENY_NETWORKS)


def ips(*names: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    return [ipaddress.ip_address(n) for n in names]


@pytest.mark.parametrize(("address", "net"), [
    ("169.254.169.254", "169.254.0.0/16"),  # AWS, GCP, Azure metadata
    ("fe80::1", "fe80::/10"),
    ("fd00:ec2::254", "fd00:ec2::254/128"),  # AWS metadata over IPv6
    ("100.100.100.200", "100.100.100.200/32"),  # Alibaba Cloud metadata
    ("::ffff:169.254.169.254", "169.254.0.0/16"),  # IPv4-mapped: judged as the IPv4 it carries
    ("100.100.100.201", None),
    ("127.0.0.1", None),
    ("93.184.216.34", None),
    ("2606:2800:220:1::", None),
])
def test_default_deny_networks(address, net):
    got = DEFAULT.denied(ipaddress.ip_address(address))
    assert (str(got) if got else None) == net


@pytest.mark.parametrize(("origin", "target", "policy", "refused"), [
    (["93.184.216.34"], ["93.184.216.35"], DEFAULT, None),  # public to public
    (["93.184.216.34"], ["127.0.0.1"], DEFAULT, "public address into a private"),
    (["93.184.216.34"], ["10.0.0.7"], DEFAULT, "public address into a private"),
    (["93.184.216.34"], ["::1"], DEFAULT, "public address into a private"),
    (["93.184.216.34"], ["10.0.0.7"], Policy.of(config.DEFAULT_DENY_NETWORKS, allow_private=True), None),
    (["127.0.0.1"], ["127.0.0.2"], DEFAULT, None),  # a source inside the network may redirect within it
    (["10.1.1.1"], ["192.168.1.10"], DEFAULT, None),
    (["10.1.1.1"], ["169.254.169.254"], DEFAULT, "169.254.169.254 is in deny_networks (169.254.0.0/16)"),
    (["93.184.216.34"], ["fe80::1"], Policy.of(config.DEFAULT_DENY_NETWORKS, allow_private=True), "deny_networks"),
    (["127.0.0.1"], ["127.0.0.3"], Policy.of(["127.0.0.3/32"]), "127.0.0.3 is in deny_networks (127.0.0.3/32)"),
    (["127.0.0.1"], ["127.0.0.4"], Policy.of(["127.0.0.3/32"]), None),
    (["10.1.1.1"], ["169.254.169.254"], Policy.of([]), None),  # a user who empties the list is obeyed
])
def test_redirect_verdict(origin, target, policy, refused):
    got = verdict(ips(*origin), ips(*target), policy)
    assert (got is None) if refused is None else (refused in (got or ""))


class Listener:
    """A TCP listener on a loopback address that never accepts: the kernel completes any
    handshake into its backlog, so `connections()` tells whether anyone connected at all."""

    def __init__(self, host: str):
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return n
            conn.close()
            n += 1


@pytest.fixture
def denied_host() -> Iterator[Listener]:
    listener = Listener("127.0.0.3")
    yield listener
    listener.sock.close()


def run_fetch(url: str, **settings_kw) -> object:
    async def go() -> object:
        fetcher = Fetcher(config.Settings(user_agent=UA, **settings_kw))
        try:
            return await fetcher.fetch(url, timeout=5, max_bytes=1 << 20)
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_a_denied_address_is_never_connected_to(denied_host):
    with pytest.raises(FetchError, match=r"127.0.0.3 is in deny_networks \(127.0.0.3/32\)"):
        run_fetch(f"http://127.0.0.3:{denied_host.port}/feed.xml", deny_networks=["127.0.0.3/32"])
    assert denied_host.connections() == 0


def test_a_redirect_into_a_denied_network_is_refused_before_connecting(http_server, denied_host):
    start = http_server.route("/go", 302, b"", Location=f"http://127.0.0.3:{denied_host.port}/feed.xml")
    with pytest.raises(FetchError, match=r"redirect to http://127.0.0.3:\d+/feed.xml refused: 127.0.0.3 is in deny"):
        run_fetch(start, deny_networks=["127.0.0.3/32"])
    assert http_server.counts["/go"] == 1  # the source itself was asked
    assert denied_host.connections() == 0


def test_deny_networks_is_checked_after_dns(http_server):
    """`localhost` is a name: it is refused because of what it resolves to, not how it is spelled."""
    url = http_server.route("/feed", body=b"<rss/>").replace("127.0.0.1", "localhost")
    with pytest.raises(FetchError, match=r"connection to localhost refused: .* is in deny_networks"):
        run_fetch(url, deny_networks=["127.0.0.0/8", "::1/128"])
    assert http_server.counts.get("/feed", 0) == 0
    assert run_fetch(url).body == b"<rss/>"  # type: ignore[attr-defined]  # allowed by default


def test_deny_networks_must_be_cidrs():
    with pytest.raises(ValueError, match="'10.0.0.0/33' is no CIDR network"):
        config.Settings(user_agent=UA, deny_networks=["10.0.0.0/33"])


def test_the_deadline_starts_when_a_slot_is_won(http_server):
    """Two requests stalled on one host (per_host = 2) hold its slots for 0.8 s; a third, with a
    0.5 s deadline, waits for a slot and then gets its full 0.5 s."""
    release = threading.Event()
    http_server.routes["/stalled"] = held(release, timeout=0.8)
    fast = http_server.route("/fast", body=b"ok")

    async def go() -> bytes:
        fetcher = Fetcher(config.Settings(user_agent=UA, per_host=2))
        try:
            stalled = [asyncio.ensure_future(fetcher.fetch(http_server.url(f"/stalled?{i}"), timeout=5,
                                                           max_bytes=1024)) for i in range(2)]
            async with asyncio.timeout(5):
                while http_server.max_active < 2:
                    await asyncio.sleep(0.01)  # poll the condition: both slots taken
            got = await fetcher.fetch(fast, timeout=0.5, max_bytes=1024)
            await asyncio.gather(*stalled)
            return got.body
        finally:
            await fetcher.aclose()

    assert asyncio.run(go()) == b"ok"


def test_the_systemd_unit_denies_what_watcher_denies():
    """systemd enforces the default deny list below watcher too (IPAddressDeny=, whose symbolic
    names are expanded as systemd.resource-control(5) documents)."""
    from pathlib import Path

    unit = (Path(__file__).parents[1] / "systemd" / "watcher.service").read_text()
    words = [w for line in unit.splitlines() if line.startswith("IPAddressDeny=")
             for w in line.split("=", 1)[1].split()]
    symbolic = {"link-local": ["169.254.0.0/16", "fe80::/64"], "multicast": ["224.0.0.0/4", "ff00::/8"],
                "localhost": ["127.0.0.0/8", "::1/128"], "any": ["0.0.0.0/0", "::/0"]}
    denied = [ipaddress.ip_network(n) for w in words for n in symbolic.get(w, [w])]
    for cidr in config.DEFAULT_DENY_NETWORKS:
        net = ipaddress.ip_network(cidr)
        first = net.network_address if net.version == 4 else ipaddress.ip_address("fe80::1") \
            if cidr == "fe80::/10" else net.network_address
        assert any(first.version == d.version and first in d for d in denied), cidr
