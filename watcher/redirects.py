"""Where a redirect may lead. A source is fetched at the address its config names; a redirect
from it must not turn watcher into a way to reach what the config never named:

- never a link-local address (169.254.0.0/16 holds cloud metadata services, fe80::/10) or a
  non-HTTP scheme;
- never from a public address into a private, loopback or otherwise reserved one (an outside
  server pointing watcher at a service inside your network).

A source that is itself inside the network (a feed on the intranet, a test server on loopback)
may redirect within it."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _inside(a: Address) -> bool:
    return a.is_private or a.is_loopback or a.is_reserved or a.is_unspecified or a.is_multicast


def verdict(origin: list[Address], target: list[Address]) -> str | None:
    """Why a redirect from hosts at `origin` to one at `target` is refused, or None (pure)."""
    if any(a.is_link_local for a in target):
        return "a link-local address (cloud metadata lives there)"
    if any(_inside(a) for a in target) and origin and not all(_inside(a) for a in origin):
        return "from a public address into a private or local one"
    return None


async def addresses(url: str) -> list[Address]:
    """The addresses a URL's host stands for (a literal address, or what DNS says now)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError:
        return []  # the request itself will fail to resolve and say so
    out: list[Address] = []
    for *_, sockaddr in infos:
        try:
            out.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        except ValueError:
            continue
    return out


async def refused(origin_url: str, target_url: str) -> str | None:
    """Why following a redirect from `origin_url` to `target_url` is refused, or None."""
    if urlsplit(target_url).scheme not in ("http", "https"):
        return "not an http(s) URL"
    target = await addresses(target_url)
    if not target:
        return None
    if any(a.is_link_local for a in target):
        return verdict([], target)
    return verdict(await addresses(origin_url), target)
