"""The map picture: the background of faint real digits and anchors, and a reading's samples drawn on top."""

from __future__ import annotations

import numpy as np

from ganplayground.export.digit_map_picture import DIGIT_COLOURS, MAP_SIZE, digit_map_picture


def _coloured(picture: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int((picture == np.array(colour, dtype=np.uint8)).all(axis=2).sum())


def test_the_background_is_a_white_square_with_faint_digits() -> None:
    picture = digit_map_picture(None)
    assert picture.shape == (MAP_SIZE, MAP_SIZE, 3) and picture.dtype == np.uint8
    grey = picture.mean(axis=2)
    assert (grey == 255).mean() > 0.5 and (grey < 250).sum() > 500  # mostly white, with faint real digits


def test_samples_are_drawn_in_their_digits_colour_where_they_sit() -> None:
    reading = {"map": {"x": [0] * 5 + [59] * 5, "y": [0] * 5 + [81] * 5, "digit": [8] * 5 + [1] * 5}}
    picture = digit_map_picture(reading)
    empty = digit_map_picture(None)
    assert _coloured(picture, DIGIT_COLOURS[8]) > _coloured(empty, DIGIT_COLOURS[8])
    centre = MAP_SIZE // 2
    assert tuple(picture[centre, centre]) == DIGIT_COLOURS[8]  # the unsure ones in the middle
    assert _coloured(picture, DIGIT_COLOURS[1]) > _coloured(empty, DIGIT_COLOURS[1])
