"""A run over time as a strip of pictures: the fixed-noise samples (or the toy plot) at evenly spaced
moments, each captioned with its time, step and what the meter reads (in the current language); and pictures as a
looping GIF.

Not a recorder of every snapshot (a caller keeps what it wants) and not a UI: pictures are uint8 arrays.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw

from ..i18n import _, number
from ..train.images import make_grid, to_uint8, toy_plot, upscale
from .digit_map_picture import beside
from .fonts import caption_font

READING_KEYS = ("modes", "num_modes", "word", "verdict")  # what meter_words needs of a meter reading
STRIP_GAP = 8  # px around and between a strip's pictures
STORY_FORMAT = "ganplayground-frames"  # frames.json, beside frames.png
FRAME_SAMPLES = 16  # the first 16 fixed-noise samples (4 x 4) stand for the grid in a strip
TOY_FRAME_SIZE = 200
CAPTION_SIZE = 13  # px
FRAME_MS = 100  # a GIF plays 10 moments a second...
LAST_FRAME_MS = 2000  # ...and holds the end for two seconds


@dataclass(frozen=True)
class Frame:
    """One moment of a run: its picture (uint8 (H, W) grey or (H, W, 3) RGB) and a caption; `moment` keeps what the
    caption says as data ({"seconds", "step", "reading"}), so a saved strip can be captioned again in another
    language (see story_json, restrip)."""

    picture: np.ndarray
    caption: str
    moment: dict[str, Any] | None = None


def _of_total(word: str, modes: int, total: int) -> str:
    """"5 of 8 blobs": how many of the digits (blobs, parts) the samples cover. Not ngettext: a toy has several
    blobs or parts, and the meter counts 10 digits, so the total is never one."""
    if word == "blob":
        text = _("{modes} of {total} blobs")
    elif word == "part":
        text = _("{modes} of {total} parts")
    else:
        text = _("{modes} of {total} digits")
    return text.format(modes=number(modes), total=number(total))


def meter_words(metrics: dict | None) -> str:
    """The meter's reading in a few words, in the current language: "1 of 10 digits (collapse)", "5 of 8 blobs"."""
    if not metrics:
        return ""
    if "num_modes" in metrics:
        return _of_total(metrics.get("word", "blob"), metrics["modes"], metrics["num_modes"])
    if metrics.get("verdict") == "illegible":
        return _("not digits yet")
    if metrics.get("verdict") == "collapse":
        return _("{modes} of {total} digits (collapse)").format(modes=number(metrics["modes"]), total=number(10))
    return _of_total("digit", metrics["modes"], 10)


def frame_of(trainer, metrics: dict | None = None) -> Frame:  # noqa: ANN001 - a trainer.Trainer
    """The run as it is now: the first FRAME_SAMPLES fixed-noise samples (with the digit map of `metrics` beside them
    when it has one), or the toy plot with real points."""
    samples = trainer.sample_fixed()
    if trainer.config.is_image:
        picture = upscale(make_grid(to_uint8(samples[:FRAME_SAMPLES]), 4), 2)
        if metrics and metrics.get("map"):
            picture = beside(picture, metrics)
    else:
        reals, _labels = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(0))
        surface = trainer.decision_surface()
        picture = toy_plot(surface["surface"], surface["extent"], reals.cpu().numpy(), samples.numpy(),
                           size=TOY_FRAME_SIZE)
    moment = {"seconds": float(trainer.elapsed), "step": int(trainer.step_count), "reading": _reading(metrics)}
    return Frame(picture, moment_caption(moment), moment)


