"""The Class tab's big screen: one run of the class enlarged for the projector, with its latest samples, the
meter's history (digits covered over time) and, while this server still holds the run, its loss curves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr
import pandas as pd

from ...classroom.classes import RunRecord
from ...export.palette import OKABE_ITO
from ...i18n import _
from ..server.playground import Playground
from ..widgets import plots, wall
from ..widgets.charts import curve_plot
from ..widgets.class_pictures import png_array
from ..widgets.components import NamedImage
from ..widgets.translate import L_

METER_COLORS = {"digits covered": OKABE_ITO["blue"]}


class BigScreen:
    """One run enlarged; `records(memory, code)` gives the teacher's runs of a class (with the key checked)."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg

    def build_button(self) -> None:
        self.big = gr.Button(L_("Show on the big screen"), scale=0, elem_id="class-big")

    def build(self) -> None:
        with gr.Group(visible=False) as self.panel:
            self.caption = gr.Markdown("")
            with gr.Row():
                self.picture = NamedImage(label=L_("Latest samples"), interactive=False, height=420, buttons=[],
                                        elem_classes="gp-pixels", elem_id="class-big-picture")
                with gr.Column():
                    self.meter = curve_plot(L_("Digits covered over time"), METER_COLORS, y_lim=[0, 10])
                    self.losses = curve_plot(L_("Losses (while this server holds the run)"), plots.LOSS_COLORS)

    def wire(self, inputs: list[Any], records: Callable[[Any, Any], list[RunRecord]]) -> None:
        self._records = records
        self.big.click(self.on_big, inputs=inputs, outputs=[self.panel, self.caption, self.picture, self.meter,
                                                            self.losses], api_visibility="private")

    def on_big(self, memory: Any, code: Any, run_id: Any) -> dict[Any, Any]:
        """One run enlarged: its picture, the meter's history, its loss curves while the server holds the run."""
        records = {r.id: r for r in self._records(memory, code)}
        record = records.get(run_id) if isinstance(run_id, str) else None
        if record is None:
            raise gr.Error(_("Choose a run first."), print_exception=False)
        run = self.pg.classes.live(record.id)
        if run is not None and run.latest is not None:
            picture = self.pg.picture(run.latest, run.trainer.config)
        else:
            picture = png_array(record.thumbnail) if record.thumbnail else None
        meter = pd.DataFrame({"step": [p.step for p in record.meter], "value": [p.digits_covered for p in record.meter],
                              "series": ["digits covered"] * len(record.meter)})
        losses = plots.loss_curves(list(run.trainer.history)) if run is not None else None
        caption = f"### {wall.escape_md(wall.run_title(record))}\n\n{wall.escape_md(wall.outcome_words(record))}"
        return {self.panel: gr.update(visible=True), self.caption: caption, self.picture: picture,
                self.meter: meter, self.losses: losses}
