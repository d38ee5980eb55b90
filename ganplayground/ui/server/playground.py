"""Page events -> engine calls. Every handler checks its inputs first and raises `gr.Error` with a plain
message for anything malformed, before allocating anything large.

The handlers hold no GAN logic: they turn form values into a Config, sessions into Runs, snapshots into
images and DataFrames, and the metrics' verdict into the meter's words. `Playground` owns the server-wide state
(sessions, caches) and the sessions' events; each tab's handlers live in their own module and join it as
mixins: train_tab.py, duel_tab.py, explore_tab.py, learn_tab.py, and slowmo.py (D step, G step, speed).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import gradio as gr
import numpy as np
import torch

from ...train.devices import describe_device, resolve_device
from ..tabs.duel_tab import DUEL_SIDE_OUTPUTS, DuelTab
from ..tabs.explore_tab import DIGIT_SCALE, NUM_SLIDERS, SESSION_MODEL, ExploreModel, ExploreTab
from ..tabs.learn_tab import LearnTab
from ..tabs.slow_motion import SlowMotion
from ..tabs.train_tab import MAX_BUDGET_SECONDS, TrainTab, arch_choices, loss_choices
from ..widgets.inputs import env_int, error
from . import zerogpu
from .sessions import Session, SessionError, SessionManager, check_token, new_token


class Playground(TrainTab, DuelTab, ExploreTab, LearnTab, SlowMotion):
    """Server-wide state and every page handler (the step buttons and speed in slowmo.py)."""

    def __init__(self, max_trainings: int | None = None, idle_seconds: float | None = None,
                 orphan_seconds: float = 60.0, threads_per_run: int = 1, snapshot_seconds: float = 1.0,
                 metrics_seconds: float = 4.0) -> None:
        self.device = resolve_device("auto")
        if max_trainings is None:
            # benchmarks/classroom.py on 2 cores: capping at 2 instead of 4 did not make sliders faster
            # (the page's own work dominates), so four students train at once and the rest queue; a GPU
            # serves more. GANPLAYGROUND_MAX_TRAININGS overrides.
            max_trainings = env_int("GANPLAYGROUND_MAX_TRAININGS", 16 if self.device.type == "cuda" else 4)
        if idle_seconds is None:
            idle_seconds = float(env_int("GANPLAYGROUND_IDLE_SECONDS", 180))
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
            raise error(exc) from None

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


__all__ = ["DIGIT_SCALE", "DUEL_SIDE_OUTPUTS", "MAX_BUDGET_SECONDS", "NUM_SLIDERS", "SESSION_MODEL", "ExploreModel",
           "Playground", "arch_choices", "loss_choices"]
