"""How the class's reporter writes one run into the class database: its step, seconds and device, a new meter
reading (a final one on the last weights when it ends), a thumbnail every few seconds, its loss switches.
Framework-free; class_hub.py decides which runs and when."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...classroom.classes import ClassBook, Member, MeterPoint
from ...classroom.thumbnails import thumbnail_png
from ...config import TOY_DATASETS, Config
from ...train.snapshots import Snapshot
from ..widgets.plots import switches
from .runs import Run

log = logging.getLogger(__name__)
THUMBNAIL_SECONDS = 10.0  # a new thumbnail at most this often per run (and always at the end)
MEASURED = ("mnist", *TOY_DATASETS)  # the datasets the live meter reads


@dataclass
class Tracked:
    """A run the reporter follows: its record's id, the session's member, and what was last written."""

    run: Run
    run_id: str
    member: Member
    settings: dict[str, Any]
    version: int = -1
    metrics_step: int = -1
    thumbnail_at: float = 0.0


def report_run(book: ClassBook, t: Tracked, picture: Callable[[Snapshot, Config], np.ndarray]) -> bool | None:
    """Write what the run has new; None when nothing was new, else whether the run has ended (its last report)."""
    run, snap, ended = t.run, t.run.latest, t.run.state == "ended"
    if snap is None or (run.version == t.version and not ended):
        return None
    config = run.trainer.config
    if ended and snap.step > 0 and snap.metrics_step < snap.step and config.dataset in MEASURED:
        snap = final_reading(run) or snap
    t.version = run.version
    reading, legibility = None, None
    m = snap.metrics
    if m and snap.metrics_step > t.metrics_step:
        t.metrics_step = snap.metrics_step
        verdict = verdict_of(m, config)
        # The digits as the meter counts them; the verdict says whether they are legible yet (the wall and the
        # chart show rough shapes as such).
        reading = MeterPoint(snap.metrics_step, round(snap.elapsed, 1), int(m.get("modes", 0)), verdict)
        legibility = m.get("class_fid")
    thumbnail = None
    now = time.monotonic()
    if ended or now - t.thumbnail_at >= THUMBNAIL_SECONDS:
        t.thumbnail_at = now
        thumbnail = thumbnail_png(picture(snap, config))
    t.settings["switches"] = [[step, loss] for step, loss in switches(list(run.trainer.history))]
    book.report(t.run_id, step=snap.step, seconds=round(snap.elapsed, 1), device=snap.device, loss=snap.loss,
                settings=t.settings, reading=reading, legibility=legibility, thumbnail=thumbnail, finished=ended)
    return ended


def final_reading(run: Run) -> Snapshot | None:
    """Read the meter on an ended run's last weights (its live reading may be from a few seconds before the end),
    so that the class's result is the run's final verdict; published to the run's page too."""
    trainer = run.trainer
    try:
        trainer.live.take(trainer.sampler, trainer.config, trainer.step_count)
    except Exception as exc:  # noqa: BLE001 - a failed reading leaves the last one; the report goes on
        log.warning("final class reading failed: %s", exc)
        return None
    run.refresh()
    return run.latest


def verdict_of(metrics: dict[str, Any], config: Config) -> str:
    """The meter's verdict of a reading; a toy's from the blobs covered (its reading has no legibility)."""
    if "verdict" in metrics:
        return str(metrics["verdict"])
    total = int(metrics.get("num_modes", 0)) or 1
    modes = int(metrics.get("modes", 0))
    if modes == 0:
        return "illegible"
    return "collapse" if modes <= max(1, total // 4) else "healthy"


def settings_of(config: Config, preset: str, side: int | None) -> dict[str, Any]:
    """What a run's record says about its settings (JSON-safe)."""
    settings: dict[str, Any] = {
        "preset": preset, "dataset": config.dataset, "loss": config.loss, "arch": config.arch,
        "lr_d": config.lr_d, "lr_g": config.lr_g, "batch_size": config.batch_size, "seed": config.seed,
        "latent_dim": config.latent_dim, "critic_steps": config.critic_steps, "max_steps": config.max_steps,
        "max_seconds": config.max_seconds, "switches": [],
    }
    if side is not None:
        settings["side"] = "left" if side == 0 else "right"
    if config.dataset in TOY_DATASETS:
        settings["toy"] = True
    return settings
