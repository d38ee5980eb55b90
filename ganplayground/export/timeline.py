"""A run over time as a strip of pictures: the fixed-noise samples (or the toy plot) at evenly spaced
moments, each captioned with its time, step and what the meter reads.

Not a recorder of every snapshot (a caller keeps what it wants) and not a UI: pictures are uint8 arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from ..train.images import make_grid, to_uint8, toy_plot, upscale
from .digit_map_picture import beside

FRAME_SAMPLES = 16  # the first 16 fixed-noise samples (4 x 4) stand for the grid in a strip
TOY_FRAME_SIZE = 200
CAPTION_SIZE = 13  # px


@dataclass(frozen=True)
class Frame:
    """One moment of a run: its picture (uint8 (H, W) grey or (H, W, 3) RGB) and a caption."""

    picture: np.ndarray
    caption: str


def meter_words(metrics: dict | None) -> str:
    """The meter's reading in a few words: "1 of 10 digits (collapse)", "5 of 8 blobs", ..."""
    if not metrics:
        return ""
    if "num_modes" in metrics:
        return f"{metrics['modes']} of {metrics['num_modes']} {metrics.get('word', 'blob')}s"
    if "verdict" not in metrics:
        return f"{metrics['modes']} of 10 digits"
    if metrics["verdict"] == "illegible":
        return "not digits yet"
    words = f"{metrics['modes']} of 10 digits"
    return f"{words} (collapse)" if metrics["verdict"] == "collapse" else words


def frame_of(trainer, metrics: dict | None = None) -> Frame:  # noqa: ANN001 - a trainer.Trainer
    """The run as it is now: the first FRAME_SAMPLES fixed-noise samples (with the digit map of `metrics` beside them
    when it has one), or the toy plot with real points."""
    samples = trainer.sample_fixed()
    if trainer.config.is_image:
        picture = upscale(make_grid(to_uint8(samples[:FRAME_SAMPLES]), 4), 2)
        if metrics and metrics.get("map"):
            picture = beside(picture, metrics)
    else:
        reals, _ = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(0))
        surface = trainer.decision_surface()
        picture = toy_plot(surface["surface"], surface["extent"], reals.cpu().numpy(), samples.numpy(),
                           size=TOY_FRAME_SIZE)
    caption = f"{trainer.elapsed:.0f} s, step {trainer.step_count:,}"
    words = meter_words(metrics)
    return Frame(picture, f"{caption}\n{words}" if words else caption)


def frame_strip(frames: list[Frame], gap: int = 8, background: int = 255) -> np.ndarray:
    """Frames side by side, captions underneath: RGB uint8 (H + caption, sum of widths + gaps, 3)."""
    if not frames:
        raise ValueError("a strip needs at least one frame")
    pictures = [np.stack([f.picture] * 3, axis=-1) if f.picture.ndim == 2 else f.picture for f in frames]
    height = max(p.shape[0] for p in pictures)
    font = ImageFont.load_default(size=CAPTION_SIZE)  # Pillow's bundled font: no system fonts needed
    lines = max(f.caption.count("\n") + 1 for f in frames)
    caption_height = 6 + (CAPTION_SIZE + 4) * lines
    width = sum(p.shape[1] for p in pictures) + gap * (len(pictures) + 1)
    canvas = Image.new("RGB", (width, height + caption_height + gap), (background,) * 3)
    draw = ImageDraw.Draw(canvas)
    left = gap
    for picture, frame in zip(pictures, frames, strict=True):
        canvas.paste(Image.fromarray(picture), (left, gap))
        draw.multiline_text((left, gap + height + 4), frame.caption, fill=(30, 30, 30), font=font, spacing=3)
        left += picture.shape[1] + gap
    return np.asarray(canvas)
