"""What a training run reports: the numbers of one step (StepStats), the run at one moment (Snapshot), and its
records over time with the running sums between two of them (RunLog). No training here (trainer.py)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

STAT_NAMES = ("loss_d", "loss_g", "d_real", "d_fake", "wasserstein")


@dataclass(frozen=True)
class StepStats:
    """Losses and mean D outputs of one generator iteration (the last critic step for D's terms).

    d_real / d_fake are probabilities sigma(s) for the JS losses and raw scores otherwise;
    wasserstein = E[s_r] - E[s_f] for the Wasserstein losses, else None.
    """

    loss_d: float
    loss_g: float
    d_real: float
    d_fake: float
    wasserstein: float | None


@dataclass(frozen=True)
class Snapshot:
    """What a run looks like at one moment; successive grids use the same fixed noise."""

    step: int  # generator iterations done
    samples_seen: int  # real samples shown to D
    elapsed: float  # seconds of training (pauses excluded)
    steps_per_sec: float  # over the window since the previous snapshot
    loss: str  # loss id in use
    stats: StepStats | None  # window means; None before the first step
    status: str  # "ready" | "running" | "paused" | "stopped" | "finished" | "diverged"
    reason: str = ""  # why the run stopped or paused, in plain words
    grid: np.ndarray | None = None  # uint8 (H, W) tiled fixed-noise samples (images)
    points: np.ndarray | None = None  # float32 (N, 2) fixed-noise samples (toys)
    surface: np.ndarray | None = None  # float32 (R, R) D over the toy's plane, rows = y from -L..L
    extent: float = 0.0  # the surface covers [-extent, extent]^2
    warp: np.ndarray | None = None  # float32 (L, L, 2) G's warped noise grid (toy_views), when that view is on
    arrows: np.ndarray | None = None  # float32 (N, 2, 2) points and their pushes (toy_views), when on
    metrics: dict[str, Any] | None = None  # latest live reading (the trainer's measure, e.g. live_reading)
    metrics_step: int = -1  # step at which `metrics` were computed
    device: str = ""  # "CPU (2 threads)" / "GPU (...)"


@dataclass
class StatsWindow:
    """Running sums of step statistics between two flushes (kept on the device)."""

    sums: torch.Tensor | None = None
    count: int = 0
    totals: list[float] = field(default_factory=lambda: [0.0] * len(STAT_NAMES))
    total_count: int = 0


class RunLog:
    """A run's records over time (`history`: one dict per record, oldest first) and the step statistics since
    the last record, summed on the device between flushes so that a step needs no host sync."""

    def __init__(self, history: list[dict[str, Any]] | None = None, step: int = 0, now: float | None = None) -> None:
        self.history: list[dict[str, Any]] = list(history or [])
        self.window = StatsWindow()
        self._last_time = time.perf_counter() if now is None else now  # perf_counter seconds of the last record
        self._last_step = step

    def add(self, stats: torch.Tensor) -> None:
        """Add one update's stats (len(STAT_NAMES),), left on the device until the next flush."""
        w = self.window
        w.sums = stats if w.sums is None else w.sums + stats
        w.count += 1

    def flush(self) -> str | None:
        """Bring the sums to the host. None when they are finite; otherwise the network whose loss is not
        ("discriminator" or "generator"), and those sums are dropped."""
        w = self.window
        if w.sums is None:
            return None
        sums, count = w.sums.tolist(), w.count
        w.sums, w.count = None, 0
        if not all(math.isfinite(s) for s in sums):
            return "discriminator" if not math.isfinite(sums[0]) else "generator"
        w.totals = [t + s for t, s in zip(w.totals, sums, strict=True)]
        w.total_count += count
        return None

    def drop_window(self) -> None:
        """Forget the statistics since the last record (after restoring weights)."""
        self.window = StatsWindow()

    def restart_clock(self) -> None:
        """Count the steps per second from now (after a pause)."""
        self._last_time = time.perf_counter()

    def record(self, now: float, step: int, samples_seen: int, elapsed: float, loss: str, wasserstein: bool,
               metrics: dict[str, Any] | None, metrics_step: int) -> tuple[StepStats | None, float]:
        """Close the window: (its means, appended to the history; None without flushed steps) and the steps per
        second since the previous record. A live measurement newer than the last recorded one goes with it."""
        w = self.window
        steps = step - self._last_step
        rate = steps / max(now - self._last_time, 1e-9) if steps else 0.0
        stats = None
        if w.total_count:
            means = [t / w.total_count for t in w.totals]
            stats = StepStats(*means[:4], means[4] if wasserstein else None)
            entry: dict[str, Any] = {"step": step, "samples_seen": samples_seen, "elapsed": round(elapsed, 4),
                                     "steps_per_sec": round(rate, 3), "loss": loss, "loss_d": stats.loss_d,
                                     "loss_g": stats.loss_g, "d_real": stats.d_real, "d_fake": stats.d_fake,
                                     "wasserstein": stats.wasserstein}
            if metrics is not None and metrics_step > self._last_metrics_step():
                entry["metrics_step"] = metrics_step
                entry["metrics"] = metrics
            self.history.append(entry)
            self.window = StatsWindow()
        self._last_time, self._last_step = now, step
        return stats, rate

    def last_stats(self) -> StepStats | None:
        """The latest record's means (None before the first record)."""
        if not self.history:
            return None
        last = self.history[-1]
        return StepStats(*(last[k] for k in STAT_NAMES[:4]), last.get("wasserstein"))

    def _last_metrics_step(self) -> int:
        for entry in reversed(self.history):
            if "metrics_step" in entry:
                return entry["metrics_step"]
        return -1
