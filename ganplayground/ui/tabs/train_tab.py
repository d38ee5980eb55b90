"""The Train tab's handlers, a mixin of `Playground` (handlers.py): the form (presets into a Config), Start,
Pause, Stop, Reset, the loss switch, and the poll that turns snapshots into the grid, curves, meter, narrator
line and status."""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np
import torch

from ...config import LOSS_NAMES, TOY_DATASETS, Config, ConfigError
from ...measure.metrics import live_reading
from ...presets import PRESETS, get_preset
from ...train.data import DataError, fashion_mnist_available, get_dataset
from ...train.images import toy_plot
from ...train.snapshots import Snapshot
from ...train.trainer import Trainer
from ..server import zerogpu
from ..server.sessions import Run
from ..widgets import plots
from ..widgets.inputs import error, number
from ..widgets.labels import ARCH_LABELS, DATASET_LABELS, LOSS_LABELS, key_of
from ..widgets.meter import coverage_settings, histogram_settings, mode_words, read_meter
from ..widgets.polling import plot_update, poll_state
from ..widgets.status import narrator_line

MAX_BUDGET_SECONDS = 900


class TrainTab:
    """The form and the Train tab (needs Playground's manager, _session, threads_per_run, snapshot and metrics
    intervals, zerogpu flag and _real_points)."""

    # --- the form ---------------------------------------------------------------------------------
    @staticmethod
    def preset_choices() -> list[tuple[str, str]]:
        return [(f"{p.name}: {p.summary}", p.name) for p in PRESETS.values()]

    @staticmethod
    def dataset_choices() -> list[tuple[str, str]]:
        names = ["mnist", "ring", "grid"] + (["fashion-mnist"] if fashion_mnist_available() else [])
        return [(DATASET_LABELS[n], n) for n in names]

    def on_preset(self, preset: Any) -> tuple:
        """Fill the form with a preset's settings."""
        try:
            p = get_preset(preset)
        except ConfigError as exc:
            raise error(exc) from None
        c = p.config
        return (c.dataset, c.loss, c.arch, c.lr_d, c.lr_g, c.batch_size, c.latent_dim, c.critic_steps, c.seed,
                c.max_seconds or 60.0, f"**{p.name}** — {p.teaches}")

    def config_from_form(self, preset: Any, dataset: Any, loss: Any, arch: Any, lr_d: Any, lr_g: Any,
                         batch_size: Any, latent_dim: Any, critic_steps: Any, seed: Any, budget: Any) -> Config:
        """The run the form describes: the preset's networks with the form's choices on top."""
        try:
            base = get_preset(preset).config
            dataset = key_of(DATASET_LABELS, dataset, "dataset")
            loss = key_of(LOSS_LABELS, loss, "loss")
            arch = key_of(ARCH_LABELS, arch, "architecture")
        except (ConfigError, ValueError) as exc:
            raise error(exc) from None
        if (dataset in TOY_DATASETS) != (base.dataset in TOY_DATASETS):
            base = get_preset("ring-js" if dataset in TOY_DATASETS else "default").config
        changes: dict[str, Any] = {
            "dataset": dataset,
            "lr_d": number(lr_d, "learning rate of D", 1e-6, 0.1),
            "lr_g": number(lr_g, "learning rate of G", 1e-6, 0.1),
            "batch_size": number(batch_size, "batch size", 1, 1024, integer=True),
            "latent_dim": number(latent_dim, "latent size", 1, 256, integer=True),
            "critic_steps": number(critic_steps, "critic steps", 1, 10, integer=True),
            "seed": number(seed, "seed", 0, 2**31 - 1, integer=True),
            "max_seconds": number(budget, "time budget (s)", 5, MAX_BUDGET_SECONDS),
            "max_steps": 0, "device": "auto", "threads": self.threads_per_run, "metrics_every": 0,
        }
        if dataset not in TOY_DATASETS and arch != base.arch:
            changes.update(arch=arch, width=256 if arch == "mlp" else 32)
        if loss != base.loss:
            spec_changes = base.with_loss(loss).to_dict()
            changes.update(loss=loss, optimizer=spec_changes["optimizer"], beta1=spec_changes["beta1"],
                           beta2=spec_changes["beta2"], lr_decay_start=spec_changes["lr_decay_start"])
        try:
            return base.replace(**changes)
        except ConfigError as exc:
            raise error(exc) from None

    def _new_trainer(self, config: Config) -> Trainer:
        try:
            return Trainer(config, measure=live_reading)
        except (ConfigError, DataError) as exc:
            raise error(exc) from None

    # --- Train tab ----------------------------------------------------------------------------------
    def on_start(self, token: Any, preset: Any, dataset: Any, loss: Any, arch: Any, lr_d: Any, lr_g: Any,
                 batch_size: Any, latent_dim: Any, critic_steps: Any, seed: Any, budget: Any) -> tuple[str, gr.Timer]:
        """Start training the form's settings in this session (replacing its previous run)."""
        session = self._session(token)
        config = self.config_from_form(preset, dataset, loss, arch, lr_d, lr_g, batch_size, latent_dim,
                                       critic_steps, seed, budget)
        trainer = self._new_trainer(config)
        trainer.limit_speed(session.steps_per_second)
        run = self.manager.start(session, trainer, **self._run_options)
        session.config = config
        return self._status(run), gr.Timer(active=True)

    @property
    def _run_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"snapshot_seconds": self.snapshot_seconds, "metrics_seconds": self.metrics_seconds}
        if self.zerogpu:
            options.update(run_class=zerogpu.ChunkedRun, chunk=zerogpu.gpu_chunk_function())
        return options

    def _run(self, token: Any) -> Run:
        run = self._session(token).run
        if run is None:
            raise gr.Error("No training yet: press Start first.", print_exception=False)
        return run

    def on_pause(self, token: Any) -> tuple[str, str]:
        run = self._run(token)
        run.trainer.pause()
        return self._status(run, note="Pausing after this step."), "Resume"

    def on_resume(self, token: Any) -> tuple[str, str]:
        run = self._run(token)
        run.trainer.resume()
        return self._status(run, note="Resumed."), "Pause"

    def on_toggle_pause(self, token: Any) -> tuple[str, str]:
        run = self._run(token)
        return self.on_resume(token) if run.trainer.paused else self.on_pause(token)

    def on_stop(self, token: Any) -> str:
        run = self._run(token)
        run.stop()
        run.join(timeout=5)
        return self._status(run, note="Stopped. Your model is in the Explore tab.")

    def on_reset(self, token: Any) -> tuple[None, Any, Any, Any, str, Any, str, str, str, gr.Timer, None]:
        """Forget the run: clear the pictures and curves (the poll's state too, so the next run's plots get
        their settings afresh)."""
        session = self._session(token)
        if session.run is not None:
            session.run.stop()
            session.run = None
        return (None, None, None, gr.update(value=plots.histogram(None), **histogram_settings()), "", None,
                "Ready. Pick a preset and press Start.", "Pause", "", gr.Timer(active=False), None)

    def on_restore(self, token: Any) -> str:
        run = self._run(token)
        step = run.trainer.restore_last_good()
        run.refresh()
        return self._status(run, note=f"Restored the weights of step {step}. Lower a learning rate, then Resume.")

    def on_switch_loss(self, token: Any, loss: Any) -> str:
        """The loss switch: takes effect at the next step of a live run, networks kept."""
        try:
            loss_id = key_of(LOSS_LABELS, loss, "loss")
        except ValueError as exc:
            raise error(exc) from None
        session = self._session(token)
        run = session.run
        if run is None or not run.alive:
            return f"Loss set to **{LOSS_LABELS[loss_id]}** for the next run."
        try:
            run.trainer.switch_loss(loss_id)
        except ConfigError as exc:
            raise error(exc) from None
        return self._status(run, note=f"Switched to {LOSS_LABELS[loss_id]} at step {run.trainer.step_count}; "
                                      "networks kept, optimisers rebuilt.")

    def on_poll(self, token: Any, seen: Any) -> tuple:
        """The Train tab's timer: new images, curves and meter if the run moved on, else skips.

        Outputs: samples, losses, D outputs, histogram, meter, coverage curve, status, pause label, restore
        button, narrator, timer, and the poll's state (`seen`: the version shown and the plot settings sent)."""
        session = self._session(token)
        run = session.run
        if run is None:
            return (*([gr.skip()] * 10), gr.Timer(active=False), seen)
        return self._poll_outputs(run, seen)

    def _poll_outputs(self, run: Run, seen: Any) -> tuple:
        (last_version,), (sent,) = poll_state(seen, 1)
        version = run.version
        ended = run.state == "ended"
        timer = gr.Timer(active=not ended)
        status = self._status(run)
        if last_version == version or run.latest is None:
            return (*([gr.skip()] * 6), status, gr.skip(), gr.skip(), gr.skip(), timer, seen)
        snap = run.latest
        history = list(run.trainer.history)
        config = run.trainer.config
        meter, hist = self._meter(snap, config, history)
        pause_label = "Resume" if run.trainer.paused or snap.status == "diverged" else "Pause"
        outputs = (self._picture(snap, config),
                   plot_update(plots.loss_curves(history), "losses", sent),
                   plot_update(plots.d_output_curves(history), "d_outputs", sent),
                   plot_update(hist, "histogram", sent, **histogram_settings(config)),
                   meter,
                   plot_update(plots.coverage_curve(history, mode_words(config)[1]), "coverage", sent,
                         **coverage_settings(config)))
        return (*outputs, status, pause_label, gr.update(visible=snap.status == "diverged"),
                narrator_line(history, snap.status), timer, {"versions": [version], "sent": [sent]})

    def _picture(self, snap: Snapshot, config: Config) -> np.ndarray:
        if snap.grid is not None:
            return snap.grid  # the page enlarges it with crisp pixels (CSS): a quarter of the PNG work
        return toy_plot(snap.surface, snap.extent, self._reals(config.dataset), snap.points)

    def _reals(self, dataset: str) -> np.ndarray:
        if dataset not in self._real_points:
            data = get_dataset(dataset)
            points, _ = data.sample(500, torch.Generator().manual_seed(0))
            self._real_points[dataset] = points.numpy()
        return self._real_points[dataset]

    _meter = staticmethod(read_meter)  # the mode meter's words and bar chart (meter.py)

    def _status(self, run: Run, note: str = "") -> str:
        snap, trainer = run.latest, run.trainer
        if run.state == "queued":
            position = run.queue_position
            return (f"⏳ Waiting for a free training slot: you are **number {position}** in line "
                    f"({self.manager.slots.capacity} trainings run at once on this server).")
        loss = LOSS_LABELS.get(trainer.config.loss, trainer.config.loss)
        if snap is None:
            return f"Starting… ({loss})" + (f"\n\n_{note}_" if note else "")
        state = {"running": "▶ Training", "paused": "⏸ Paused", "stopped": "⏹ Stopped", "finished": "✅ Finished",
                 "diverged": "⚠️ Diverged", "ready": "Ready"}.get(snap.status, snap.status)
        rate = f" · {snap.steps_per_sec:,.0f} steps/s" if snap.status == "running" else ""
        text = (f"{state} on **{snap.device}**{rate} · step {snap.step:,} · {snap.samples_seen:,} samples seen · "
                f"{snap.elapsed:.0f} s · loss: {loss}")
        switches = plots.switches(list(trainer.history))
        if switches:  # the curves change colour there; the status says so in words
            text += f" (switched after step {switches[-1][0]:,})"
        if snap.reason and snap.status in ("diverged", "finished", "stopped"):
            text += f"\n\n{snap.reason}"
        if run.error:
            text += f"\n\n{run.error}"
        if note:
            text += f"\n\n_{note}_"
        return text


def loss_choices() -> list[tuple[str, str]]:
    return [(LOSS_LABELS[name], name) for name in LOSS_NAMES]


def arch_choices() -> list[tuple[str, str]]:
    return [(label, key) for key, label in ARCH_LABELS.items()]
