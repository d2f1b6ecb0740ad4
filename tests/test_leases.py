"""Source leases and instance heartbeats on the real PostgreSQL (store/leases.py): an even split,
no source held twice even when instances claim at the same moment, a dead instance's sources
taken over once its leases run out, a clean stop giving everything back. SQLite holds all."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from watcher import migrations
from watcher.store import Store
from watcher.store.leases import fair_share

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SOURCES = [f"s{n:03d}" for n in range(200)]
LEASE = ALIVE = 15.0


@pytest.mark.parametrize(("sources", "instances", "share"), [
    (200, 1, 200), (200, 2, 100), (200, 3, 67), (0, 3, 0), (5, 0, 5), (2, 3, 1),
])
def test_fair_share(sources, instances, share):
    assert fair_share(sources, instances) == share


def beat(st: Store, me: str, now: datetime, sources=SOURCES) -> set[str]:
    return st.heartbeat(me, "host-" + me, 100, "test", T0, now, sources, LEASE, ALIVE)


@pytest.fixture
def pg_store(pg_url):
    migrations.upgrade(pg_url)
    st = Store(pg_url)
    yield st
    st.close()


def test_sqlite_holds_every_source_without_a_query(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'w.db'}")
    assert not st.shared and beat(st, "a", T0) == set(SOURCES) and st.instances(T0) == []


def test_instances_split_the_sources_and_never_hold_one_twice(pg_store):
    a = beat(pg_store, "a", T0)
    assert a == set(SOURCES)  # alone: everything
    b = beat(pg_store, "b", T0 + timedelta(seconds=1))
    assert b == set()  # a holds everything, unexpired
    a = beat(pg_store, "a", T0 + timedelta(seconds=2))  # sees b: gives back half
    b = beat(pg_store, "b", T0 + timedelta(seconds=3))
    assert len(a) == len(b) == 100 and not a & b and a | b == set(SOURCES)
    c = beat(pg_store, "c", T0 + timedelta(seconds=4))
    a = beat(pg_store, "a", T0 + timedelta(seconds=5))
    b = beat(pg_store, "b", T0 + timedelta(seconds=5))
    c = beat(pg_store, "c", T0 + timedelta(seconds=6))
    assert (len(a), len(b), len(c)) == (67, 67, 66) and not (a & b or a & c or b & c)
    shown = {i.id: i for i in pg_store.instances(T0 + timedelta(seconds=6))}
    assert set(shown) == {"a", "b", "c"} and set(shown["c"].sources) == c and shown["a"].host == "host-a"


def test_a_dead_instances_sources_are_taken_over_once_its_leases_run_out(pg_store):
    beat(pg_store, "a", T0)
    beat(pg_store, "b", T0)
    a = beat(pg_store, "a", T0 + timedelta(seconds=1))
    b = beat(pg_store, "b", T0 + timedelta(seconds=1))
    assert len(a) == len(b) == 100
    # a is killed: no more heartbeats. Before its leases run out, b keeps to its share
    assert beat(pg_store, "b", T0 + timedelta(seconds=10)) == b
    b = beat(pg_store, "b", T0 + timedelta(seconds=1 + LEASE + 1))
    assert b == set(SOURCES)


def test_a_clean_stop_gives_everything_back_at_once(pg_store):
    beat(pg_store, "a", T0)
    beat(pg_store, "b", T0)
    beat(pg_store, "a", T0 + timedelta(seconds=1))
    pg_store.leave("a")
    assert beat(pg_store, "b", T0 + timedelta(seconds=2)) == set(SOURCES)
    assert [i.id for i in pg_store.instances(T0 + timedelta(seconds=2))] == ["b"]


def test_instances_claiming_at_the_same_moment_take_disjoint_sources(pg_url):
    """Four instances, each its own connection pool, claim at once: SKIP LOCKED hands each row to
    one of them."""
    migrations.upgrade(pg_url)
    stores = [Store(pg_url) for _ in range(4)]
    for n, st in enumerate(stores):  # all four known alive: each may take a quarter
        st.heartbeat(f"i{n}", "h", n, "t", T0, T0, [], LEASE, ALIVE)
    go, got = threading.Barrier(4), {}

    def claim(n: int) -> None:
        go.wait()
        got[n] = beat(stores[n], f"i{n}", T0 + timedelta(seconds=1))

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for st in stores:
        st.close()
    held = [s for n in range(4) for s in got[n]]
    assert len(held) == len(set(held)) and all(len(got[n]) <= 50 for n in range(4))


def test_a_chore_of_the_whole_database_is_done_once_per_period_by_the_group(pg_url, tmp_path):
    migrations.upgrade(pg_url)
    a, b = Store(pg_url), Store(pg_url)
    every = 6 * 3600.0
    assert a.claim_chore("prune", T0, every) is True
    assert b.claim_chore("prune", T0 + timedelta(minutes=5), every) is False  # a did it
    assert b.claim_chore("prune", T0 + timedelta(seconds=every), every) is True  # its turn came
    a.close()
    b.close()
    assert Store(f"sqlite:///{tmp_path / 'w.db'}").claim_chore("prune", T0, every) is True  # one instance


def test_sources_are_shared_out_host_by_host(pg_store):
    """200 sources on 20 hosts, two instances: each host's sources end up with one instance, so
    each keeps its connections to half the hosts busy instead of all of them half as busy."""
    hosts = {s: f"host{n % 20}.example" for n, s in enumerate(SOURCES)}
    beat(pg_store, "a", T0, hosts)
    beat(pg_store, "b", T0, hosts)
    a = beat(pg_store, "a", T0 + timedelta(seconds=1), hosts)
    b = beat(pg_store, "b", T0 + timedelta(seconds=1), hosts)
    assert len(a) == len(b) == 100 and not a & b
    assert not {hosts[s] for s in a} & {hosts[s] for s in b}  # no host split between them


def test_a_steady_beat_renews_in_one_statement_and_still_follows_the_group(pg_store):
    """ensure=False (every beat after the first): the one-statement path renews the leases; a
    joining instance, a source dropped from the config, or a share to fill take the full path."""
    def steady(me: str, now: datetime, sources=SOURCES) -> set[str]:
        return pg_store.heartbeat(me, "host-" + me, 100, "test", T0, now, sources, LEASE, ALIVE, ensure=False)

    assert beat(pg_store, "a", T0) == set(SOURCES)
    later = T0 + timedelta(seconds=LEASE - 1)
    assert steady("a", later) == set(SOURCES)  # renewed: held past the first lease's end
    shown = pg_store.instances(T0 + timedelta(seconds=LEASE + 1))
    assert [(i.id, len(i.sources)) for i in shown] == [("a", 200)]
    # a source leaves the config: given back at once, not kept until the next ensure
    assert steady("a", later + timedelta(seconds=1), SOURCES[1:]) == set(SOURCES[1:])
    held = {i.id: set(i.sources) for i in pg_store.instances(later + timedelta(seconds=1))}
    assert SOURCES[0] not in held["a"]
    # b joins and takes the free source; a's steady beat sees two instances and hands half over
    assert steady("b", later + timedelta(seconds=2)) == {SOURCES[0]}
    a = steady("a", later + timedelta(seconds=3))
    b = steady("b", later + timedelta(seconds=4))
    assert len(a) == 100 and len(b) == 100 and not a & b


def test_an_instance_short_of_its_share_with_nothing_free_beats_in_one_statement(pg_store):
    """200 sources on 3 instances hold 67, 67 and 66: the one with 66 cannot fill its share, and
    its beats stay on the one-statement path (no transaction with a claim every beat) until a
    lease comes free, which it then takes."""
    from sqlalchemy import event, update

    from watcher.store.leases import _L

    commits: list[int] = []
    event.listen(pg_store.engine, "commit", lambda conn: commits.append(1))

    def steady(me: str, now: datetime) -> set[str]:
        return pg_store.heartbeat(me, "host-" + me, 100, "test", T0, now, SOURCES, LEASE, ALIVE, ensure=False)

    for me in "abc":
        beat(pg_store, me, T0)
    held: dict[str, set[str]] = {}
    for k in range(1, 5):  # the surplus handed over, the shares filled
        for me in "abc":
            held[me] = steady(me, T0 + timedelta(seconds=k))
    assert sorted(len(h) for h in held.values()) == [66, 67, 67]
    short = next(me for me, h in held.items() if len(h) == 66)
    commits.clear()
    for k in range(5, 9):
        for me in "abc":
            assert steady(me, T0 + timedelta(seconds=k)) == held[me]
    assert commits == []  # every beat one autocommit statement

    # a lease comes free (a source given back by a clean stop of another holder): the short one takes it
    other = next(me for me in "abc" if me != short)
    with pg_store.engine.begin() as conn:
        gone = sorted(held[other])[0]
        conn.execute(update(_L).where(_L.c.source == gone).values(holder=None, lease_until=None))
    assert steady(short, T0 + timedelta(seconds=10)) == held[short] | {gone}
