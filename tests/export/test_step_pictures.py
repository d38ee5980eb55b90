"""Slow motion's pictures with the toy views: one G step bends the drawn noise grid, a D step shows the arrows
before and after; without the views the pictures are as before."""

from __future__ import annotations

import numpy as np

from ganplayground.export.step_pictures import SIZE, d_step_picture, g_step_picture

NONE = np.zeros((0, 2), np.float32)
TICKS = np.linspace(-1.5, 1.5, 7, dtype=np.float32)
GRID = np.stack(np.meshgrid(TICKS, TICKS), axis=-1)  # (7, 7, 2)


def test_the_g_step_picture_draws_the_grid_before_and_after_so_a_step_bends_it() -> None:
    surface = np.zeros((64, 64), np.float32)
    old, new = np.array([[0.0, 0.0]], np.float32), np.array([[0.01, 0.0]], np.float32)
    plain, _ = g_step_picture(surface, 3.0, NONE, old, new)
    bent = GRID.copy()
    bent[..., 1] += 0.002 * GRID[..., 0] ** 2  # the step bends the rows a little
    image, caption = g_step_picture(surface, 3.0, NONE, old, new, warp_before=GRID, warp_after=bent)
    assert image.shape == (SIZE, SIZE, 3)
    changed = (image != plain).any(axis=2)
    assert changed.sum() > 1000 and "grid" in caption and "longer" in caption
    straight, _ = g_step_picture(surface, 3.0, NONE, old, new, warp_before=GRID, warp_after=GRID)
    assert (image != straight).any()  # the bend is drawn, stretched like the points' moves


def test_the_d_step_picture_shows_the_arrows_before_and_after_the_step() -> None:
    before, after = np.zeros((64, 64), np.float32), np.ones((64, 64), np.float32)
    plain, plain_caption = d_step_picture(before, after, 3.0, NONE, NONE)
    arrows = np.array([[[0.0, 0.0], [2.0, 0.0]]], np.float32)
    image, caption = d_step_picture(before, after, 3.0, NONE, NONE, arrows_before=arrows * 0.5,
                                    arrows_after=arrows)
    assert (image != plain).any(axis=2).sum() > 20
    assert caption.startswith(plain_caption) and "× the gradient" in caption
