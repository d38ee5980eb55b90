"""The Train tab: the form, Start / Pause / Step / Stop / Reset, the loss switch, and the poll that turns a run's
snapshots into the sample grid, the curves, the mode meter, the narrator's line and the status. Its parts are
built in place: the form (train_form.py), slow motion (slow_motion.py), the hand-in buttons (handin.py) and the
timeline (timeline_panel.py).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ...config import ConfigError
from ...i18n import N_, _, number
from ..server.playground import Playground
from ..server.runs import Run
from ..widgets import plots
from ..widgets.alt_text import description_box, losses_summary, samples_alt
from ..widgets.charts import coverage_plot, curve_plot, histogram_plot, plot_update, poll_state
from ..widgets.components import AtomicImage
from ..widgets.inputs import error
from ..widgets.labels import LOSS_LABELS, key_of
from ..widgets.map_view import map_image, map_update
from ..widgets.meter import coverage_settings, histogram_settings, mode_words, read_meter
from ..widgets.status import narrator_line
from ..widgets.translate import L_
from .digit_panel import DigitPanel
from .draw_panel import DrawPanel, canvas_value, snapshot_caption
from .handin import HandIn
from .slow_motion import SlowMotion
from .timeline_panel import TimelinePanel
from .train_form import TrainForm, config_from_form

SAMPLES_HEIGHT = 420
READY = N_("Ready. Pick a preset and press **Start**.")
LIVE = {"show_progress": "hidden", "concurrency_limit": None}  # polls and sliders: never queued behind others


class TrainTab:
    """The Train tab over a Playground; `session` is the page's hidden session box."""

    def __init__(self, pg: Playground, session: gr.Textbox) -> None:
        self.pg = pg
        self.session = session
        self.handin = HandIn(pg)
        self.form = TrainForm()
        self.slow_motion = SlowMotion(self)
        self.draw = DrawPanel(pg)
        self.digits = DigitPanel(pg)
        self.timeline = TimelinePanel(pg, session)

    # --- layout ----------------------------------------------------------------------------------
    def build(self) -> None:
        with gr.Tab(L_("Train"), id="train"):
            with gr.Row():
                with gr.Column(scale=1, min_width=320):
                    self._build_controls()
                with gr.Column(scale=2):
                    self._build_pictures()
            with gr.Row():  # the whole width: a legend is one row, and a loss switch adds entries to it
                self.losses = curve_plot(L_("Losses of D and G (colour = loss in force)"), plots.LOSS_COLORS,
                                         elem_id="losses")
                self.d_outputs = curve_plot(L_("D(real), D(fake), Wasserstein estimate"), plots.D_OUTPUT_COLORS,
                                            elem_id="d-outputs")
            self.losses_text = gr.Markdown("", elem_id="losses-summary")  # the curves in words (alt_text.py)
            self.timer = gr.Timer(1.0, active=False)
            self.seen = gr.State(None)  # the poll's state: the version shown, the plot settings sent
            self.timeline.build()
            self._wire()  # inside the tab: its API endpoints too

    def _build_controls(self) -> None:
        self.form.build_top()
        self.draw.build_canvas(self.form.drawing)
        with gr.Row(elem_id="train-buttons"):
            self.start = gr.Button(L_("Start"), variant="primary", elem_id="start")
            self.pause = gr.Button(L_("Pause"), elem_id="pause")
            self.step = gr.Button(L_("Step"), elem_id="step")
            self.stop = gr.Button(L_("Stop"), variant="stop", elem_id="stop")
            self.reset = gr.Button(L_("Reset"), elem_id="reset")
        self.slow_motion.build()
        self.restore = gr.Button(L_("Restore last good weights"), visible=False, variant="primary")
        self.handin.build_train_buttons()
        self.form.build_settings()

    def _build_pictures(self) -> None:
        self.status = gr.Markdown(L_(READY), elem_classes="gp-status", elem_id="status")
        self.narrator = gr.Markdown("", elem_classes="gp-narrator", elem_id="narrator")
        with gr.Row():
            self.samples = AtomicImage(label=L_("Samples from fixed noise"), format="png", type="numpy",
                                       interactive=False, height=SAMPLES_HEIGHT, elem_id="samples",
                                       elem_classes="gp-pixels")
            self.samples_text = description_box("samples-text")
            with gr.Column():
                self.meter = gr.Markdown("", elem_classes="gp-meter", elem_id="meter")
                self.histogram = histogram_plot(elem_id="histogram")
                self.digits.build()
                self.digit_map = map_image(elem_id="digit-map")
                self.coverage = coverage_plot(elem_id="coverage")
        self.draw.build_views()
        self.slow_motion.build_overview()

    @property
    def advanced(self) -> list[Any]:
        """The controls the class view (?simple=1) hides."""
        return [self.form.settings, self.step, self.reset, *self.slow_motion.controls]

    def _wire(self) -> None:
        s, values = self.session, self.form.values
        self.form.wire()
        self.draw.wire(s, self.form.preset, self.form.dataset, self.form.latent)
        self.start.click(self.on_start, inputs=[s, *values], outputs=[self.status, self.timer], api_name="start")
        self.pause.click(self.on_toggle_pause, inputs=[s], outputs=[self.status, self.pause], api_name="toggle_pause")
        gr.api(self.pause_run, api_name="pause")
        gr.api(self.resume_run, api_name="resume")
        self.stop.click(self.on_stop, inputs=[s], outputs=[self.status], api_name="stop")
        self.reset.click(self.on_reset, inputs=[s], outputs=self._reset_outputs, api_name="reset")
        self.restore.click(self.on_restore, inputs=[s], outputs=[self.status], api_name="restore")
        self.form.loss.input(self.on_switch_loss, inputs=[s, self.form.loss], outputs=[self.status],
                             api_name="switch_loss")
        self.timer.tick(self.on_poll, inputs=[s, self.seen], outputs=self._poll_outputs, api_name="poll", **LIVE)
        self.slow_motion.wire()
        self.digits.wire(s, self.histogram)
        self.handin.wire_train_buttons(s)
        self.timeline.wire(clear_on=[self.start, self.reset])

    @property
    def _poll_outputs(self) -> list[Any]:
        # The order of /poll's outputs for API clients (docs/api.md): keep it.
        return [self.samples, self.losses, self.d_outputs, self.histogram, self.meter, self.coverage, self.status,
                self.pause, self.restore, self.narrator, self.timer, self.seen, self.draw.caption, self.digit_map,
                self.losses_text, self.samples_text]

    @property
    def _reset_outputs(self) -> list[Any]:
        return [self.samples, self.losses, self.d_outputs, self.histogram, self.meter, self.coverage, self.status,
                self.pause, self.narrator, self.timer, self.seen, self.digit_map, self.losses_text]

    def preset_values(self, preset: str) -> dict[Any, Any]:
        """The form filled with a preset (as its menu does), and its drawing on the canvas when it has one."""
        out = self.form.on_preset(preset)
        if out.get(self.form.drawing):
            out[self.draw.canvas] = canvas_value(out[self.form.drawing])
        return out

    def drawing_values(self, code: str) -> dict[Any, Any]:
        """The form and canvas set to train on a drawing (a link's or the teacher's), for a handler's outputs."""
        return {self.form.dataset: "drawn", self.form.drawing: code, self.draw.canvas: canvas_value(code)}

    # --- handlers --------------------------------------------------------------------------------
    def start_run(self, token: Any, *form: Any) -> Run:
        """Start training the form's settings in this session (replacing its previous run)."""
        session = self.pg.session(token)
        config = self.pg.classes.class_config(session.token, config_from_form(*form, threads=self.pg.threads_per_run))
        trainer = self.pg.new_trainer(config)
        trainer.limit_speed(session.steps_per_second)
        run = self.pg.start(session, trainer, preset=str(form[0]))
        session.config = config
        return run

    def on_start(self, token: Any, preset: Any, dataset: Any, loss: Any, arch: Any, lr_d: Any, lr_g: Any,
                 batch_size: Any, latent_dim: Any, critic_steps: Any, seed: Any, budget: Any,
                 drawing: Any = "") -> dict[Any, Any]:
        """Start: train the form's settings (API clients name them as here; `drawing` only for drawn data)."""
        run = self.start_run(token, preset, dataset, loss, arch, lr_d, lr_g, batch_size, latent_dim, critic_steps,
                             seed, budget, drawing)
        return {self.status: self.pg.status_of(run), self.timer: gr.Timer(active=True)}

    def pause_run(self, token: Any) -> tuple[str, str]:
        """Pause before the next step: (status, the pause button's new label)."""
        run = self.pg.run(token)
        run.trainer.pause()
        return self.pg.status_of(run, note=_("Pausing after this step.")), _("Resume")

    def resume_run(self, token: Any) -> tuple[str, str]:
        """Resume a paused run: (status, the pause button's new label)."""
        run = self.pg.run(token)
        run.trainer.resume()
        return self.pg.status_of(run, note=_("Resumed.")), _("Pause")

    def on_toggle_pause(self, token: Any) -> dict[Any, Any]:
        status, label = (self.resume_run if self.pg.run(token).trainer.paused else self.pause_run)(token)
        return {self.status: status, self.pause: label}

    def on_stop(self, token: Any) -> dict[Any, Any]:
        run = self.pg.run(token)
        run.stop()
        run.join(timeout=5)
        return {self.status: self.pg.status_of(run, note=_("Stopped. Your model is in the Explore tab."))}

    def on_reset(self, token: Any) -> dict[Any, Any]:
        """Forget the run: clear the pictures and curves (the poll's state too, so the next run's plots get their
        settings afresh)."""
        session = self.pg.session(token)
        if session.run is not None:
            session.run.stop()
            session.run = None
        return {self.samples: None, self.losses: None, self.losses_text: "", self.d_outputs: None,
                self.histogram: gr.update(value=plots.histogram(None), **histogram_settings()), self.meter: "",
                self.coverage: None, self.status: _("Ready. Pick a preset and press Start."), self.pause: _("Pause"),
                self.narrator: "", self.digit_map: None,
                self.timer: gr.Timer(active=False), self.seen: None}

    def on_restore(self, token: Any) -> dict[Any, Any]:
        run = self.pg.run(token)
        step = run.trainer.restore_last_good()
        run.refresh()
        note = _("Restored the weights of step {step}. Lower a learning rate, then Resume.").format(step=number(step))
        return {self.status: self.pg.status_of(run, note=note)}

    def on_switch_loss(self, token: Any, loss: Any) -> dict[Any, Any]:
        """The loss switch: takes effect at the next step of a live run, networks kept."""
        try:
            loss_id = key_of(LOSS_LABELS, loss, "loss")
        except ValueError as exc:
            raise error(exc) from None
        run = self.pg.session(token).run
        if run is None or not run.alive:
            return {self.status: _("Loss set to **{loss}** for the next run.").format(loss=_(LOSS_LABELS[loss_id]))}
        try:
            run.trainer.switch_loss(loss_id)
        except ConfigError as exc:
            raise error(exc) from None
        note = _("Switched to {loss} at step {step}; networks kept, optimisers rebuilt.").format(
            loss=_(LOSS_LABELS[loss_id]), step=number(run.trainer.step_count))
        return {self.status: self.pg.status_of(run, note=note)}

    def on_poll(self, token: Any, seen: Any) -> dict[Any, Any]:
        """The tab's timer: new pictures, curves and meter when the run moved on; the status always."""
        run = self.pg.session(token).run
        if run is None:
            return {self.timer: gr.Timer(active=False)}
        return self.poll_run(run, seen)

    def poll_run(self, run: Run, seen: Any) -> dict[Any, Any]:
        """What a poll sends for a run, given the poll's state `seen` (what this page shows already)."""
        (last_version,), (sent,) = poll_state(seen, 1)
        version = run.version
        out: dict[Any, Any] = {self.status: self.pg.status_of(run), self.timer: gr.Timer(active=run.state != "ended")}
        snap = run.latest
        if last_version == version or snap is None:
            return out
        history, config = list(run.trainer.history), run.trainer.config
        meter, frame = read_meter(snap, config, history)
        coverage = plots.coverage_curve(history, mode_words(config)[1])
        out.update({
            self.samples: self.pg.picture(snap, config),
            self.samples_text: samples_alt(snap, config),
            self.losses: plot_update(plots.loss_curves(history), "losses", sent),
            self.losses_text: losses_summary(history),
            self.d_outputs: plot_update(plots.d_output_curves(history), "d_outputs", sent),
            self.histogram: plot_update(frame, "histogram", sent, **histogram_settings(config)),
            self.meter: meter,
            self.coverage: plot_update(coverage, "coverage", sent, **coverage_settings(config)),
            self.pause: _("Resume") if run.trainer.paused or snap.status == "diverged" else _("Pause"),
            self.restore: gr.update(visible=snap.status == "diverged"),
            self.narrator: narrator_line(history, snap.status),
            self.digit_map: map_update(snap, config, sent),
            self.seen: {"versions": [version], "sent": [sent]},
        })
        if not config.is_image:
            out[self.draw.caption] = snapshot_caption(snap, config)
        return out
