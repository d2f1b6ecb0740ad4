"""Sends the database could not record, kept on disk until it can.

An alert that went out is marked `sent` in the outbox. When that write fails (the database is
locked, full or gone), the process keeps the outbox id in memory and never sends it again; this
file keeps it across a restart too. It lives beside the SQLite database (`watcher.db.sent`), one
line per send: the outbox id and when it went out. It is read at start, and emptied once the
database has recorded every line. Where it cannot be written either (the disk is full), the send
is kept in memory only, and a line in the log says that a restart before the database answers
would send that alert again: the one case where a success may be repeated."""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

log = logging.getLogger("watcher")


def path_for(database_url: str) -> Path | None:
    """The journal beside a SQLite database file; None for PostgreSQL or an in-memory database."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return None
    rest = database_url[len(prefix):].split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest).with_name(Path(rest).name + ".sent")


def append(path: Path | None, outbox_id: int, at: datetime) -> bool:
    """Write one send to the journal, flushed to disk; False when it could not be."""
    if path is None:
        return False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{outbox_id}\t{at.isoformat()}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        log.error("could not keep the send of alert %d in %s either (%s): a restart before the database "
                  "answers would send it again", outbox_id, path, e.strerror or e)
        return False
    return True


def parse(text: str) -> dict[int, datetime]:
    """The journal's lines as {outbox id: when sent} (pure); a torn last line is skipped."""
    out: dict[int, datetime] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        try:
            out[int(parts[0])] = datetime.fromisoformat(parts[1])
        except ValueError:
            continue
    return out


def read(path: Path | None) -> dict[int, datetime]:
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return {}
    except OSError as e:
        log.error("cannot read %s (%s): sends it holds may go out again", path, e.strerror or e)
        return {}
    found = parse(text)
    if found:
        log.warning("%s: %d sent alerts the database had not recorded; they are recorded now, not sent "
                    "again", path, len(found))
    return found


def clear(path: Path | None) -> None:
    """Empty the journal once the database holds everything in it."""
    if path is None:
        return
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        log.warning("cannot remove %s (%s)", path, e.strerror or e)
