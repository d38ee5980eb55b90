"""The timeline on the page: a slider back through the Train tab's run, **Download GIF** of that run, and the
Duel tab's side-by-side GIF. Components, their events and handlers; the frames and GIFs come from each run's
`Recording` (recording.py).

GIFs are written to the app's own temporary folder (GIF_FOLDER), never to a path a user chose; files older
than GIF_MAX_AGE are deleted as new ones are made.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import numpy as np

from ...export.recording import Recording, duel_gif_bytes, gif_bytes
from ..widgets.components import AtomicImage
from ..widgets.inputs import error, number
from ..widgets.labels import LOSS_SHORT

if TYPE_CHECKING:
    from ..server.playground import Playground

GIF_FOLDER = Path(tempfile.gettempdir()) / "ganplayground-gifs"
GIF_MAX_AGE = 900.0  # seconds; Gradio serves its own copy of each file from its cache
SLIDER_HELP = ("Drag to look back: 0 is the run's first moment, 100 the latest. Up to 200 moments are kept, "
               "spread evenly over the run.")
# A click on "Download GIF" fills the file box, then this clicks the box's link so the download starts at once.
AUTO_DOWNLOAD = """(...args) => { setTimeout(() => {
    const link = document.querySelector("#ELEM a[download], #ELEM a[href*='file=']");
    if (link) link.click(); }, 300); return args; }"""


class TimelineHandlers:
    """Handlers of the timeline's events, over a Playground's sessions."""

    def __init__(self, playground: Playground) -> None:
        self.pg = playground

    def on_frame(self, token: Any, position: Any) -> tuple[np.ndarray, str]:
        """The Train tab's run at `position` % of its recorded timeline: (picture, caption)."""
        position = number(position, "position in the run (%)", 0, 100)
        recording = self.pg._run(token).recording
        try:
            index, moment = recording.at(position / 100)
        except ValueError as exc:
            raise error(exc) from None
        count = len(recording)
        loss = LOSS_SHORT.get(moment.loss, moment.loss)
        losses = (f"{loss}: D {moment.loss_d:.3g}, G {moment.loss_g:.3g}" if moment.loss_d is not None
                  and moment.loss_g is not None else f"{loss}: no step yet")
        caption = (f"**Moment {index + 1} of {count}** · step {moment.step:,} · {moment.elapsed:.0f} s of training · "
                   f"{losses} · meter: **{moment.meter or 'not read yet'}**")
        return recording.picture(moment), caption

    def on_gif(self, token: Any) -> str:
        """The Train tab's run as an animated GIF: a file in GIF_FOLDER."""
        recording = self.pg._run(token).recording
        data = _gif(gif_bytes, recording)
        return _write_gif(data, f"gan-run-step-{recording.frames()[-1].step}")

    def on_duel_gif(self, token: Any) -> str:
        """The duel's two runs side by side, paired by time, as one GIF."""
        session = self.pg._session(token)
        if len(session.duel) < 2:
            raise gr.Error("No duel yet: press Start duel first.", print_exception=False)
        left, right = (run.recording for run in session.duel)
        return _write_gif(_gif(duel_gif_bytes, left, right), "gan-duel")

    @staticmethod
    def on_clear() -> tuple[None, str, None]:
        """A new or reset run: the timeline shows nothing until the slider moves."""
        return None, "", None


def _gif(make: Any, *recordings: Recording) -> bytes:
    try:
        return make(*recordings, loss_names=LOSS_SHORT)
    except ValueError as exc:  # nothing recorded yet
        raise error(exc) from None


def _write_gif(data: bytes, name: str) -> str:
    """Write a GIF as GIF_FOLDER/<random>/<name>.gif (a clean name for the download); delete old ones."""
    GIF_FOLDER.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in GIF_FOLDER.glob("*/*.gif"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > GIF_MAX_AGE:
                old.unlink()
                old.parent.rmdir()
    path = Path(tempfile.mkdtemp(dir=GIF_FOLDER)) / f"{name}.gif"
    path.write_bytes(data)
    return str(path)


def add_train_timeline(pg: Playground, session: gr.Textbox, clear_on: list[gr.Button]) -> None:
    """The Train tab's timeline, placed where this is called inside the page; `clear_on`: buttons that start
    or forget a run (the shown moment belongs to the old one)."""
    handlers = TimelineHandlers(pg)
    title = "Timeline: look back through the run, download it as a GIF"
    with gr.Accordion(title, open=True, elem_id="timeline"), gr.Row():
        with gr.Column(scale=1, min_width=320):
            position = gr.Slider(0, 100, value=100, step=0.5, label="Position in the run (%)", info=SLIDER_HELP,
                                 elem_id="timeline-position")
            caption = gr.Markdown("", elem_id="timeline-caption")
            gif_button = gr.Button("Download GIF", elem_id="timeline-gif-button")
            gif_file = gr.File(label="The run as a GIF (step, losses and meter burned in)", interactive=False,
                               height=90, elem_id="timeline-gif")
        picture = AtomicImage(label="The samples at that moment", format="png", type="numpy", interactive=False,
                              height=360, elem_id="timeline-picture", elem_classes="gp-pixels")
    position.input(handlers.on_frame, inputs=[session, position], outputs=[picture, caption],
                   trigger_mode="always_last", show_progress="hidden", concurrency_limit=None,
                   api_name="timeline_frame")
    gif_button.click(handlers.on_gif, inputs=[session], outputs=[gif_file], api_name="timeline_gif").then(
        None, js=AUTO_DOWNLOAD.replace("ELEM", "timeline-gif"))
    for button in clear_on:
        button.click(handlers.on_clear, outputs=[picture, caption, gif_file], api_visibility="private")


def add_duel_gif(pg: Playground, session: gr.Textbox) -> None:
    """The Duel tab's side-by-side GIF button, placed where this is called."""
    handlers = TimelineHandlers(pg)
    with gr.Row():
        button = gr.Button("Download duel GIF (side by side)", elem_id="duel-gif-button")
        file = gr.File(label="The duel as a GIF", interactive=False, height=90, elem_id="duel-gif")
    button.click(handlers.on_duel_gif, inputs=[session], outputs=[file], api_name="duel_gif").then(
        None, js=AUTO_DOWNLOAD.replace("ELEM", "duel-gif"))
