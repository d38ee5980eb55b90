"""Page events -> engine calls. Every handler checks its inputs first and raises `gr.Error` with a plain
message for anything malformed, before allocating anything large.

The handlers hold no GAN logic: they turn form values into a Config, sessions into Runs, snapshots into
images and DataFrames, and the metrics' verdict into the meter's words. `Playground` owns the server-wide state
(sessions, caches).
"""

from __future__ import annotations

import copy
import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import gradio as gr
import numpy as np
import pandas as pd
import torch

from .. import pretrained
from ..checkpoints import SavedModel
from ..config import PRESETS, Config, ConfigError, get_preset
from ..data import TOY_DATASETS, DataError, fashion_mnist_available, get_dataset
from ..images import make_grid, to_uint8, toy_plot, upscale
from ..latent import interpolate, move_along, noise_for_seed, principal_directions
from ..losses import LOSS_NAMES
from ..models import Generator
from ..trainer import Snapshot, Trainer, describe_device, resolve_device
from . import learn, plots, zerogpu
from .labels import ARCH_LABELS, DATASET_LABELS, LOSS_LABELS, key_of
from .meter import coverage_settings, histogram_settings, mode_words, read_meter
from .narration import narrator_line
from .sessions import Run, Session, SessionError, SessionManager, check_token, new_token
from .slowmo import SlowMotion

NUM_SLIDERS = 6  # on_latent takes s1..s6
SLIDER_RANGE = 3.0  # latent sliders move up to 3 standard deviations
MAX_BUDGET_SECONDS = 900
DIGIT_SCALE = 8  # Explore shows a digit at 224 x 224 px
SESSION_MODEL = "Your model (this session)"
EXPLORE_CACHE = 32  # loaded models (with their directions) kept in memory
# The Duel tab's outputs for each side, in order; then the timer and the poll's state.
DUEL_SIDE_OUTPUTS = ("samples", "losses", "histogram", "meter", "coverage", "narrator", "status")


def _env_int(name: str, default: int) -> int:
    """A positive integer setting from the environment (a deployer's knob), else the default."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def _error(exc: Exception) -> gr.Error:
    return gr.Error(str(exc), print_exception=False)


def _number(value: Any, name: str, lo: float, hi: float, integer: bool = False) -> float | int:
    """A finite number in [lo, hi] from a form or API value; gr.Error otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise gr.Error(f"{name} must be a number; got {value!r}", print_exception=False) from None
        else:
            raise gr.Error(f"{name} must be a number; got {type(value).__name__}", print_exception=False)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise gr.Error(f"{name} must be between {lo:g} and {hi:g}; got {value!r}", print_exception=False)
    if integer:
        if value != int(value):
            raise gr.Error(f"{name} must be a whole number; got {value!r}", print_exception=False)
        return int(value)
    return float(value)


@dataclass
class ExploreModel:
    """A generator ready for the Explore tab: its config, a private copy, its latent directions."""

    config: Config
    generator: Generator
    directions: dict[str, torch.Tensor]


def _plot(frame: Any, key: str, sent: dict[str, str], **settings: Any) -> Any:
    """A plot's update: a skip while the frame has no data, the frame alone when the page already has these
    settings, the frame with its settings otherwise (then `sent` records them).

    Gradio's LinePlot takes its series and axes from the first data it gets: an empty first frame leaves it
    drawing no lines for good. And a list setting (the legend's entries, the y range) redraws the whole chart
    each time it is sent, even unchanged (measured in Chromium: a new SVG every poll), so settings go only
    when they change. `sent` is the poll's state: what this page's plots were last given.
    """
    if isinstance(frame, pd.DataFrame) and "series" in frame:  # a line plot (the histogram has no series)
        if not plots.has_data(frame):
            return gr.skip()
        settings["colors_in_legend"] = plots.shown(frame)
    fingerprint = repr(sorted(settings.items()))
    if sent.get(key) == fingerprint:
        return frame
    sent[key] = fingerprint
    return gr.update(value=frame, **settings)


