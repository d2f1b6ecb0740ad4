"""Who this process is among the instances sharing a database: `host:pid:start`, fixed at import."""
from __future__ import annotations

import functools
import os
import socket
import time
from datetime import UTC, datetime

HOST = socket.gethostname()
PID = os.getpid()
STARTED = datetime.now(UTC).replace(microsecond=0)
ID = f"{HOST}:{PID}:{int(time.time())}"


@functools.cache
def version() -> str:
    """This watcher's installed version ("unknown" when run from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("watcher")
    except PackageNotFoundError:
        return "unknown"
