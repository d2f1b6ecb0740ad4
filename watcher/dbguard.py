"""The database under a long run: still the file that was opened, still taking writes, and used by
one `watcher run` at a time.

    file_id / moved   the file a path names (device, inode) against the one the store opened: a
                      database deleted or replaced under a running daemon is seen by a stat
    classify          a database error as what it means for the run: gone (tables missing),
                      corrupt, full (no disk space), or just failing
    DbHealth          what the store's calls report (failures, the kind, a checkpoint owed after
                      a full disk), read by the daemon every few seconds for its health message
    RunLock           an advisory lock (flock) on DB.lock beside a SQLite file, holding the pid
                      of the `run` that uses it; the kernel drops it when that process dies

No SQLAlchemy here: dbcheck (`check`, `once`, `run` at start) and the CLI use it as well.
"""
from __future__ import annotations

import fcntl
import os
import shlex
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StoreError

if TYPE_CHECKING:
    from .notify import Message

GONE = "gone"  # the tables are missing: another file, or someone dropped them
CORRUPT = "corrupt"  # "database disk image is malformed": the file is damaged
FULL = "full"  # "database or disk is full": writes fail until space is freed
FAILING = "failing"  # anything else (locked for longer than the busy timeout, I/O errors)

SETTLE = 120.0  # seconds without a failed write (and one that succeeded) before a failing store is well
LOCK_SUFFIX = ".lock"
LOCK_SETTLE = 1.0  # seconds `run` retries a lock a `once` is only peeking at

FileId = tuple[int, int]  # (st_dev, st_ino)


class DatabaseGone(StoreError):
    """The database file is no longer the one the store opened (deleted or replaced)."""


def file_id(path: Path) -> FileId | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def moved(path: Path, opened: FileId) -> str | None:
    """Why `path` is no longer the file that was opened as `opened` ("was deleted"), or None.
    One stat: microseconds."""
    try:
        now = file_id(path)
    except OSError as e:
        return f"cannot be looked at any more ({e.strerror or e})"
    if now is None:
        return "was deleted"
    if now != opened:
        return "was replaced by another file"
    return None


def classify(error: BaseException | str) -> str:
    """What a database error means for a running watcher (pure): GONE, CORRUPT, FULL or FAILING."""
    if isinstance(error, DatabaseGone):
        return GONE
    text = str(error).lower()
    if "no such table" in text:
        return GONE
    if "malformed" in text or "file is not a database" in text:
        return CORRUPT
    if "database or disk is full" in text or "no space left" in text:
        return FULL
    return FAILING


def recovery_hint(path: Path) -> str:
    """How to get back what a damaged SQLite file still holds (one line, to paste)."""
    n = shlex.quote(path.name)
    r = shlex.quote(f"{path.name}.recovered")
    return (f"with watcher stopped, recover what it holds: cd {shlex.quote(str(path.parent))} && "
            f'sqlite3 {n} ".recover" | sqlite3 {r} && mv {n} {shlex.quote(path.name + ".bad")} && mv {r} {n} '
            f"(a {path.name}-wal or -shm left beside it goes along with the bad copy)")


@dataclass(frozen=True)
class Health:
    """The store's condition as last reported (see DbHealth)."""

    failures: int = 0  # failed calls since the store was last well (DbHealth)
    last_error: str | None = None
    kind: str | None = None  # of the last failure: GONE, CORRUPT, FULL, FAILING
    corrupt: bool = False  # seen once: stays (a damaged file does not heal while it runs)
    gone: str | None = None  # why the database is not the one opened: "was deleted", "lost its tables (...)"

    @property
    def failing(self) -> bool:
        return self.failures > 0 or self.corrupt


