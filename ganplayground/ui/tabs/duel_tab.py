"""The Duel tab: two runs side by side with the same networks, seed and fixed noise; only the losses differ. One
poll feeds both sides; the side-by-side GIF is timeline_panel.DuelGif.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...config import TOY_DATASETS, ConfigError
from ...i18n import N_, _
from ...presets import PRESETS, get_preset
from ..server.playground import Playground
from ..server.runs import Run
from ..widgets import plots
from ..widgets.alt_text import description_box, samples_alt
from ..widgets.charts import coverage_plot, curve_plot, histogram_plot, plot_update, poll_state
from ..widgets.components import AtomicImage
from ..widgets.inputs import error, number
from ..widgets.labels import DUEL_INTRO, LOSS_LABELS, key_of, loss_choices
from ..widgets.map_view import map_image, map_update
from ..widgets.meter import coverage_settings, histogram_settings, mode_words, read_meter
from ..widgets.status import narrator_line
from ..widgets.translate import L_
from .timeline_panel import DuelGif
from .train_form import MAX_BUDGET_SECONDS, TrainForm, checked_drawing

BUDGET_SECONDS = 90  # the default duel: long enough for the JS side to collapse (about a minute and a half)
LOSSES = ("js", "wgan-gp")  # left, right
SIDES = ("left", "right")
LIVE = {"show_progress": "hidden", "concurrency_limit": None}
SAMPLES_LABELS = {"left": N_("Samples (left)"), "right": N_("Samples (right)")}


def duel_presets() -> list[str]:
    """The networks a duel can use: the MNIST presets, the collapse one first, then the 2-D toys' (`draw` trains on
    the Train tab's drawing)."""
    names = [name for name, preset in PRESETS.items() if preset.config.dataset in ("mnist", *TOY_DATASETS)]
    return sorted(names, key=lambda name: (PRESETS[name].config.dataset != "mnist", name != "collapse"))


@dataclass
class Side:
    """One side's components, in the order /duel_poll returns them (docs/api.md)."""

    samples: AtomicImage
    losses: gr.LinePlot
    histogram: gr.BarPlot
    meter: gr.Markdown
    coverage: gr.LinePlot
    narrator: gr.Markdown
    status: gr.Markdown

    @property
    def outputs(self) -> list[Any]:
        return [self.samples, self.losses, self.histogram, self.meter, self.coverage, self.narrator, self.status]


