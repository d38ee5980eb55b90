"""Slow motion on the Train tab (as GAN Lab has): Step (one whole step), D step (one discriminator update alone),
G step (one generator update alone) and the speed control.

A step button acts on the session's run: a live run is paused first; a run that ended (finished or stopped, not
reset) goes on from its networks; otherwise the form's settings start a paused run. On the 2-D toys a D or G step
also draws what it changed (export/step_pictures.py); on digits it changes the curves (a D step draws no new
sample).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import gradio as gr
import numpy as np

from ...config import TOY_DATASETS, Config, ConfigError
from ...export.step_pictures import d_step_picture, g_step_picture
from ...i18n import N_, _, ngettext
from ...train.pace import check_rate
from ...train.snapshots import Snapshot
from ...train.trainer import Trainer
from ..server.playground import Playground
from ..server.runs import Run
from ..widgets.components import AtomicImage
from ..widgets.overview import overview_html
from ..widgets.translate import L_
from .train_form import TrainForm, config_from_form

# The speed control's choices (steps per second; 0 = as fast as the machine goes).
SPEEDS = [(N_("Full speed"), 0.0), (N_("Slow: 10 steps a second"), 10.0), (N_("Very slow: 1 step a second"), 1.0)]
PAUSE_WAIT_SECONDS = 5.0  # a step button waits this long at most for a running step to end
NOTES = {("d", True): N_("One D step: D's opinion of the plane changed, the points did not move. Press D step again, "
                         "the other button, or Resume."),
         ("g", True): N_("One G step: the points moved, D's opinion did not change. Press G step again, the other "
                         "button, or Resume."),
         ("d", False): N_("One D step: D changed (see D(real) and D(fake) in the curves); the samples did not. Press "
                          "D step again, the other button, or Resume."),
         ("g", False): N_("One G step: the samples changed; D did not. Press G step again, the other button, or "
                          "Resume.")}


class TrainParts(Protocol):
    """What slow motion uses of the Train tab it sits in (train_tab.TrainTab)."""

    pg: Playground
    session: gr.Textbox
    form: TrainForm
    start: gr.Button
    step: gr.Button
    reset: gr.Button
    pause: gr.Button
    samples: gr.Image
    status: gr.Markdown
    timer: gr.Timer


def speed_words(rate: float) -> str:
    if rate <= 0:
        return _("full speed")
    return ngettext("{rate} step a second", "{rate} steps a second", int(rate) if rate == int(rate) else 2).format(
        rate=f"{rate:g}")


def same_networks(a: Config, b: Config) -> bool:
    return not a.network_changes(b) and a.seed == b.seed


class SlowMotion:
    """The D step / G step / speed row and the picture of what the last step changed, on a Train tab."""

    def __init__(self, tab: TrainParts) -> None:
        self.tab = tab
        self.pg = tab.pg

    def build(self) -> None:
        with gr.Row():
            self.d_step = gr.Button(L_("D step"), elem_id="d-step")
            self.g_step = gr.Button(L_("G step"), elem_id="g-step")
            self.speed = gr.Radio(choices=[(L_(label), rate) for label, rate in SPEEDS], value=0.0, label=L_("Speed"),
                                  elem_id="speed")
        self.change = AtomicImage(label=L_("What the last D or G step changed"), format="png", type="numpy",
                                  interactive=False, visible=False, height=320, elem_id="step-change")
        self.caption = gr.Markdown("", visible=False, elem_id="step-change-caption")

    def build_overview(self) -> None:
        """The model overview, where there is room for it to be read (under the plot)."""
        # Drawn as the page loads (Header.wire's texts): its words are in the reader's language.
        self.overview = gr.HTML("", elem_id="model-overview", label=L_("Model overview"))

    @property
    def controls(self) -> list[Any]:
        return [self.d_step, self.g_step, self.speed, self.overview]

    def wire(self) -> None:
        tab = self.tab
        inputs = [tab.session, *tab.form.values]
        tab.step.click(self.on_step, inputs=inputs, outputs=[tab.status, tab.pause, tab.timer, self.overview],
                       api_name="step")
        outputs = [tab.samples, self.change, self.caption, tab.status, tab.pause, tab.timer, self.overview]
        self.d_step.click(self.on_d_step, inputs=inputs, outputs=outputs, api_name="d_step")
        self.g_step.click(self.on_g_step, inputs=inputs, outputs=outputs, api_name="g_step")
        self.speed.input(self.on_speed, inputs=[tab.session, self.speed], outputs=[tab.status],
                         api_visibility="private")
        gr.api(self.set_speed, api_name="speed")
        for button in (tab.start, tab.reset):  # a new or forgotten run: the last step's change picture goes
            button.click(self.on_clear, outputs=[self.change, self.caption, self.overview], api_visibility="private",
                         show_progress="hidden")

    # --- handlers --------------------------------------------------------------------------------
    def paused_run(self, token: Any, form: tuple) -> Run:
        """The session's run, paused and between two steps (see the module's docstring for which run)."""
        session = self.pg.session(token)
        run = session.run
        if run is None or not run.alive:
            config = config_from_form(*form, threads=self.pg.threads_per_run)
            ended = run.trainer if run is not None and same_networks(run.trainer.config, config) else None
            trainer = ended or self.pg.new_trainer(config)
            trainer.pause()
            trainer.limit_speed(session.steps_per_second)
            run = self.pg.start(session, trainer, preset=str(form[0]))
            session.config = trainer.config
        run.trainer.pause()
        deadline = time.monotonic() + PAUSE_WAIT_SECONDS
        while run.state == "running" and run.trainer.status == "running" and time.monotonic() < deadline:
            time.sleep(0.01)  # the run finishes the step it is in, then waits
        return run

    def on_step(self, token: Any, *form: Any) -> dict[Any, Any]:
        """Step: one whole step (critic steps D updates, then one G update) of the paused run."""
        run = self.paused_run(token, form)
        self._one(run, "both")
        tab = self.tab
        return {tab.status: self.pg.status_of(run, note=_("One step done; press Step again or Resume.")),
                tab.pause: _("Resume"), tab.timer: gr.Timer(active=True), self.overview: overview_html("both")}

    def on_d_step(self, token: Any, *form: Any) -> dict[Any, Any]:
        """D step: one discriminator update alone."""
        return self._half_step(token, form, "d")

    def on_g_step(self, token: Any, *form: Any) -> dict[Any, Any]:
        """G step: one generator update alone."""
        return self._half_step(token, form, "g")

    @staticmethod
    def _one(run: Run, which: str) -> None:
        trainer = run.trainer
        step = {"d": trainer.d_step, "g": trainer.g_step, "both": trainer.step}[which]
        try:
            step()
        except RuntimeError as exc:  # diverged: the reason, in words
            raise gr.Error(str(exc), print_exception=False) from None
        run.refresh()

    def _half_step(self, token: Any, form: tuple, which: str) -> dict[Any, Any]:
        run = self.paused_run(token, form)
        trainer, tab = run.trainer, self.tab
        config = trainer.config
        toy = config.dataset in TOY_DATASETS
        if toy:
            before = self._toy_state(trainer, self.pg.session(token).views)
        self._one(run, which)
        snap = run.latest
        out = {tab.samples: self.pg.picture(snap, config), self.change: gr.update(value=None, visible=False),
               self.caption: gr.update(value="", visible=False)}
        if toy:
            image, text = self._change_picture(which, before, self._toy_state(trainer, self.pg.session(token).views),
                                               snap, self.pg.reals(config.dataset, config.drawing))
            out.update({self.change: gr.update(value=image, visible=True),
                        self.caption: gr.update(value=f"_{text}_", visible=True)})
        out.update({tab.status: self.pg.status_of(run, note=_(NOTES[which, toy])), tab.pause: _("Resume"),
                    tab.timer: gr.Timer(active=True), self.overview: overview_html(which)})
        return out

    @staticmethod
    def _toy_state(trainer: Trainer, views: tuple[bool, bool]) -> dict[str, Any]:
        """What a toy's change picture compares: D's plane, the points, and the views this session shows."""
        warp, arrows = views
        return {"surface": trainer.decision_surface()["surface"], "points": trainer.sample_fixed().numpy(),
                "warp": trainer.warped_grid().grid if warp else None,
                "arrows": trainer.push_arrows() if arrows else None}

    @staticmethod
    def _change_picture(which: str, before: dict[str, Any], after: dict[str, Any], snap: Snapshot,
                        real: np.ndarray) -> tuple[np.ndarray, str]:
        if which == "d":
            return d_step_picture(before["surface"], snap.surface, snap.extent, real, snap.points,
                                  arrows_before=before["arrows"], arrows_after=after["arrows"])
        return g_step_picture(snap.surface, snap.extent, real, before["points"], snap.points,
                              warp_before=before["warp"], warp_after=after["warp"])

    def on_clear(self) -> dict[Any, Any]:
        return {self.change: gr.update(visible=False), self.caption: gr.update(visible=False),
                self.overview: overview_html(None)}

    def set_speed(self, token: Any, speed: Any) -> str:
        """The speed control: at most `speed` steps per second (0: full speed) for this session's runs, from the
        running one's next step. Returns the status."""
        try:
            rate = check_rate(speed)
        except ConfigError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        session = self.pg.session(token)
        session.steps_per_second = rate
        run = session.run
        if run is None or not run.alive:
            return _("Speed set to **{speed}** for the next run.").format(speed=speed_words(rate))
        run.trainer.limit_speed(rate)
        return self.pg.status_of(run, note=_("Speed: {speed}.").format(speed=speed_words(rate)))

    def on_speed(self, token: Any, speed: Any) -> dict[Any, Any]:
        return {self.tab.status: self.set_speed(token, speed)}
