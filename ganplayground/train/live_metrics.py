"""A run's live measurements: the latest metrics.evaluate_generator result and the step whose weights it
measured, taken in the training thread or, on a copy of the sampler, in an executor while training goes on.
Not the metrics themselves (metrics.py) and not the schedule of when to measure (Trainer.run)."""

from __future__ import annotations

import contextlib
import copy
import threading
from concurrent.futures import Executor, Future
from typing import Any

import torch

from ..config import Config


class LiveMetrics:
    """The latest reading of one run. `lock` is the run's own: a result is stored under it."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self.latest: dict[str, Any] | None = None
        self.step = -1  # the step whose weights `latest` measured
        self._job: Future | None = None  # a measurement under way off the training thread

    def measure(self, sampler: torch.nn.Module, config: Config, step: int) -> None:
        """Measure `sampler` (the run's, or a copy of it taken at `step`); a result never replaces a newer one."""
        from ..measure import metrics  # lazily: loading the classifier is only needed when asked for

        result = metrics.evaluate_generator(sampler, config, config.metrics_samples, seed=config.seed + 3)
        with self._lock:
            if step >= self.step:
                self.latest, self.step = result, step

    def start(self, pool: Executor, sampler: torch.nn.Module, config: Config, step: int) -> None:
        """Measure a copy of `sampler` in `pool`; skipped while the previous measurement is under way."""
        if self._job is not None and not self._job.done():
            return
        frozen = copy.deepcopy(sampler).requires_grad_(False).eval()  # ~1 ms; training goes on
        self._job = pool.submit(self.measure, frozen, config, step)

    def wait(self, timeout: float | None = 30.0) -> None:
        """Let a measurement started off the training thread finish (or fail: its error is dropped, as the run's
        next tick would measure again)."""
        if self._job is not None:
            with contextlib.suppress(Exception):
                self._job.result(timeout)