def _reading(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
    """Only what meter_words reads of a meter reading, in the types it reads (None for no reading)."""
    if not metrics:
        return None
    metrics = dict(metrics)  # TypeError or ValueError for what is not a mapping (a damaged frames.json)
    reading = {k: int(metrics[k]) if k in ("modes", "num_modes") else str(metrics[k]) for k in READING_KEYS
               if k in metrics}
    return reading or None


def moment_caption(moment: dict[str, Any]) -> str:
    """ "11 s, step 3,237" and, on a second line, what the meter read, in the current language."""
    caption = _("{seconds} s, step {step}").format(seconds=number(moment["seconds"]), step=number(moment["step"]))
    words = meter_words(moment.get("reading"))
    return f"{caption}\n{words}" if words else caption


def frame_strip(frames: list[Frame], gap: int = STRIP_GAP, background: int = 255) -> np.ndarray:
    """Frames side by side, captions underneath: RGB uint8 (H + caption, sum of widths + gaps, 3)."""
    if not frames:
        raise ValueError("a strip needs at least one frame")
    pictures = [np.stack([f.picture] * 3, axis=-1) if f.picture.ndim == 2 else f.picture for f in frames]
    height = max(p.shape[0] for p in pictures)
    font = caption_font(CAPTION_SIZE, "".join(f.caption for f in frames))  # shipped fonts: no system fonts needed
    lines = max(f.caption.count("\n") + 1 for f in frames)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))  # a CJK font's lines are taller than Pillow's own
    tallest = max(measure.multiline_textbbox((0, 0), f.caption, font=font, spacing=3)[3] for f in frames)
    caption_height = 6 + max((CAPTION_SIZE + 4) * lines, tallest + 2)
    width = sum(p.shape[1] for p in pictures) + gap * (len(pictures) + 1)
    canvas = Image.new("RGB", (width, height + caption_height + gap), (background,) * 3)
    draw = ImageDraw.Draw(canvas)
    left = gap
    for picture, frame in zip(pictures, frames, strict=True):
        canvas.paste(Image.fromarray(picture), (left, gap))
        draw.multiline_text((left, gap + height + 4), frame.caption, fill=(30, 30, 30), font=font, spacing=3)
        left += picture.shape[1] + gap
    return np.asarray(canvas)


def story_json(frames: list[Frame], gap: int = STRIP_GAP) -> str:
    """What the captions of frame_strip(frames, gap) say, as data, with where each picture sits in the strip: the
    JSON written beside a model's frames.png, so the strip can be captioned again in another language (restrip)."""
    entries, left = [], gap
    for frame in frames:
        if frame.moment is None:
            raise ValueError("a frame without its moment cannot be captioned again")
        height, width = frame.picture.shape[:2]
        entries.append({"box": [left, gap, width, height], **frame.moment})
        left += width + gap
    return json.dumps({"format": STORY_FORMAT, "version": 1, "gap": gap, "frames": entries}, indent=1)


def restrip(strip: np.ndarray, story: str) -> np.ndarray:
    """A saved strip (RGB, from frame_strip) drawn again with its captions in the current language, from the
    story_json written with it. ValueError when the story is damaged or does not fit the strip."""
    try:
        data = json.loads(story)
        if not isinstance(data, dict) or data.get("format") != STORY_FORMAT or not data.get("frames"):
            raise ValueError("not a strip's story")
        gap = int(data["gap"])
        frames = []
        for entry in data["frames"]:
            x, y, width, height = (int(v) for v in entry["box"])
            if min(x, y) < 0 or min(width, height) < 1 or y + height > strip.shape[0] or x + width > strip.shape[1]:
                raise ValueError("a picture's box lies outside the strip")
            moment = {"seconds": float(entry["seconds"]), "step": int(entry["step"]),
                      "reading": _reading(entry.get("reading"))}
            frames.append(Frame(strip[y:y + height, x:x + width].copy(), moment_caption(moment), moment))
    except (KeyError, TypeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"the strip's story cannot be read: {exc}") from None
    return frame_strip(frames, gap=gap)


def encode_gif(pictures: list[np.ndarray]) -> bytes:
    """RGB uint8 pictures -> GIF bytes (looping), all padded white to the largest size."""
    height = max(p.shape[0] for p in pictures)
    width = max(p.shape[1] for p in pictures)
    grey = all(_is_grey(p) for p in pictures)
    images = []
    for p in pictures:
        canvas = np.full((height, width, 3), 255, np.uint8)
        canvas[: p.shape[0], : p.shape[1]] = p
        image = Image.fromarray(canvas)
        # Digits are grey: an "L" frame keeps all 256 levels; colour toys get an adaptive palette each.
        images.append(image.convert("L") if grey else image.quantize(colors=255, method=Image.Quantize.MEDIANCUT))
    durations = [FRAME_MS] * (len(images) - 1) + [LAST_FRAME_MS]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0)
    return buffer.getvalue()


def _is_grey(picture: np.ndarray) -> bool:
    return picture.ndim == 2 or bool((picture[..., 0] == picture[..., 1]).all() and
                                     (picture[..., 1] == picture[..., 2]).all())