class DbHealth:
    """Filled by the store's calls (from worker threads), read by the daemon's event loop.

    A failing store comes back when a write succeeds and none has failed for `settle` seconds:
    on a nearly full disk the small writes (a poll's state) go through while the large ones (its
    items) fail, and that store is failing, not coming and going with every poll.

    `attention` is read without the lock on every successful call: while it is False (the usual
    case) a call reports nothing."""

    def __init__(self, settle: float = SETTLE) -> None:
        self.settle = settle
        self._lock = threading.Lock()
        self._state = Health()
        self._checkpoint_owed = False
        self._failed_at = 0.0  # time.monotonic() of the last failure
        self._wrote_since = False  # a write succeeded after it
        self.attention = False

    def failed(self, error: BaseException | str) -> str:
        """A call failed with this database error; returns its kind."""
        kind = classify(error)
        text = str(error)
        with self._lock:
            s = self._state
            self._state = Health(failures=s.failures + 1, last_error=text, kind=kind,
                                 corrupt=s.corrupt or kind == CORRUPT,
                                 gone=s.gone or (f"lost its tables ({text})" if kind == GONE else None))
            self._checkpoint_owed = self._checkpoint_owed or kind == FULL
            self._failed_at, self._wrote_since = time.monotonic(), False
            self.attention = True
        return kind

    def lost(self, why: str) -> None:
        """The file is not the one opened (the store saw it before opening another connection)."""
        with self._lock:
            if self._state.gone is None:
                self._state = replace(self._state, gone=why)
            self.attention = True

    def wrote(self) -> bool:
        """A write transaction committed. True: a write failed for want of space before, so the
        caller now runs a TRUNCATE checkpoint (then `checkpointed`): the journal a full disk
        left behind shrinks back instead of holding the space it took."""
        with self._lock:
            self._wrote_since = True
            self._settle()
            return self._checkpoint_owed

    def checkpointed(self) -> None:
        with self._lock:
            self._checkpoint_owed = False
            self._settle()

    def snapshot(self) -> Health:
        with self._lock:
            self._settle()
            return self._state

    def _settle(self) -> None:
        s = self._state
        if s.failures and self._wrote_since and time.monotonic() - self._failed_at >= self.settle:
            # a damaged file stays reported as such: it does not heal while watcher runs
            self._state = replace(s, failures=0) if s.corrupt else replace(s, failures=0, last_error=None, kind=None)
        self.attention = self._checkpoint_owed or self._state.failures > 0 or self._state.gone is not None


def failing_message(database: str, failures: int, since: datetime, error: str, kind: str | None,
                    path: Path | None) -> Message:
    """The health message for a database that fails: as a failing source's, with what to do."""
    from .config import format_time
    from .notify import Message

    if kind == CORRUPT and path is not None:
        what = f"The file is damaged: {recovery_hint(path)}."
    elif kind == FULL:
        what = "Its disk is full: free space there; watcher retries, and shrinks its journal once writes succeed."
    else:
        what = "watcher keeps retrying."
    return Message(title=f"watcher: the database {database} is failing",
                   body=f"The database {database} has failed {failures} time{'s' if failures != 1 else ''} since "
                        f"{format_time(since)}: what the polls find is not stored.\nLast error: {error}\n{what}",
                   body_format="text")


def recovered_message(database: str, since: datetime | None) -> Message:
    from .config import format_time
    from .notify import Message

    after = f" after failing since {format_time(since)}" if since else ""
    return Message(title=f"watcher: the database {database} recovered",
                   body=f"The database {database} takes writes again{after}.", body_format="text")


# --------------------------------------------------------------------------- one run per file
def lock_path(db: Path) -> Path:
    return db.with_name(db.name + LOCK_SUFFIX)


class LockHeld(Exception):
    """Another `watcher run` holds the database."""

    def __init__(self, lock: Path, pid: int | None):
        super().__init__(f"{lock} is held by pid {pid}" if pid else f"{lock} is held")
        self.lock, self.pid = lock, pid


def _pid_in(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


class RunLock:
    """`watcher run`'s claim on a SQLite file: flock(LOCK_EX) on DB.lock, which holds the pid.
    The kernel releases it when the process ends however it ends, so a stale file left by a
    killed run blocks nothing; the file itself stays (removing it would race a starting run)."""

    def __init__(self, path: Path, fd: int):
        self.path, self.fd = path, fd

    @classmethod
    def take(cls, db: Path) -> RunLock:
        """The lock for this database, or LockHeld naming the pid of the run holding it."""
        path = lock_path(db)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + LOCK_SETTLE
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    pass
                try:  # shared: only `once` peeking for an instant (see holder); exclusive: a run
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise LockHeld(path, _pid_in(fd)) from None
                fcntl.flock(fd, fcntl.LOCK_UN)
                if time.monotonic() > deadline:
                    raise LockHeld(path, None)
                time.sleep(0.005)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing drops the flock
            self.fd = -1


def holder(db: Path) -> int | None:
    """The pid of the `watcher run` using this database, or None (0 when it cannot be read).
    Peeks with a shared lock it drops at once, so it never keeps a run from starting."""
    path = lock_path(db)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _pid_in(fd) or 0
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
