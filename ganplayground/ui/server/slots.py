"""A fair cap on concurrent trainings: first come, first served, with each waiting run's place in line.

Framework-free (no gradio): runs.py takes a slot before training and gives it back after.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class Slots:
    """A first-come, first-served cap on concurrent trainings.

    `acquire` blocks until the caller is at the head of the line and a slot is free (or it gives up);
    `position` tells a waiting caller how many are ahead of it, plus one.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._holders: set[object] = set()
        self._line: deque[object] = deque()
        self.ended = 0  # releases so far (the reaper trims memory after runs end)
        self._cond = threading.Condition()

    def acquire(self, key: object, give_up: Callable[[], bool]) -> bool:
        with self._cond:
            self._line.append(key)
            try:
                while not (self._line[0] is key and len(self._holders) < self.capacity):
                    if give_up():
                        return False
                    self._cond.wait(0.1)
                self._holders.add(key)
                return True
            finally:
                self._line.remove(key)
                self._cond.notify_all()

    def release(self, key: object) -> None:
        with self._cond:
            if key in self._holders:
                self._holders.discard(key)
                self.ended += 1
            self._cond.notify_all()

    def position(self, key: object) -> int:
        """0 when not waiting; otherwise the 1-based place in line."""
        with self._cond:
            for i, waiting in enumerate(self._line):
                if waiting is key:
                    return i + 1
            return 0

    @property
    def active(self) -> int:
        with self._cond:
            return len(self._holders)

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._line)
