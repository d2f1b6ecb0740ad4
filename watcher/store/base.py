"""What every part of the store shares: the engine."""
from __future__ import annotations

from sqlalchemy.engine import Engine


class Db:
    url: str
    engine: Engine
