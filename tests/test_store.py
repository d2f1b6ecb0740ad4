"""The store on a real SQLite file: dedupe, outbox, locking, retention."""
import dataclasses
import json
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from watcher import migrations
from watcher.errors import SchemaError, StoreError
from watcher.ingest import Candidate
from watcher.models import Hit, RawItem
from watcher.normalize import normalize
from watcher.store import Store

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HIT = (Hit(rule="deals", company="Groq", alias="Groq", keywords=("acquire",), field="title"),)


def item(n: int, source: str = "s", title: str | None = None, link: str | None = None):
    return normalize(RawItem(guid=f"g{n}", title=title or f"Groq to acquire firm number {n} in chip deal",
                             link=link or f"https://x.example/{n}"), source)


def ingest(store, source, items, alert=True, now=NOW):
    matched = {it.key: Candidate(it, HIT, ("hook",)) for it in items} if alert else {}
    return store.ingest(source, items, matched, now=now, story_window=3 * 86400)


def test_new_at_most_once_by_key_and_by_url(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    r = ingest(st, "a", [item(1), item(2)])
    assert (r.new_items, r.new_alerts) == (2, 2)
    assert ingest(st, "a", [item(1), item(2)]).new_items == 0
    # the same article (canonical URL) from another source is not new either
    other = normalize(RawItem(guid="zzz", title="Groq to acquire firm number 1 in chip deal",
                              link="http://www.x.example/1/?utm_source=feed"), "b")
    assert ingest(st, "b", [other]).new_alerts == 0
    assert len(st.due(NOW)) == 2
    assert st.due(NOW)[0].alert.also == ("b",)  # shown as "also reported by"


def test_outbox_survives_reopen_and_marks(tmp_path):
    path = f"sqlite:///{tmp_path / 'w.db'}"
    st = Store(path)
    ingest(st, "a", [item(1)])
    st.close()
    st = Store(path)
    (d,) = st.due(NOW)
    st.mark_failed(d.outbox_id, "503", NOW + timedelta(minutes=5))
    assert st.due(NOW) == [] and len(st.due(NOW, ignore_backoff=True)) == 1
    assert len(st.due(NOW + timedelta(minutes=6))) == 1
    st.mark_sent(d.outbox_id, NOW)
    assert st.due(NOW, ignore_backoff=True) == []


def test_wal_and_concurrent_writers_do_not_fail(tmp_path):
    path = tmp_path / "w.db"
    stores = [Store(f"sqlite:///{path}") for _ in range(3)]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    errors = []

    def writer(k):
        try:
            for n in range(40):
                ingest(stores[k], f"src{k}", [item(1000 * k + n, f"src{k}")], alert=False)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert stores[0].count_items() == 120


def test_writer_waits_for_a_held_lock(tmp_path):
    path = tmp_path / "w.db"
    st = Store(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO source_state (name, failures, health_alerted, items_seen) VALUES ('x', 0, 0, 0)")
    done = threading.Event()
    t = threading.Thread(target=lambda: (ingest(st, "a", [item(7)]), done.set()))
    t.start()
    assert not done.wait(0.3)  # blocked by the other writer, not failed
    other.execute("COMMIT")
    assert done.wait(30)
    assert st.count_items() == 1


def test_prune_keeps_what_dedupe_needs(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    ingest(st, "a", [item(1)], now=NOW - timedelta(days=200))
    assert st.prune(NOW - timedelta(days=90)) == 1
    assert ingest(st, "a", [item(1)]).new_items == 0  # still known after its body is gone
    assert st.items_since(NOW - timedelta(days=365)) == []


def test_syndicated_copy_is_recorded_against_the_first(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    ingest(st, "a", [item(1, title="Groq raises $640 million in Series D round")])
    r = ingest(st, "b", [item(2, "b", title="UPDATE 1-Groq raises $640 million in Series D round")])
    assert (r.new_items, r.new_alerts, r.copies) == (1, 0, 1)
    (d,) = st.due(NOW)
    assert d.alert.also == ("b",)


def test_failing_notifier_queue_waits_as_a_whole(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    ingest(st, "a", [item(1), item(2), item(3)])
    first = st.due(NOW)[0]
    st.mark_failed(first.outbox_id, "503", NOW + timedelta(minutes=2))
    st.defer_notifier("hook", NOW + timedelta(minutes=2))
    assert st.due(NOW + timedelta(minutes=1)) == []
    assert len(st.due(NOW + timedelta(minutes=3))) == 3


def test_retention_forgets_old_dated_items_but_never_undated_ones(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    old = NOW - timedelta(days=400)
    dated = normalize(RawItem(guid="d", title="Groq to acquire firm in old chip deal", link="https://x.example/d",
                              published=old), "a")
    undated = normalize(RawItem(guid="u", title="Groq to acquire firm in undated chip deal",
                                link="https://x.example/u"), "a")
    ingest(st, "a", [dated, undated], now=old)
    for d in st.due(NOW, ignore_backoff=True):
        st.mark_sent(d.outbox_id, old)
    st.prune(NOW - timedelta(days=90), forget_before=NOW - timedelta(days=180))
    assert st.count_items() == 1  # the undated key stays: it could otherwise alert again
    assert ingest(st, "a", [undated]).new_items == 0


def test_retention_keeps_alerts_still_waiting(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    old = NOW - timedelta(days=400)
    it = normalize(RawItem(guid="d", title="Groq to acquire firm", link="https://x.example/d", published=old), "a")
    ingest(st, "a", [it], now=old)
    st.prune(NOW - timedelta(days=90), forget_before=NOW - timedelta(days=180))
    assert st.count_items() == 1 and len(st.due(NOW, ignore_backoff=True)) == 1


# ----------------------------------------------------------------------------- events
def deal_hit(**kw) -> tuple[Hit, ...]:
    base = dict(rule="deals", company="Rivos", alias="Rivos", keywords=("acquire",), field="title",
                kind="acquisition", role="target", counterparty="Meta")
    base.update(kw)
    return (Hit(**base),)


def report(store, source, n, hits, notifiers=("hook",), now=NOW, title=None):
    # no numbers in the headline: "deal 7" and "deal 8" are two events
    title = title or f"Report {'abcdefghij'[n % 10]} of a Rivos deal from {source}"
    it = normalize(RawItem(guid=f"{source}{n}", title=title,
                           link=f"https://{source}.example/{n}"), source)
    return store.ingest(source, [it], {it.key: Candidate(it, hits, notifiers)}, now=now,
                        story_window=3 * 86400, event_window=14 * 86400)


def test_reports_of_one_event_make_one_alert_while_it_is_queued(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    assert report(st, "wire", 1, deal_hit()).new_alerts == 1
    assert report(st, "tech", 2, deal_hit(counterparty="Meta Platforms")).new_alerts == 0
    assert report(st, "cn", 3, deal_hit(counterparty="Meta", amount="$500 million")).new_alerts == 0
    (d,) = st.due(NOW)
    assert d.alert.also_links == (("tech", "https://tech.example/2"), ("cn", "https://cn.example/3"))
    # the queued alert tells the event as it stands now: the amount a later report gave
    assert d.alert.record.headline == "Rivos: acquisition by Meta, $500 million"
    assert d.alert.record.reports == 3 and d.alert.record.sources == ("wire", "tech", "cn")


def test_after_sending_reports_are_silent_and_a_new_fact_is_one_follow_up(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    report(st, "wire", 1, deal_hit(), notifiers=("hook", "mail"))
    for d in st.due(NOW):
        st.mark_sent(d.outbox_id, NOW)
    later = NOW + timedelta(hours=5)
    r = report(st, "tech", 2, deal_hit(), now=later)
    assert (r.new_alerts, r.updates) == (0, 0) and st.due(later) == []  # recorded silently
    r = report(st, "wire", 3, deal_hit(stage="completed", stages=("completed",)), notifiers=("hook",), now=later)
    assert (r.new_alerts, r.updates) == (0, 1)
    follow = st.due(later)
    assert sorted(d.alert.notifier for d in follow) == ["hook", "mail"]  # every channel that had the alert
    a = follow[0].alert
    assert a.update == ("closed",) and a.link == "https://wire.example/3"
    assert a.original == "Rivos: acquisition by Meta (closed)"
    for d in follow:
        st.mark_sent(d.outbox_id, later)
    # the same fact again: nothing more
    assert report(st, "cn", 4, deal_hit(stage="completed", stages=("completed",)), now=later).updates == 0
    assert st.due(later) == []
    (ev, reports), = st.events_since(NOW - timedelta(days=1))
    assert ev.reports == 4 and ev.facts == ("closed",)
    assert [link for _, _, link in reports] == [f"https://{s}.example/{n}" for s, n in
                                                (("wire", 1), ("tech", 2), ("wire", 3), ("cn", 4))]


def test_different_events_are_different_alerts(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    assert report(st, "wire", 1, deal_hit()).new_alerts == 1
    assert report(st, "wire", 2, deal_hit(counterparty="Intel")).new_alerts == 1  # another buyer
    raise_ = deal_hit(rule="capital", kind="funding", role="recipient", counterparty=None, amount="$250 million")
    assert report(st, "wire", 3, raise_).new_alerts == 1  # a raise is not the takeover
    ipo = deal_hit(rule="capital", kind="ipo", role="issuer", counterparty=None, stage="filing")
    assert report(st, "wire", 4, ipo).new_alerts == 1  # nor is an IPO the raise
    # the same buyer again, months later, is a new event too
    assert report(st, "wire", 5, deal_hit(), now=NOW + timedelta(days=90)).new_alerts == 1
    assert len(st.events_since(NOW - timedelta(days=1))) == 5


def test_an_older_database_gains_the_new_columns(tmp_path):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, source VARCHAR NOT NULL, key VARCHAR NOT NULL, "
                "url VARCHAR, link VARCHAR, title VARCHAR NOT NULL, summary VARCHAR NOT NULL, story_key VARCHAR "
                "NOT NULL, published DATETIME, seen_at DATETIME NOT NULL, story_id INTEGER, alerted BOOLEAN NOT NULL, "
                "companies VARCHAR NOT NULL, form VARCHAR, event VARCHAR, pruned BOOLEAN NOT NULL)")
    con.execute("INSERT INTO item (source, key, title, summary, story_key, seen_at, alerted, companies, pruned) "
                "VALUES ('a', 'k', 't', '', '', '2026-01-01 00:00:00', 0, '', 0)")
    con.commit()
    con.close()
    with pytest.raises(SchemaError, match="before schema migrations: run `watcher migrate`"):
        Store(f"sqlite:///{path}")
    migrations.upgrade(f"sqlite:///{path}")
    st = Store(f"sqlite:///{path}")
    assert st.count_items() == 1  # kept
    assert report(st, "wire", 1, deal_hit()).new_alerts == 1
    cols = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(item)")}
    assert "event_id" in cols


def test_reports_an_older_watcher_kept_as_json_move_into_their_table(tmp_path):
    path = tmp_path / "w.db"
    st = Store(f"sqlite:///{path}")
    ingest(st, "a", [item(1)])
    st.close()
    con = sqlite3.connect(path)  # as an older watcher left it: the reports in a JSON column
    con.execute("DROP TABLE alembic_version")  # made before migrations
    con.execute("DROP TABLE alert_report")
    con.execute("""UPDATE alert SET also = '["wire", {"source": "tech", "link": "https://t.example/1"}]'""")
    con.commit()
    con.close()
    migrations.upgrade(f"sqlite:///{path}")  # `watcher migrate`
    st = Store(f"sqlite:///{path}")
    (d,) = st.due(NOW)
    assert d.alert.also_links == (("wire", None), ("tech", "https://t.example/1"))
    assert sqlite3.connect(path).execute("SELECT also FROM alert").fetchone()[0] == "[]"
    st.close()
    assert Store(f"sqlite:///{path}").due(NOW)[0].alert.also_links == d.alert.also_links  # moved once


def test_companies_and_event_sources_kept_as_json_move_into_their_tables(tmp_path):
    path = tmp_path / "w.db"
    st = Store(f"sqlite:///{path}")
    ingest(st, "a", [item(1)])  # a story headed by an alerted item naming Groq
    report(st, "wire", 1, deal_hit())  # an event reported by wire
    st.close()
    con = sqlite3.connect(path)  # as an older watcher left them: lists in JSON columns
    con.execute("DROP TABLE alembic_version")  # made before migrations
    con.execute("DELETE FROM item_company")
    con.execute("DELETE FROM event_source")
    con.execute("""UPDATE item SET companies = '["Groq"]' WHERE source = 'a'""")
    con.execute("""UPDATE event SET sources = '["wire", "tech"]'""")
    con.commit()
    con.close()
    migrations.upgrade(f"sqlite:///{path}")  # `watcher migrate`
    st = Store(f"sqlite:///{path}")
    copy = item(9, "b", title="UPDATE 1-Groq to acquire firm number 1 in chip deal")
    assert ingest(st, "b", [copy]).copies == 1  # the headline copy still finds its story by company
    assert report(st, "blog", 2, deal_hit()).new_alerts == 0
    (info,) = [e for e, _ in st.events_since(NOW - timedelta(days=1)) if e.company == "Rivos"]
    assert info.sources == ("wire", "tech", "blog") and info.reports == 2


def test_hits_facts_and_event_labels_kept_as_json_move_into_their_tables(tmp_path):
    path = tmp_path / "w.db"
    st = Store(f"sqlite:///{path}")
    report(st, "wire", 1, deal_hit())
    (before,) = st.due(NOW)
    st.close()
    con = sqlite3.connect(path)  # as an older watcher left them: lists in JSON columns
    con.execute("DROP TABLE alembic_version")  # made before migrations
    con.execute("DELETE FROM alert_hit")
    con.execute("DELETE FROM event_label")
    con.execute("UPDATE alert SET hits = ?", (json.dumps([h.__dict__ for h in deal_hit()]),))
    con.execute("""UPDATE event SET also = '["licence"]', facts = '["closed"]'""")
    con.commit()
    con.close()
    migrations.upgrade(f"sqlite:///{path}")  # `watcher migrate`
    st = Store(f"sqlite:///{path}")
    (after,) = st.due(NOW)
    assert after.alert.hits == before.alert.hits == deal_hit()
    ((info, _),) = st.events_since(NOW - timedelta(days=1))
    assert info.facts == ("closed",) and "(licence)" in info.headline


def test_database_trouble_in_any_part_is_a_store_error(tmp_path):
    path = tmp_path / "w.db"
    st = Store(f"sqlite:///{path}")
    con = sqlite3.connect(path)
    for table in ("outbox", "item", "source_state"):
        con.execute(f"DROP TABLE {table}")
    con.commit()
    for call in (lambda: st.due(NOW), lambda: st.items_since(NOW), lambda: st.source_state("x")):
        with pytest.raises(StoreError):
            call()


def test_replay_reads_back_what_the_matcher_needs_of_a_filing(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    filing = normalize(RawItem(guid="0001-26-000010", title="Cerebras Systems Inc. filed 8-K", link="https://sec.example/1",
                               form="8-K", form_items=("1.01", "9.01"), accession="0001-26-000010",
                               company="Cerebras", published=NOW), "sec")
    undated = item(2)
    ingest(st, "sec", [filing], alert=False)
    ingest(st, "s", [undated], alert=False)
    back = st.items_since(NOW - timedelta(days=1))
    assert back[0] == filing  # form, items and company kept: replay judges it as the pipeline did
    assert back[1].published == NOW  # an undated item is judged as of when it was seen


def test_a_database_at_another_revision_is_refused_saying_what_to_do(tmp_path):
    path = tmp_path / "w.db"
    Store(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (migrations.HEAD,)
    con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.commit()
    with pytest.raises(SchemaError, match="older than this watcher's .*: run `watcher migrate`"):
        Store(f"sqlite:///{path}")
    con.execute("UPDATE alembic_version SET version_num = '0999'")
    con.commit()
    with pytest.raises(SchemaError, match="does not know: it was upgraded by a newer watcher"):
        Store(f"sqlite:///{path}")
    con.close()


def _batches(*specs):
    """(source, [(n, hits or None)]) -> Batches: reports of one Rivos deal and plain items."""
    from watcher.ingest import Batch

    out = []
    for source, entries in specs:
        items, matched = [], {}
        for n, hits in entries:
            title = f"Report {'abcdefghij'[n % 10]} of a Rivos deal from {source}" if hits else f"Chip news {n}"
            it = normalize(RawItem(guid=f"{source}{n}", title=title, link=f"https://{source}.example/{n}"), source)
            items.append(it)
            if hits:
                matched[it.key] = Candidate(it, hits, ("hook",))
        out.append(Batch(source, items, matched, NOW, 3 * 86400, 14 * 86400))
    return out


def _stored(st):
    alerts = sorted((d.alert.notifier, d.alert.record.headline, d.alert.record.reports, d.alert.also_links)
                    for d in st.due(NOW))
    events = [(ev.reports, ev.facts) for ev, _ in st.events_since(NOW - timedelta(days=1))]
    return st.count_items(), alerts, events


GROUP = (("wire", [(1, deal_hit()), (2, None)]), ("tech", [(3, deal_hit(counterparty="Meta Platforms")), (4, None)]),
         ("cn", [(5, deal_hit(amount="$500 million"))]), ("wire", [(1, deal_hit()), (6, None)]), ("empty", []))


def test_a_group_commit_stores_what_one_ingest_after_another_would(tmp_path):
    one_by_one, grouped = Store(f"sqlite:///{tmp_path / 'a.db'}"), Store(f"sqlite:///{tmp_path / 'b.db'}")
    expected = [one_by_one.ingest(b.source, b.items, b.matched, now=b.now, story_window=b.story_window,
                                  event_window=b.event_window) for b in _batches(*GROUP)]
    got = grouped.ingest_many(_batches(*GROUP))
    assert got == expected
    assert [r.new_alerts for r in got] == [1, 0, 0, 0, 0]  # later reports joined the first one's alert
    assert _stored(grouped) == _stored(one_by_one)
    assert _stored(grouped)[0] == 6


def test_a_group_commit_with_one_bad_batch_fails_only_that_batch(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    good, bad, other = _batches(("wire", [(1, deal_hit())]), ("tech", [(2, None)]), ("cn", [(3, None)]))
    broken = type(bad)(bad.source, [dataclasses.replace(bad.items[0], title=None)], {}, NOW, 3 * 86400)  # NOT NULL
    res = st.ingest_many([good, broken, other])
    assert res[0].new_alerts == 1 and res[2].new_items == 1
    assert isinstance(res[1], StoreError) and "tech" in str(res[1])
    assert st.count_items() == 2


def test_database_trouble_fails_the_whole_group_at_once(tmp_path, monkeypatch):
    from watcher.store import store as store_mod

    monkeypatch.setattr(store_mod, "WAIT", 0.2)  # a locked database gives up quickly
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    calls = []
    monkeypatch.setattr(st, "_one", lambda b: calls.append(b))  # never retried batch by batch
    blocker = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(StoreError, match="3 sources.*locked"):
            st.ingest_many(_batches(("a", [(1, None)]), ("b", [(2, None)]), ("c", [(3, None)])))
    finally:
        blocker.rollback()
        blocker.close()
    assert calls == [] and st.count_items() == 0


def test_an_event_keeps_the_date_its_reports_give_it(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")

    def round_(**kw):  # type: ignore[no-untyped-def]
        return deal_hit(**{**dict(rule="capital", kind="funding", role="recipient", counterparty=None,
                                  amount="US$900M", when="2020-12"), **kw})

    assert report(st, "wire", 1, round_()).new_alerts == 1
    # a report without a date joins it; one whose date lies years off, with a like sum, is another round
    assert report(st, "tech", 2, round_(when=None)).new_alerts == 0
    assert report(st, "wire", 3, round_(amount="HK$6.34 billion", when="2025-09")).new_alerts == 1
    st.close()
    rows = sqlite3.connect(tmp_path / "w.db").execute("SELECT told_date FROM event ORDER BY id").fetchall()
    assert rows == [("2020-12",), ("2025-09",)]  # stored, for the next poll's reports to be weighed against


def test_sqlites_driver_sql_writes_and_reads_items_as_the_core_statements_do(tmp_path, monkeypatch):
    """On SQLite the ingest's key and URL reads and its plain insert go through the driver; what
    they store, row for row, and what a later ingest sees of it, is what the core statements give."""
    import sqlite3

    from watcher.store import items as items_mod

    when = datetime(2025, 12, 24, 9, 30, 1, 5, tzinfo=UTC)
    dated = normalize(RawItem(guid="d", title="Chip firm ships a new board", link="https://x.example/d",
                              summary="Nothing of note.", published=when), "s")
    batch = [item(n, title=f"Chip firm ships board number {n}") for n in range(3)] + [dated]
    rows = []
    for name, driver in (("driver", True), ("core", False)):
        monkeypatch.setattr(items_mod, "DRIVER_SQL", driver)
        st = Store(f"sqlite:///{tmp_path / name}.db")
        assert ingest(st, "s", batch, alert=False).new_items == 4
        assert ingest(st, "s", batch, alert=False).new_items == 0  # known by key
        again = [normalize(RawItem(guid=f"other{n}", title=f"Chip firm ships board number {n}",
                                   link=f"https://x.example/{n}"), "t") for n in range(3)]
        assert ingest(st, "t", again, alert=False).new_items == 0  # known by URL
        st.close()
        con = sqlite3.connect(tmp_path / f"{name}.db")
        rows.append(con.execute("SELECT * FROM item ORDER BY id").fetchall())
        con.close()
    assert len(rows[0]) == 7  # the four, and the other source's three copies of known addresses
    assert rows[0] == rows[1]
