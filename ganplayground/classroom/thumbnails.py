"""A run's picture as a small PNG for the class's wall: at most `size` pixels on its long side and `max_bytes`
bytes, shrunk or given fewer grey levels (colours) until it fits. Not the page's full-size images (export/)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

MIN_SIDE = 8  # below this a thumbnail shows nothing; an 8x8 PNG is ~100 bytes
LEVELS = (256, 16, 8, 4)  # grey levels (or palette colours) tried in turn at each size
SHRINK = 0.75


def _encode(image: Image.Image, levels: int) -> bytes:
    if levels < 256:
        image = image.quantize(colors=levels) if image.mode == "RGB" else image.quantize(colors=levels).convert("L")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def thumbnail_png(picture: np.ndarray, size: int = 96, max_bytes: int = 10_000) -> bytes:
    """A PNG of `picture`, a grey (H, W) or RGB (H, W, 3) uint8 array, at most `size` px on its long side (never
    enlarged) and at most `max_bytes` bytes. ValueError for another kind of array, or a cap no 8 px PNG meets."""
    if not isinstance(picture, np.ndarray) or picture.dtype != np.uint8 or picture.size == 0 \
            or not (picture.ndim == 2 or picture.ndim == 3 and picture.shape[2] == 3):
        raise ValueError("A thumbnail is made from a grey (H, W) or RGB (H, W, 3) uint8 picture.")
    if size < 1:
        raise ValueError("A thumbnail's size is at least 1 pixel.")
    image = Image.fromarray(np.ascontiguousarray(picture))  # (H, W) -> "L", (H, W, 3) -> "RGB"
    side = min(size, max(image.size))
    while True:
        scale = side / max(image.size)
        shape = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        small = image if shape == image.size else image.resize(shape, Image.Resampling.LANCZOS)
        for levels in LEVELS:
            png = _encode(small, levels)
            if len(png) <= max_bytes:
                return png
        if side <= MIN_SIDE:
            raise ValueError(f"No thumbnail of {MIN_SIDE} px or more fits in {max_bytes} bytes.")
        side = max(MIN_SIDE, int(side * SHRINK))
