"""Turn batches of generated images into uint8 arrays, tiled grids and PNG bytes.

No UI types here: everything returns numpy arrays or bytes.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from .toy_views import arrow_tips

GRID_COLOUR = (70, 70, 70)  # the warped grid's lines: thin, one colour, under the points
ARROW_COLOUR = (0, 120, 40)  # the push arrows: green, on top of everything


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """(B, 1, H, W) or (B, H, W) floats in [-1, 1] -> uint8 (B, H, W) in [0, 255] (NaN -> 0)."""
    x = x.detach().float().cpu()
    if x.dim() == 4:
        x = x[:, 0]
    x = torch.nan_to_num(x, nan=-1.0).clamp(-1.0, 1.0)
    return ((x + 1.0) * 127.5).round().to(torch.uint8).numpy()


def make_grid(images: np.ndarray, ncols: int | None = None, padding: int = 2, pad_value: int = 0) -> np.ndarray:
    """Tile uint8 images (N, H, W) into one uint8 (rows*(H+p)+p, ncols*(W+p)+p) image, row-major."""
    n, h, w = images.shape
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    grid = np.full((nrows * (h + padding) + padding, ncols * (w + padding) + padding), pad_value, np.uint8)
    for i in range(n):
        r, c = divmod(i, ncols)
        top, left = padding + r * (h + padding), padding + c * (w + padding)
        grid[top : top + h, left : left + w] = images[i]
    return grid


def upscale(image: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour upscaling of a uint8 (H, W) image: crisp pixels for small digits."""
    return np.kron(image, np.ones((factor, factor), dtype=np.uint8)) if factor > 1 else image


