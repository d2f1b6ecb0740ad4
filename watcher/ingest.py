"""Pure: what one poll's items do to the store. `plan_ingest` reads a snapshot of what the store
knows (Known) and decides, item by item, which are new, which are copies, which alert and which
join an event already open; the store only carries the plan out (Store.ingest, one transaction).

    item already stored for this source               -> nothing
    same article (canonical URL) as an earlier item   -> a copy: one row, no alert ("also" on its alert)
    no hits                                           -> a plain item
    tells of an open event (events.joins), or copies  -> joins it: counted; while its alert is queued
      a headline already alerted (cluster.py)            the report is added there; a new fact after
                                                         the alert was sent queues one follow-up
    otherwise                                         -> an alert, and a new event for each it tells

Rows made by the plan are named by negative refs until the store gives them ids."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from . import cluster, events
from .lexicon.text import fold, money_spans
from .models import Hit, Item

Ref = int  # > 0: a stored row's id; < 0: a row this plan makes


@dataclass(frozen=True)
class Candidate:
    """An item that matched, with the notifiers its alert goes to."""

    item: Item
    hits: tuple[Hit, ...]
    notifiers: tuple[str, ...]


@dataclass(frozen=True)
class Batch:
    """One poll's items on their way to the store; several go in one transaction (group commit)."""

    source: str
    items: list[Item]
    matched: dict[str, Candidate]
    now: datetime
    story_window: float
    event_window: float = 14 * 86400.0


@dataclass(frozen=True)
class IngestResult:
    new_items: int
    new_alerts: int
    copies: int  # matched items recorded against an earlier event or story
    updates: int = 0  # follow-up alerts: a later report added a fact to an alert already sent


# ----------------------------------------------------------------------------- what the store knows
@dataclass(frozen=True)
class Root:
    """An alerted item: the head of a story, and the alert and event it carries."""

    item: Ref
    source: str
    story_key: str
    companies: frozenset[str]
    alert: Ref | None
    event: Ref | None


@dataclass(frozen=True)
class UrlSeen:
    """A stored item with a canonical URL, and the alerted story it carries or joined."""

    item: Ref
    root: Root | None  # None: the item alerted nobody
    source: str = ""
    story_key: str = ""


def copy_at(seen: tuple[UrlSeen, ...] | list[UrlSeen], source: str, story_key: str) -> UrlSeen | None:
    """Pure: the item at a canonical URL that a new item is a copy of, or None when it is a story
    of its own. One address can carry several stories (a live blog's posts `/live#1`, `#2`, a feed
    whose items all link to its front page): an item is a copy only of the same story (the same
    headline, as cluster.same_story tells, or no headline to tell by). Another source's item at an
    address that carries one story is a syndicated copy even when retitled."""
    for s in seen:
        if not s.story_key or not story_key or cluster.same_story(s.story_key, story_key):
            return s
    if seen and len({s.story_key for s in seen}) == 1 and all(s.source != source for s in seen):
        return seen[0]
    return None


@dataclass
class OpenEvent:
    """An event as the plan sees it; changed as later reports arrive."""

    id: Ref
    event: events.Event
    first_seen: datetime
    last_seen: datetime
    reports: int
    sources: list[str]
    alert: Ref | None  # the alert that announced it
    alert_item: Ref | None  # that alert's item
    states: dict[str, str]  # notifier -> outbox status of that alert
    joinable: bool = True  # events read from filings are not joined by news


@dataclass(frozen=True)
class Known:
    keys: frozenset[str] = frozenset()  # this source's items among the batch, already stored
    urls: dict[str, tuple[UrlSeen, ...]] = field(default_factory=dict)  # the batch's canonical URLs seen before
    roots: tuple[Root, ...] = ()  # alerted items inside the story window, oldest first
    events: tuple[OpenEvent, ...] = ()  # events inside the event window, oldest first
    events_of_roots: dict[Ref, OpenEvent] = field(default_factory=dict)  # older events the roots announced


# ----------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class PutItem:
    ref: Ref
    item: Item
    state: str  # plain | copy | joined | alerted
    story: Ref | None = None  # the alerted item whose alert stands for this one
    event: Ref | None = None
    companies: tuple[str, ...] = ()


@dataclass(frozen=True)
class PutEvent:
    ref: Ref
    event: events.Event


