"""The two lines of words over a run's pictures: its status (state, device, speed, step, time, loss; a queued
run's place in line) and the narrator's sentence about it (measure.narrator.narrate), with the losses called by
the names the loss switch shows.

No GAN logic here (the engine's rules decide what is said) and no gradio.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...measure.narrator import Narration, narrate
from ..server.runs import Run
from . import plots
from .labels import LOSS_LABELS

LOSS_NAMES = {loss: f"**{label}**" for loss, label in LOSS_LABELS.items()}  # as the loss switch names them
MARK = "Narrator:"  # words, not an emoji: headless and school browsers may lack the emoji font
STATES = {"running": "▶ Training", "paused": "⏸ Paused", "stopped": "⏹ Stopped", "finished": "✅ Finished",
          "diverged": "⚠️ Diverged", "ready": "Ready"}


def narration(history: Sequence[dict[str, Any]], status: str) -> Narration:
    """What the narrator says about a run with this history and status."""
    return narrate(history, status, LOSS_NAMES)


def narrator_line(history: Sequence[dict[str, Any]], status: str) -> str:
    """The narrator's Markdown line for a run with this history and status."""
    return f"**{MARK}** {narration(history, status).text}"


def status_line(run: Run, capacity: int, note: str = "") -> str:
    """A run's status in Markdown: where it is (queued: its place among `capacity` slots), why it ended, and an
    optional italic note about the last action."""
    snap, trainer = run.latest, run.trainer
    if run.state == "queued":
        return (f"⏳ Waiting for a free training slot: you are **number {run.queue_position}** in line "
                f"({capacity} trainings run at once on this server).")
    loss = LOSS_LABELS.get(trainer.config.loss, trainer.config.loss)
    if snap is None:
        return f"Starting… ({loss})" + (f"\n\n_{note}_" if note else "")
    rate = f" · {snap.steps_per_sec:,.0f} steps/s" if snap.status == "running" else ""
    text = (f"{STATES.get(snap.status, snap.status)} on **{snap.device}**{rate} · step {snap.step:,} · "
            f"{snap.samples_seen:,} samples seen · {snap.elapsed:.0f} s · loss: {loss}")
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
