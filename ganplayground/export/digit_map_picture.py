"""The digit map as a picture (uint8 RGB): the ten anchors labelled 0-9 on a circle, real test digits drawn faintly
at their own places, a reading's samples as coloured dots on top. Not the placement (measure/digit_map.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..measure.digit_map import ANCHORS, reading_positions, reference_map

MAP_SIZE = 320  # px
THUMB = 16  # px of a faint real digit
FAINT = 0.22  # how dark a real digit's ink is drawn (1 = black)
DOT = 3  # px radius of a sample
# One colour per digit (matplotlib's tab10): a sample's colour is the digit the classifier files it under.
DIGIT_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                 (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


def _to_pixels(positions: np.ndarray, size: int) -> np.ndarray:
    # The unit disc fills the picture but for a margin for the labels; y points up on the map, down in pixels.
    half = size / 2
    scale = half * 0.78
    return np.stack([half + positions[:, 0] * scale, half - positions[:, 1] * scale], axis=1)


def _background(size: int) -> Image.Image:
    canvas = np.full((size, size), 255.0)
    ref = reference_map()
    thumbs = np.asarray(Image.fromarray(np.concatenate(ref.images, axis=0)).resize(
        (THUMB, THUMB * len(ref.images)), Image.BILINEAR), dtype=np.float64).reshape(-1, THUMB, THUMB)
    for (x, y), thumb in zip(_to_pixels(ref.positions, size).astype(int), thumbs, strict=True):
        left, top = x - THUMB // 2, y - THUMB // 2
        if left >= 0 and top >= 0 and left + THUMB <= size and top + THUMB <= size:
            patch = canvas[top:top + THUMB, left:left + THUMB]
            np.minimum(patch, 255.0 - FAINT * thumb, out=patch)  # ink darkens, overlaps keep the darker
    return Image.fromarray(canvas.astype(np.uint8)).convert("RGB")


def pack_map(reading_map: dict[str, Any]) -> np.ndarray:
    """A reading's "map" (measure.digit_map.map_reading) as one int16 array (3, N): x, y, digit; for keeping."""
    return np.array([reading_map["x"], reading_map["y"], reading_map["digit"]], dtype=np.int16).reshape(3, -1)


def unpack_map(packed: np.ndarray) -> dict[str, Any]:
    """pack_map's array back as a reading (a dict with its "map"), for digit_map_picture."""
    return {"map": {"x": packed[0], "y": packed[1], "digit": packed[2]}}


def beside(picture: np.ndarray, reading: dict[str, Any]) -> np.ndarray:
    """A picture (uint8 grey (H, W) or RGB) with the reading's map of the same height to its right: RGB (H, W + 8 +
    H, 3) on white."""
    rgb = np.stack([picture] * 3, axis=-1) if picture.ndim == 2 else picture
    height = rgb.shape[0]
    gap = np.full((height, 8, 3), 255, np.uint8)
    return np.concatenate([rgb, gap, digit_map_picture(reading, size=height)], axis=1)


def digit_map_picture(reading: dict[str, Any] | None, size: int = MAP_SIZE) -> np.ndarray:
    """The map of a live reading (metrics.evaluate_images' dict, or None for the background alone): uint8 (size,
    size, 3). Samples near the centre are ones the classifier is unsure of or that look like no real digit."""
    image = _background(size)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(10, size // 20))
    anchors = _to_pixels(ANCHORS, size)
    label_at = _to_pixels(ANCHORS * 1.17, size)
    r = size * 0.39
    draw.ellipse((size / 2 - r, size / 2 - r, size / 2 + r, size / 2 + r), outline=(215, 215, 215))
    for digit, ((ax, ay), (lx, ly)) in enumerate(zip(anchors, label_at, strict=True)):
        draw.ellipse((ax - 2, ay - 2, ax + 2, ay + 2), fill=(120, 120, 120))
        draw.text((lx, ly), str(digit), fill=DIGIT_COLOURS[digit], font=font, anchor="mm")
    positions, digits = reading_positions((reading or {}).get("map"))
    for (x, y), digit in zip(_to_pixels(positions, size), digits, strict=True):
        draw.ellipse((x - DOT, y - DOT, x + DOT, y + DOT), fill=DIGIT_COLOURS[int(digit) % 10], outline=(40, 40, 40))
    return np.asarray(image)
