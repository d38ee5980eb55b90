"""The server side of the page: one `Playground` per server owns the sessions and their runs, where runs train
(CPU threads or GPU, ZeroGPU chunks), the caches every tab shares, and the folder downloads are written to.

Not a tab and no layout: the tabs (ui/tabs/) hold a Playground and call it. Its errors are `gr.Error`s with a
plain message, ready for the page.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
import torch

from ...classroom.data_folder import DataFolder, data_folder
from ...config import Config, ConfigError
from ...i18n import N_, _, decimal, number
from ...measure.metrics import live_reading
from ...train.data import DataError, get_dataset
from ...train.devices import describe_device, device_words, resolve_device
from ...train.images import toy_plot
from ...train.snapshots import Snapshot
from ...train.trainer import Trainer
from ...train.wording import Said, in_words
from ..widgets import plots
from ..widgets.inputs import env_int, error
from ..widgets.labels import LOSS_LABELS
from . import zerogpu
from .class_hub import ClassHub
from .downloads import Downloads
from .explore_models import ExploreModels
from .runs import Run, limit_malloc_arenas
from .sessions import Session, SessionError, SessionManager

REAL_POINTS = 500  # real points drawn under a toy's generated ones
REAL_POINTS_KEPT = 64  # datasets (drawings count one each) whose real points are kept
STATES = {"running": N_("▶ Training"), "paused": N_("⏸ Paused"), "stopped": N_("⏹ Stopped"),
          "finished": N_("✅ Finished"), "diverged": N_("⚠️ Diverged"), "ready": N_("Ready")}


class Playground:
    """Server-wide state: sessions (one per browser tab), the cap on trainings, the shared caches. `spill_folder`:
    where ended runs' timelines are kept out of memory (default: a subfolder of the downloads folder)."""

    def __init__(self, max_trainings: int | None = None, idle_seconds: float | None = None,
                 orphan_seconds: float = 60.0, threads_per_run: int = 1, snapshot_seconds: float = 1.0,
                 metrics_seconds: float = 4.0, forget_seconds: float | None = None,
                 spill_folder: Path | None = None, folder: DataFolder | None = None) -> None:
        limit_malloc_arenas()  # before the page's and the runs' threads start (runs.py)
        self.device = resolve_device("auto")
        if max_trainings is None:
            # On a CPU two students train at once and the rest queue: training threads in one process share
            # Python's interpreter lock (1, 2, 4 collapse trainers made 345, 365, 315 steps/s in all), so more at
            # once only adds contention. A class of 30 (benchmarks/classroom.py --class, 2 cores): the last result
            # on the wall 512 s after joining with 2, 701 s with 4. A GPU serves more. GANPLAYGROUND_MAX_TRAININGS
            # overrides.
            max_trainings = env_int("GANPLAYGROUND_MAX_TRAININGS", 16 if self.device.type == "cuda" else 2)
        if idle_seconds is None:
            idle_seconds = float(env_int("GANPLAYGROUND_IDLE_SECONDS", 180))
        if forget_seconds is None:
            forget_seconds = float(env_int("GANPLAYGROUND_FORGET_SECONDS", 3600))
        self.downloads = Downloads()  # lab cards, model zips, GIFs: this server's own temporary folder
        self.manager = SessionManager(max_trainings=max_trainings, idle_seconds=idle_seconds,
                                      orphan_seconds=orphan_seconds, forget_seconds=forget_seconds,
                                      spill_folder=spill_folder or self.downloads.subfolder("timelines"))
        self.zerogpu = zerogpu.enabled()  # train in GPU chunks on a ZeroGPU Space
        self.threads_per_run = threads_per_run
        self.snapshot_seconds = snapshot_seconds
        self.metrics_seconds = metrics_seconds
        self.models = ExploreModels()  # what Explore shows, loaded once
        self._real_points: dict[tuple[str, str], np.ndarray] = {}
        self._reals_lock = threading.Lock()
        # The classes: their database in the data folder (GANPLAYGROUND_DATA_DIR, /data on a Space with persistent
        # storage, else the user's data folder), made on first start.
        self.classes = ClassHub(folder or data_folder(), self.picture,
                                max_db_mb=float(env_int("GANPLAYGROUND_MAX_DB_MB", 256)))
        if self.device.type == "cpu":
            torch.set_num_threads(threads_per_run)

    @property
    def device_text(self) -> str:
        """Where this server trains, for the line under the page's title (in the language of the request: the
        header fills it in as the page loads)."""
        if self.zerogpu:
            return _("Training on a **GPU (ZeroGPU)** in {seconds}-second chunks; Pause and Stop act at the end of "
                     "a chunk").format(seconds=decimal(zerogpu.CHUNK_SECONDS, 0))
        if self.device.type == "cuda":
            return _("Training on **{device}**").format(device=describe_device(self.device))
        return _("Training on **CPU** ({threads} thread per run, {runs} runs at once)").format(
            threads=number(self.threads_per_run), runs=number(self.manager.slots.capacity))

    def close(self) -> None:
        """Stop every run, remove the spilled timelines and the downloads folder (server shutdown, tests)."""
        self.manager.close()
        self.classes.close()
        self.downloads.close()

    # --- sessions and runs -----------------------------------------------------------------------
    def session(self, token: Any) -> Session:
        """The session of a page's token (made on first use); gr.Error for a malformed token."""
        try:
            return self.manager.session(token)
        except SessionError as exc:
            raise error(exc) from None

    def run(self, token: Any) -> Run:
        """The session's Train-tab run; gr.Error when there is none yet."""
        run = self.session(token).run
        if run is None:
            raise gr.Error(_("No training yet: press Start first."), print_exception=False)
        return run

    def new_trainer(self, config: Config) -> Trainer:
        """A trainer for a config the page checked, measuring its samples live; gr.Error for what it refuses."""
        try:
            return Trainer(config, measure=live_reading)
        except (ConfigError, DataError) as exc:
            raise error(exc) from None

    def start(self, session: Session, trainer: Trainer, side: int | None = None, preset: str = "") -> Run:
        """Start a run for a session (its Train-tab run, or one side of its duel), with this server's settings; a
        class member's run reports to its class. A Train-tab run draws the toy views the session has switched on."""
        if side is None:
            trainer.set_views(warp=session.views[0], arrows=session.views[1])
        options: dict[str, Any] = {"snapshot_seconds": self.snapshot_seconds, "metrics_seconds": self.metrics_seconds}
        if self.zerogpu:
            options.update(run_class=zerogpu.ChunkedRun, chunk=zerogpu.gpu_chunk_function())
        run = self.manager.start(session, trainer, side=side, **options)
        self.classes.track(session.token, run, "train" if side is None else "duel", preset, side)
        return run

    # --- pictures ----------------------------------------------------------------------------------
    def picture(self, snap: Snapshot, config: Config) -> np.ndarray:
        """What the page shows of a snapshot: its sample grid (enlarged by the page, with crisp pixels), or for a
        toy its points over real ones and D's opinion of the plane, with the views the run draws (warped grid,
        arrows)."""
        if snap.grid is not None:
            return snap.grid
        return toy_plot(snap.surface, snap.extent, self.reals(config.dataset, config.drawing), snap.points,
                        warp=snap.warp, arrows=snap.arrows)

    def reals(self, dataset: str, drawing: str = "") -> np.ndarray:
        """REAL_POINTS real points of a toy dataset (N, 2), drawn once per server (drawings: the last few kept)."""
        key = (dataset, drawing)
        with self._reals_lock:
            if key in self._real_points:
                return self._real_points[key]
        points, _ = get_dataset(dataset, drawing=drawing).sample(REAL_POINTS, torch.Generator().manual_seed(0))
        with self._reals_lock:
            while len(self._real_points) >= REAL_POINTS_KEPT:  # a class draws many drawings: forget the oldest
                self._real_points.pop(next(iter(self._real_points)))
            return self._real_points.setdefault(key, points.numpy())

    # --- words -------------------------------------------------------------------------------------
    def status_of(self, run: Run, note: str = "") -> str:
        """A run's status line in Markdown: where it is (queued: its place in line for this server's slots), why
        it ended, and an optional italic note about the last action."""
        snap, trainer = run.latest, run.trainer
        if run.state == "queued":
            return _("⏳ Waiting for a free training slot: you are **number {place}** in line ({slots} trainings run "
                     "at once on this server).").format(place=number(run.queue_position),
                                                        slots=number(self.manager.slots.capacity))
        loss = _(LOSS_LABELS[trainer.config.loss]) if trainer.config.loss in LOSS_LABELS else trainer.config.loss
        if snap is None:
            return _("Starting… ({loss})").format(loss=loss) + (f"\n\n_{note}_" if note else "")
        state = _(STATES[snap.status]) if snap.status in STATES else snap.status
        if snap.status == "running":
            text = _("{state} on **{device}** · {rate} steps/s · step {step} · {samples} samples seen · {seconds} s · "
                     "loss: {loss}")
        else:
            text = _("{state} on **{device}** · step {step} · {samples} samples seen · {seconds} s · loss: {loss}")
        text = text.format(state=state, device=device_words(snap.device), rate=number(round(snap.steps_per_sec)),
                           step=number(snap.step), samples=number(snap.samples_seen), seconds=decimal(snap.elapsed, 0),
                           loss=loss)
        switches = plots.switches(list(trainer.history))
        if switches:  # the curves change colour there; the status says so in words
            text += " " + _("(switched after step {step})").format(step=number(switches[-1][0]))
        if snap.reason and snap.status in ("diverged", "finished", "stopped"):
            reason = in_words(snap.reason) if isinstance(snap.reason, Said) else _(snap.reason)
            text += f"\n\n{run.error_text() if snap.reason == run.error else reason}"
        if run.error:
            text += f"\n\n{run.error_text()}"
        if note:
            text += f"\n\n_{note}_"
        return text
