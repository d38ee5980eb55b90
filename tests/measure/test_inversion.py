"""Finding a digit in a generator: a drawing becomes an MNIST digit, a code G made itself is found again, and
bad targets get plain messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganplayground.export import pretrained
from ganplayground.measure.drawn_digit import DrawnDigitError, digit_from_drawing
from ganplayground.measure.inversion import InversionError, invert, reading_of
from ganplayground.train.data import load_mnist
from ganplayground.train.latent import noise_for_seed


def seven_drawing(size: int = 280) -> np.ndarray:
    """Dark ink on white: a 7 (a top bar and a slanted stroke), uint8 (size, size)."""
    canvas = np.full((size, size), 255, np.uint8)
    s = size // 10
    canvas[2 * s: 3 * s, 3 * s: 7 * s] = 0
    for y in range(3 * s, 8 * s):
        x = 7 * s - (y - 3 * s) * 3 // 5
        canvas[y, x - s // 2: x + s // 2] = 0
    return canvas


def test_a_drawing_becomes_a_centred_white_on_black_digit_the_classifier_reads() -> None:
    digit = digit_from_drawing(seven_drawing())
    assert digit.shape == (28, 28) and digit.min() == -1.0 and digit.max() == pytest.approx(1.0)
    ys, xs = np.nonzero(digit > 0)
    assert max(np.ptp(ys), np.ptp(xs)) + 1 == 20  # the box's longer side is 20 px, as in MNIST
    assert abs((ys.min() + ys.max()) / 2 - 13.5) <= 1 and abs((xs.min() + xs.max()) / 2 - 13.5) <= 1
    assert reading_of(torch.from_numpy(digit)[None, None]) == 7


def test_an_rgba_canvas_with_transparent_paper_reads_like_white_paper() -> None:
    grey = seven_drawing()
    rgba = np.zeros((*grey.shape, 4), np.uint8)
    rgba[grey == 0] = (0, 0, 0, 255)  # ink opaque, paper transparent black
    np.testing.assert_allclose(digit_from_drawing(rgba), digit_from_drawing(grey), atol=1e-6)


@pytest.mark.parametrize(("picture", "words"), [
    (np.full((280, 280), 255, np.uint8), "blank"),
    (np.zeros((280, 280, 4), np.uint8), "blank"),
    (np.zeros((280, 280), np.uint8), "filled"),
    (np.full((4, 4), 255, np.uint8), "between 8 and 2048"),
    (np.full((3000, 100), 255, np.uint8), "between 8 and 2048"),
    (np.full((50, 50), np.nan, np.float32), "NaN"),
    (np.full((50, 50, 2), 0, np.uint8), "not a picture"),
])
def test_pictures_that_are_not_a_digit_get_a_plain_message(picture: np.ndarray, words: str) -> None:
    with pytest.raises(DrawnDigitError, match=words):
        digit_from_drawing(picture)


def test_a_code_the_generator_made_itself_is_found_again() -> None:
    generator = pretrained.load("default").generator.eval()
    with torch.no_grad():
        target = generator(noise_for_seed(123, 1, generator.latent_dim))[0, 0]  # (28, 28)
    before = [p.clone() for p in generator.parameters()]
    found = invert(generator, target, seed=7)
    assert found.error < 0.005 < found.random_error / 20  # near zero, where a random code is far off
    assert found.image.shape == (28, 28) and found.label is None
    assert found.history.shape[0] == len(found.history_steps) >= 10 and found.history_steps[-1] == 300
    errors = [float((h - target).pow(2).mean()) for h in found.history]
    assert errors == sorted(errors, reverse=True)  # the best so far only gets better
    assert all(torch.equal(a, b) for a, b in zip(before, generator.parameters(), strict=True))


def test_a_conditional_model_draws_the_digit_the_classifier_reads() -> None:
    images, labels = load_mnist("test")
    i = int(np.nonzero(labels == 4)[0][0])
    found = invert(pretrained.load("conditional").generator, images[i] / 127.5 - 1.0, steps=20, restarts=2)
    assert found.label == 4


@pytest.mark.parametrize(("target", "words"), [
    (torch.zeros(27, 28), "28 x 28"),
    (torch.full((28, 28), float("nan")), "NaN"),
    (torch.full((28, 28), 3.0), r"\[-1, 1\]"),
])
def test_bad_targets_get_a_plain_message(target: torch.Tensor, words: str) -> None:
    with pytest.raises(InversionError, match=words):
        invert(pretrained.load("default").generator, target, steps=1)
