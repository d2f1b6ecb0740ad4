"""The tables (SQLModel), how rows turn into the values the rest of watcher uses, and the upgrade of
a database an older watcher made."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Column, Index, String, Table, UniqueConstraint, bindparam, insert, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.schema import SchemaConst
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, Session, SQLModel, col, select

from .. import events
from ..errors import StoreError
from ..models import EventInfo, Hit, Item

log = logging.getLogger("watcher.store")

_T = TypeVar("_T")

# A value save_source_state(s) writes into a SourceState column.
SourceStateValue = str | int | bool | datetime | None


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise StoreError("naive datetime given to the store; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _dt(*, nullable: bool | Literal[SchemaConst.NULL_UNSPECIFIED] = SchemaConst.NULL_UNSPECIFIED) -> Any:
    # Any, as sqlmodel.Field returns: it stands as the default of a `datetime | None` field
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _table(model: type[SQLModel]) -> Table:
    """A table model's Core table."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass, not declared
    return table


class SourceState(SQLModel, table=True):
    __tablename__ = "source_state"
    name: str = Field(primary_key=True)
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = _dt()
    last_attempt: datetime | None = _dt()
    last_error: str | None = None
    failures: int = 0
    failing_since: datetime | None = _dt()
    next_poll: datetime | None = _dt()
    health_alerted: bool = False
    items_seen: int = 0


class ItemRow(SQLModel, table=True):
    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("source", "key"), Index("ix_item_url", "url"),
                      Index("ix_item_seen", "seen_at"), Index("ix_item_alerted_seen", "alerted", "seen_at"))
    id: int | None = Field(default=None, primary_key=True)
    source: str
    key: str
    url: str | None = None
    link: str | None = None
    title: str = ""
    summary: str = ""
    story_key: str = ""
    published: datetime | None = _dt()
    seen_at: datetime | None = _dt(nullable=False)
    story_id: int | None = None  # the item whose alert stands for this one (syndicated copy)
    alerted: bool = False
    companies: str = ""  # an older watcher's list; upgrade() moves it into item_company
    form: str | None = None
    form_items: str | None = None  # a filing's 8-K items, comma-separated ("1.01,9.01")
    company: str | None = None  # the watched company a filing concerns
    event: str | None = None
    pruned: bool = False
    event_id: int | None = Field(default=None, index=True)  # the event it reported (events.py)


class AlertRow(SQLModel, table=True):
    __tablename__ = "alert"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(index=True, unique=True)
    created_at: datetime | None = _dt(nullable=False)
    hits: str = "[]"  # an older watcher's list; upgrade() moves it into alert_hit
    also: str = "[]"  # an older watcher's reports list; upgrade() moves it into alert_report
    event_id: int | None = None  # the event it stands for
    update_of: int | None = None  # a follow-up: the alert it updates
    facts: str | None = None  # an older watcher's list; upgrade() moves it into alert_fact


class AlertReportRow(SQLModel, table=True):
    """A later report of an alert's event or story, added while the alert was queued ("also reported by")."""

    __tablename__ = "alert_report"
    __table_args__ = (Index("ix_alert_report_alert", "alert_id"),)
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int
    source: str
    link: str | None = None


