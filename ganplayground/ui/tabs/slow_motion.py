"""Slow motion on the Train tab (as GAN Lab has): Step (one whole step), D step (one discriminator update
alone), G step (one generator update alone) and the speed control. A mixin of `Playground`.

A step button acts on the session's run: a live run is paused first; a run that ended (finished or stopped,
not reset) goes on from its networks; otherwise the form's settings start a paused run. On the 2-D toys a D or
G step also draws what it changed (step_picture.py); on digits it changes the curves (a D step draws no new
sample).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import gradio as gr

from ...config import TOY_DATASETS, Config, ConfigError
from ...export.step_pictures import d_step_picture, g_step_picture
from ...train.pace import check_rate

if TYPE_CHECKING:
    from ..server.sessions import Run

# The speed control's choices (steps per second; 0 = as fast as the machine goes).
SPEEDS = [("Full speed", 0.0), ("Slow: 10 steps a second", 10.0), ("Very slow: 1 step a second", 1.0)]
PAUSE_WAIT_SECONDS = 5.0  # a step button waits this long at most for a running step to end
_NAMES = {"d": "D step", "g": "G step", "both": "Step"}


def speed_words(rate: float) -> str:
    if rate <= 0:
        return "full speed"
    return f"{rate:g} step{'' if rate == 1 else 's'} a second"


def _same_networks(a: Config, b: Config) -> bool:
    return not a.network_changes(b) and a.seed == b.seed


class SlowMotion:
    """Step, D step, G step and speed handlers; mixed into `Playground` (uses its sessions, form and pictures)."""

    def _paused_run(self, token: Any, form: tuple) -> Run:
        """The session's run, paused and between two steps (see the module's docstring for which run)."""
        session = self._session(token)
        run = session.run
        if run is None or not run.alive:
            config = self.config_from_form(*form)
            ended = run.trainer if run is not None and _same_networks(run.trainer.config, config) else None
            trainer = ended or self._new_trainer(config)
            trainer.pause()
            trainer.limit_speed(session.steps_per_second)
            run = self.manager.start(session, trainer, **self._run_options)
            session.config = trainer.config
        run.trainer.pause()
        deadline = time.monotonic() + PAUSE_WAIT_SECONDS
        while run.state == "running" and run.trainer.status == "running" and time.monotonic() < deadline:
            time.sleep(0.01)  # the run finishes the step it is in, then waits
        return run

    def on_step(self, token: Any, *form: Any) -> tuple[str, str, gr.Timer]:
        """Step: one whole step (critic steps D updates, then one G update) of the paused run."""
        run = self._paused_run(token, form)
        self._one(run, "both")
        return (self._status(run, note="One step done; press Step again or Resume."), "Resume",
                gr.Timer(active=True))

    def on_d_step(self, token: Any, *form: Any) -> tuple:
        """D step: one discriminator update alone. Outputs: samples, change picture, its caption, status, pause
        label, timer."""
        return self._half_step(token, form, "d")

    def on_g_step(self, token: Any, *form: Any) -> tuple:
        """G step: one generator update alone. Outputs as on_d_step."""
        return self._half_step(token, form, "g")

    def _one(self, run: Run, which: str) -> None:
        trainer = run.trainer
        step = {"d": trainer.d_step, "g": trainer.g_step, "both": trainer.step}[which]
        try:
            step()
        except RuntimeError as exc:  # diverged: the reason, in words
            raise gr.Error(str(exc), print_exception=False) from None
        run.refresh()

    def _half_step(self, token: Any, form: tuple, which: str) -> tuple:
        run = self._paused_run(token, form)
        trainer = run.trainer
        config = trainer.config
        toy = config.dataset in TOY_DATASETS
        if toy:
            surface_before, points_before = trainer.decision_surface()["surface"], trainer.sample_fixed().numpy()
        self._one(run, which)
        snap = run.latest
        change, caption = gr.update(value=None, visible=False), gr.update(value="", visible=False)
        if toy:
            real = self._reals(config.dataset)
            if which == "d":
                image, text = d_step_picture(surface_before, snap.surface, snap.extent, real, snap.points)
            else:
                image, text = g_step_picture(snap.surface, snap.extent, real, points_before, snap.points)
            change, caption = gr.update(value=image, visible=True), gr.update(value=f"_{text}_", visible=True)
            note = {"d": "One D step: D's opinion of the plane changed, the points did not move.",
                    "g": "One G step: the points moved, D's opinion did not change."}[which]
        else:
            note = {"d": "One D step: D changed (see D(real) and D(fake) in the curves); the samples did not.",
                    "g": "One G step: the samples changed; D did not."}[which]
        note += f" Press {_NAMES[which]} again, the other button, or Resume."
        return (self._picture(snap, config), change, caption, self._status(run, note=note), "Resume",
                gr.Timer(active=True))

    def on_speed(self, token: Any, speed: Any) -> str:
        """The speed control: at most `speed` steps per second (0: full speed) for this session's runs, from
        the running one's next step."""
        try:
            rate = check_rate(speed)
        except ConfigError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        session = self._session(token)
        session.steps_per_second = rate
        run = session.run
        if run is None or not run.alive:
            return f"Speed set to **{speed_words(rate)}** for the next run."
        run.trainer.limit_speed(rate)
        return self._status(run, note=f"Speed: {speed_words(rate)}.")
