"""A run over time as a captioned strip: frames of digits and of toys, and the meter in words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganplayground.config import Config
from ganplayground.export.timeline import FRAME_SAMPLES, Frame, frame_of, frame_strip, meter_words, restrip, story_json
from ganplayground.i18n import use_language
from ganplayground.train.trainer import Trainer


def test_meter_words_name_the_three_states_and_blobs() -> None:
    assert meter_words(None) == ""
    assert meter_words({"modes": 7, "verdict": "illegible"}) == "not digits yet"
    assert meter_words({"modes": 1, "verdict": "collapse"}) == "1 of 10 digits (collapse)"
    assert meter_words({"modes": 10, "verdict": "healthy"}) == "10 of 10 digits"
    assert meter_words({"modes": 2, "num_modes": 8}) == "2 of 8 blobs"


def test_a_digit_frame_shows_the_first_fixed_noise_samples_with_time_and_step(tiny: Config) -> None:
    trainer = Trainer(tiny)
    trainer.step()
    frame = frame_of(trainer, {"modes": 1, "verdict": "collapse"})
    side = 2 * (4 * 30 + 2)  # 4 x 4 digits with 2-px padding, doubled
    assert frame.picture.shape == (side, side) and frame.picture.dtype == np.uint8
    assert frame.caption.startswith("0 s, step 1") and frame.caption.endswith("1 of 10 digits (collapse)")
    grid = trainer.sample_fixed()
    assert grid.shape[0] > FRAME_SAMPLES


def test_a_toy_frame_is_the_plot_of_the_plane() -> None:
    trainer = Trainer(Config(dataset="ring", latent_dim=2, width=16, batch_size=32, device="cpu", threads=1))
    frame = frame_of(trainer)
    assert frame.picture.shape == (200, 200, 3)
    assert "\n" not in frame.caption  # no meter reading yet


def test_a_strip_puts_frames_side_by_side_over_their_captions() -> None:
    grey = Frame(np.zeros((40, 30), np.uint8), "0 s, step 0")
    colour = Frame(np.full((40, 50, 3), 128, np.uint8), "9 s, step 900\n1 of 10 digits (collapse)")
    strip = frame_strip([grey, colour], gap=8)
    assert strip.dtype == np.uint8 and strip.shape[2] == 3
    assert strip.shape[1] == 30 + 50 + 3 * 8
    assert strip.shape[0] > 40 + 2 * 14  # room for two caption lines
    assert (strip[8:48, 8:38] == 0).all() and (strip[8:48, 46:96] == 128).all()  # the pictures, in order
    with pytest.raises(ValueError, match="at least one frame"):
        frame_strip([])


def _story_frames() -> list[Frame]:
    """Two moments as frame_of makes them: a grey picture before the meter's first reading, a colour one after."""
    early = {"seconds": 2.0, "step": 500, "reading": None}
    late = {"seconds": 41.2, "step": 12000, "reading": {"modes": 1, "verdict": "collapse"}}
    return [Frame(np.full((40, 30), 60, np.uint8), "2 s, step 500", early),
            Frame(np.full((40, 50, 3), 200, np.uint8), "41 s, step 12,000\n1 of 10 digits (collapse)", late)]


def test_a_saved_strip_is_captioned_again_in_another_language_from_its_story() -> None:
    frames = _story_frames()
    strip, story = frame_strip(frames), story_json(frames)
    assert (restrip(strip, story) == strip).all()  # in English: the strip as saved, pixel for pixel
    with use_language("de"):
        german = restrip(strip, story)
    assert (german[8:48, 8:38] == strip[8:48, 8:38]).all() and (german[8:48, 46:96] == 200).all()  # same pictures
    assert german.shape[1] == strip.shape[1] and not np.array_equal(german[48:], strip[48:])  # new captions


def test_a_damaged_or_mismatched_story_is_refused_with_a_plain_error() -> None:
    frames = _story_frames()
    strip, story = frame_strip(frames), story_json(frames)
    for bad in ("{", "[]", story.replace("ganplayground-frames", "other"), story.replace('"step": 500', '"step": "x"')):
        with pytest.raises(ValueError, match="story cannot be read"):
            restrip(strip, bad)
    with pytest.raises(ValueError, match="outside the strip"):
        restrip(strip[:, :60], story)  # the second picture's box no longer fits
    with pytest.raises(ValueError, match="without its moment"):
        story_json([Frame(np.zeros((4, 4), np.uint8), "a caption")])


@pytest.mark.parametrize("name", ["collapsed-js", "ring-js", "ring-wgan-gp"])
def test_a_shipped_run_over_time_has_the_story_that_draws_it_again(name: str) -> None:
    folder = Path(__file__).parents[2] / "pretrained" / name
    strip = np.asarray(Image.open(folder / "frames.png").convert("RGB"))
    story = (folder / "frames.json").read_text()
    assert (restrip(strip, story) == strip).all()  # in English, pixel for pixel: the story says what the captions say
    with use_language("zh"):
        assert not np.array_equal(restrip(strip, story)[-40:], strip[-40:])
