"""The last few trend inputs read, by what they were read for (issue 14).

Reading a year of history is the Trends screen's cost. The Snapshot screen reads it in a
worker after the first frame, while nobody waits; the ``7`` that opens the Trends screen
then finds it here, or waits for that read rather than starting a second one. A key holds
the tracker's revision, so any edit (anyone's) makes a new read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

#: The window of the header's forecasts and the whole history, with room for the day
#: before and after midnight.
SIZE = 4


class TrendMemo(Generic[V]):
    """A small memo whose reads run one at a time, so that a second caller of the same
    key waits for the first caller's read instead of repeating it."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable, read: Callable[[], V]) -> V:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
            value = read()
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return value
