"""One bounded in-process cache for work a page would otherwise repeat (rendered Markdown, public
listings): least recently used goes first, limited in entries and in total size, safe across threads.

Each worker process holds its own; a key must name everything the value depends on, so an entry is
never wrong, only sometimes missing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, NamedTuple, TypeVar

V = TypeVar("V")


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    entries: int
    size: int  # the sum of the sizes given with the values held


class BoundedCache(Generic[V]):
    """A thread-safe LRU mapping keys to values, limited in entries and in the sum of their sizes."""

    def __init__(self, *, max_entries: int, max_size: int) -> None:
        self.max_entries, self.max_size = max_entries, max_size
        self._items: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._size = self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self.hits += 1
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: V, size: int) -> None:
        """Keep `value` (of `size`, in whatever unit max_size counts), unless it alone exceeds max_size."""
        if size > self.max_size:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._size += size
            while len(self._items) > self.max_entries or self._size > self.max_size:
                self._size -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        """Forget everything (tests whose databases reuse one another's versions start empty)."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def info(self) -> CacheInfo:
        return CacheInfo(self.hits, self.misses, len(self._items), self._size)