@dataclass(frozen=True)
class PutAlert:
    ref: Ref
    item: Ref
    hits: tuple[Hit, ...]
    notifiers: tuple[str, ...]
    event: Ref | None = None
    announces: tuple[Ref, ...] = ()  # the new events this alert announces
    update_of: Ref | None = None  # a follow-up of this alert
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddAlso:
    alert: Ref
    source: str
    link: str | None


Step = PutItem | PutEvent | PutAlert | AddAlso


@dataclass(frozen=True)
class IngestPlan:
    steps: tuple[Step, ...]
    events: tuple[OpenEvent, ...]  # every event the plan made or changed, in its final state
    result: IngestResult


def plan_ingest(source: str, items: list[Item], matched: dict[str, Candidate], known: Known, *,
                now: datetime, event_window: float) -> IngestPlan:
    return _Planner(source, known, now, event_window).run(items, matched)


class _Planner:
    def __init__(self, source: str, known: Known, now: datetime, event_window: float):
        self.source, self.now, self.window = source, now, event_window
        self.keys = set(known.keys)
        self.urls = {u: list(seen) for u, seen in known.urls.items()}
        self.roots = list(known.roots)
        self.events = [replace(e, sources=list(e.sources), states=dict(e.states)) for e in known.events]
        self.by_id = {e.id: e for e in self.events}
        for ref, e in known.events_of_roots.items():
            self.by_id.setdefault(ref, replace(e, sources=list(e.sources), states=dict(e.states)))
        self.root_by_item = {r.item: r for r in self.roots}
        self.steps: list[Step] = []
        self.touched: dict[Ref, OpenEvent] = {}
        self.next_ref = -1
        self.new_items = self.new_alerts = self.copies = self.updates = 0

    def remember(self, it: Item, seen: UrlSeen, replace: bool = False) -> None:
        """Note the story an item brings to its URL: after the others there (the first stays the
        one copies of its story find), or, for an alert, instead of the unalerted item of its story."""
        if not it.url:
            return
        at = self.urls.setdefault(it.url, [])
        same = copy_at(at, self.source, it.story_key) if at else None
        if same is None:
            at.append(seen)
        elif replace:
            at[at.index(same)] = seen

    def ref(self) -> Ref:
        self.next_ref -= 1
        return self.next_ref + 1

    def run(self, items: list[Item], matched: dict[str, Candidate]) -> IngestPlan:
        for it in items:
            if it.key in self.keys:
                continue
            self.keys.add(it.key)
            self.one(it, matched.get(it.key))
        return IngestPlan(tuple(self.steps), tuple(self.touched.values()),
                          IngestResult(self.new_items, self.new_alerts, self.copies, self.updates))

    def one(self, it: Item, cand: Candidate | None) -> None:
        first = copy_at(self.urls.get(it.url, ()), self.source, it.story_key) if it.url else None
        if first is not None and (cand is None or first.root is not None):
            # the same article from another source: one item; note who else has it. (A copy that
            # matches where the first did not, say with a fuller summary, goes on and alerts.)
            if cand is not None and first.root is not None:
                self.also(first.root, None)
            self.steps.append(PutItem(self.ref(), it, "copy", story=first.item if first.root else None))
            return
        self.new_items += 1
        if cand is None:
            ref = self.ref()
            self.remember(it, UrlSeen(ref, None, self.source, it.story_key))
            self.steps.append(PutItem(ref, it, "plain"))
            return
        companies = tuple(sorted({h.company for h in cand.hits}))
        marks = events.marks_of(it.title)
        told = [replace(e, marks=marks) for e in events.from_hits(cand.hits)]
        joined = {} if it.form else self.joined(told, figures_of(it))
        story = None if it.form else cluster.find_story(
            it.story_key, set(companies), [(r.item, r.story_key, set(r.companies)) for r in self.roots])
        lead = joined.get(told[0].company) if told and len(joined) == len(told) else None
        root = self.root_by_item.get(story) if story is not None else None
        if lead is None and root is not None and root.event is not None:
            lead = self.by_id.get(root.event)  # a copy of a headline already alerted
        if lead is not None or story is not None:
            self.join(it, told, joined, lead, root)
            return
        self.alert(it, cand, told, joined, companies)

    def joined(self, told: list[events.Event], figures: tuple[str, ...] = ()) -> dict[str, OpenEvent]:
        """company -> the open event each told event joins: of those it fits, the one it agrees
        with most (events.fit), the latest on a tie."""
        out: dict[str, OpenEvent] = {}
        for e in told:
            fits = [ev for ev in self.events if ev.joinable and events.joins(
                ev.event, e, (self.now - ev.first_seen).total_seconds(), self.window)]
            if fits:  # the highest fit; on a tie the later event (max keeps the first of equals)
                out[e.company] = max(enumerate(fits), key=lambda p: (events.fit(p[1].event, e, figures), p[0]))[1]
        return out

    def join(self, it: Item, told: list[events.Event], joined: dict[str, OpenEvent], lead: OpenEvent | None,
             root: Root | None) -> None:
        ref = self.ref()
        story = root.item if root is not None else (lead.alert_item if lead is not None else None)
        self.steps.append(PutItem(ref, it, "joined", story=story, event=lead.id if lead is not None else None))
        self.remember(it, UrlSeen(ref, root or self.root_of(lead), self.source, it.story_key))
        shown = False  # an item's link goes into one alert only
        for e in told:
            ev = joined.get(e.company) or (lead if lead is not None and lead.event.company == e.company else None)
            if ev is not None:
                shown = self.report(ev, e, ref, it, show=not shown) or shown
        if lead is None and root is not None:
            self.also(root, it.link)
        self.copies += 1

    def root_of(self, ev: OpenEvent | None) -> Root | None:
        if ev is None or ev.alert_item is None:
            return None
        return self.root_by_item.get(ev.alert_item) or Root(ev.alert_item, "", "", frozenset(), ev.alert, ev.id)

    def alert(self, it: Item, cand: Candidate, told: list[events.Event], joined: dict[str, OpenEvent],
              companies: tuple[str, ...]) -> None:
        item_ref, alert_ref = self.ref(), self.ref()
        fresh: list[OpenEvent] = []
        for e in told:
            if e.company in joined:
                self.count(joined[e.company])
                continue
            ev = OpenEvent(self.ref(), e, self.now, self.now, 1, [self.source], alert_ref, item_ref,
                           {n: "pending" for n in cand.notifiers}, joinable=not it.form)
            self.steps.append(PutEvent(ev.id, e))
            self.events.append(ev)
            self.by_id[ev.id] = ev
            self.touched[ev.id] = ev
            fresh.append(ev)
        event = fresh[0].id if fresh else None
        self.steps.append(PutItem(item_ref, it, "alerted", event=event, companies=companies))
        self.steps.append(PutAlert(alert_ref, item_ref, cand.hits, cand.notifiers, event=event,
                                   announces=tuple(ev.id for ev in fresh)))
        root = Root(item_ref, self.source, it.story_key, frozenset(companies), alert_ref, event)
        self.roots.append(root)
        self.root_by_item[item_ref] = root
        self.remember(it, UrlSeen(item_ref, root, self.source, it.story_key), replace=True)
        self.new_alerts += 1

    def count(self, ev: OpenEvent) -> None:
        ev.reports += 1
        ev.last_seen = self.now
        if self.source not in ev.sources:
            ev.sources.append(self.source)
        self.touched[ev.id] = ev

    def report(self, ev: OpenEvent, e: events.Event, item_ref: Ref, it: Item, show: bool) -> bool:
        """A later report of an event: count it and fold it in; while the event's alert is queued
        add it there; when it adds a fact after the alert went out, queue one follow-up to every
        channel that had the alert. `show`: the report may still go into an alert. Returns whether
        it went into one."""
        self.count(ev)
        facts = events.new_facts(ev.event, e)
        ev.event = events.merge(ev.event, e)
        if ev.alert is None or not show:
            return False
        placed = False
        if any(st in ("pending", "sending") for st in ev.states.values()):
            self.steps.append(AddAlso(ev.alert, self.source, it.link))
            placed = True
        sent = tuple(n for n, st in ev.states.items() if st == "sent")
        if not facts or not sent:
            return placed
        self.steps.append(PutAlert(self.ref(), item_ref, (), sent, event=ev.id, update_of=ev.alert, facts=facts))
        self.updates += 1
        return True

    def also(self, root: Root, link: str | None) -> None:
        """Another source carried the story: note it on the alert of the story's first item."""
        if root.alert is None or (self.source == root.source and not link):
            return
        self.steps.append(AddAlso(root.alert, self.source, link))


def figures_of(it: Item) -> tuple[str, ...]:
    """The amounts an item's headline and summary name, as written."""
    text = fold(f"{it.title}\n{it.summary}")
    return tuple(text[a:b] for a, b in money_spans(text))
