"""When `Trainer.run()` ends, yields a snapshot and takes its timed live metrics: its budgets and clocks.

Not the loop itself (trainer.py) and not the speed limit (pace.py): plain bookkeeping of steps and seconds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ..i18n import N_
from .wording import Said


@dataclass
class RunPlan:
    """One run()'s budgets and intervals. Budgets count from the run's totals (0: none). Snapshot times are
    wall-clock (perf_counter) seconds; metrics times are seconds of training (Trainer.elapsed)."""

    max_steps: int = 0
    max_seconds: float = 0.0
    every_steps: int | None = None  # a snapshot every this many steps...
    every_seconds: float | None = None  # ...and/or this many seconds
    metrics_seconds: float | None = None  # timed live metrics every this many seconds of training
    _next_snapshot: float = math.inf
    _next_metrics: float = math.inf

    def end_reason(self, step: int, elapsed: float) -> str:
        """Why the run is finished at `step` after `elapsed` seconds of training ("" while it is not)."""
        if self.max_steps and step >= self.max_steps:
            return Said(N_("Reached {steps} steps."), steps=self.max_steps)
        if self.max_seconds and elapsed >= self.max_seconds:
            return Said(N_("Reached the time budget of {seconds} s."), seconds=float(self.max_seconds))
        return ""

    def restart_snapshot_clock(self) -> None:
        """The next timed snapshot is every_seconds from now (after a snapshot or a pause)."""
        self._next_snapshot = time.perf_counter() + (self.every_seconds or math.inf)

    def snapshot_due(self, step: int) -> bool:
        """Whether a snapshot is due after `step`: a multiple of every_steps, or every_seconds passed."""
        return bool(self.every_steps and step % self.every_steps == 0) or time.perf_counter() >= self._next_snapshot

    def start_metrics_clock(self, elapsed: float) -> None:
        """Timed live metrics begin metrics_seconds of training after `elapsed` (never without metrics_seconds)."""
        self._next_metrics = elapsed + self.metrics_seconds if self.metrics_seconds else math.inf

    @property
    def timed_metrics(self) -> bool:
        """Whether this run takes timed live metrics (its clock was started, with metrics_seconds)."""
        return math.isfinite(self._next_metrics)

    def metrics_turn(self, elapsed: float) -> bool:
        """True when timed live metrics are due at `elapsed`, and then the next turn is metrics_seconds later."""
        if elapsed < self._next_metrics:
            return False
        self.start_metrics_clock(elapsed)
        return True
