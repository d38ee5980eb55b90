"""The engine: one GAN training run. `step()` does one generator iteration; `run()` yields snapshots.

Not a UI and not a scheduler: the trainer never calls out. Callers pull `Snapshot`s from `run()` and
may, from any thread, `pause()`, `resume()`, `stop()` or `switch_loss()`; those take effect between
two steps. A non-finite loss stops (or pauses) the run with a reason and keeps the last good weights.
A Trainer is a `Stepper` (stepper.py: the networks, optimisers and single updates; their maths in
updates.py) with the loop, its controls and the snapshots (what they show of the networks: sampling.py).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

import numpy as np
import torch

from ..config import TOY_DATASETS, Config
from ..i18n import N_
from . import sampling, toy_views
from .devices import auto_threads, describe_device
from .latent import grid_labels, noise_for_seed
from .live_metrics import Measure
from .models import Discriminator, Generator
from .optimizers import build_optimizers
from .pace import Pace
from .run_plan import RunPlan
from .snapshots import Snapshot
from .stepper import Stepper
from .weights import weights_finite
from .wording import Said


class Trainer(Stepper):
    """Trains one (G, D) pair under a Config. Thread-safe controls; `run()` in one thread at a time. `measure`
    takes the live metrics (Stepper)."""

    def __init__(self, config: Config, generator: Generator | None = None,
                 discriminator: Discriminator | None = None, *, step: int = 0, samples_seen: int = 0,
                 elapsed: float = 0.0, history: list[dict[str, Any]] | None = None,
                 measure: Measure | None = None) -> None:
        super().__init__(config, generator, discriminator, step=step, samples_seen=samples_seen, elapsed=elapsed,
                         history=history, measure=measure)
        self._resume, self._stop = threading.Event(), threading.Event()
        self._resume.set()
        self.pace = Pace()  # run()'s speed limit (steps per second; 0: full speed)
        self._views = (False, False)  # (warped grid, push arrows) in each toy snapshot: set_views

    # --- controls (any thread) --------------------------------------------------------------------
    def limit_speed(self, steps_per_second: float) -> None:
        """Hold run() to at most this many steps per second from its next step (0: full speed); the waits
        are not training time. ConfigError for a negative or non-finite value."""
        self.pace.set_rate(steps_per_second)

    def set_views(self, warp: bool = False, arrows: bool = False) -> None:
        """Which of a toy's extra views each snapshot carries from the next one on: G's warped noise grid
        (Snapshot.warp) and the push arrows (Snapshot.arrows). One assignment: safe from any thread."""
        self._views = (bool(warp), bool(arrows))

    def pause(self) -> None:
        """Pause before the next step (run() keeps its thread, waiting)."""
        self._resume.clear()

    def resume(self) -> None:
        """Resume a paused run; a diverged run first gets its last good weights back."""
        if self.status == "diverged":
            self.restore_last_good()
        self._resume.set()

    def stop(self) -> None:
        """End run() before the next step; the networks stay as they are."""
        self._stop.set()
        self._resume.set()

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    @property
    def stop_requested(self) -> bool:
        """True once stop() was called, until the next run() begins."""
        return self._stop.is_set()

    def wait_until_resumed(self) -> bool:
        """Block while paused: True when resume() came, False when stop() did. Changes no status."""
        while not self._resume.wait(0.1):
            pass
        return not self._stop.is_set()

    def between_steps(self) -> contextlib.AbstractContextManager:
        """Hold the run between two steps (to save or copy its weights while it trains in another thread)."""
        return self._lock

    def restore_last_good(self) -> int:
        """Put back the weights of the last snapshot whose losses were finite; returns its step."""
        with self._lock:
            self._last_good.restore(self.generator, self.discriminator, self.average)
            # Fresh optimisers: Adam's moments may hold NaNs too.
            self.opt_d, self.opt_g = build_optimizers(self._config, self.generator, self.discriminator, self.device)
            self.log.drop_window()
            if self.status == "diverged":
                self.status, self.reason = "paused" if self.paused else "ready", ""
            return self._last_good.step

    # --- the loop ---------------------------------------------------------------------------------
    def run(self, max_steps: int | None = None, max_seconds: float | None = None,
            every_steps: int | None = None, every_seconds: float | None = None,
            on_divergence: str = "stop", metrics_seconds: float | None = None,
            metrics_pool: Executor | None = None) -> Iterator[Snapshot]:
        """Train, yielding a Snapshot first, then every `every_steps` steps and/or `every_seconds`
        seconds, on pause, and at the end. Budgets count from the run's total (0 or None: none).

        on_divergence: "stop" ends the run on a NaN/Inf loss; "pause" waits (status "diverged")
        until resume() (which restores the last good weights) or stop().
        metrics_seconds: also compute live metrics (digits and toys) every this many seconds of
        training, in addition to config.metrics_every steps. Either needs a measuring function (ConfigError
        without one, at the call).
        metrics_pool: compute those timed metrics in this executor, on a copy of the sampler, so that
        training goes on meanwhile (a snapshot shows the latest finished result, with its step); one
        computation at a time per run, a tick is skipped while one is under way. Without it they
        run in this thread and count as training time.
        """
        if self.config.metrics_every:
            self.live.require(f"metrics_every={self.config.metrics_every}")
        if metrics_seconds:
            self.live.require(f"run(metrics_seconds={metrics_seconds:g})")
        if every_steps is None and every_seconds is None:
            every_seconds = 1.0
        cfg = self._config
        plan = RunPlan(max_steps=cfg.max_steps if max_steps is None else max_steps,
                       max_seconds=cfg.max_seconds if max_seconds is None else max_seconds,
                       every_steps=every_steps, every_seconds=every_seconds, metrics_seconds=metrics_seconds)
        return self._run(plan, on_divergence, metrics_pool)

    def _run(self, plan: RunPlan, on_divergence: str, metrics_pool: Executor | None) -> Iterator[Snapshot]:
        if self.device.type == "cpu":
            torch.set_num_threads(self._config.threads or auto_threads())
        self._stop.clear()
        self.status, self.reason = "running", ""
        if self._config.dataset in ("mnist", *TOY_DATASETS):  # what the live metrics can read
            plan.start_metrics_clock(self.elapsed)
        yield self._timed_snapshot()
        plan.restart_snapshot_clock()
        while True:
            if self._stop.is_set():
                self.status, self.reason = "stopped", Said(N_("Stopped by the user."))
                break
            if self.paused:
                self.status = "paused"
                self._read_paused(plan)
                yield self._timed_snapshot()
                if self.wait_until_resumed():
                    self.status = "running"
                    plan.restart_snapshot_clock()
                    self.log.restart_clock()
                continue
            finished = plan.end_reason(self.step_count, self.elapsed)
            if finished:
                self.status, self.reason = "finished", finished
                break
            if not self.pace.wait(lambda: self._stop.is_set() or self.paused):
                continue  # paused or stopped while waiting for the next step's turn
            if not self._run_step(plan, metrics_pool):
                yield self._timed_snapshot()
                if on_divergence == "stop":
                    return
                self.pause()
                if self.wait_until_resumed():
                    self.status = "running"
            elif plan.snapshot_due(self.step_count):
                yield self._timed_snapshot()
                plan.restart_snapshot_clock()
        self.live.wait()
        yield self._timed_snapshot()

    def _read_paused(self, plan: RunPlan) -> None:
        """A run that takes timed metrics reads its weights again as it pauses, so that the paused page's meter
        describes the generator it shows, not one from a few seconds (and many steps) before."""
        if not plan.timed_metrics:
            return
        self.live.wait()
        with self._lock:
            if self.live.step != self.step_count:
                self.live.take(self.sampler, self._config, self.step_count)

    def _run_step(self, plan: RunPlan, metrics_pool: Executor | None) -> bool:
        """One step of run() under the lock, its stats brought to the host when due, live metrics taken when due;
        False when the loss was not finite (status "diverged")."""
        # On a GPU, syncing every step would stall the launch queue; on a CPU it is free.
        sync_every = 1 if self.device.type == "cpu" else 25
        with self._lock:
            start = time.perf_counter()
            self._prepare_update()
            self.log.add(self._train_step())
            ok = self.log.window.count < sync_every or self._flush()
            every = self._config.metrics_every
            if ok and every and self.step_count % every == 0:
                self.live.take(self.sampler, self._config, self.step_count)  # the run's own work: its time
            elif ok and plan.metrics_turn(self.elapsed):
                if metrics_pool is None:
                    self.live.take(self.sampler, self._config, self.step_count)
                else:
                    self.live.start(metrics_pool, self.sampler, self._config, self.step_count)
            self.elapsed += time.perf_counter() - start
        return ok

    def _timed_snapshot(self) -> Snapshot:
        # A snapshot is the run's own work (grid, weight copy): it counts as training time, so a
        # budget of 60 s means 60 s of wall time minus only what the caller does between snapshots.
        start = time.perf_counter()
        snap = self.snapshot()
        self.elapsed += time.perf_counter() - start
        return snap

    # --- observing --------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The run as it is now: window means since the last snapshot, a fixed-noise sample grid."""
        with self._lock:
            ok = self._flush()
            stats, rate = self._record_window(time.perf_counter())
            if stats is None:
                stats = self.log.last_stats()
            if ok and self.status != "diverged" and weights_finite(self.generator, self.discriminator):
                self._last_good = self._copy_weights()
            samples = self.sample_fixed()
            visuals = sampling.pictures(samples, self._config.is_image)
            if not self._config.is_image:
                visuals.update(self.decision_surface())
                warp, arrows = self._views
                visuals["warp"] = self.warped_grid().grid if warp else None
                visuals["arrows"] = self.push_arrows() if arrows else None
            return Snapshot(step=self.step_count, samples_seen=self.samples_seen, elapsed=self.elapsed,
                            steps_per_sec=rate, loss=self._config.loss, stats=stats, status=self.status,
                            reason=self.reason, metrics=self.live.latest, metrics_step=self.live.step,
                            device=self.device_text(), **visuals)

    def device_text(self) -> str:
        """Where and how this run computes, e.g. "GPU (NVIDIA H100), bf16, CUDA graphs"."""
        text = describe_device(self.device)
        if self.precision == "bf16":
            text += ", bf16"
        if self.compiled:
            text += ", CUDA graphs" if self.device.type == "cuda" else ", compiled"
        return text

    def sample_fixed(self) -> torch.Tensor:
        """The sampler's output for the run's fixed noise, on the CPU: images (GRID_SAMPLES, 1, 28, 28)
        in [-1, 1] or points (TOY_POINTS, 2) (sampling.py)."""
        with self._lock:
            return sampling.draw(self.sampler, self.fixed_noise, self.fixed_labels)

    def sample(self, n: int, seed: int = 0, labels: torch.Tensor | None = None) -> torch.Tensor:
        """n samples from seed's noise (images (n, 1, 28, 28) in [-1, 1] or points (n, 2)), on the CPU."""
        z = noise_for_seed(seed, n, self._config.latent_dim).to(self.device)
        if self._config.conditional and labels is None:
            labels = grid_labels(n)
        with self._lock:
            return sampling.draw(self.sampler, z, labels.to(self.device) if labels is not None else None)

    def decision_surface(self, resolution: int = sampling.SURFACE_RESOLUTION) -> dict[str, Any]:
        """D over a square of the toy's plane: {"surface": float32 (R, R), "extent": L} (sampling.py)."""
        with self._lock:
            return sampling.decision_surface(self.discriminator, self._config.dataset,
                                             self.loss_spec.probability_scores, resolution, self._config.drawing)

    def warped_grid(self, lines: int = 15) -> toy_views.WarpedGrid:
        """The sampler's image of a lines x lines grid of noise (toy_views.warped_grid); a toy's run only."""
        self._require_toy("the warped grid")
        with self._lock:
            return toy_views.warped_grid(self.sampler, lines)

    def push_arrows(self) -> np.ndarray:
        """float32 (ARROW_POINTS, 2, 2): the first fixed-noise points and where the loss in force pushes each
        (toy_views.push_arrows); a toy's run only."""
        self._require_toy("the push arrows")
        with self._lock:
            z = self.fixed_noise[: toy_views.ARROW_POINTS]
            return toy_views.push_arrows(self.sampler, self.discriminator, self.loss_spec, z)

    def _require_toy(self, what: str) -> None:
        if self._config.is_image:
            raise ValueError(f"{what} is drawn for the 2-D toys only; this run trains on {self._config.dataset}")
