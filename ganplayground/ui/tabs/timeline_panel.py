"""The timeline on the page: a slider back through the Train tab's run and **Download GIF** of that run (a panel of
the Train tab), and the Duel tab's side-by-side GIF button. The frames and GIFs come from each run's `Recording`
(export/recording.py); the files go to the server's downloads folder (server/downloads.py), never to a path a user
chose.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np

from ...export.recording import Recording, duel_gif_bytes, gif_bytes
from ...i18n import N_, _, decimal
from ...i18n import number as count
from ..server.playground import Playground
from ..widgets.components import AtomicImage
from ..widgets.inputs import error, number
from ..widgets.labels import LOSS_SHORT
from ..widgets.translate import L_

SLIDER_HELP = N_("Drag to look back: 0 is the run's first moment, 100 the latest. Up to 200 moments are kept, "
                 "spread evenly over the run.")
# A click on "Download GIF" fills the file box, then this clicks the box's link so the download starts at once.
AUTO_DOWNLOAD = """(...args) => { setTimeout(() => {
    const link = document.querySelector("#ELEM a[download], #ELEM a[href*='file=']");
    if (link) link.click(); }, 300); return args; }"""


def gif_of(make: Any, *recordings: Recording) -> bytes:
    """A GIF from recordings (gr.Error while nothing is recorded yet)."""
    try:
        return make(*recordings, loss_names=LOSS_SHORT)
    except ValueError as exc:
        raise error(exc) from None


class TimelinePanel:
    """The Train tab's timeline: position slider, the moment's picture and caption, Download GIF."""

    def __init__(self, pg: Playground, session: gr.Textbox) -> None:
        self.pg = pg
        self.session = session

    def build(self) -> None:
        title = L_("Timeline: look back through the run, download it as a GIF")
        with gr.Accordion(title, open=True, elem_id="timeline"), gr.Row():
            with gr.Column(scale=1, min_width=320):
                self.position = gr.Slider(0, 100, value=100, step=0.5, label=L_("Position in the run (%)"),
                                          info=L_(SLIDER_HELP), elem_id="timeline-position")
                self.caption = gr.Markdown("", elem_id="timeline-caption")
                self.gif_button = gr.Button(L_("Download GIF"), elem_id="timeline-gif-button")
                self.gif_file = gr.File(label=L_("The run as a GIF (step, losses and meter burned in)"),
                                        interactive=False, height=90, elem_id="timeline-gif")
            self.picture = AtomicImage(label=L_("The samples at that moment"), format="png", type="numpy",
                                       interactive=False, height=360, elem_id="timeline-picture",
                                       elem_classes="gp-pixels")

    def wire(self, clear_on: list[gr.Button]) -> None:
        """The events; `clear_on`: buttons that start or forget a run (the shown moment belongs to the old one)."""
        self.position.input(self.on_frame, inputs=[self.session, self.position], outputs=[self.picture, self.caption],
                            trigger_mode="always_last", show_progress="hidden", concurrency_limit=None,
                            api_name="timeline_frame")
        self.gif_button.click(self.on_gif, inputs=[self.session], outputs=[self.gif_file],
                              api_name="timeline_gif").then(None, js=AUTO_DOWNLOAD.replace("ELEM", "timeline-gif"))
        for button in clear_on:
            button.click(self.on_clear, outputs=[self.picture, self.caption, self.gif_file], api_visibility="private")

    # --- handlers --------------------------------------------------------------------------------
    def frame(self, token: Any, position: Any) -> tuple[np.ndarray, str]:
        """The Train tab's run at `position` % of its recorded timeline: (picture, caption)."""
        position = number(position, _("position in the run (%)"), 0, 100)
        recording = self.pg.run(token).recording
        try:
            index, moment = recording.at(position / 100)
        except ValueError as exc:
            raise error(exc) from None
        loss = LOSS_SHORT.get(moment.loss, moment.loss)
        if moment.loss_d is not None and moment.loss_g is not None:
            losses = _("{loss}: D {loss_d}, G {loss_g}").format(loss=loss, loss_d=f"{moment.loss_d:.3g}",
                                                                 loss_g=f"{moment.loss_g:.3g}")
        else:
            losses = _("{loss}: no step yet").format(loss=loss)
        caption = _("**Moment {moment} of {moments}** · step {step} · {seconds} s of training · {losses} · meter: "
                    "**{meter}**").format(moment=count(index + 1), moments=count(len(recording)),
                                          step=count(moment.step), seconds=decimal(moment.elapsed, 0), losses=losses,
                                          meter=moment.meter or _("not read yet"))
        return recording.picture(moment), caption

    def on_frame(self, token: Any, position: Any) -> dict[Any, Any]:
        picture, caption = self.frame(token, position)
        return {self.picture: picture, self.caption: caption}

    def on_gif(self, token: Any) -> dict[Any, Any]:
        """The Train tab's run as an animated GIF file."""
        recording = self.pg.run(token).recording
        data = gif_of(gif_bytes, recording)
        return {self.gif_file: self.pg.downloads.write(f"gan-run-step-{recording.frames()[-1].step}.gif", data)}

    def on_clear(self) -> dict[Any, Any]:
        """A new or reset run: the timeline shows nothing until the slider moves."""
        return {self.picture: None, self.caption: "", self.gif_file: None}


class DuelGif:
    """The Duel tab's side-by-side GIF button and its file."""

    def __init__(self, pg: Playground, session: gr.Textbox) -> None:
        self.pg = pg
        self.session = session

    def build(self) -> None:
        with gr.Row():
            self.button = gr.Button(L_("Download duel GIF (side by side)"), elem_id="duel-gif-button")
            self.file = gr.File(label=L_("The duel as a GIF"), interactive=False, height=90, elem_id="duel-gif")

    def wire(self) -> None:
        self.button.click(self.on_duel_gif, inputs=[self.session], outputs=[self.file], api_name="duel_gif").then(
            None, js=AUTO_DOWNLOAD.replace("ELEM", "duel-gif"))

    def on_duel_gif(self, token: Any) -> dict[Any, Any]:
        """The duel's two runs side by side, paired by time, as one GIF file."""
        session = self.pg.session(token)
        if len(session.duel) < 2:
            raise gr.Error(_("No duel yet: press Start duel first."), print_exception=False)
        left, right = (run.recording for run in session.duel)
        return {self.file: self.pg.downloads.write("gan-duel.gif", gif_of(duel_gif_bytes, left, right))}
