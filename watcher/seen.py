"""What each source served the last time it was stored, kept in memory by a running daemon, so
that a poll spends work only on what is new.

- A body identical to the last one (a server that ignores conditional GET, or answers 200 with
  the same bytes) is treated as a 304: nothing is parsed.
- A changed body is parsed, but the entries the source served last time (same identity, title
  and text) skip normalizing, matching and the store: they are stored already.

Both are remembered only after the poll's items were stored, so a failed store is retried in
full; a restart starts empty (its first poll does the full work, and the store deduplicates).
The identity covers every field the store's key can come from, so an entry skipped here is one
the store would have found known.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

from .models import RawItem
from .sources import Download


def body_digest(download: Download) -> bytes:
    """A digest of everything a download brought (every part's body and where it came from)."""
    h = hashlib.blake2b(digest_size=16)
    for company, fetched in download.parts:
        h.update((company.name if company else "").encode() + b"\0" + fetched.url.encode() + b"\0")
        h.update(len(fetched.body).to_bytes(8, "little"))
        h.update(fetched.body)
    return h.digest()


def entry_id(raw: RawItem) -> bytes:
    """An entry's identity and content as served (8 bytes)."""
    h = hashlib.blake2b(digest_size=8)
    for part in (raw.accession, raw.guid, raw.link, raw.title, raw.summary, raw.company, raw.form,
                 raw.published.isoformat() if raw.published else None):
        h.update(b"\1" if part is None else part.encode("utf-8", "surrogatepass") + b"\0")
    return h.digest()


class Seen:
    """Per source: the last stored body's digest and its entries' ids. Thread-safe."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._entries: dict[str, frozenset[bytes]] = {}
        self._lock = threading.Lock()

    def same_body(self, source: str, digest: bytes) -> bool:
        with self._lock:
            return self._bodies.get(source) == digest

    def entries(self, source: str) -> frozenset[bytes]:
        with self._lock:
            return self._entries.get(source, frozenset())

    def remember(self, source: str, digest: bytes, entries: Iterable[bytes]) -> None:
        with self._lock:
            self._bodies[source] = digest
            self._entries[source] = frozenset(entries)

    def forget(self, source: str) -> None:
        with self._lock:
            self._bodies.pop(source, None)
            self._entries.pop(source, None)
