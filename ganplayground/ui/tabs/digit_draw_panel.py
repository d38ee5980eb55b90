"""Explore's "Draw a digit" and "Does it copy?": a canvas whose digit is searched for in the generator's noise
(the match becomes the sliders' origin), and the nearest training digits of the sliders' digit with the verdict.
Not the search (measure/inversion.py) nor the index (measure/nearest.py): this only wires them to the page.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np
import torch

from ...i18n import N_, _, decimal
from ...i18n import number as count
from ...measure.drawn_digit import DrawnDigitError, digit_from_drawing
from ...measure.inversion import RESTARTS, STEPS, invert
from ...measure.nearest import K, Neighbours, copy_verdict, nearest, nearest_index
from ...train.images import make_grid, to_uint8, upscale
from ..widgets.components import AtomicImage, InlineImage
from ..widgets.translate import L_

CANVAS_PIXELS = 280
DRAW_HELP = N_("Draw one digit with the pen (dark on white, filling most of the square), then press **Find it in the "
               "generator**: it searches the noise for the digit closest to yours.")
# A fixed label translates in the browser, where no number can be filled in: K (5) is written out.
NEIGHBOURS_LABEL = N_("The digit, then its 5 nearest training digits: in pixels (top row), in the classifier's "
                      "features (bottom row)")


class DigitDrawPanel:
    """The canvas, the search and "Does it copy?" of an Explore tab (its model, sliders and digit)."""

    def __init__(self, explore: Any) -> None:  # the ExploreTab (not imported: it imports this module)
        self.explore = explore

    def build(self) -> None:
        gr.Markdown(L_("### Draw a digit and find it in the generator"))
        with gr.Row():
            self.canvas = gr.Sketchpad(label=L_("Your digit"), type="numpy", image_mode="RGBA",
                                       canvas_size=(CANVAS_PIXELS, CANVAS_PIXELS), fixed_canvas=True,
                                       brush=gr.Brush(default_size=22, colors=["#000000"], color_mode="fixed"),
                                       layers=False, elem_id="digit-canvas", height=CANVAS_PIXELS + 80)
            with gr.Column():
                self.find = gr.Button(L_("Find it in the generator"), variant="primary", elem_id="find-digit")
                self.search = AtomicImage(label=L_("The search: your digit, the best match every 20 steps, the match"),
                                          format="png", type="numpy", interactive=False, height=110,
                                          elem_id="search-strip")
                self.match = InlineImage(label=L_("Best match"), format="png", type="numpy", interactive=False,
                                         height=170, elem_id="match")
                self.caption = gr.Markdown(L_(DRAW_HELP), elem_id="match-caption")
        gr.Markdown(L_("### Does it copy?"))
        self.check = gr.Button(L_("Does it copy? (the generated digit above)"), elem_id="does-it-copy")
        self.neighbours = AtomicImage(label=L_(NEIGHBOURS_LABEL), format="png", type="numpy",
                                      interactive=False, height=240, elem_id="neighbours")
        self.verdict = gr.Markdown("", elem_id="copy-verdict")

    def wire(self) -> None:
        e = self.explore
        e_sliders = [e.seed, e.digit, e.kind, *e.sliders]
        self.find.click(self.on_find, inputs=[e.session, e.model, self.canvas],
                        outputs=[self.search, self.match, self.caption, e.digit, *e.sliders, e.digit_image, e.origin],
                        api_name="invert", concurrency_limit=2)
        self.check.click(self.on_copy, inputs=[e.session, e.model, *e_sliders, e.origin],
                         outputs=[self.neighbours, self.verdict], api_name="nearest", concurrency_limit=2)

    # --- handlers --------------------------------------------------------------------------------
    def on_find(self, token: Any, name: Any, sketch: Any) -> dict[Any, Any]:
        """Search the model's noise for the drawn digit: the search strip, the match, its words; the sliders go to
        0 around the match (their new origin) and, for a conditional model, the digit picker to the digit read."""
        model = self.explore.model_of(token, name)
        picture = sketch.get("composite") if isinstance(sketch, dict) else sketch
        if picture is None:
            raise gr.Error(_("The drawing is blank: draw a digit on the canvas first."), print_exception=False)
        try:
            target = digit_from_drawing(np.asarray(picture))
        except DrawnDigitError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        found = invert(model.generator, target)
        row = torch.cat([torch.from_numpy(target)[None], found.history, found.image[None]])  # (K + 2, 28, 28)
        strip = upscale(make_grid(to_uint8(row), len(row)), 2)
        match = upscale(to_uint8(found.image[None])[0], 6)
        caption = match_words(found.error, found.random_error, found.seconds, found.label)
        digit = {self.explore.digit: found.label} if found.label is not None else {}
        return {self.search: strip, self.match: match, self.caption: caption, **digit,
                **dict.fromkeys(self.explore.sliders, 0.0), self.explore.origin: found.z.tolist(),
                self.explore.digit_image: upscale(to_uint8(found.image[None])[0], 8)}

    def on_copy(self, token: Any, name: Any, seed: Any, digit: Any, kind: Any, s1: Any = 0.0, s2: Any = 0.0,
                s3: Any = 0.0, s4: Any = 0.0, s5: Any = 0.0, s6: Any = 0.0, origin: Any = None) -> dict[Any, Any]:
        """The sliders' digit against the 60,000 training digits: its nearest ones (picture) and the verdict."""
        x = self.explore.digit_of(token, name, seed, digit, kind, (s1, s2, s3, s4, s5, s6), origin)
        found = nearest(x)[0]
        return {self.neighbours: neighbours_picture(to_uint8(x)[0], found), self.verdict: neighbours_words(found)}


