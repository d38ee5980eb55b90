"""What a training run reports: the numbers of one step (StepStats), the run at one moment (Snapshot), and the
running sums between two records (StatsWindow). Plain data, no training (trainer.py)."""

from __future__ import annotations

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
    metrics: dict[str, Any] | None = None  # latest live metrics (see metrics.py)
    metrics_step: int = -1  # step at which `metrics` were computed
    device: str = ""  # "CPU (2 threads)" / "GPU (...)"


@dataclass
class StatsWindow:
    """Running sums of step statistics between two flushes (kept on the device)."""

    sums: torch.Tensor | None = None
    count: int = 0
    totals: list[float] = field(default_factory=lambda: [0.0] * len(STAT_NAMES))
    total_count: int = 0
