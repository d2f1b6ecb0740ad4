"""One exception hierarchy; stages raise these, the pipeline turns them into per-source data."""


class WatcherError(Exception):
    """Base of every error watcher raises on purpose."""


class ConfigError(WatcherError):
    """The config file is missing, unreadable or invalid; the message names file and key."""


class FetchError(WatcherError):
    """A source could not be fetched (network, HTTP status, size or time limit)."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


class ParseError(WatcherError):
    """A fetched body could not be turned into items."""


class StoreError(WatcherError):
    """The database refused an operation."""


class SchemaError(StoreError):
    """The database is at a schema revision this watcher does not write: `watcher migrate`."""


class NotifyError(WatcherError):
    """A notifier could not be built or reached."""