def match_words(error: float, random_error: float, seconds: float, label: int | None) -> str:
    """The search's result in words: its error beside a random noise vector's, and what the sliders now do."""
    values = {"steps": count(STEPS), "starts": count(RESTARTS), "error": decimal(error, 3),
              "random": decimal(random_error, 3), "seconds": decimal(seconds, 1), "label": label}
    if label is None:
        return _("Best match after {steps} Adam steps on the noise from {starts} starts: error **{error}** (mean "
                 "squared, pixels in [-1, 1]; a random noise vector's: {random}), {seconds} s. The sliders now start "
                 "from the match: a seed's noise cannot be any vector, so the found noise is their origin until you "
                 "change the seed, press Randomize or pick another model.").format(**values)
    return _("Best match after {steps} Adam steps on the noise from {starts} starts: error **{error}** (mean squared, "
             "pixels in [-1, 1]; a random noise vector's: {random}), {seconds} s. A conditional model draws the digit "
             "it is asked for: **{label}**, the classifier's reading of your drawing (set in the digit picker). The "
             "sliders now start from the match: a seed's noise cannot be any vector, so the found noise is their "
             "origin until you change the seed, press Randomize or pick another model.").format(**values)


def neighbours_picture(digit: np.ndarray, found: Neighbours) -> np.ndarray:
    """uint8: two rows, the digit then its nearest training digits in pixels (top) and in features (bottom)."""
    images = nearest_index().images
    tiles = [digit, *images[list(found.pixel_ids)], digit, *images[list(found.feature_ids)]]
    return upscale(make_grid(np.stack(tiles), K + 1, padding=2, pad_value=90), 3)


def neighbours_words(found: Neighbours) -> str:
    """The verdict, then the distances of the nearest training digits (and which digit each is)."""
    labels = nearest_index().labels
    rows = ["| " + _("nearest by") + " | " + " | ".join(str(i + 1) for i in range(K)) + " |", "|---" * (K + 1) + "|"]
    for what, ids, distances in ((_("pixels"), found.pixel_ids, found.pixel_distances),
                                 (_("features"), found.feature_ids, found.feature_distances)):
        # Translators: a distance and the digit of that training digit: "3.21 (a 7)"
        cells = [_("{distance} (a {digit})").format(distance=decimal(d, 2), digit=labels[i])
                 for i, d in zip(ids, distances, strict=True)]
        rows.append(f"| {what} | " + " | ".join(cells) + " |")
    units = _("Distances: Euclidean, between pixels in [-1, 1] (top row), between the classifier's 128 features "
              "(bottom).")
    return f"**{copy_verdict(found)}**\n\n" + "\n".join(rows) + f"\n\n{units}"