def png_bytes(image: np.ndarray) -> bytes:
    """Encode a uint8 (H, W) grey or (H, W, 3) RGB image as PNG."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def save_png(image: np.ndarray, path: str | Path) -> None:
    """Write a uint8 (H, W) or (H, W, 3) image to a PNG file."""
    Path(path).write_bytes(png_bytes(image))


def colormap(values: np.ndarray) -> np.ndarray:
    """Map values (...) in [0, 1] to RGB uint8 (..., 3) on a blue (low) - white - orange (high) ramp (D's
    surfaces: the toy plots and the step pictures)."""
    stops = np.array([[40, 70, 150], [235, 240, 245], [220, 110, 30]], dtype=np.float32)  # (3, 3)
    v = np.clip(values, 0.0, 1.0) * 2.0
    lo = np.floor(np.minimum(v, 1.999)).astype(int)
    frac = (v - lo)[..., None]
    return (stops[lo] * (1 - frac) + stops[lo + 1] * frac).astype(np.uint8)


def toy_plot(surface: np.ndarray | None, extent: float, real: np.ndarray, fake: np.ndarray,
             size: int = 384, warp: np.ndarray | None = None, arrows: np.ndarray | None = None) -> np.ndarray:
    """Render a 2-D toy as an RGB uint8 (size, size, 3) image without matplotlib.

    surface: D over [-extent, extent]^2 (R, R), rows = y from bottom to top; normalised to [0, 1]
    for display (orange = "looks real"). real / fake: points (N, 2), drawn as black squares / red plus signs (a
    shape apart, not only a colour, for readers who cannot tell the two colours apart).
    warp: the generator's warped noise grid (L, L, 2) (toy_views.warped_grid), drawn as thin lines under the
    points; arrows: (N, 2, 2) points and pushes (toy_views.push_arrows), drawn on top at toy_views' fixed scale.
    """
    if surface is not None:
        s = np.nan_to_num(np.asarray(surface, dtype=np.float32))
        span = float(s.max() - s.min())
        s = (s - s.min()) / span if span > 1e-12 else np.full_like(s, 0.5)
        reps = int(np.ceil(size / s.shape[0]))
        img = colormap(np.kron(s[::-1], np.ones((reps, reps), dtype=np.float32))[:size, :size])
    else:
        img = np.full((size, size, 3), 245, np.uint8)
    if warp is not None:
        img = draw_grid_lines(img, warp, extent, GRID_COLOUR)

    def draw(points: np.ndarray, colour: tuple[int, int, int], radius: int, plus: bool = False) -> None:
        p = np.asarray(points, dtype=np.float32)
        p = p[np.isfinite(p).all(axis=1)]
        cols = ((p[:, 0] + extent) / (2 * extent) * (size - 1)).round().astype(int)
        rows = ((extent - p[:, 1]) / (2 * extent) * (size - 1)).round().astype(int)
        keep = (cols >= 0) & (cols < size) & (rows >= 0) & (rows < size)
        for dr in range(-radius, radius + 1):
            for dc in range(-radius, radius + 1):
                if plus and dr and dc:
                    continue
                r, c = np.clip(rows[keep] + dr, 0, size - 1), np.clip(cols[keep] + dc, 0, size - 1)
                img[r, c] = colour

    draw(real, (20, 20, 20), 1)
    draw(fake, (200, 0, 60), 2, plus=True)
    if arrows is not None:
        img = draw_arrows(img, arrows, extent, ARROW_COLOUR)
    return img


def _to_pixels(points: np.ndarray, extent: float, size: int) -> np.ndarray:
    """Points (..., 2) in [-extent, extent]^2 (y up) -> (x, y) pixel coordinates (..., 2), y down, kept within a
    few plot widths so that a wild point cannot overflow the drawing code."""
    p = np.asarray(points, np.float64)
    x = (p[..., 0] + extent) / (2 * extent) * (size - 1)
    y = (extent - p[..., 1]) / (2 * extent) * (size - 1)
    return np.clip(np.stack([x, y], axis=-1), -4 * size, 5 * size)


def draw_grid_lines(image: np.ndarray, warp: np.ndarray, extent: float, colour: tuple[int, int, int]) -> np.ndarray:
    """`image` (S, S, 3) with the warped grid (L, L, 2) drawn over it as 2L one-pixel polylines (its rows and
    its columns); segments with a non-finite end are left out. Returns a new array."""
    canvas = Image.fromarray(image)
    pen = ImageDraw.Draw(canvas)
    grid = np.asarray(warp, np.float64)
    pixels = _to_pixels(grid, extent, image.shape[0])  # (L, L, 2)
    finite = np.isfinite(grid).all(axis=-1)  # (L, L)
    for line, ok in [*zip(pixels, finite, strict=True), *zip(pixels.transpose(1, 0, 2), finite.T, strict=True)]:
        for k in range(len(line) - 1):
            if ok[k] and ok[k + 1]:
                pen.line([tuple(line[k]), tuple(line[k + 1])], fill=colour, width=1)
    return np.array(canvas)


def draw_arrows(image: np.ndarray, arrows: np.ndarray, extent: float, colour: tuple[int, int, int]) -> np.ndarray:
    """`image` (S, S, 3) with arrows (N, 2, 2) (point, push) drawn from each point to toy_views.arrow_tips, each
    with a head; an arrow shorter than a pixel draws nothing. Returns a new array."""
    arrows = np.asarray(arrows, np.float32)
    arrows = arrows[np.isfinite(arrows).all(axis=(1, 2))]
    canvas = Image.fromarray(image)
    pen = ImageDraw.Draw(canvas)
    starts = _to_pixels(arrows[:, 0], extent, image.shape[0])
    ends = _to_pixels(arrow_tips(arrows, extent), extent, image.shape[0])
    for start, end in zip(starts, ends, strict=True):
        vector = end - start
        length = float(np.hypot(*vector))
        if length < 1.0:
            continue
        pen.line([tuple(start), tuple(end)], fill=colour, width=1)
        unit, normal = vector / length, np.array([-vector[1], vector[0]]) / length
        head = min(6.0, 0.5 * length)  # px
        pen.polygon([tuple(end), tuple(end - head * unit + 0.5 * head * normal),
                     tuple(end - head * unit - 0.5 * head * normal)], fill=colour)
    return np.array(canvas)
