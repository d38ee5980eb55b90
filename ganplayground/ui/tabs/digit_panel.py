"""Show me the 1s, on the Train tab beside the meter: a digit selector (or a drag across a bar of the meter's
histogram) shows up to 32 of the run's current samples the classifier files under that digit, with their
legibility. The handlers and API endpoint /digit_samples; not the engine (measure.metrics.digit_gallery)."""

from __future__ import annotations

import copy
import math
from typing import Any

import gradio as gr
import numpy as np

from ...i18n import N_, _
from ...i18n import number as count
from ...measure.digit_map import DigitGallery
from ...measure.metrics import LEGIBLE_CLASS_FID, digit_gallery
from ...train.images import make_grid, upscale
from ..server.playground import Playground
from ..widgets.components import AtomicImage, PlainRadio
from ..widgets.inputs import number
from ..widgets.translate import L_

DIGITS = [str(d) for d in range(10)]
HINT = N_("Pick a digit (or drag across its bar in the meter) to see the samples the classifier files under it.")
# Fixed labels translate in the browser, where no number can be filled in: GALLERY_SIZE (32) is written out.
GALLERY_LABEL = N_("Up to 32 samples filed under the digit")
MODEL_GALLERY_LABEL = N_("Up to 32 of its samples filed under the digit")
MODEL_HINT = N_("Pick a digit to see the samples the classifier files under it.")  # Explore: no meter to drag


def gallery_words(gallery: DigitGallery) -> str:
    """The line beside the gallery: how many samples are filed under the digit, their legibility against what as
    many real digits of it score."""
    d, shown = gallery.digit, len(gallery.images)
    values = {"digit": d, "count": count(gallery.count), "total": count(gallery.total), "shown": count(shown)}
    if gallery.count == 0:
        return _("**None of {total}** samples is a {digit}: the generator does not draw {digit}s now.").format(**values)
    if gallery.count > shown:
        head = _("**{count} of {total}** samples are {digit}s (the first {shown} shown)").format(**values)
    else:
        head = _("**{count} of {total}** samples are {digit}s").format(**values)
    if not math.isfinite(gallery.legibility):
        return _("{head}: too few to score their legibility.").format(head=head)
    if gallery.legibility > LEGIBLE_CLASS_FID:
        words = _("{head} · legibility of these {digit}s **{legibility}** (as many real {digit}s score ~{real}; "
                  "above {limit} they are not digits: these read as not digits)")
    else:
        words = _("{head} · legibility of these {digit}s **{legibility}** (as many real {digit}s score ~{real}; "
                  "above {limit} they are not digits: these read as digits)")
    return words.format(head=head, digit=d, legibility=count(gallery.legibility), real=count(gallery.real_score),
                        limit=count(LEGIBLE_CLASS_FID))


def gallery_picture(gallery: DigitGallery) -> np.ndarray | None:
    """The gallery's samples as one grid (8 a row, doubled), None when there are none."""
    if len(gallery.images) == 0:
        return None
    return upscale(make_grid(gallery.images, ncols=min(8, len(gallery.images))), 2)


class DigitPanel:
    """The selector, the gallery and its line; built inside the Train tab's meter column."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg

    def build(self) -> None:
        with gr.Accordion(L_("Show me the digits"), open=False, elem_id="digit-panel"):
            self.digit = PlainRadio(DIGITS, value=None, label=L_("Which digit?"), elem_id="digit-choice")
            self.show = gr.Button(L_("Show them again"), size="sm", elem_id="digit-show")
            self.words = gr.Markdown(L_(HINT), elem_id="digit-words")
            self.gallery = AtomicImage(label=L_(GALLERY_LABEL), format="png",
                                       type="numpy", interactive=False, elem_id="digit-gallery",
                                       elem_classes="gp-pixels")

    def wire(self, session: gr.Textbox, histogram: gr.BarPlot) -> None:
        outputs = [self.gallery, self.words]
        self.digit.change(self.on_digit, inputs=[session, self.digit], outputs=outputs, api_name="digit_samples")
        self.show.click(self.on_digit, inputs=[session, self.digit], outputs=outputs, api_visibility="private")
        histogram.select(self.on_bar, outputs=[self.digit], api_visibility="private")

    def on_digit(self, token: Any, digit: Any) -> tuple[np.ndarray | None, str]:
        """/digit_samples: (the grid of up to 32 current samples filed under `digit`, the line about them)."""
        if digit is None or digit == "":
            return None, _(HINT)
        d = number(digit, _("digit"), 0, 9, integer=True)
        run = self.pg.run(token)
        config = run.trainer.config
        if config.dataset != "mnist":
            raise gr.Error(_("Show me the digits reads MNIST runs only; this run trains on {dataset}.").format(
                dataset=config.dataset), print_exception=False)
        sampler = copy.deepcopy(run.trainer.sampler)  # a private copy: the training thread keeps writing its own
        gallery = digit_gallery(sampler, config, d)
        return gallery_picture(gallery), gallery_words(gallery)

    @staticmethod
    def on_bar(evt: gr.SelectData) -> Any:
        """A drag across the histogram's bars (Gradio's plot selection is a range): the first digit in it."""
        values = evt.value if isinstance(evt.value, list | tuple) else [evt.value]
        for value in values:
            text = str(value).split(".")[0]
            if text in DIGITS:
                return text
        return gr.skip()


class ModelDigitPanel(DigitPanel):
    """Show me the digits for the Explore tab's model (a shipped one such as collapsed-js: "all 1s, and this is what
    they look like"), under its sliders."""

    def build(self) -> None:
        with gr.Accordion(L_("Show me the digits of this model"), open=False, elem_id="model-digit-panel"):
            self.digit = PlainRadio(DIGITS, value=None, label=L_("Which digit?"), elem_id="model-digit-choice")
            self.words = gr.Markdown(L_(MODEL_HINT), elem_id="model-digit-words")
            self.gallery = AtomicImage(label=L_(MODEL_GALLERY_LABEL),
                                       format="png", type="numpy", interactive=False, elem_id="model-digit-gallery",
                                       elem_classes="gp-pixels")

    def wire_model(self, session: gr.Textbox, model: gr.Dropdown) -> None:
        self.digit.change(self.on_model_digit, inputs=[session, model, self.digit],
                          outputs=[self.gallery, self.words], api_name="model_digit_samples")

    def on_model_digit(self, token: Any, model: Any, digit: Any) -> tuple[np.ndarray | None, str]:
        """/model_digit_samples: the gallery of `digit` for an Explore model (1,000 samples of fixed noise)."""
        if digit is None or digit == "":
            return None, _(MODEL_HINT)
        d = number(digit, _("digit"), 0, 9, integer=True)
        chosen = self.pg.models.get(self.pg.session(token), model)
        gallery = digit_gallery(chosen.generator, chosen.config, d)
        return gallery_picture(gallery), gallery_words(gallery)
