"""Where a request may connect. A source is fetched at the address its config names; neither it
nor a redirect from it may turn watcher into a way to reach what the config never meant:

- never an address in `[watcher] deny_networks` (by default link-local, where cloud metadata
  services live, and the metadata addresses outside it). This is checked on every connection,
  after DNS resolution, by `GuardedBackend`, the network layer under httpx: a name that
  resolves into a denied network is refused before a socket opens, and the socket goes to the
  very address that was checked (no second lookup an attacker's DNS could answer differently);
- never a non-HTTP scheme;
- never from a public address into a private, loopback or otherwise reserved one (an outside
  server pointing watcher at a service inside your network), unless `allow_private = true`.

A source that is itself inside the network (a feed on the intranet, a test server on loopback)
may redirect within it."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .errors import FetchError

if TYPE_CHECKING:
    import httpcore

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Policy:
    """The networks no connection may reach, and whether a public source may redirect inward."""

    deny: tuple[Network, ...] = ()
    allow_private: bool = False

    @classmethod
    def of(cls, deny_networks: Iterable[str], allow_private: bool = False) -> Policy:
        return cls(tuple(ipaddress.ip_network(n, strict=False) for n in deny_networks), allow_private)

    def denied(self, a: Address) -> Network | None:
        """The deny_networks entry that holds `a`, or None (pure). An IPv4-mapped IPv6 address
        (::ffff:169.254.169.254) is judged as the IPv4 address it carries."""
        mapped = a.ipv4_mapped if isinstance(a, ipaddress.IPv6Address) else None
        for candidate in (a, mapped) if mapped is not None else (a,):
            for net in self.deny:
                if candidate.version == net.version and candidate in net:
                    return net
        return None


def _inside(a: Address) -> bool:
    return a.is_private or a.is_loopback or a.is_reserved or a.is_unspecified or a.is_multicast \
        or a.is_link_local


def verdict(origin: Sequence[Address], target: Sequence[Address], policy: Policy) -> str | None:
    """Why a redirect from hosts at `origin` to one at `target` is refused, or None (pure)."""
    for a in target:
        net = policy.denied(a)
        if net is not None:
            return f"{a} is in deny_networks ({net})"
    if not policy.allow_private and any(_inside(a) for a in target) and origin \
            and not all(_inside(a) for a in origin):
        return "from a public address into a private or local one (allow_private is off)"
    return None


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


async def resolve(host: str, port: int) -> list[Address]:
    """The addresses a host name stands for (a literal address, or what DNS says now), in the
    resolver's order; [] when it does not resolve."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return []
    out: list[Address] = []
    for *_, sockaddr in infos:
        a = _literal(str(sockaddr[0]))
        if a is not None and a not in out:
            out.append(a)
    return out


async def addresses(url: str) -> list[Address]:
    parts = urlsplit(url)
    return await resolve(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))


async def refused(origin_url: str, target_url: str, policy: Policy) -> str | None:
    """Why following a redirect from `origin_url` to `target_url` is refused, or None."""
    if urlsplit(target_url).scheme not in ("http", "https"):
        return "not an http(s) URL"
    target = await addresses(target_url)
    if not target:
        return None  # the request itself fails to resolve and says so
    if any(policy.denied(a) for a in target) or policy.allow_private:
        return verdict([], target, policy)
    return verdict(await addresses(origin_url), target, policy)


def guarded_backend(policy: Policy) -> httpcore.AsyncNetworkBackend:
    """httpcore's own network backend with every TCP connection checked against `policy`."""
    import httpcore

    class GuardedBackend(httpcore.AsyncNetworkBackend):
        def __init__(self) -> None:
            self._inner: httpcore.AsyncNetworkBackend = httpcore.AnyIOBackend()

        async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                              local_address: str | None = None,
                              socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
            found = await resolve(host, port)
            if not found:
                raise httpcore.ConnectError(f"cannot resolve host {host}")
            allowed = [a for a in found if policy.denied(a) is None]
            if not allowed:
                a = found[0]
                raise FetchError(f"connection to {host} refused: {a} is in deny_networks ({policy.denied(a)})")
            last: Exception | None = None
            for a in allowed:  # the checked address itself, so DNS cannot answer differently now
                try:
                    return await self._inner.connect_tcp(str(a), port, timeout=timeout, local_address=local_address,
                                                         socket_options=socket_options)
                except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                    last = e
            assert last is not None
            raise last

        async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                      socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
            raise FetchError("unix sockets are not used")  # pragma: no cover - never configured

        async def sleep(self, seconds: float) -> None:
            await self._inner.sleep(seconds)

    return GuardedBackend()
