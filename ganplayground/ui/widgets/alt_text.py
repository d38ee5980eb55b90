"""What the page's pictures show, in words, for screen readers: the sample grid's text alternative from the run's
latest meter reading, the loss curves' one-line summary, and the fixed pictures' descriptions.

Words only: the engine's metrics (metrics.verdict) decide what the run is doing; nothing here measures anything.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ...config import TOY_DATASETS, Config
from ...i18n import N_, _, decimal, ngettext, number, percent
from ...train.sampling import GRID_SAMPLES
from ...train.snapshots import Snapshot
from .meter import mode_words

TREND_WINDOW = 10  # history entries (under one loss) a trend is read over
TREND_MIN_CHANGE = 0.05  # a relative change of the mean below this is "steady"

# The Learn tab's pictures (lesson_pictures.PICTURE_MODELS and the ring), by the lesson's "image" kind.
LESSON_PICTURES = {
    "healthy": N_("40 digits from a healthy GAN: all ten digits, legible"),
    "vanishing": N_("40 digits from a GAN whose generator stopped learning: grey blobs, not digits yet"),
    "collapse": N_("40 digits from a collapsed GAN: nearly all the same digit"),
    "wgan_gp": N_("40 digits from a WGAN-GP run: all ten digits"),
    "ring": N_("A ring of eight real blobs (black squares), the generator's points (red plus signs) over them, "
               "and the critic's opinion of the plane as shading"),
}
GAME_BOARD = N_("The game board: numbered tiles of digits, some real and some generated")
LESSON_STORY = N_("One run over time: a row of sample grids from the start of training (left) to its end (right)")


def description_box(elem_id: str) -> gr.Markdown:
    """A live picture's description, right after it: read by screen readers, hidden from sight (CSS gp-sr-only).
    Beside the picture rather than its alt_text, so a poll still sends the picture itself (API clients read a
    file, docs/api.md)."""
    return gr.Markdown("", elem_classes="gp-sr-only", elem_id=elem_id)


def samples_alt(snap: Snapshot, config: Config) -> str:
    """The sample grid in one sentence, e.g. "100 generated digits at step 4,000: collapse, 98% are 1s"."""
    step = number(snap.step)
    if config.dataset in TOY_DATASETS:
        return _toy_alt(snap, config)
    if config.dataset != "mnist":
        return ngettext("{count} generated image at step {step}", "{count} generated images at step {step}",
                        GRID_SAMPLES).format(count=number(GRID_SAMPLES), step=step)
    m = snap.metrics or {}
    shares = m.get("histogram") or []
    if "modes" not in m or not shares:
        return _("{count} generated digits at step {step}; the meter has not read them yet").format(
            count=number(GRID_SAMPLES), step=step)
    largest = max(range(len(shares)), key=lambda d: shares[d])
    share = percent(m.get("largest_share", shares[largest]))
    if m.get("verdict") == "illegible":
        return _("{count} generated digits at step {step}: not digits yet").format(count=number(GRID_SAMPLES),
                                                                                   step=step)
    if m.get("verdict") == "collapse":
        # Translators: e.g. "collapse, 98% are 1s" (the digit 1 drawn as a numeral)
        return _("{count} generated digits at step {step}: collapse, {share} are {digit}s").format(
            count=number(GRID_SAMPLES), step=step, share=share, digit=largest)
    return _("{count} generated digits at step {step}: {modes} of 10 digits, the most common is {digit} "
             "({share})").format(count=number(GRID_SAMPLES), step=step, modes=number(m["modes"]), digit=largest,
                                 share=share)


def _toy_alt(snap: Snapshot, config: Config) -> str:
    _word, total = mode_words(config)
    m = snap.metrics or {}
    if "modes" not in m:
        return _("The generator's points (red plus signs) over the real ones (black squares) at step {step}; "
                 "the critic's opinion of the plane as shading").format(step=number(snap.step))
    return _("The generator's points (red plus signs) over the real ones (black squares) at step {step}: "
             "they cover {modes} of the {total} parts").format(step=number(snap.step), modes=number(m["modes"]),
                                                        total=number(total))


def losses_summary(history: list[dict[str, Any]]) -> str:
    """The loss curves in one line, e.g. "D loss 0.62, G loss 1.41 at step 4,000; D's loss is falling". The trend
    compares the older and newer halves of the last TREND_WINDOW records under the loss now in force."""
    if not history:
        return ""
    last = history[-1]
    same = [e for e in history[-TREND_WINDOW:] if e.get("loss") == last.get("loss")]
    values = dict(d=decimal(last["loss_d"], 2), g=decimal(last["loss_g"], 2), step=number(last["step"]))
    trend = _trend([e["loss_d"] for e in same])
    if trend < 0:
        return _("D loss {d}, G loss {g} at step {step}; D's loss is falling").format(**values)
    if trend > 0:
        return _("D loss {d}, G loss {g} at step {step}; D's loss is rising").format(**values)
    return _("D loss {d}, G loss {g} at step {step}; D's loss is steady").format(**values)


def _trend(values: list[float]) -> int:
    """-1 falling, 1 rising, 0 steady (or too few values): the newer half's mean against the older half's."""
    if len(values) < 4:
        return 0
    half = len(values) // 2
    old, new = sum(values[:half]) / half, sum(values[half:]) / (len(values) - half)
    if abs(new - old) < TREND_MIN_CHANGE * max(abs(old), 0.1):
        return 0
    return 1 if new > old else -1
