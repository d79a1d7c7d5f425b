"""Results kept for downloads: in memory, per browser session, for a short time.

A result is found by its random id *and* the session cookie of the browser that computed it, so
a link that leaks (history, a screenshot) opens nothing elsewhere. Entries expire after
RESULT_TTL_SECONDS; at most MAX_RESULTS are kept, with at most MAX_KEPT_PARTICIPANTS participants
together (the oldest goes first; the newest is always kept). Nothing is written to disk: the
workbook is written on download, into a private temporary folder removed at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from . import MAX_KEPT_PARTICIPANTS, MAX_RESULTS, RESULT_TTL_SECONDS


@dataclass
class Entry:
    session: str
    outcome: object  # flow.Outcome
    created: float = field(default_factory=time.monotonic)
    weight: int = 0  # participants of its runs: what it holds in memory


class Store:
    def __init__(self, ttl: float = RESULT_TTL_SECONDS, limit: int = MAX_RESULTS, clock=time.monotonic,
                 budget: int = MAX_KEPT_PARTICIPANTS) -> None:
        self.ttl, self.limit, self.clock, self.budget = ttl, limit, clock, budget
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = self.clock()
        for key in [k for k, e in self._items.items() if now - e.created > self.ttl]:
            del self._items[key]
        while len(self._items) > self.limit or (len(self._items) > 1 and sum(e.weight for e in self._items.values()) > self.budget):
            self._items.popitem(last=False)

    def put(self, session: str, outcome, weight: int = 0) -> str:
        """Keep an outcome for `session` (weight: its participants); its id (random, 128 bits)."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._items[key] = Entry(session, outcome, self.clock(), weight)
            self._expire()
        return key

    def get(self, session: str, key: str):
        """The outcome kept under `key` for this session, or None (unknown, expired, another session's)."""
        with self._lock:
            self._expire()
            entry = self._items.get(key)
        if entry is None or not secrets.compare_digest(entry.session, session):
            return None
        return entry.outcome

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)
