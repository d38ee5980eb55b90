"""A student's own 2-D data as a short code: a canvas picture (ink on a 64 x 64 grid of cells) or a points file,
encoded for links and configs (version byte, jitter, units, zlib, base64url), decoded with every size checked.

Plain numpy/zlib/base64: not the dataset (train.toys turns a drawing into a toy) and not the canvas widget.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from dataclasses import dataclass

import numpy as np

from ..config import DRAWING_MAX_CHARS
from ..i18n import _, number, percent

CANVAS_EXTENT = 2.5  # the page's square canvas is [-2.5, 2.5]^2 of the toy plane, y up
CELLS = 64  # the canvas is rasterised to CELLS x CELLS cells (a cell is 5/64 = 0.078 wide)
CELL = 2 * CANVAS_EXTENT / CELLS
CANVAS_SIGMA = CELL / 2  # jitter: half a cell, so samples along a stroke overlap into a line, not beads
POINTS_SIGMA = 0.03  # jitter of a points file's points (toy units; the quantisation step is 4/255 = 0.016)
POINTS_EXTENT = 2.0  # a points file is moved and scaled into [-2, 2]^2
LINK_MAX_CHARS = 2048  # a canvas drawing (at most 512 bytes of bitmap) always fits
MAX_CHARS = DRAWING_MAX_CHARS  # a config's drawing (a points file of MAX_POINTS points fits)
MAX_POINTS = 4096
MIN_CELLS = 6  # fewer inked cells: a dot, not a shape
MIN_SPAN = 4  # ... or ink within fewer than 4 cells each way
MAX_CELLS = 1024  # a quarter of the canvas: more is a filled area, not strokes
VERSION = 1
_CANVAS, _POINTS = 0, 1
_HEAD = struct.Struct("<BBf")  # version, kind, sigma
_UNITS = struct.Struct("<fff")  # points: the user's centre (x, y) and the scale into toy units
_INFLATED_MAX = {_CANVAS: CELLS * CELLS // 8, _POINTS: 2 * MAX_POINTS}  # bytes: decompression bombs stop here


class DrawingError(ValueError):
    """A drawing or points file that cannot be data; the message is a plain sentence for a student."""


@dataclass(frozen=True, eq=False)
class Drawing:
    """A decoded drawing: points float32 (M, 2) in toy coordinates, the jitter `sigma` of samples around them,
    and the user's units (offset (2,), scale: toy = (units - offset) * scale; identity for a canvas). `kind`:
    "canvas" or "points" (a points file)."""

    points: np.ndarray
    sigma: float
    offset: tuple[float, float] = (0.0, 0.0)
    scale: float = 1.0
    kind: str = "canvas"

    def to_units(self, points: np.ndarray) -> np.ndarray:
        """Toy coordinates (N, 2) -> the user's units (N, 2) float32 (a points file's own coordinates)."""
        return (np.asarray(points, np.float64) / self.scale + np.asarray(self.offset)).astype(np.float32)


def _encode(kind: int, sigma: float, payload: bytes, units: bytes = b"") -> str:
    raw = _HEAD.pack(VERSION, kind, sigma) + units + zlib.compress(payload, 9)
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _ink(image: np.ndarray) -> np.ndarray:
    """Bool (H, W): dark pixels, or opaque dark ones when the picture has an alpha channel."""
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2]
                                                                          not in (3, 4)) or image.size == 0:
        raise DrawingError(_("The canvas did not send a picture: draw a shape on the canvas and try again."))
    pixels = np.nan_to_num(image.astype(np.float32), nan=255.0)
    if pixels.ndim == 2:
        return pixels < 128
    dark = pixels[..., :3].mean(axis=2) < 128
    return dark & (pixels[..., 3] >= 128) if pixels.shape[2] == 4 else dark


def drawing_from_image(image: np.ndarray) -> str:
    """A canvas picture -> the drawing's code. `image`: uint8 (H, W) grey or (H, W, 3|4), ink dark (and opaque)
    on white or transparent. The picture is centred in a square (a non-square canvas is padded), which maps onto
    [-2.5, 2.5]^2 and is rasterised to 64 x 64 cells; a cell with any ink is part of the drawing.
    DrawingError for an empty picture, a dot, or a filled area."""
    ink = _ink(image)
    h, w = ink.shape
    side = max(h, w)
    top, left = (side - h) // 2, (side - w) // 2
    ys, xs = np.nonzero(ink)
    cells = np.zeros((CELLS, CELLS), bool)  # row 0 = the top of the canvas
    cells[(ys + top) * CELLS // side, (xs + left) * CELLS // side] = True
    count = int(cells.sum())
    if count == 0:
        raise DrawingError(_("Your drawing is empty: draw a shape on the canvas first."))
    rows, cols = np.nonzero(cells)
    if count < MIN_CELLS or max(np.ptp(rows), np.ptp(cols)) + 1 < MIN_SPAN:
        raise DrawingError(_("Your drawing is a single dot: draw lines or a shape, a few squares of the canvas long."))
    if count > MAX_CELLS:
        raise DrawingError(_("Your drawing covers {share} of the canvas: draw lines or an outline (at most "
                             "{most}), not a filled area.").format(share=percent(count / cells.size),
                                                                   most=percent(MAX_CELLS / cells.size)))
    code = _encode(_CANVAS, CANVAS_SIGMA, np.packbits(cells).tobytes())
    if len(code) > LINK_MAX_CHARS:
        raise DrawingError(_("Your drawing is too detailed to share in a link: draw fewer strokes."))
    return code


def drawing_from_points(points: np.ndarray) -> str:
    """Your own points (N, 2) in any units -> a code. They are moved and scaled (one scale for both axes) into
    [-2, 2]^2, quantised to 256 levels a side; more than MAX_POINTS are subsampled with a fixed seed.
    DrawingError for a wrong shape, NaN or infinity, or fewer than 2 distinct points."""
    try:
        values = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise DrawingError(_("The points must be numbers: two columns, x and y.")) from None
    if values.ndim != 2 or values.shape[1] != 2:
        raise DrawingError(_("The points must be two columns, x and y (an (N, 2) array); got shape {shape}.").format(
            shape=values.shape))
    if not np.isfinite(values).all():
        raise DrawingError(_("Some points are NaN or infinite: every point needs two finite numbers."))
    if len(np.unique(values, axis=0)) < 2:
        raise DrawingError(_("There are too few points ({count}, fewer than 2 distinct ones): give at least two "
                             "different points, better hundreds.").format(count=number(len(values))))
    if len(values) > MAX_POINTS:  # a fixed seed, in the file's order: the same file gives the same code
        values = values[np.sort(np.random.default_rng(0).choice(len(values), MAX_POINTS, replace=False))]
    low, high = values.min(axis=0), values.max(axis=0)
    offset = (low + high) / 2
    scale = POINTS_EXTENT / max(float((high - low).max()) / 2, 1e-12)
    toy = (values - offset) * scale  # (N, 2) in [-2, 2]
    q = np.round((toy + POINTS_EXTENT) / (2 * POINTS_EXTENT) * 255).astype(np.uint8)  # (N, 2)
    if not np.isfinite(scale) or len(np.unique(q, axis=0)) < 2:
        raise DrawingError(_("The points are too close together to tell apart (or too far apart): give points "
                             "spread over a region, in ordinary units."))
    units = _UNITS.pack(float(offset[0]), float(offset[1]), scale)
    return _encode(_POINTS, POINTS_SIGMA, q.T.tobytes(), units)  # all x, then all y: columns compress better


def decode_drawing(code: str) -> Drawing:
    """A code (from a link, a config, a model) -> its Drawing. DrawingError for anything malformed, longer than
    MAX_CHARS, or inflating past its kind's size (a decompression bomb)."""
    if not isinstance(code, str) or not code:
        raise DrawingError(_("There is no drawing: draw a shape on the canvas first."))
    if len(code) > MAX_CHARS:
        raise DrawingError(_("This drawing's code is too long ({count} characters; at most {most}).").format(
            count=number(len(code)), most=number(MAX_CHARS)))
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except (binascii.Error, ValueError):
        raise DrawingError(_("This drawing's code is damaged: copy the whole link again.")) from None
    if len(raw) < _HEAD.size:
        raise DrawingError(_("This drawing's code is damaged (too short): copy the whole link again."))
    version, kind, sigma = _HEAD.unpack_from(raw)
    if version != VERSION or kind not in _INFLATED_MAX or not 0.0 < sigma <= 1.0:
        raise DrawingError(_("This drawing's code is damaged or from another version: draw it again."))
    units_size = _UNITS.size if kind == _POINTS else 0
    units = _UNITS.unpack_from(raw, _HEAD.size) if units_size and len(raw) >= _HEAD.size + units_size else None
    if units_size and (units is None or not all(np.isfinite(units)) or not units[2] > 0):
        raise DrawingError(_("This drawing's code is damaged (its units): make the code again from the points."))
    payload = _inflate(raw[_HEAD.size + units_size:], _INFLATED_MAX[kind])
    if kind == _CANVAS:
        if len(payload) != CELLS * CELLS // 8:
            raise DrawingError(_("This drawing's code is damaged (wrong size): copy the whole link again."))
        rows, cols = np.nonzero(np.unpackbits(np.frombuffer(payload, np.uint8)).reshape(CELLS, CELLS))
        points = np.stack([-CANVAS_EXTENT + (cols + 0.5) * CELL, CANVAS_EXTENT - (rows + 0.5) * CELL], axis=1)
        if len(points) < MIN_CELLS:
            raise DrawingError(_("This drawing has almost no ink: draw it again."))
        return Drawing(points.astype(np.float32), float(sigma))
    if len(payload) % 2 or len(payload) < 4:
        raise DrawingError(_("This drawing's code is damaged (odd size): make the code again from the points."))
    q = np.frombuffer(payload, np.uint8).reshape(2, -1).T  # (N, 2)
    points = q.astype(np.float32) / 255 * (2 * POINTS_EXTENT) - POINTS_EXTENT
    return Drawing(points, float(sigma), (units[0], units[1]), units[2], "points")


