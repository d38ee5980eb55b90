"""One GAN under training, without a loop: its networks (eager and compiled), optimisers, weight average and
stream of batches under the config in force, and what changes them: one step, a D step alone, a G step alone
(each through updates.py), a loss switch, a move of the whole state to another process.

Not the loop, its controls or its snapshots: `Trainer` (trainer.py) is a Stepper that adds those. Every
change holds the run's lock, so another thread may step, switch or export between two of run()'s steps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import torch

from ..config import Config, ConfigError
from ..i18n import _
from . import sampling, updates
from .data import ImageData, ToyData, get_dataset
from .devices import compile_failure_note, compile_networks, resolve_device, resolve_precision
from .live_metrics import LiveMetrics, Measure
from .losses import LossSpec, get_loss
from .models import Discriminator, Generator, build_models
from .optimizers import build_optimizers, schedule_learning_rates
from .snapshots import RunLog, StepStats
from .updates import Batch
from .weights import WeightAverage, WeightCopy
from .wording import DIVERGED, Said


class Stepper:
    """Trains one (G, D) pair under a Config, one update at a time (thread-safe).

    `measure` reads the sampler for the live metrics (e.g. measure.metrics.live_reading); a run that asks for
    them without one (Trainer.run under config.metrics_every or with metrics_seconds, a reconfigure to
    metrics_every) raises ConfigError saying so. A trainer that only draws or steps needs none.
    """

    def __init__(self, config: Config, generator: Generator | None = None,
                 discriminator: Discriminator | None = None, *, step: int = 0, samples_seen: int = 0,
                 elapsed: float = 0.0, history: list[dict[str, Any]] | None = None,
                 measure: Measure | None = None) -> None:
        self.device = resolve_device(config.device)
        self._config = config
        self.data: ImageData | ToyData = get_dataset(config.dataset, self.device, config.drawing)
        if generator is None or discriminator is None:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(config.seed)
                generator, discriminator = build_models(
                    config.dataset, config.arch, config.latent_dim, config.width, config.conditional,
                    config.g_batchnorm, config.spectral_norm)
        # Channels-last activations make oneDNN's and cuDNN's convolutions faster (+7% per step here).
        self.memory_format = (torch.channels_last if config.is_image and config.arch == "dcgan"
                              else torch.contiguous_format)
        self.generator = generator.to(self.device, memory_format=self.memory_format)
        self.discriminator = discriminator.to(self.device, memory_format=self.memory_format)
        self.average: WeightAverage | None = None  # what samples are drawn from when config.ema > 0
        self._sync_average()
        self.precision = resolve_precision(config.precision, self.device)
        # compile_note: why compilation is off, if it was asked for and failed.
        self._forward_g, self._forward_d, self.compile_note = compile_networks(
            self.generator, self.discriminator, config.compile, self.device)
        # A continued run (step > 0) draws a fresh stream of batches and noise instead of replaying its start.
        self._rng = torch.Generator(self.device).manual_seed(config.seed + 1 + step)
        self.fixed_noise, self.fixed_labels = sampling.fixed_inputs(config, self.device)
        self.step_count, self.samples_seen, self.elapsed = step, samples_seen, elapsed
        self.log = RunLog(history, step)  # the records over time and the stats since the last one
        self.status, self.reason = "ready", ""
        self._lock = threading.RLock()  # held for a whole step; controls never wait on it
        self.live = LiveMetrics(self._lock, measure)  # the latest reading of the sampler by `measure`
        self._pending: Config | None = None
        self.opt_d, self.opt_g = build_optimizers(config, self.generator, self.discriminator, self.device)
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

    @property
    def compiled(self) -> bool:
        return self._forward_g is not self.generator

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

    def reconfigure(self, new: Config) -> None:
        """Adopt new training settings at the next step: networks kept, optimisers rebuilt.

        Only settings that do not change the networks may differ (loss, learning rates, betas,
        critic steps, penalties, batch size, ...); ConfigError otherwise.
        """
        changed = self._config.network_changes(new)
        if changed:
            raise ConfigError(_("cannot change {names} during a run; start a new run instead").format(
                names=", ".join(changed)))
        if new.metrics_every:
            self.live.require(f"metrics_every={new.metrics_every}")
        self._pending = new

    def switch_loss(self, loss: str) -> None:
        """Switch to another loss mid-run with that loss's recommended optimiser settings."""
        self.reconfigure(self.config.with_loss(loss))

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None or pending == self._config:
            return
        new_loss = pending.loss != self._config.loss
        if self._flush() and new_loss:
            # The old loss's last record sits at the switch itself: the curves and the lab card mark the switch
            # at this step, and no record mixes the two losses' numbers.
            self._record_window(time.perf_counter())
        self._config = pending
        self.opt_d, self.opt_g = build_optimizers(pending, self.generator, self.discriminator, self.device)
        self._sync_average()
        if new_loss and self.average is not None:
            # The weight average restarts its warm-up: averaged over ~1/(1 - ema) steps of the old loss, it
            # would hide what the new loss does for that long (10-20 s of a cure with EMA 0.999).
            self.average.restart()

    # --- one step ---------------------------------------------------------------------------------
    def step(self) -> StepStats:
        """One generator iteration (critic_steps D updates, then one G update), synchronously.

        Raises RuntimeError if the loss is not finite (the run's status becomes "diverged").
        """
        return self._timed_update(self._train_step)

    def d_step(self, batch: Batch | None = None) -> StepStats:
        """One discriminator update alone (updates.discriminator_step) on `batch` (default: the next from the run's
        stream): G unchanged, the step count unchanged. Recorded and raising like step()."""
        def update() -> torch.Tensor:
            given = batch or self.draw_batch()
            self.samples_seen += len(given.x_real)
            return updates.discriminator_step(self._parts(compiled=False), given)
        return self._timed_update(update)

    def g_step(self, batch: Batch | None = None) -> StepStats:
        """One generator update alone (updates.generator_step) on `batch`'s noise (default: the next from the run's
        stream): D's weights unchanged; one generator iteration. Recorded and raising like step()."""
        def update() -> torch.Tensor:
            stats = updates.generator_step(self._parts(compiled=False), batch or self.draw_batch())
            self._generator_updated()
            return stats
        return self._timed_update(update)

    def draw_batch(self) -> Batch:
        """The next real batch and noise from the run's stream: what the next update would draw."""
        cfg = self._config
        x_real, labels = self.data.sample(cfg.batch_size, self._rng)
        z = torch.randn(cfg.batch_size, cfg.latent_dim, device=self.device, generator=self._rng)
        return Batch(x_real.contiguous(memory_format=self.memory_format), labels if cfg.conditional else None, z)

    def _parts(self, compiled: bool) -> updates.StepParts:
        forward_g, forward_d = (self._forward_g, self._forward_d) if compiled else (self.generator, self.discriminator)
        return updates.StepParts(self.generator, self.discriminator, forward_g, forward_d, self.opt_d, self.opt_g,
                                 self.loss_spec, self._config, self.precision, self._rng)

    def _train_step(self) -> torch.Tensor:
        """One generator iteration without a host sync; returns the stats (5,) on the device."""
        try:
            stats = updates.train_step(self._parts(self.compiled), self.draw_batch)
        except Exception as exc:
            if not self.compiled:
                raise
            # A compiler failure must not end the run: compute eagerly from now on, and say why.
            self._forward_g, self._forward_d = self.generator, self.discriminator
            self.compile_note = compile_failure_note(exc)
            stats = updates.train_step(self._parts(compiled=False), self.draw_batch)
        self.samples_seen += self._config.batch_size * self._config.critic_steps
        self._generator_updated()
        return stats

    def _generator_updated(self) -> None:
        if self.average is not None:
            self.average.update(self.generator)
        self.step_count += 1

    def _timed_update(self, update: Callable[[], torch.Tensor]) -> StepStats:
        # One update under the lock, recorded like a step of run(): the stats go into the window the next
        # snapshot writes to the history.
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
        schedule_learning_rates(self.opt_d, self.opt_g, self._config, self.step_count)

    def _flush(self) -> bool:
        """Bring the log's sums to the host; False (and status "diverged") if any is not finite."""
        which = self.log.flush()
        if which is None:
            return True
        self.status = "diverged"
        self.reason = Said(DIVERGED[which], step=self.step_count, good=self._last_good.step)
        return False

    def _record_window(self, now: float) -> tuple[StepStats | None, float]:
        """Close the log's window (RunLog.record): (its means, or None without steps; the steps per second)."""
        return self.log.record(now, self.step_count, self.samples_seen, self.elapsed, self._config.loss,
                               self.loss_spec.wasserstein, self.live.latest, self.live.step)

    # --- weights ----------------------------------------------------------------------------------
    def _copy_weights(self) -> WeightCopy:
        return WeightCopy.of(self.step_count, self.generator, self.discriminator, self.average)

    def good_weights(self) -> dict[str, dict[str, torch.Tensor] | None]:
        """State dicts that are safe to save: the current ones, or the last good ones after a
        divergence. Keys: "generator", "discriminator", "generator_ema" (None without EMA)."""
        if self.status == "diverged":
            return self._last_good.states()
        return {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                "generator_ema": self.generator_ema.state_dict() if self.generator_ema is not None else None}

    def load_weight_average(self, state: dict[str, torch.Tensor], updates: int) -> None:
        """Adopt a saved weight average that has already averaged `updates` steps (WeightAverage.load)."""
        if self.average is None:
            raise ConfigError(_("this run keeps no weight average (ema is 0)"))
        self.average.load(state, updates)

    def export_state(self) -> dict[str, Any]:
        """Everything needed to continue this run in another process (ZeroGPU's chunks), as copies on the CPU
        (picklable): "config" (a dict), "generator", "discriminator", "generator_ema" (None without EMA),
        "ema_updates", "opt_d", "opt_g" (state dicts), "step", "samples_seen", "elapsed". A pending loss switch
        takes effect first, so the optimiser states are those of the config exported."""
        with self._lock:
            self._apply_pending()
            state = {"config": self._config.to_dict(), "generator": self.generator.state_dict(),
                     "discriminator": self.discriminator.state_dict(),
                     "generator_ema": self.average.module.state_dict() if self.average is not None else None,
                     "ema_updates": self.average.updates if self.average is not None else 0,
                     "opt_d": self.opt_d.state_dict(), "opt_g": self.opt_g.state_dict(),
                     "step": self.step_count, "samples_seen": self.samples_seen, "elapsed": self.elapsed}
            return _cpu_copy(state)

    def import_state(self, state: dict[str, Any]) -> None:
        """Continue from export_state()'s result: weights, weight average, optimiser states and counts. This
        trainer must train under the exported config's networks and optimisers (its device may differ)."""
        with self._lock:
            self.generator.load_state_dict(state["generator"])
            self.discriminator.load_state_dict(state["discriminator"])
            if self.average is not None and state.get("generator_ema") is not None:
                self.average.load(state["generator_ema"], state.get("ema_updates", 0))
            self.opt_d.load_state_dict(state["opt_d"])
            self.opt_g.load_state_dict(state["opt_g"])
            self.step_count, self.samples_seen, self.elapsed = state["step"], state["samples_seen"], state["elapsed"]


def _cpu_copy(tree: Any) -> Any:
    """A nest of dicts, lists and tensors with every tensor copied to the CPU (numbers and strings as they are)."""
    if isinstance(tree, torch.Tensor):
        return tree.detach().to("cpu", copy=True)
    if isinstance(tree, dict):
        return {k: _cpu_copy(v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(_cpu_copy(v) for v in tree)
    return tree
