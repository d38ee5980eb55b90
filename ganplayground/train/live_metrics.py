"""A run's live measurements: the latest reading of its sampler by the measuring function the run was given, and
the step whose weights it measured, taken in the training thread or, on a copy of the sampler, in an executor
while training goes on. Not the metrics themselves (the caller's function, e.g. measure.metrics.live_reading)
and not the schedule of when to measure (Trainer.run)."""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import torch

from ..config import Config, ConfigError

# A measuring function: (the sampler, in any mode; the run's config) -> a reading of plain numbers and lists.
Measure = Callable[[torch.nn.Module, Config], dict[str, Any]]


class LiveMetrics:
    """The latest reading of one run. `lock` is the run's own: a result is stored under it. `measure` takes the
    readings; None for a run that never measures (asking it to raises ConfigError)."""

    def __init__(self, lock: threading.RLock, measure: Measure | None = None) -> None:
        self._lock = lock
        self._measure = measure
        self.latest: dict[str, Any] | None = None
        self.step = -1  # the step whose weights `latest` measured
        self._job: Future | None = None  # a measurement under way off the training thread

    def require(self, asked_by: str) -> None:
        """ConfigError naming `asked_by` (what asked for live metrics) when there is no measuring function."""
        if self._measure is None:
            raise ConfigError(f"{asked_by} asks for live metrics, but this trainer has no measuring function: pass "
                              "one, e.g. Trainer(config, measure=live_reading) with "
                              "ganplayground.measure.metrics.live_reading")

    def take(self, sampler: torch.nn.Module, config: Config, step: int) -> None:
        """Measure `sampler` (the run's, or a copy of it taken at `step`); a result never replaces a newer one."""
        self.require("a live measurement")
        result = self._measure(sampler, config)
        with self._lock:
            if step >= self.step:
                self.latest, self.step = result, step

    def start(self, pool: Executor, sampler: torch.nn.Module, config: Config, step: int) -> None:
        """Measure a copy of `sampler` in `pool`; skipped while the previous measurement is under way."""
        self.require("a live measurement")
        if self._job is not None and not self._job.done():
            return
        frozen = copy.deepcopy(sampler).requires_grad_(False).eval()  # ~1 ms; training goes on
        self._job = pool.submit(self.take, frozen, config, step)

    def wait(self, timeout: float | None = 30.0) -> None:
        """Let a measurement started off the training thread finish (or fail: its error is dropped, as the run's
        next tick would measure again)."""
        if self._job is not None:
            with contextlib.suppress(Exception):
                self._job.result(timeout)
