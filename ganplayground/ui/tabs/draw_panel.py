"""The Train tab's own-data and toy-view controls: the "Draw your own" canvas (its strokes become the drawing's code
in the form, train/drawings.py), and the two views of a 2-D toy run, the generator's warped grid and the arrows of
its loss's gradient (train/toy_views.py), switched per session and drawn on the toy plot.

Not the drawing's maths (train/drawings.py) nor the views' (train/toy_views.py): this only wires them to the page.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np

from ...config import TOY_DATASETS, Config
from ...i18n import N_, _, ngettext, number
from ...presets import PRESETS
from ...train.drawings import DrawingError, decode_drawing, drawing_from_image, drawing_from_points, drawing_image
from ...train.snapshots import Snapshot
from ...train.toy_views import ARROW_MAX, ARROW_POINTS, arrow_scale
from ...train.toys import toy_for
from ..server.playground import Playground
from ..widgets.inputs import error
from ..widgets.labels import DATASET_LABELS, key_of
from ..widgets.translate import L_

CANVAS_PIXELS = 320
DRAW_HELP = N_("Draw the data the generator should learn: lines, letters, a heart. Points are sampled along your "
               "strokes. Then press **Start**.")


def canvas_value(code: str) -> dict[str, Any]:
    """A drawing as the canvas shows it: its picture as the background, no strokes on top."""
    image = np.repeat(drawing_image(code, CANVAS_PIXELS)[:, :, None], 3, axis=2)
    rgba = np.concatenate([image, np.full((*image.shape[:2], 1), 255, np.uint8)], axis=2)
    return {"background": rgba, "layers": [], "composite": rgba}


def drawing_words(code: str) -> str:
    """How much a drawing holds, for the line under the canvas."""
    points = len(decode_drawing(code).points)
    return _("Your drawing: {points} points along the strokes. Press **Start** to train on it.").format(
        points=number(points))


def dataset_id(dataset: Any) -> str:
    """The form's dataset (a label or an id) as an id; "" for anything else."""
    try:
        return key_of(DATASET_LABELS, dataset, "dataset")
    except ValueError:
        return ""


def views_caption(warp: bool, arrows: bool, latent_dim: int, extent: float,
                  pushes: np.ndarray | None = None) -> str:
    """What the plot's extra lines mean, for the views switched on (`pushes`: the arrows drawn, for their median)."""
    lines = []
    if warp and latent_dim == 2:
        lines.append(_("**Grid:** where G sends a regular grid of its noise over z₁ and z₂ (each line is one row of "
                       "noise values; the bends are G's transformation)."))
    elif warp:
        lines.append(_("**Grid:** where G sends a regular grid of its noise over the 2 of {latent} noise directions "
                       "that move the points most (each line is one row of noise values; the bends are G's "
                       "transformation).").format(latent=number(latent_dim)))
    if arrows:
        lines.append(arrows_words(extent, pushes))
    return "\n\n".join(lines)


def arrows_words(extent: float, pushes: np.ndarray | None = None) -> str:
    """The arrows' scale in words on a plot of [-extent, extent]^2, with the median push of `pushes` (N, 2, 2)."""
    longest = ARROW_MAX * extent
    values = {"points": number(ARROW_POINTS), "scale": f"{arrow_scale(extent):.2g}", "longest": f"{longest:.2g}"}
    many = 1 if longest == 1 else 2
    if pushes is None or not len(pushes):
        return ngettext("**Arrows:** where the generator's loss pushes each of {points} red points (−∇ₓ of its "
                        "loss), drawn at {scale} × the gradient; longest clipped to {longest} unit.",
                        "**Arrows:** where the generator's loss pushes each of {points} red points (−∇ₓ of its "
                        "loss), drawn at {scale} × the gradient; longest clipped to {longest} units.",
                        many).format(**values)
    push = np.linalg.norm(np.asarray(pushes, np.float32)[:, 1], axis=1)
    return ngettext("**Arrows:** where the generator's loss pushes each of {points} red points (−∇ₓ of its loss), "
                    "drawn at {scale} × the gradient; longest clipped to {longest} unit; median push {push}.",
                    "**Arrows:** where the generator's loss pushes each of {points} red points (−∇ₓ of its loss), "
                    "drawn at {scale} × the gradient; longest clipped to {longest} units; median push {push}.",
                    many).format(push=f"{float(np.median(push)):.2g}", **values)


def snapshot_caption(snap: Snapshot, config: Config) -> str:
    """The views' caption for what a toy snapshot shows ("" when it shows neither)."""
    if snap.warp is None and snap.arrows is None:
        return ""
    return views_caption(snap.warp is not None, snap.arrows is not None, config.latent_dim, snap.extent, snap.arrows)


