"""Thumbnails for the class's wall: small enough in pixels and bytes whatever the picture, grey kept grey, never
enlarged, and plain errors for what is not a picture."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ganplayground.classroom.thumbnails import thumbnail_png


def opened(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png))


@pytest.mark.parametrize("shape", [(96, 96), (96, 96, 3), (300, 200, 3), (2000, 30), (500, 500)])
def test_even_pure_noise_fits_in_96_pixels_and_10_kb(shape) -> None:
    picture = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    png = thumbnail_png(picture)
    image = opened(png)
    assert len(png) <= 10_000 and max(image.size) <= 96
    assert image.mode in (("RGB", "P") if len(shape) == 3 else ("L",))  # grey stays grey; colour may get a palette


def test_the_long_side_shrinks_to_the_size_and_the_shape_is_kept() -> None:
    image = opened(thumbnail_png(np.zeros((300, 150, 3), np.uint8)))
    assert image.size == (48, 96)  # (width, height)


def test_a_small_picture_is_not_enlarged_and_keeps_its_pixels() -> None:
    grid = np.random.default_rng(1).integers(0, 256, (28, 28), dtype=np.uint8)
    assert np.array_equal(np.asarray(opened(thumbnail_png(grid))), grid)


def test_a_tight_byte_cap_is_met_by_fewer_levels_or_fewer_pixels() -> None:
    noise = np.random.default_rng(2).integers(0, 256, (96, 96), dtype=np.uint8)
    for cap in (6000, 2000, 500):
        assert len(thumbnail_png(noise, max_bytes=cap)) <= cap


@pytest.mark.parametrize("bad", [np.zeros((28, 28), np.float32), np.zeros((28, 28, 4), np.uint8),
                                 np.zeros((0, 5), np.uint8), np.zeros((2, 2, 2, 2), np.uint8), [[0, 1], [2, 3]]])
def test_what_is_not_a_grey_or_rgb_picture_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="uint8 picture"):
        thumbnail_png(bad)


def test_a_cap_no_picture_can_meet_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="fits in 10 bytes"):
        thumbnail_png(np.zeros((28, 28), np.uint8), max_bytes=10)
