"""The only SQL in watcher (SQLite by default, PostgreSQL for several daemons on one database).

    schema.py   the tables, row <-> value codecs, the upgrade of an older database
    sources.py  per-source poll state, meta facts
    items.py    items and events: the snapshot a plan needs, carrying ingest plans out
                (ingest.plan_ingest decides), replay, retention
    outbox.py   deliveries: claims with leases, sent / failed / expired
    store.py    Store: the engine, and every public method raising StoreError for database trouble
"""
from __future__ import annotations

from ..dates import utcnow
from ..secrets import display_url
from .outbox import Delivery
from .schema import AlertRow, EventRow, ItemRow, MetaRow, OutboxRow, SourceState, SourceStateValue, event_info
from .store import Store

__all__ = ["AlertRow", "Delivery", "EventRow", "ItemRow", "MetaRow", "OutboxRow", "SourceState", "SourceStateValue",
           "Store", "display_url", "event_info", "utcnow"]