def _poll_state(seen: Any, sides: int) -> tuple[list[Any], list[dict[str, str]]]:
    """(versions, settings sent per side) from a poll's state; a fresh state for anything else (a new page)."""
    if isinstance(seen, dict) and len(seen.get("versions", [])) == sides and len(seen.get("sent", [])) == sides:
        return list(seen["versions"]), [dict(sent) for sent in seen["sent"]]
    return [-1] * sides, [{} for _ in range(sides)]


class Playground(SlowMotion):
    """Server-wide state and every page handler (the step buttons and speed in slowmo.py)."""

    def __init__(self, max_trainings: int | None = None, idle_seconds: float | None = None,
                 orphan_seconds: float = 60.0, threads_per_run: int = 1, snapshot_seconds: float = 1.0,
                 metrics_seconds: float = 4.0) -> None:
        self.device = resolve_device("auto")
        if max_trainings is None:
            # benchmarks/classroom.py on 2 cores: capping at 2 instead of 4 did not make sliders faster
            # (the page's own work dominates), so four students train at once and the rest queue; a GPU
            # serves more. GANPLAYGROUND_MAX_TRAININGS overrides.
            max_trainings = _env_int("GANPLAYGROUND_MAX_TRAININGS", 16 if self.device.type == "cuda" else 4)
        if idle_seconds is None:
            idle_seconds = float(_env_int("GANPLAYGROUND_IDLE_SECONDS", 180))
        self.manager = SessionManager(max_trainings=max_trainings, idle_seconds=idle_seconds,
                                      orphan_seconds=orphan_seconds)
        self.zerogpu = zerogpu.enabled()  # train in GPU chunks on a ZeroGPU Space
        self.threads_per_run = threads_per_run
        self.snapshot_seconds = snapshot_seconds
        self.metrics_seconds = metrics_seconds
        self._hash_to_token: dict[str, str] = {}
        self._explore: OrderedDict[tuple[str, str], ExploreModel] = OrderedDict()
        self._explore_lock = threading.Lock()
        self._real_points: dict[str, np.ndarray] = {}
        if self.device.type == "cpu":
            torch.set_num_threads(threads_per_run)

    @property
    def device_text(self) -> str:
        if self.zerogpu:
            return (f"Training on a **GPU (ZeroGPU)** in {zerogpu.CHUNK_SECONDS:.0f}-second chunks; "
                    "Pause and Stop act at the end of a chunk")
        if self.device.type == "cuda":
            return f"Training on **{describe_device(self.device)}**"
        return (f"Training on **CPU** ({self.threads_per_run} thread per run, "
                f"{self.manager.slots.capacity} runs at once)")

    def close(self) -> None:
        self.manager.close()

    # --- sessions ---------------------------------------------------------------------------------
    def _session(self, token: Any) -> Session:
        try:
            return self.manager.session(token)
        except SessionError as exc:
            raise _error(exc) from None

    def on_load(self, stored: Any, request: gr.Request | None = None) -> tuple[str, str, gr.Timer, gr.Timer]:
        """Page opened or refreshed: reuse the token the browser kept, or make one; re-attach runs."""
        try:
            token = check_token(stored)
        except SessionError:
            token = new_token()
        session = self.manager.session(token)
        if request is not None and getattr(request, "session_hash", None):
            self._hash_to_token[request.session_hash] = token
        train_live = session.run is not None
        duel_live = bool(session.duel)
        return token, token, gr.Timer(active=train_live), gr.Timer(active=duel_live)

    def on_unload(self, request: gr.Request) -> None:
        """The tab went away (closed, or refreshed): its runs stop soon unless it comes back."""
        token = self._hash_to_token.pop(getattr(request, "session_hash", "") or "", None)
        if token:
            self.manager.orphan(token)

    def on_new_session(self) -> str:
        """A fresh session token (for API clients)."""
        return new_token()

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
            raise _error(exc) from None
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
            raise _error(exc) from None
        if (dataset in TOY_DATASETS) != (base.dataset in TOY_DATASETS):
            base = get_preset("ring-js" if dataset in TOY_DATASETS else "default").config
        changes: dict[str, Any] = {
            "dataset": dataset,
            "lr_d": _number(lr_d, "learning rate of D", 1e-6, 0.1),
            "lr_g": _number(lr_g, "learning rate of G", 1e-6, 0.1),
            "batch_size": _number(batch_size, "batch size", 1, 1024, integer=True),
            "latent_dim": _number(latent_dim, "latent size", 1, 256, integer=True),
            "critic_steps": _number(critic_steps, "critic steps", 1, 10, integer=True),
            "seed": _number(seed, "seed", 0, 2**31 - 1, integer=True),
            "max_seconds": _number(budget, "time budget (s)", 5, MAX_BUDGET_SECONDS),
            "max_steps": 0, "device": "auto", "threads": self.threads_per_run, "metrics_every": 0,
        }
        if dataset not in TOY_DATASETS and arch != base.arch:
            changes.update(arch=arch, width=256 if arch == "mlp" else 32)
        if loss != base.loss:
            spec_changes = base.with_loss(loss).to_dict()
            changes.update(loss=loss, optimizer=spec_changes["optimizer"], beta1=spec_changes["beta1"],
                           beta2=spec_changes["beta2"])
        try:
            return base.replace(**changes)
        except ConfigError as exc:
            raise _error(exc) from None

    def _new_trainer(self, config: Config) -> Trainer:
        try:
            return Trainer(config)
        except (ConfigError, DataError) as exc:
            raise _error(exc) from None

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
            raise _error(exc) from None
        session = self._session(token)
        run = session.run
        if run is None or not run.alive:
            return f"Loss set to **{LOSS_LABELS[loss_id]}** for the next run."
        try:
            run.trainer.switch_loss(loss_id)
        except ConfigError as exc:
            raise _error(exc) from None
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
        (last_version,), (sent,) = _poll_state(seen, 1)
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
                   _plot(plots.loss_curves(history), "losses", sent),
                   _plot(plots.d_output_curves(history), "d_outputs", sent),
                   _plot(hist, "histogram", sent, **histogram_settings(config)),
                   meter,
                   _plot(plots.coverage_curve(history, mode_words(config)[1]), "coverage", sent,
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

    # --- Duel tab -----------------------------------------------------------------------------------
    def on_duel_start(self, token: Any, preset: Any, loss_left: Any, loss_right: Any, seed: Any,
                      budget: Any) -> tuple[str, str, gr.Timer]:
        """Two runs, same networks, seed and fixed noise; only the losses differ."""
        session = self._session(token)
        try:
            base = get_preset(preset).config
            losses = [key_of(LOSS_LABELS, loss, "loss") for loss in (loss_left, loss_right)]
        except (ConfigError, ValueError) as exc:
            raise _error(exc) from None
        seed = _number(seed, "seed", 0, 2**31 - 1, integer=True)
        budget = _number(budget, "time budget (s)", 5, MAX_BUDGET_SECONDS)
        try:
            configs = [base.with_loss(loss).replace(seed=seed, max_seconds=budget, max_steps=0, device="auto",
                                                    threads=self.threads_per_run, metrics_every=0)
                       if loss != base.loss else
                       base.replace(seed=seed, max_seconds=budget, max_steps=0, device="auto",
                                    threads=self.threads_per_run, metrics_every=0)
                       for loss in losses]
        except ConfigError as exc:
            raise _error(exc) from None
        trainers = [self._new_trainer(c) for c in configs]
        for side, trainer in enumerate(trainers):
            self.manager.start(session, trainer, side=side, **self._run_options)
        return self._status(session.duel[0]), self._status(session.duel[1]), gr.Timer(active=True)

    def on_duel_stop(self, token: Any) -> tuple[str, str]:
        session = self._session(token)
        if not session.duel:
            raise gr.Error("No duel yet: press Start duel first.", print_exception=False)
        for run in session.duel:
            run.stop()
        for run in session.duel:
            run.join(timeout=5)
        return self._status(session.duel[0]), self._status(session.duel[1])

    def on_duel_poll(self, token: Any, seen: Any) -> tuple:
        """The Duel tab's timer. Outputs: for each side (left, right) DUEL_SIDE_OUTPUTS (samples, losses,
        histogram, meter, coverage curve, narrator, status), then the timer and the poll's state."""
        session = self._session(token)
        if len(session.duel) < 2:
            return (*([gr.skip()] * 2 * len(DUEL_SIDE_OUTPUTS)), gr.Timer(active=False), seen)
        last_versions, sent = _poll_state(seen, 2)
        outputs: list[Any] = []
        versions = []
        for run, last, side_sent in zip(session.duel, last_versions, sent, strict=True):
            picture, losses, hist, meter, coverage, narration = (gr.skip(),) * 6
            snap = run.latest
            if snap is not None and run.version != last:
                config = run.trainer.config
                history = list(run.trainer.history)
                picture = self._picture(snap, config)
                losses = _plot(plots.loss_curves(history), "losses", side_sent)
                meter, frame = self._meter(snap, config, history)
                hist = _plot(frame, "histogram", side_sent, **histogram_settings(config))
                coverage = _plot(plots.coverage_curve(history, mode_words(config)[1]), "coverage", side_sent,
                                 **coverage_settings(config))
                narration = narrator_line(history, snap.status)
            outputs += [picture, losses, hist, meter, coverage, narration, self._status(run)]
            versions.append(run.version)
        live = any(run.state != "ended" for run in session.duel)
        return (*outputs, gr.Timer(active=live), {"versions": versions, "sent": sent})

    # --- Explore tab ---------------------------------------------------------------------------------
    def model_choices(self, token: Any = None) -> list[str]:
        """The shipped models, this session's run, and the models uploaded in this session (ui/handin.py)."""
        uploads = list(self.manager.session(token).uploads) if check_token_or_none(token) else []
        return [*pretrained.list_models(), SESSION_MODEL, *uploads]

    def _explore_model(self, token: Any, name: Any) -> ExploreModel:
        choices = self.model_choices(token)
        if not isinstance(name, str) or name not in choices:
            raise gr.Error(f"Unknown model {name!r}; choose one of: {', '.join(choices)}", print_exception=False)
        uploaded = self._session(token).uploads.get(name)
        if uploaded is not None:
            key = (check_token(token), f"upload:{name}:{id(uploaded)}")
        elif name == SESSION_MODEL:
            session = self._session(token)
            if session.run is None:
                raise gr.Error("You have not trained a model in this session yet (Train tab).",
                               print_exception=False)
            trainer = session.run.trainer
            key = (check_token(token), f"session:{id(trainer)}:{trainer.step_count}")
        else:
            key = ("", name)
        with self._explore_lock:
            if key in self._explore:
                self._explore.move_to_end(key)
                return self._explore[key]
        if uploaded is not None:
            config, generator = uploaded.config, uploaded.generator
        elif name == SESSION_MODEL:
            config = trainer.config
            generator = _private_copy(trainer.sampler)
        else:
            saved: SavedModel = pretrained.load(name)
            config, generator = saved.config, saved.generator
        if config.dataset in TOY_DATASETS:
            raise gr.Error("Explore draws digits; this model is a 2-D toy.", print_exception=False)
        generator = generator.cpu().eval()
        k = min(NUM_SLIDERS, config.latent_dim)
        with torch.no_grad():
            raw = torch.eye(config.latent_dim)[:k]
        model = ExploreModel(config, generator, {"principal": principal_directions(generator, k), "raw": raw})
        with self._explore_lock:
            self._explore[key] = model
            while len(self._explore) > EXPLORE_CACHE:
                self._explore.popitem(last=False)
        return model

    def on_explore_model(self, token: Any, name: Any) -> tuple:
        """Pick a model: show the digit picker for conditional ones, reset sliders, draw."""
        model = self._explore_model(token, name)
        info = (f"**{name}** · {model.config.arch.upper()} · loss {LOSS_LABELS.get(model.config.loss)} · "
                f"latent size {model.config.latent_dim}"
                + (" · conditional: pick a digit" if model.config.conditional else ""))
        image = self.on_latent(token, name, 0, 0, "principal", *([0.0] * NUM_SLIDERS))
        return (gr.update(visible=model.config.conditional), *([0.0] * NUM_SLIDERS), image, info)

    def on_latent(self, token: Any, name: Any, seed: Any, digit: Any, kind: Any, s1: Any = 0.0, s2: Any = 0.0,
                  s3: Any = 0.0, s4: Any = 0.0, s5: Any = 0.0, s6: Any = 0.0) -> np.ndarray:
        """One digit from a seed's latent code moved along six directions (slider values in [-3, 3])."""
        sliders = (s1, s2, s3, s4, s5, s6)
        amounts = [_number(v, f"slider {i + 1}", -SLIDER_RANGE, SLIDER_RANGE) for i, v in enumerate(sliders)]
        seed = _number(seed, "seed", 0, 2**31 - 1, integer=True)
        if kind not in ("principal", "raw"):
            raise gr.Error("directions must be 'principal' or 'raw'", print_exception=False)
        model = self._explore_model(token, name)
        directions = model.directions[kind]
        z = move_along(noise_for_seed(seed, 1, model.config.latent_dim)[0], directions, amounts[: len(directions)])
        labels = self._labels(model, digit, 1)
        with torch.no_grad():
            image = to_uint8(model.generator(z, labels))[0]  # (28, 28)
        return upscale(image, DIGIT_SCALE)

    @staticmethod
    def _labels(model: ExploreModel, digit: Any, n: int) -> torch.Tensor | None:
        if not model.config.conditional:
            return None
        digit = _number(digit, "digit", 0, 9, integer=True)
        return torch.full((n,), digit, dtype=torch.long)

    def on_randomize(self, token: Any, name: Any, digit: Any, kind: Any) -> tuple:
        seed = int(np.random.default_rng().integers(0, 100_000))
        zeros = [0.0] * NUM_SLIDERS
        return (seed, *zeros, self.on_latent(token, name, seed, digit, kind, *zeros))

    def on_interpolate(self, token: Any, name: Any, seed_a: Any, seed_b: Any, digit: Any,
                       steps: Any = 10) -> np.ndarray:
        """A strip of digits on the way from seed A's code to seed B's."""
        seed_a = _number(seed_a, "seed A", 0, 2**31 - 1, integer=True)
        seed_b = _number(seed_b, "seed B", 0, 2**31 - 1, integer=True)
        steps = _number(steps, "steps", 2, 16, integer=True)
        model = self._explore_model(token, name)
        z = interpolate(seed_a, seed_b, steps, model.config.latent_dim)
        with torch.no_grad():
            images = to_uint8(model.generator(z, self._labels(model, digit, steps)))
        return upscale(make_grid(images, steps), 3)

    # --- Learn tab -------------------------------------------------------------------------------------
    def lesson_picture(self, kind: str) -> np.ndarray | None:
        """A picture for a lesson from the shipped models (learn.py); None if the model is missing."""
        return learn.lesson_picture(kind, self._reals("ring"))

    lesson_story = staticmethod(learn.lesson_story)

    def on_lesson(self, index: Any) -> tuple:
        """'Try it': load a lesson's preset into the Train or Duel tab and go there."""
        from .labels import LESSONS

        i = _number(index, "lesson", 0, len(LESSONS) - 1, integer=True)
        lesson = LESSONS[i]
        form = self.on_preset(lesson["preset"])
        duel_preset = lesson["preset"] if lesson["tab"] == "duel" else gr.skip()
        return (gr.Tabs(selected=lesson["tab"]), lesson["preset"], *form, duel_preset)


def check_token_or_none(token: Any) -> str | None:
    try:
        return check_token(token)
    except SessionError:
        return None


def _private_copy(generator: Generator) -> Generator:
    """A CPU copy of a generator, so Explore never reads weights a training thread is writing."""
    return copy.deepcopy(generator).cpu().eval()


def loss_choices() -> list[tuple[str, str]]:
    return [(LOSS_LABELS[name], name) for name in LOSS_NAMES]


def arch_choices() -> list[tuple[str, str]]:
    return [(label, key) for key, label in ARCH_LABELS.items()]


__all__ = ["NUM_SLIDERS", "SESSION_MODEL", "Playground", "arch_choices", "loss_choices"]
