"""The in-memory poll state: what must be written at once and what may wait for the flush."""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from watcher.poll_state import PollState, PollStates, urgent
from watcher.store import SourceState

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
POLLED = PollState(name="s", etag='"a"', last_success=T0, last_attempt=T0)


@pytest.mark.parametrize(("old", "changes", "stored", "want"), [
    (POLLED, {"last_success": T1, "last_attempt": T1, "etag": '"a"', "failures": 0}, True, False),  # a 304
    (POLLED, {"last_success": T1, "last_attempt": T1}, False, True),  # never written yet
    (POLLED, {"last_success": T1, "etag": '"b"'}, True, True),  # new validators
    (POLLED, {"last_attempt": T1, "failures": 1, "last_error": "HTTP 500"}, True, True),  # a failure
    (POLLED, {"health_alerted": True}, True, True),
    (PollState(name="s"), {"last_success": T1, "last_attempt": T1}, True, True),  # first success
    (PollState(name="s", failures=3, last_success=T0, last_attempt=T0), {"last_success": T1, "failures": 0},
     True, True),  # recovery
    (POLLED, {}, True, False),
])
def test_urgent(old: PollState, changes: dict[str, object], stored: bool, want: bool) -> None:
    assert urgent(old, changes, stored=stored) is want  # type: ignore[arg-type]


def test_quiet_polls_wait_for_the_flush_and_loud_ones_do_not() -> None:
    states = PollStates()
    states.load([POLLED.row()])
    assert states.get("s").etag == '"a"' and states.get("new").last_success is None
    assert states.apply("s", {"last_success": T1, "last_attempt": T1}) is False
    assert states.get("s").last_success == T1  # the cache is current at once
    assert states.apply("s", {"etag": '"b"'}) is True
    assert [r.etag for r in states.take(["s"])] == ['"b"']
    states.written(["s"])
    assert states.take_pending() == []  # taken for the urgent write: not written twice
    assert states.apply("s", {"last_success": T1 + T1.resolution}, defer=False) is False
    rows = states.take_pending()
    assert [r.name for r in rows] == ["s"] and states.take_pending() == []
    states.requeue(rows)  # a failed write keeps them for the next flush
    assert [r.name for r in states.take_pending()] == ["s"]


def test_defer_holds_even_urgent_changes() -> None:
    states = PollStates()
    states.load([])
    assert states.apply("x", {"etag": '"1"', "last_success": T0}, defer=True) is False
    assert states.get("x").etag == '"1"'
    assert [r.name for r in states.take_pending()] == ["x"]


def test_the_poll_state_has_every_column_of_the_store_row() -> None:
    assert [f.name for f in dataclasses.fields(PollState)] == list(SourceState.model_fields)
    row = SourceState(name="z", etag="e", failures=2, last_success=T0)
    assert PollState.of(row).row() == row.model_dump()
