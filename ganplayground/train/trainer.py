"""The engine: one GAN training run. `step()` does one generator iteration; `run()` yields snapshots.

Not a UI and not a scheduler: the trainer never calls out. Callers pull `Snapshot`s from `run()` and
may, from any thread, `pause()`, `resume()`, `stop()` or `switch_loss()`; those take effect between
two steps. A non-finite loss stops (or pauses) the run with a reason and keeps the last good weights.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from typing import Any

import numpy as np
import torch

from ..config import Config, ConfigError
from . import updates as stepping
from .data import ImageData, ToyData, get_dataset, toy_centres
from .devices import auto_threads, compile_backend, describe_device, resolve_device, resolve_precision
from .images import make_grid, to_uint8
from .latent import grid_labels, noise_for_seed
from .live_metrics import LiveMetrics
from .losses import LossSpec, clip_weights, get_loss, gradient_penalty
from .models import Discriminator, Generator, build_models
from .pace import Pace
from .snapshots import RunLog, Snapshot, StepStats
from .weights import WeightAverage, WeightCopy, weights_finite

GRID_SAMPLES = 100  # 10 x 10 grid of fixed-noise samples (one digit per row when conditional)
GRID_COLUMNS = 10
TOY_POINTS = 1000  # fixed-noise points shown for the 2-D toys
SURFACE_RESOLUTION = 64


class Trainer:
    """Trains one (G, D) pair under a Config. Thread-safe controls; `run()` in one thread at a time."""

    def __init__(self, config: Config, generator: Generator | None = None,
                 discriminator: Discriminator | None = None, *, step: int = 0, samples_seen: int = 0,
                 elapsed: float = 0.0, history: list[dict[str, Any]] | None = None) -> None:
        self.device = resolve_device(config.device)
        self._config = config
        self.data: ImageData | ToyData = get_dataset(config.dataset, self.device)
        if generator is None or discriminator is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(config.seed)
                generator, discriminator = build_models(
                    config.dataset, config.arch, config.latent_dim, config.width, config.conditional,
                    config.g_batchnorm, config.spectral_norm)
        # Channels-last activations make oneDNN's and cuDNN's convolutions faster (+7% per step here).
        self._memory_format = (torch.channels_last if config.is_image and config.arch == "dcgan"
                               else torch.contiguous_format)
        self.generator = generator.to(self.device, memory_format=self._memory_format)
        self.discriminator = discriminator.to(self.device, memory_format=self._memory_format)
        self.average: WeightAverage | None = None  # what samples are drawn from when config.ema > 0
        self._sync_average()
        self.precision = resolve_precision(config.precision, self.device)
        self.compile_note = ""  # why compilation is off, if it was asked for and failed
        self._build_step_modules()
        # A continued run (step > 0) draws a fresh stream of batches and noise instead of replaying its start.
        self._rng = torch.Generator(self.device).manual_seed(config.seed + 1 + step)
        n_fixed = GRID_SAMPLES if config.is_image else TOY_POINTS
        self.fixed_noise = noise_for_seed(config.seed + 2, n_fixed, config.latent_dim).to(self.device)
        self.fixed_labels = grid_labels(n_fixed).to(self.device) if config.conditional else None
        self.step_count = step
        self.samples_seen = samples_seen
        self.elapsed = elapsed
        self.log = RunLog(history, step)  # the records over time and the stats since the last one
        self.status = "ready"
        self.reason = ""
        self._lock = threading.RLock()  # held for a whole step; controls never wait on it
        self.live = LiveMetrics(self._lock)
        self._resume = threading.Event()
        self._resume.set()
        self._stop = threading.Event()
        self._pending: Config | None = None
        self.pace = Pace()  # run()'s speed limit (steps per second; 0: full speed)
        self._build_optimizers()
        self._last_good = self._copy_weights()  # what a diverged run goes back to

    # --- configuration --------------------------------------------------------------------------
    @property
    def config(self) -> Config:
        """The config in force (or about to be, after a pending loss switch)."""
        return self._pending or self._config

    @property
    def history(self) -> list[dict[str, Any]]:
        """One record per snapshot with steps (RunLog.record): losses, D's outputs, the live metrics."""
        return self.log.history

    @property
    def loss_spec(self) -> LossSpec:
        return get_loss(self._config.loss)

    def _build_optimizers(self) -> None:
        cfg = self._config
        fused = {"fused": True} if self.device.type == "cuda" else {"foreach": True}

        def make(params: Any, lr: float) -> torch.optim.Optimizer:
            if cfg.optimizer == "rmsprop":
                return torch.optim.RMSprop(params, lr=lr, **fused)
            return torch.optim.Adam(params, lr=lr, betas=(cfg.beta1, cfg.beta2), **fused)

        self.opt_d = make(self.discriminator.parameters(), cfg.lr_d)
        self.opt_g = make(self.generator.parameters(), cfg.lr_g)

    def _build_step_modules(self) -> None:
        # On CUDA, compiled modules with CUDA graphs ("reduce-overhead") remove the per-kernel launch
        # cost that dominates small batches. The gradient penalty needs double backward, which compiled
        # graphs do not support, so it always calls the eager discriminator.
        self._G, self._D = self.generator, self.discriminator
        mode = self._config.compile
        if mode == "off" or (mode == "auto" and self.device.type != "cuda"):
            return
        options = {"mode": "reduce-overhead"} if self.device.type == "cuda" else {}
        try:
            self._G = torch.compile(self.generator, backend=compile_backend(), **options)
            self._D = torch.compile(self.discriminator, backend=compile_backend(), **options)
        except Exception as exc:  # noqa: BLE001 - any failure means: run eagerly, and say why
            self._compile_failed(exc)

    def _compile_failed(self, exc: Exception) -> None:
        self._G, self._D = self.generator, self.discriminator
        self.compile_note = f"compilation off ({type(exc).__name__}: {str(exc)[:120]})"

    def device_text(self) -> str:
        """Where and how this run computes, e.g. "GPU (NVIDIA H100), bf16, CUDA graphs"."""
        text = describe_device(self.device)
        if self.precision == "bf16":
            text += ", bf16"
        if self.compiled:
            text += ", CUDA graphs" if self.device.type == "cuda" else ", compiled"
        return text

    @property
    def compiled(self) -> bool:
        return self._G is not self.generator

    @property
    def generator_ema(self) -> Generator | None:
        """The weight average of G (None when config.ema is 0)."""
        return self.average.module if self.average is not None else None

    @property
    def sampler(self) -> Generator:
        """The generator to draw samples from: the weight average when config.ema > 0."""
        return self.average.module if self.average is not None else self.generator

    def _sync_average(self) -> None:
        if self._config.ema == 0:
            self.average = None
        elif self.average is None:
            self.average = WeightAverage(self.generator, self._config.ema)
        else:
            self.average.decay = self._config.ema

    def load_weight_average(self, state: dict[str, torch.Tensor], updates: int) -> None:
        """Adopt a saved weight average that has already averaged `updates` steps (WeightAverage.load)."""
        if self.average is None:
            raise ConfigError("this run keeps no weight average (ema is 0)")
        self.average.load(state, updates)

    def reconfigure(self, new: Config) -> None:
        """Adopt new training settings at the next step: networks kept, optimisers rebuilt.

        Only settings that do not change the networks may differ (loss, learning rates, betas,
        critic steps, penalties, batch size, ...); ConfigError otherwise.
        """
        changed = self._config.network_changes(new)
        if changed:
            raise ConfigError(f"cannot change {', '.join(changed)} during a run; start a new run instead")
        self._pending = new

    def switch_loss(self, loss: str) -> None:
        """Switch to another loss mid-run with that loss's recommended optimiser settings."""
        self.reconfigure(self.config.with_loss(loss))

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and pending != self._config:
            new_loss = pending.loss != self._config.loss
            if self._flush() and new_loss:
                # The old loss's last record sits at the switch itself: the curves and the lab card mark the switch
                # at this step, and no record mixes the two losses' numbers.
                self._record_window(time.perf_counter())
            self._config = pending
            self._build_optimizers()
            self._sync_average()
            if new_loss and self.average is not None:
                # The weight average restarts its warm-up: averaged over ~1/(1 - ema) steps of the old loss, it
                # would hide what the new loss does for that long (10-20 s of a cure with EMA 0.999).
                self.average.restart()

    # --- one step ---------------------------------------------------------------------------------
    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.precision == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _train_step(self) -> torch.Tensor:
        """One generator iteration without a host sync; returns the stats (5,) on the device."""
        if not self.compiled:
            return self._train_step_with(self.generator, self.discriminator)
        try:
            return self._train_step_with(self._G, self._D)
        except Exception as exc:  # noqa: BLE001 - a compiler failure must not end the run
            self._compile_failed(exc)
            return self._train_step_with(self.generator, self.discriminator)

    def _train_step_with(self, G: torch.nn.Module, D: torch.nn.Module) -> torch.Tensor:
        cfg, spec = self._config, self.loss_spec
        B = cfg.batch_size
        for i in range(cfg.critic_steps):
            x_real, labels = self.data.sample(B, self._rng)
            x_real = x_real.contiguous(memory_format=self._memory_format)
            labels = labels if cfg.conditional else None
            z = torch.randn(B, cfg.latent_dim, device=self.device, generator=self._rng)
            last = i == cfg.critic_steps - 1
            # --- update D ---
            with self._autocast():
                # The last critic step keeps G's graph so the G update can reuse these fakes.
                with torch.set_grad_enabled(last):
                    x_fake = G(z, labels)
                both = torch.cat([x_real, x_fake.detach()])  # one D call on real and fake: (2B, ...)
                scores = D(both, torch.cat([labels, labels]) if labels is not None else None).float()
                score_real, score_fake = scores[:B], scores[B:]
                loss_d = spec.d_loss(score_real, score_fake)
            loss_d_total = loss_d
            if spec.gradient_penalty:
                loss_d_total = loss_d + cfg.gp_weight * gradient_penalty(
                    self.discriminator, x_real, x_fake.float(), labels, self._rng)  # eager: double backward
            self.opt_d.zero_grad(set_to_none=True)
            loss_d_total.backward()
            self.opt_d.step()
            if spec.weight_clipping:
                clip_weights(self.discriminator, cfg.clip_value)
        # --- update G ---
        self.discriminator.requires_grad_(False)  # G's step needs D's input gradients only
        with self._autocast():
            loss_g = spec.g_loss(D(x_fake, labels).float())
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        self.discriminator.requires_grad_(True)
        if self.average is not None:
            self.average.update(self.generator)
        self.step_count += 1
        self.samples_seen += B * cfg.critic_steps
        return stepping.step_stats(spec, loss_d, loss_g, score_real, score_fake)

    def _flush(self) -> bool:
        """Bring the log's sums to the host; False (and status "diverged") if any is not finite."""
        which = self.log.flush()
        if which is None:
            return True
        self.status = "diverged"
        self.reason = (f"Training diverged: the {which} loss became NaN or infinite near step {self.step_count}. "
                       f"The last good weights (step {self._last_good.step}) are kept; restore them and try a "
                       f"lower learning rate.")
        return False

    def step(self) -> StepStats:
        """One generator iteration (critic_steps D updates, then one G update), synchronously.

        Raises RuntimeError if the loss is not finite (the run's status becomes "diverged").
        """
        return self._timed_update(self._train_step)

    def _timed_update(self, update: Callable[[], torch.Tensor]) -> StepStats:
        # One update under the lock, recorded like a step: the stats go into the window the next snapshot
        # writes to the history (step() and stepping.single_update's D-only / G-only updates).
        with self._lock:
            if self.status == "diverged":
                raise RuntimeError(self.reason)
            self._prepare_update()
            start = time.perf_counter()
            stats = update()
            self.log.add(stats)
            values = stats.tolist()
            ok = self._flush()
            self.elapsed += time.perf_counter() - start
            if not ok:
                raise RuntimeError(self.reason)
            return StepStats(*values[:4], values[4] if self.loss_spec.wasserstein else None)

    def _prepare_update(self) -> None:
        # Before each update: a pending loss switch takes effect, and the learning rates follow the schedule.
        self._apply_pending()
        scale = self._config.lr_scale(self.step_count)
        for optimizer, lr in ((self.opt_d, self._config.lr_d), (self.opt_g, self._config.lr_g)):
            for group in optimizer.param_groups:
                group["lr"] = lr * scale

    def d_step(self) -> StepStats:
        """One discriminator update alone (G unchanged, step count unchanged); see stepping.py."""
        return stepping.single_update(self, "d")

    def g_step(self) -> StepStats:
        """One generator update alone (D unchanged; one generator iteration); see stepping.py."""
        return stepping.single_update(self, "g")

    # --- controls (any thread) --------------------------------------------------------------------
    def limit_speed(self, steps_per_second: float) -> None:
        """Hold run() to at most this many steps per second from its next step (0: full speed); the waits
        are not training time. ConfigError for a negative or non-finite value."""
        self.pace.set_rate(steps_per_second)

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

    def between_steps(self) -> contextlib.AbstractContextManager:
        """Hold the run between two steps (to save or copy its weights while it trains in another thread)."""
        return self._lock

    def _copy_weights(self) -> WeightCopy:
        return WeightCopy.of(self.step_count, self.generator, self.discriminator, self.average)

    def restore_last_good(self) -> int:
        """Put back the weights of the last snapshot whose losses were finite; returns its step."""
        with self._lock:
            self._last_good.restore(self.generator, self.discriminator, self.average)
            self._build_optimizers()  # Adam's moments may hold NaNs too
            self.log.drop_window()
            if self.status == "diverged":
                self.status, self.reason = "paused" if self.paused else "ready", ""
            return self._last_good.step

    def good_weights(self) -> dict[str, dict[str, torch.Tensor] | None]:
        """State dicts that are safe to save: the current ones, or the last good ones after a
        divergence. Keys: "generator", "discriminator", "generator_ema" (None without EMA)."""
        if self.status == "diverged":
            return self._last_good.states()
        return {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                "generator_ema": self.generator_ema.state_dict() if self.generator_ema is not None else None}

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
        training, in addition to config.metrics_every steps.
        metrics_pool: compute those timed metrics in this executor, on a copy of the sampler, so that
        training goes on meanwhile (a snapshot shows the latest finished result, with its step); one
        computation at a time per run, a tick is skipped while one is under way. Without it they
        run in this thread and count as training time.
        """
        cfg = self._config
        max_steps = cfg.max_steps if max_steps is None else max_steps
        max_seconds = cfg.max_seconds if max_seconds is None else max_seconds
        if every_steps is None and every_seconds is None:
            every_seconds = 1.0
        if self.device.type == "cpu":
            torch.set_num_threads(cfg.threads or auto_threads())
        # On a GPU, syncing every step would stall the launch queue; on a CPU it is free.
        sync_every = 1 if self.device.type == "cpu" else 25
        self._stop.clear()
        self.status, self.reason = "running", ""
        measurable = cfg.dataset in ("mnist", "ring", "grid")
        next_metrics = self.elapsed + metrics_seconds if metrics_seconds and measurable else math.inf
        yield self._timed_snapshot()
        next_snapshot_time = time.perf_counter() + (every_seconds or math.inf)
        while True:
            if self._stop.is_set():
                self.status, self.reason = "stopped", "Stopped by the user."
                break
            if not self._resume.is_set():
                self.status = "paused"
                yield self._timed_snapshot()
                if not self._wait_for_resume():
                    continue
                next_snapshot_time = time.perf_counter() + (every_seconds or math.inf)
                self.log.restart_clock()
                continue
            if max_steps and self.step_count >= max_steps:
                self.status, self.reason = "finished", f"Reached {max_steps} steps."
                break
            if max_seconds and self.elapsed >= max_seconds:
                self.status, self.reason = "finished", f"Reached the time budget of {max_seconds:g} s."
                break
            if not self.pace.wait(lambda: self._stop.is_set() or self.paused):
                continue  # paused or stopped while waiting for the next step's turn
            with self._lock:
                start = time.perf_counter()
                self._prepare_update()
                self.log.add(self._train_step())
                ok = True
                if self.log.window.count >= sync_every:
                    ok = self._flush()
                if ok and self._config.metrics_every and self.step_count % self._config.metrics_every == 0:
                    self.live.measure(self.sampler, self._config, self.step_count)  # the run's own work: its time
                elif ok and self.elapsed >= next_metrics:
                    if metrics_pool is None:
                        self.live.measure(self.sampler, self._config, self.step_count)
                    else:
                        self.live.start(metrics_pool, self.sampler, self._config, self.step_count)
                    next_metrics = self.elapsed + metrics_seconds
                self.elapsed += time.perf_counter() - start
            if not ok:
                yield self._timed_snapshot()
                if on_divergence == "stop":
                    return
                self._resume.clear()
                self._wait_for_resume()
                continue
            now = time.perf_counter()
            if (every_steps and self.step_count % every_steps == 0) or now >= next_snapshot_time:
                yield self._timed_snapshot()
                if every_seconds:
                    next_snapshot_time = time.perf_counter() + every_seconds
        self.live.wait()
        yield self._timed_snapshot()

    def _wait_for_resume(self) -> bool:
        """Wait until resume() or stop(); True (status "running" again) when resumed."""
        while not self._resume.wait(0.1):
            pass
        if self._stop.is_set():
            return False
        self.status = "running"
        return True

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
            now = time.perf_counter()
            stats, rate = self._record_window(now)
            if stats is None:
                stats = self.log.last_stats()
            if ok and self.status != "diverged" and weights_finite(self.generator, self.discriminator):
                self._last_good = self._copy_weights()
            snap = Snapshot(step=self.step_count, samples_seen=self.samples_seen, elapsed=self.elapsed,
                            steps_per_sec=rate, loss=self._config.loss, stats=stats, status=self.status,
                            reason=self.reason, metrics=self.live.latest, metrics_step=self.live.step,
                            device=self.device_text(), **self._visuals())
            return snap

    def _record_window(self, now: float) -> tuple[StepStats | None, float]:
        """Close the log's window (RunLog.record): (its means, or None without steps; the steps per second)."""
        return self.log.record(now, self.step_count, self.samples_seen, self.elapsed, self._config.loss,
                               self.loss_spec.wasserstein, self.live.latest, self.live.step)

    @torch.no_grad()
    def sample_fixed(self) -> torch.Tensor:
        """The sampler's output for the run's fixed noise, on the CPU: images (GRID_SAMPLES, 1, 28, 28)
        in [-1, 1] or points (TOY_POINTS, 2)."""
        return self._draw(self.fixed_noise, self.fixed_labels)

    @torch.no_grad()
    def _draw(self, z: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        """The sampler's output for z (and labels) in eval mode, on the CPU."""
        G = self.sampler
        was_training = G.training
        G.eval()
        try:
            return G(z, labels).float().cpu()
        finally:
            G.train(was_training)

    def _visuals(self) -> dict[str, Any]:
        out = self.sample_fixed()
        if self._config.is_image:
            return {"grid": make_grid(to_uint8(out), GRID_COLUMNS)}
        return {"points": out.numpy(), **self.decision_surface()}

    @torch.no_grad()
    def decision_surface(self, resolution: int = SURFACE_RESOLUTION) -> dict[str, Any]:
        """D over a square of the toy's plane: {"surface": float32 (R, R), "extent": L}.

        Values are P(real) = sigma(s) for the JS losses, raw critic scores otherwise; row i is
        y = -L + (i + 0.5) * 2L / R, column j likewise in x.
        """
        centres, _ = toy_centres(self._config.dataset)
        extent = float(np.abs(centres).max() * 1.5)
        ticks = (torch.arange(resolution, device=self.device) + 0.5) * (2 * extent / resolution) - extent
        gy, gx = torch.meshgrid(ticks, ticks, indexing="ij")
        scores = self.discriminator(torch.stack([gx.ravel(), gy.ravel()], dim=1)).float()
        if self.loss_spec.probability_scores:
            scores = torch.sigmoid(scores)
        return {"surface": scores.view(resolution, resolution).cpu().numpy(), "extent": extent}

    @torch.no_grad()
    def sample(self, n: int, seed: int = 0, labels: torch.Tensor | None = None) -> torch.Tensor:
        """n samples from seed's noise (images (n, 1, 28, 28) in [-1, 1] or points (n, 2)), on the CPU."""
        z = noise_for_seed(seed, n, self._config.latent_dim).to(self.device)
        if self._config.conditional and labels is None:
            labels = grid_labels(n)
        return self._draw(z, labels.to(self.device) if labels is not None else None)
