"""The drawing codes: canvas pictures and points files in, points out, and every bad input a plain message."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
import pytest
import torch

from ganplayground.train.data import get_dataset
from ganplayground.train.drawings import (
    CANVAS_EXTENT,
    HEART,
    LINK_MAX_CHARS,
    MAX_CHARS,
    MAX_POINTS,
    DrawingError,
    decode_drawing,
    drawing_from_image,
    drawing_from_points,
    drawing_image,
)


def _heart_picture(size: int = 256) -> np.ndarray:
    """A heart outline 3 px wide, as the canvas would send it (how HEART was made)."""
    t = np.linspace(0, 2 * np.pi, 2000)
    x, y = 16 * np.sin(t) ** 3, 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    cols, rows = (size / 2 + x * size / 40).astype(int), (size / 2 - (y + 2) * size / 40).astype(int)
    image = np.full((size, size), 255, np.uint8)
    for d in (-1, 0, 1):
        image[np.clip(rows + d, 0, size - 1), cols] = 0
        image[rows, np.clip(cols + d, 0, size - 1)] = 0
    return image


def _letter_l(size: int = 400) -> np.ndarray:
    """An RGBA canvas (transparent background) with an L in opaque black strokes 8 px wide."""
    image = np.zeros((size, size, 4), np.uint8)
    image[80:320, 100:108] = (0, 0, 0, 255)  # the upright
    image[312:320, 100:300] = (0, 0, 0, 255)  # the foot
    return image


def _unpadded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_heart_is_the_heart_drawn_on_a_canvas() -> None:
    again = decode_drawing(drawing_from_image(_heart_picture()))
    assert np.array_equal(decode_drawing(HEART).points, again.points)


def test_samples_from_an_l_lie_on_its_strokes_and_spread_along_them() -> None:
    code = drawing_from_image(_letter_l())
    points, _ = get_dataset("drawn", drawing=code).sample(2000, torch.Generator().manual_seed(0))
    x, y = points[:, 0].numpy(), points[:, 1].numpy()
    scale = 2 * CANVAS_EXTENT / 400  # toy units per pixel; y up
    upright_x, foot_y = -CANVAS_EXTENT + 104 * scale, CANVAS_EXTENT - 316 * scale
    on_upright = np.abs(x - upright_x) < 0.2
    on_foot = np.abs(y - foot_y) < 0.2
    assert (on_upright | on_foot).mean() > 0.98  # on the strokes (a cell and the jitter away at most)
    assert np.abs(points.numpy()).max() <= CANVAS_EXTENT + 0.3  # within the toys' range
    # spread along both strokes, not piled up: every tenth of the upright and of the foot has samples
    upright_top, upright_bottom = CANVAS_EXTENT - 80 * scale, foot_y
    bins = np.histogram(y[on_upright & ~on_foot], bins=10, range=(upright_bottom + 0.2, upright_top))[0]
    assert (bins > 20).all()
    bins = np.histogram(x[on_foot & ~on_upright], bins=10, range=(upright_x + 0.2, -CANVAS_EXTENT + 300 * scale))[0]
    assert (bins > 20).all()


def test_samples_along_a_stroke_overlap_into_a_line_not_beads() -> None:
    code = drawing_from_image(_letter_l())
    points, _ = get_dataset("drawn", drawing=code).sample(20000, torch.Generator().manual_seed(1))
    x, y = points[:, 0].numpy(), points[:, 1].numpy()
    upright = y[np.abs(x - (-CANVAS_EXTENT + 104 * 5 / 400)) < 0.1]
    counts = np.histogram(upright, bins=80, range=(-1.0, 1.5))[0]  # bins of 0.03, less than half a cell
    assert counts.min() > 0.3 * counts.mean()  # no empty gaps between the cells' centres


@pytest.mark.parametrize(("picture", "words"), [
    (np.full((300, 300), 255, np.uint8), "empty"),
    (np.zeros((300, 300, 4), np.uint8), "empty"),  # fully transparent: no ink, whatever the colour
    (np.pad(np.zeros((6, 6), np.uint8), 147, constant_values=255), "single dot"),
    (np.zeros((300, 300), np.uint8), "covers 100% of the canvas"),
    (np.zeros((3, 3, 2), np.uint8), "did not send a picture"),
])
def test_empty_dot_and_filled_canvases_get_plain_messages(picture: np.ndarray, words: str) -> None:
    with pytest.raises(DrawingError, match=words):
        drawing_from_image(picture)


@pytest.mark.parametrize("picture", [_heart_picture(), _letter_l(), _heart_picture(1024)])
def test_a_realistic_drawing_fits_a_link_in_well_under_two_kilobytes(picture: np.ndarray) -> None:
    code = drawing_from_image(picture)
    assert len(code) <= LINK_MAX_CHARS and len(code) < 1000
    assert decode_drawing(code).points.shape[0] >= 50


def test_a_drawing_image_shows_the_ink_where_it_was_drawn() -> None:
    picture = drawing_image(drawing_from_image(_letter_l()), 64)  # one pixel per cell
    assert picture.shape == (64, 64) and picture.dtype == np.uint8
    assert picture[30, 16] == 0 and picture[50, 30] == 0  # the upright, the foot (400 px -> 64 cells)
    assert picture[10, 50] == 255 and (picture == 0).mean() < 0.2


def test_points_come_back_in_their_own_units() -> None:
    rng = np.random.default_rng(0)
    mine = np.stack([rng.uniform(100, 300, 500), rng.uniform(-5, 5, 500)], axis=1)  # wide: x spans 200
    drawing = decode_drawing(drawing_from_points(mine))
    assert drawing.kind == "points" and np.abs(drawing.points).max() <= 2.0 + 1e-6
    assert np.abs(drawing.points[:, 0]).max() > 1.9  # scaled to fill [-2, 2] along the wide axis ...
    assert np.abs(drawing.points[:, 1]).max() < 0.2  # ... and by the same factor along the other
    back = drawing.to_units(drawing.points)
    assert np.abs(back - mine).max() < 200 / 255  # one quantisation step of the 200-wide range
    assert drawing.sigma > 0


def test_more_than_max_points_are_subsampled_the_same_way_every_time() -> None:
    many = np.random.default_rng(0).normal(size=(MAX_POINTS * 3, 2))
    code = drawing_from_points(many)
    assert code == drawing_from_points(many) and len(code) <= MAX_CHARS
    assert decode_drawing(code).points.shape == (MAX_POINTS, 2)


@pytest.mark.parametrize(("points", "words"), [
    (np.zeros((10, 3)), "two columns"),
    (np.zeros(10), "two columns"),
    (np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]]), "NaN or infinite"),
    (np.array([[0.0, 1.0], [np.inf, 2.0]]), "NaN or infinite"),
    (np.ones((50, 2)), "too few points"),
    (np.array([["a", "b"]]), "must be numbers"),
])
def test_bad_points_get_plain_messages(points: np.ndarray, words: str) -> None:
    with pytest.raises(DrawingError, match=words):
        drawing_from_points(points)


def test_a_canvas_code_survives_the_round_trip() -> None:
    code = drawing_from_image(_heart_picture())
    assert drawing_from_image(drawing_image(code, 256)) == code  # the picture of a code gives the code back


@pytest.mark.parametrize(("code", "words"), [
    ("", "no drawing"),
    ("!!!not base64", "damaged"),
    ("AQ", "too short"),
    (HEART[:-30], "cut short|damaged"),
    (_unpadded(struct.pack("<BBf", 9, 0, 0.04) + zlib.compress(bytes(512))), "another version"),
    (_unpadded(struct.pack("<BBf", 1, 0, float("nan")) + zlib.compress(bytes(512))), "another version"),
    (_unpadded(struct.pack("<BBf", 1, 0, 0.04) + zlib.compress(bytes(100))), "wrong size"),
    (_unpadded(struct.pack("<BBf", 1, 1, 0.03) + struct.pack("<fff", 0, 0, float("nan")) + zlib.compress(bytes(8))),
     "units"),
    ("A" * (MAX_CHARS + 1), "too long"),
])
def test_malformed_codes_get_plain_messages(code: str, words: str) -> None:
    with pytest.raises(DrawingError, match=words):
        decode_drawing(code)


def test_a_decompression_bomb_is_refused_before_it_is_inflated() -> None:
    header = struct.pack("<BBf", 1, 1, 0.03) + struct.pack("<fff", 0, 0, 1)
    bomb = _unpadded(header + zlib.compress(bytes(3_000_000), 9))
    assert len(bomb) <= MAX_CHARS  # three megabytes of zeros pack into a short code
    with pytest.raises(DrawingError, match="more than a drawing can hold"):
        decode_drawing(bomb)