class DuelTab:
    """The Duel tab over a Playground; `session` is the page's hidden session box."""

    def __init__(self, pg: Playground, session: gr.Textbox, train_form: TrainForm) -> None:
        self.pg = pg
        self.session = session
        self.train_form = train_form  # its drawing: what a duel of the `draw` networks trains on
        self.gif = DuelGif(pg, session)

    def build(self) -> None:
        with gr.Tab(L_("Duel"), id="duel"):
            gr.Markdown(L_(DUEL_INTRO))
            presets = duel_presets()
            with gr.Row():
                self.preset = gr.Dropdown(choices=[(p, p) for p in presets], value=presets[0],
                                          label=L_("Networks (preset)"))
                losses = [(L_(label), key) for label, key in loss_choices()]
                self.loss_left = gr.Radio(choices=losses, value=LOSSES[0], label=L_("Left loss"))
                self.loss_right = gr.Radio(choices=losses, value=LOSSES[1], label=L_("Right loss"))
            with gr.Row():
                self.seed = gr.Number(value=0, precision=0, label=L_("Seed"), minimum=0)
                self.budget = gr.Slider(10, 900, value=BUDGET_SECONDS, step=10, label=L_("Time budget (seconds)"),
                                        elem_id="duel-budget")
                self.start = gr.Button(L_("Start duel"), variant="primary", elem_id="duel-start")
                self.stop = gr.Button(L_("Stop duel"), variant="stop", elem_id="duel-stop")
            with gr.Row():
                built = [self._build_side(side) for side in SIDES]
            self.sides = [side for side, _map, _text in built]
            self.maps = [digit_map for _side, digit_map, _text in built]  # after both sides in /duel_poll: its order
            self.descriptions = [text for _side, _map, text in built]  # stays (the grids' words come last)
            self.timer = gr.Timer(1.0, active=False)
            self.seen = gr.State(None)
            self.gif.build()
            self._wire()  # inside the tab: its API endpoints too

    @staticmethod
    def _build_side(side: str) -> tuple[Side, Any, Any]:
        with gr.Column():
            status = gr.Markdown("", elem_classes="gp-status", elem_id=f"duel-status-{side}")
            narrator = gr.Markdown("", elem_classes="gp-narrator", elem_id=f"duel-narrator-{side}")
            samples = AtomicImage(label=L_(SAMPLES_LABELS[side]), format="png", type="numpy", interactive=False,
                                  height=360, elem_classes="gp-pixels")
            description = description_box(f"duel-samples-text-{side}")
            meter = gr.Markdown("", elem_classes="gp-meter", elem_id=f"duel-meter-{side}")
            histogram = histogram_plot(elem_id=f"duel-histogram-{side}")
            digit_map = map_image(elem_id=f"duel-map-{side}")
            coverage = coverage_plot(elem_id=f"duel-coverage-{side}")
            losses = curve_plot(L_("Losses"), plots.LOSS_COLORS, elem_id=f"duel-losses-{side}")
        return Side(samples, losses, histogram, meter, coverage, narrator, status), digit_map, description

    @property
    def form(self) -> list[Any]:
        """The duel's settings, in /duel_start's input order (after the session)."""
        return [self.preset, self.loss_left, self.loss_right, self.seed, self.budget]

    @property
    def statuses(self) -> list[Any]:
        return [side.status for side in self.sides]

    def _wire(self) -> None:
        s = self.session
        self.start.click(self.on_start, inputs=[s, *self.form, self.train_form.drawing],
                         outputs=[*self.statuses, self.timer],
                         api_name="duel_start")
        self.stop.click(self.on_stop, inputs=[s], outputs=self.statuses, api_name="duel_stop")
        outputs = [*self.sides[0].outputs, *self.sides[1].outputs, self.timer, self.seen, *self.maps,
                   *self.descriptions]
        self.timer.tick(self.on_poll, inputs=[s, self.seen], outputs=outputs, api_name="duel_poll", **LIVE)
        self.gif.wire()

    # --- handlers --------------------------------------------------------------------------------
    def start_duel(self, token: Any, preset: Any, loss_left: Any, loss_right: Any, seed: Any,
                   budget: Any, drawing: Any = "") -> list[Run]:
        """Two runs, same networks, seed and fixed noise; only the losses differ. The `draw` networks train on
        `drawing` (the Train tab's canvas) when there is one, else on the preset's own drawing."""
        session = self.pg.session(token)
        try:
            base = get_preset(preset).config
            losses = [key_of(LOSS_LABELS, loss, "loss") for loss in (loss_left, loss_right)]
        except (ConfigError, ValueError) as exc:
            raise error(exc) from None
        place = {"seed": number(seed, "seed", 0, 2**31 - 1, integer=True),
                 "max_seconds": number(budget, "time budget (s)", 5, MAX_BUDGET_SECONDS), "max_steps": 0,
                 "device": "auto", "threads": self.pg.threads_per_run, "metrics_every": 0}
        if base.dataset == "drawn" and isinstance(drawing, str) and drawing.strip():
            place["drawing"] = checked_drawing(drawing)
        try:
            configs = [(base.with_loss(loss) if loss != base.loss else base).replace(**place) for loss in losses]
        except ConfigError as exc:
            raise error(exc) from None
        trainers = [self.pg.new_trainer(self.pg.classes.class_config(session.token, c)) for c in configs]
        return [self.pg.start(session, trainer, side=side, preset=str(preset)) for side, trainer in enumerate(trainers)]

    def on_start(self, token: Any, preset: Any, loss_left: Any, loss_right: Any, seed: Any,
                 budget: Any, drawing: Any = "") -> dict[Any, Any]:
        runs = self.start_duel(token, preset, loss_left, loss_right, seed, budget, drawing)
        return {**{side.status: self.pg.status_of(run) for side, run in zip(self.sides, runs, strict=True)},
                self.timer: gr.Timer(active=True)}

    def on_stop(self, token: Any) -> dict[Any, Any]:
        session = self.pg.session(token)
        if not session.duel:
            raise gr.Error(_("No duel yet: press Start duel first."), print_exception=False)
        for run in session.duel:
            run.stop()
        for run in session.duel:
            run.join(timeout=5)
        return {side.status: self.pg.status_of(run) for side, run in zip(self.sides, session.duel, strict=True)}

    def on_poll(self, token: Any, seen: Any) -> dict[Any, Any]:
        """The tab's timer: each side's pictures, curves and meter when its run moved on; statuses always."""
        session = self.pg.session(token)
        if len(session.duel) < 2:
            return {self.timer: gr.Timer(active=False)}
        last_versions, sent = poll_state(seen, 2)
        out: dict[Any, Any] = {}
        versions = [run.version for run in session.duel]  # before reading the snapshots: never skip a newer one
        for i, (side, run, version, last, side_sent) in enumerate(zip(self.sides, session.duel, versions,
                                                                      last_versions, sent, strict=True)):
            out[side.status] = self.pg.status_of(run)
            if run.latest is not None and version != last:
                out.update(self._side_update(side, run, side_sent))
                out[self.maps[i]] = map_update(run.latest, run.trainer.config, side_sent)
                out[self.descriptions[i]] = samples_alt(run.latest, run.trainer.config)
        live = any(run.state != "ended" for run in session.duel)
        return {**out, self.timer: gr.Timer(active=live), self.seen: {"versions": versions, "sent": sent}}

    def _side_update(self, side: Side, run: Run, sent: dict[str, str]) -> dict[Any, Any]:
        snap, config, history = run.latest, run.trainer.config, list(run.trainer.history)
        meter, frame = read_meter(snap, config, history)
        coverage = plots.coverage_curve(history, mode_words(config)[1])
        return {side.samples: self.pg.picture(snap, config),
                side.losses: plot_update(plots.loss_curves(history), "losses", sent),
                side.histogram: plot_update(frame, "histogram", sent, **histogram_settings(config)),
                side.meter: meter,
                side.coverage: plot_update(coverage, "coverage", sent, **coverage_settings(config)),
                side.narrator: narrator_line(history, snap.status)}
