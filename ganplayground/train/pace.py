"""A run's speed limit: a pace that holds a training loop to at most so many steps per second (GAN Lab's speed
control), and the check of such a rate. Not the loop itself (Trainer.run) and not the steps (updates.py)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from ..config import ConfigError
from ..i18n import _

MAX_STEPS_PER_SECOND = 1000.0  # a pace above this is no pace at all: use 0 (full speed)
_SLICE = 0.05  # seconds: a paced loop wakes this often to see a pause, a stop or a new pace


def check_rate(steps_per_second: object) -> float:
    """A pace in steps per second: 0 for full speed, else a finite number in (0, MAX_STEPS_PER_SECOND];
    ConfigError otherwise."""
    if isinstance(steps_per_second, bool) or not isinstance(steps_per_second, int | float):
        raise ConfigError(_("speed must be a number of steps per second; got {value}").format(
            value=repr(steps_per_second)))
    rate = float(steps_per_second)
    if not math.isfinite(rate) or not 0 <= rate <= MAX_STEPS_PER_SECOND:
        raise ConfigError(_("speed must be between 0 (full speed) and {most} steps per second; got {value}").format(
            most=f"{MAX_STEPS_PER_SECOND:g}", value=repr(steps_per_second)))
    return rate


class Pace:
    """Holds a loop to at most `rate` steps per second (0: full speed) by sleeping before a step until 1/rate
    seconds have passed since the previous one started. The sleep holds no lock and wakes every 50 ms, so a
    pause, a stop or a new pace takes effect at once. Sleeping is not training: callers leave it out of the
    run's training time."""

    def __init__(self, rate: float = 0.0) -> None:
        self._rate = check_rate(rate)
        self._last_start: float | None = None

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, steps_per_second: float) -> None:
        """A new pace (any thread); a loop asleep under the old one wakes within 50 ms."""
        self._rate = check_rate(steps_per_second)

    def wait(self, interrupted: Callable[[], bool]) -> bool:
        """Sleep until the next step may start; True then (and the step's start is noted), False if
        interrupted() turned true first (the caller re-checks its pause and stop before stepping)."""
        while True:
            rate, now = self._rate, time.monotonic()
            last = self._last_start
            if rate <= 0 or last is None or now >= last + 1.0 / rate:
                self._last_start = now
                return True
            if interrupted():
                return False
            time.sleep(min(_SLICE, last + 1.0 / rate - now))