class ItemCompanyRow(SQLModel, table=True):
    """A watched company an alerting item named (story clustering compares them)."""

    __tablename__ = "item_company"
    __table_args__ = (Index("ix_item_company_item", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int
    company: str


class EventSourceRow(SQLModel, table=True):
    """A source that reported an event, in the order they came."""

    __tablename__ = "event_source"
    __table_args__ = (Index("ix_event_source_event", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int
    source: str


class EventLabelRow(SQLModel, table=True):
    """What an event also is ("also": licence, team) and the facts reported so far ("fact": closed)."""

    __tablename__ = "event_label"
    __table_args__ = (Index("ix_event_label_event", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int
    kind: str  # also | fact
    value: str


class AlertFactRow(SQLModel, table=True):
    """A fact a follow-up alert adds ("closed", "$20 billion")."""

    __tablename__ = "alert_fact"
    __table_args__ = (Index("ix_alert_fact_alert", "alert_id"),)
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int
    fact: str


class AlertHitRow(SQLModel, table=True):
    """Why an alert fired: one row per hit (models.Hit); its word lists are joined by US (\\x1f)."""

    __tablename__ = "alert_hit"
    __table_args__ = (Index("ix_alert_hit_alert", "alert_id"),)
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int
    rule: str
    company: str
    alias: str
    keywords: str = ""
    field: str = ""
    snippet: str = ""
    kind: str = ""
    role: str = ""
    stage: str | None = None
    counterparty: str | None = None
    amount: str | None = None
    kinds: str = ""
    stages: str = ""
    round: str | None = None
    valuation: str | None = None
    venue: str | None = None


class EventRow(SQLModel, table=True):
    """One real-world event (events.Event) and every report of it."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_company", "company", "first_seen"),)
    id: int | None = Field(default=None, primary_key=True)
    company: str
    kind: str
    role: str = ""
    stage: str | None = None
    counterparty: str | None = None
    amount: str | None = None
    currency: str | None = None
    usd: float | None = None
    also: str = "[]"  # an older watcher's list; upgrade() moves it into event_label
    facts: str = "[]"  # an older watcher's list; upgrade() moves it into event_label
    rule: str = ""
    first_seen: datetime | None = _dt(nullable=False)
    last_seen: datetime | None = _dt(nullable=False)
    reports: int = 1
    sources: str = "[]"  # an older watcher's list; upgrade() moves it into event_source
    alert_id: int | None = None  # the alert that announced it
    round: str | None = None
    valuation: str | None = None
    valuation_usd: float | None = None
    venue: str | None = None
    marks: str | None = None  # the bare numbers of its first headline (events.marks_of)
    told_date: str | None = None  # the date its reports give it ("2025-09"; events.told_date)


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("alert_id", "notifier"), Index("ix_outbox_status", "status", "next_try"))
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int
    notifier: str
    status: str = "pending"  # pending | sending | sent | expired
    claimed_by: int | None = None  # pid of the process sending it (status "sending")
    claimed_instance: str | None = None  # on a shared PostgreSQL: the instance sending it (cluster.py)
    lease_until: datetime | None = _dt()  # a claim older than this is void
    attempts: int = 0
    created_at: datetime | None = _dt(nullable=False)
    next_try: datetime | None = _dt()
    last_error: str | None = None
    sent_at: datetime | None = _dt()


class MuteRow(SQLModel, table=True):
    """`watcher mute`: alerts about a company, or of an event kind, are not sent until `until`."""

    __tablename__ = "mute"
    id: int | None = Field(default=None, primary_key=True)
    target: str
    kind: str  # company | event
    until: datetime | None = _dt(nullable=False)
    created_at: datetime | None = _dt(nullable=False)


class MetaRow(SQLModel, table=True):
    """Small facts the program keeps about itself (e.g. which notifier URLs were validated)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str = ""


class InstanceRow(SQLModel, table=True):
    """A `watcher run` sharing the database with others (PostgreSQL): who it is, when it last
    said it was alive."""

    __tablename__ = "instance"
    id: str = Field(primary_key=True)  # host:pid:start
    host: str
    pid: int
    started: datetime | None = _dt(nullable=False)
    heartbeat: datetime | None = _dt(nullable=False)
    alive_until: datetime | None = _dt(nullable=False)  # silent past this, it is taken for dead
    version: str = ""


class LeaseRow(SQLModel, table=True):
    """Which instance polls a source, until when (claimed with SELECT ... FOR UPDATE SKIP LOCKED)."""

    __tablename__ = "source_lease"
    source: str = Field(primary_key=True)
    host: str = ""  # the source's host: claims go host by host (connections stay busy)
    holder: str | None = None  # an instance id
    lease_until: datetime | None = _dt()


_US = "\x1f"  # joins a hit's word lists in one column
_HIT_LISTS = ("keywords", "kinds", "stages")


def hit_rows(alert_id: int, hits: Iterable[Hit]) -> list[AlertHitRow]:
    return [AlertHitRow.model_validate({"alert_id": alert_id,
                                        **{k: _US.join(v) if k in _HIT_LISTS else v for k, v in h.__dict__.items()}})
            for h in hits]


def _hit_of(row: AlertHitRow) -> Hit:
    d = row.model_dump(exclude={"id", "alert_id"})
    for k in _HIT_LISTS:
        d[k] = tuple(x for x in (d[k] or "").split(_US) if x)
    return Hit(**d)


def hits_of(s: Session, alert_ids: Iterable[int]) -> dict[int, tuple[Hit, ...]]:
    """Each alert's hits, in the order they were found."""
    out: dict[int, list[Hit]] = {}
    for chunk in _chunks(sorted(set(alert_ids)), 500):
        q = select(AlertHitRow).where(col(AlertHitRow.alert_id).in_(chunk)).order_by(col(AlertHitRow.id))
        for row in s.exec(q):
            out.setdefault(row.alert_id, []).append(_hit_of(row))
    return {k: tuple(v) for k, v in out.items()}


def facts_of(s: Session, alert_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The facts each follow-up alert adds."""
    out: dict[int, list[str]] = {}
    for chunk in _chunks(sorted(set(alert_ids)), 500):
        for aid, fact in s.exec(select(AlertFactRow.alert_id, AlertFactRow.fact)
                                .where(col(AlertFactRow.alert_id).in_(chunk)).order_by(col(AlertFactRow.id))):
            out.setdefault(aid, []).append(fact)
    return {k: tuple(v) for k, v in out.items()}


def labels_of(s: Session, event_ids: Iterable[int]) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each event's (also, facts)."""
    out: dict[int, tuple[list[str], list[str]]] = {}
    conn = s.connection()
    for chunk in _chunks(sorted(set(event_ids)), 500):
        for eid, kind, value in conn.execute(_LABELS_OF, {"ids": chunk}):
            also, facts = out.setdefault(eid, ([], []))
            (also if kind == "also" else facts).append(value)
    return {k: (tuple(a), tuple(f)) for k, (a, f) in out.items()}


def upgrade(conn: Connection | Engine, skip: Iterable[str] = ()) -> None:
    """Bring a database an older watcher made (before migrations, see watcher/migrations) up to
    the baseline: new columns, then lists kept as JSON in a column moved into their tables. Runs
    inside the caller's transaction (an Engine: in one of its own)."""
    if isinstance(conn, Engine):
        with conn.begin() as c:
            upgrade(c, skip)
        return
    _add_missing_columns(conn, skip)
    _move_alert_reports(conn)
    _move_list(conn, ItemRow, "companies", ItemCompanyRow, "item_id", "company")
    _move_list(conn, EventRow, "sources", EventSourceRow, "event_id", "source")
    _move_list(conn, EventRow, "also", EventLabelRow, "event_id", "value", kind="also")
    _move_list(conn, EventRow, "facts", EventLabelRow, "event_id", "value", kind="fact")
    _move_list(conn, AlertRow, "facts", AlertFactRow, "alert_id", "fact")
    _move_hits(conn)


def _move_hits(conn: Connection) -> None:
    src = _table(AlertRow)
    rows = conn.execute(sa_select(src.c.id, src.c.hits).where(src.c.hits != "[]", src.c.hits != "")).all()
    for alert_id, text in rows:
        for d in json.loads(text or "[]"):
            known = {k: v for k, v in d.items() if k in Hit.__dataclass_fields__}
            for k in _HIT_LISTS:
                known[k] = tuple(known.get(k) or ())
            for row in hit_rows(alert_id, [Hit(**known)]):
                conn.execute(insert(_table(AlertHitRow)).values(row.model_dump(exclude={"id"})))
        conn.execute(update(src).where(src.c.id == alert_id).values(hits="[]"))
    if rows:
        log.info("database: moved the hits of %d alerts into alert_hit", len(rows))


def _move_list(conn: Connection, owner: type[SQLModel], column: str, table: type[SQLModel], key: str,
               value: str, **extra: str) -> None:
    """A JSON list column an older watcher wrote -> rows of its table, once (the column is emptied)."""
    src = _table(owner)
    rows = conn.execute(sa_select(src.c.id, src.c[column]).where(src.c[column] != "[]", src.c[column] != "",
                                                                 src.c[column] != None)).all()  # noqa: E711
    for owner_id, text in rows:
        for v in json.loads(text or "[]"):
            conn.execute(insert(_table(table)).values({key: owner_id, value: str(v), **extra}))
        conn.execute(update(src).where(src.c.id == owner_id).values({column: "[]"}))
    if rows:
        log.info("database: moved %s of %d rows into %s", column, len(rows), _table(table).name)


def _move_alert_reports(conn: Connection) -> None:
    rows = conn.execute(sa_select(col(AlertRow.id), col(AlertRow.also))
                        .where(col(AlertRow.also) != "[]", col(AlertRow.also) != "")).all()
    for alert_id, also in rows:
        for source, link in _also_from(also):
            conn.execute(insert(_table(AlertReportRow)).values(alert_id=alert_id, source=source, link=link))
        conn.execute(update(_table(AlertRow)).where(col(AlertRow.id) == alert_id).values(also="[]"))
    if rows:
        log.info("database: moved the reports of %d alerts into alert_report", len(rows))


def _add_missing_columns(conn: Connection, skip: Iterable[str] = ()) -> None:
    """A database made by an older watcher gets the columns added since (all nullable), so an
    upgrade keeps every stored item and queued alert."""
    insp = sa_inspect(conn)
    for table in SQLModel.metadata.sorted_tables:
        if table.name in skip or not insp.has_table(table.name):
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            default = ""
            if not column.nullable:
                default = " DEFAULT " + ("''" if isinstance(column.type, String) else "0")
            conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{default}')
            log.info("database: added column %s.%s", table.name, column.name)


def _event_of(row: EventRow, labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> events.Event:
    return events.Event(company=row.company, kind=row.kind, role=row.role, stage=row.stage,
                        counterparty=row.counterparty, amount=row.amount, currency=row.currency, usd=row.usd,
                        also=labels[0], facts=labels[1],
                        rule=row.rule, round=row.round, valuation=row.valuation, valuation_usd=row.valuation_usd,
                        venue=row.venue, marks=row.marks, when=row.told_date)


def _event_row(e: events.Event, now: datetime) -> EventRow:
    return EventRow(company=e.company, kind=e.kind, role=e.role, stage=e.stage, counterparty=e.counterparty,
                    amount=e.amount, currency=e.currency, usd=e.usd, rule=e.rule, first_seen=now, last_seen=now,
                    reports=1,
                    round=e.round, valuation=e.valuation,
                    valuation_usd=e.valuation_usd, venue=e.venue, marks=e.marks, told_date=e.when)


def item_of(row: ItemRow) -> Item:
    """A stored item as the matcher reads it (an undated one as of when it was seen)."""
    return Item(source=row.source, key=row.key, url=row.url, link=row.link, title=row.title, summary=row.summary,
                published=row.published or row.seen_at, story_key=row.story_key, form=row.form,
                form_items=tuple(i for i in (row.form_items or "").split(",") if i), company=row.company,
                event=row.event)


def sources_of(s: Session, event_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The sources that reported each event, first first."""
    out: dict[int, list[str]] = {}
    conn = s.connection()
    for chunk in _chunks(sorted(set(event_ids)), 500):
        for eid, src in conn.execute(_SOURCES_OF, {"ids": chunk}):
            out.setdefault(eid, []).append(src)
    return {k: tuple(v) for k, v in out.items()}


# Built once (compiled once): core statements run on a session's connection.
_ES, _EL = _table(EventSourceRow), _table(EventLabelRow)
_SOURCES_OF = sa_select(_ES.c.event_id, _ES.c.source).where(_ES.c.event_id.in_(bindparam("ids", expanding=True))) \
    .order_by(_ES.c.id)
_LABELS_OF = sa_select(_EL.c.event_id, _EL.c.kind, _EL.c.value) \
    .where(_EL.c.event_id.in_(bindparam("ids", expanding=True))).order_by(_EL.c.id)


def event_info(row: EventRow, sources: tuple[str, ...] = (),
               labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> EventInfo:
    e = _event_of(row, labels)
    return EventInfo(company=row.company, kind=row.kind, label=e.label, headline=events.headline(e),
                     counterparty=row.counterparty, amount=row.amount, currency=row.currency, usd=row.usd,
                     stage=row.stage, facts=e.facts, first_seen=row.first_seen, last_seen=row.last_seen,
                     reports=row.reports, sources=sources, id=row.id or 0)


def _also_from(text: str | None) -> tuple[tuple[str, str | None], ...]:
    out = []
    for x in json.loads(text or "[]"):
        if isinstance(x, dict):
            out.append((str(x.get("source", "")), x.get("link")))
        else:
            out.append((str(x), None))
    return tuple(out)


def _chunks(seq: list[_T], n: int) -> Iterator[list[_T]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]