def _inflate(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        payload = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise DrawingError(_("This drawing's code is damaged (cannot be unpacked): copy the whole link "
                             "again.")) from None
    if len(payload) > limit or inflater.unconsumed_tail:
        raise DrawingError(_("This drawing's code unpacks to more than a drawing can hold: it is not a drawing."))
    if not inflater.eof:
        raise DrawingError(_("This drawing's code is cut short: copy the whole link again."))
    return payload


def drawing_image(code: str, size: int) -> np.ndarray:
    """The drawing as the canvas shows it: uint8 (size, size), white (255) background, black (0) ink, each point
    a square of one cell (size / 64 pixels, at least 1). DrawingError for a bad code."""
    drawing = decode_drawing(code)
    image = np.full((size, size), 255, np.uint8)
    side = max(1, round(size / CELLS))
    scale = size / (2 * CANVAS_EXTENT)
    cols = np.floor((drawing.points[:, 0] + CANVAS_EXTENT) * scale - side / 2).astype(int)  # (M,) left edges
    rows = np.floor((CANVAS_EXTENT - drawing.points[:, 1]) * scale - side / 2).astype(int)  # (M,) top edges
    for dy in range(side):
        for dx in range(side):
            image[np.clip(rows + dy, 0, size - 1), np.clip(cols + dx, 0, size - 1)] = 0
    return image


# The "Draw your own" preset's drawing: a heart outline drawn on the canvas (tests/train/test_drawings.py draws it
# again from its formula; presets.py holds the same code, as presets may not import train).
HEART = ("AQAAACA9eNqtkDkOwjAQRZ-xlDSWawqLM6RMyVFyhJR0-GhzlNyAkg4xC5FAdIgv2c-y5s8Gf1J6wLXDeJN83-DENnKBmbnRYKXNVN"
         "goEyMIw0ImdbLonTDSM_aF7DwEz280fTEHZWcKdjOZdafWVWnUYhysL1W1PlXa59GoVzFOHuLBWRMkiWNvHcTG8AT15XFvcZsbvUbuyWsmcRu2F9d"
         "ag7ofV5uDZQoOSzDLJ2OUb_6kJ26DJoY")