class DrawPanel:
    """The canvas (above the buttons) and the view switches (under the toy plot) of a Train tab."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg

    def build_canvas(self, code: gr.Textbox) -> None:
        self.code = code
        with gr.Group(visible=False, elem_id="draw-box") as self.box:
            self.canvas = gr.Sketchpad(label=L_("Draw your own data"), type="numpy", image_mode="RGBA",
                                       canvas_size=(CANVAS_PIXELS, CANVAS_PIXELS), fixed_canvas=True,
                                       brush=gr.Brush(default_size=6, colors=["#000000"], color_mode="fixed"),
                                       layers=False, elem_id="draw-canvas", height=CANVAS_PIXELS + 80)
            self.message = gr.Markdown(L_(DRAW_HELP), elem_id="draw-message")

    def build_views(self) -> None:
        with gr.Row(visible=False, elem_id="toy-views") as self.views_row:
            self.warp = gr.Checkbox(False, label=L_("Show how G bends its noise (warped grid)"), elem_id="view-warp")
            self.arrows = gr.Checkbox(False, label=L_("Show where G's loss pushes its points (arrows)"),
                                      elem_id="view-arrows")
        self.caption = gr.Markdown("", elem_id="views-caption")

    def wire(self, session: gr.Textbox, preset: gr.Dropdown, dataset: gr.Radio, latent: gr.Slider) -> None:
        preset.input(self.on_preset, inputs=[preset], outputs=[self.canvas], api_visibility="private",
                     show_progress="hidden")
        # .change, not .input: Gradio sends the strokes (the composite) with change events only.
        self.canvas.change(self.on_draw, inputs=[self.canvas], outputs=[self.code, self.message], api_name="draw",
                          show_progress="hidden", trigger_mode="always_last")
        self.canvas.clear(self.on_clear, outputs=[self.code, self.message], api_visibility="private")
        gr.api(self.drawing_of_points, api_name="drawing")
        dataset.change(self.on_dataset, inputs=[dataset], outputs=[self.box, self.views_row, self.caption],
                       api_visibility="private", show_progress="hidden")
        for box in (self.warp, self.arrows):
            box.input(self.on_views, inputs=[session, self.warp, self.arrows, latent], outputs=[self.caption],
                      api_name="views" if box is self.warp else False, show_progress="hidden")

    # --- handlers --------------------------------------------------------------------------------
    def on_draw(self, sketch: Any) -> dict[Any, Any]:
        """The canvas changed: its strokes as a drawing's code, or a plain message (and no code)."""
        composite = sketch.get("composite") if isinstance(sketch, dict) else sketch
        if composite is None:
            return self.on_clear()
        try:
            code = drawing_from_image(np.asarray(composite))
        except DrawingError as exc:
            return {self.code: "", self.message: f"**{exc}**"}
        return {self.code: code, self.message: drawing_words(code)}

    @staticmethod
    def on_preset(preset: Any) -> Any:
        """A preset with a drawing puts it on the canvas (to keep, add to, or clear and redraw)."""
        config = PRESETS[preset].config if preset in PRESETS else None
        return canvas_value(config.drawing) if config is not None and config.drawing else gr.skip()

    def on_clear(self) -> dict[Any, Any]:
        return {self.code: "", self.message: _(DRAW_HELP)}

    @staticmethod
    def drawing_of_points(points: list[list[float]]) -> str:
        """Your own points [[x, y], ...] in any units → the code of a drawing to give /start as its last value."""
        try:
            return drawing_from_points(np.asarray(points, dtype=np.float64))
        except (DrawingError, ValueError, TypeError) as exc:
            message = (str(exc) if isinstance(exc, DrawingError)
                       else _("points must be a list of [x, y] pairs of numbers"))
            raise error(message) from None

    def on_dataset(self, dataset: Any) -> dict[Any, Any]:
        toy = dataset_id(dataset) in TOY_DATASETS
        return {self.box: gr.update(visible=dataset_id(dataset) == "drawn"), self.views_row: gr.update(visible=toy),
                **({} if toy else {self.caption: ""})}

    def on_views(self, token: Any, warp: Any, arrows: Any, latent_dim: Any) -> str:
        """The view switches: this session's toy runs draw the warped grid and/or the arrows from their next
        snapshot. Returns the caption saying what the lines mean."""
        session = self.pg.session(token)
        session.views = (bool(warp), bool(arrows))
        run = session.run
        if run is not None and run.alive and not run.trainer.config.is_image:
            run.trainer.set_views(warp=bool(warp), arrows=bool(arrows))
            if run.trainer.paused:
                run.refresh()  # a paused run shows the views now, not at its next step
            config = run.trainer.config
            return views_caption(bool(warp), bool(arrows), config.latent_dim, toy_for(config.dataset,
                                                                                      config.drawing).extent)
        latent = int(latent_dim) if isinstance(latent_dim, (int, float)) else 2
        return views_caption(bool(warp), bool(arrows), latent, toy_for("ring").extent)

