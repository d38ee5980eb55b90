"""The digit map places real digits at their digit's anchor and what is not a digit near the centre; show me the 1s
finds the collapsed model's 1s."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ganplayground.export import pretrained
from ganplayground.measure.classifier import load_classifier, predict_with_strokes
from ganplayground.measure.digit_map import (
    ANCHORS,
    MAP_SAMPLES,
    gallery_of_images,
    map_positions,
    reading_positions,
    reference_map,
)
from ganplayground.measure.metrics import digit_gallery, evaluate_images
from ganplayground.train.data import load_mnist


def _positions(images) -> np.ndarray:
    model, _ = load_classifier()
    return map_positions(*predict_with_strokes(model, images))


def _nearest_anchor(positions: np.ndarray) -> np.ndarray:
    return np.linalg.norm(positions[:, None, :] - ANCHORS[None], axis=2).argmin(1)


def test_real_digits_of_one_class_land_near_their_anchor() -> None:
    images, labels = load_mnist("test")
    sevens = images[labels == 7][:200]
    positions = _positions(sevens)
    assert (_nearest_anchor(positions) == 7).mean() > 0.9
    assert np.median(np.linalg.norm(positions - ANCHORS[7], axis=1)) < 0.3


def test_real_digits_of_all_classes_fill_all_ten_places() -> None:
    images, labels = load_mnist("test")
    positions = _positions(images[:1000])
    places = _nearest_anchor(positions)
    assert set(places.tolist()) == set(range(10))
    assert (places == labels[:1000]).mean() > 0.9
    assert np.median(np.linalg.norm(positions, axis=1)) > 0.7  # out on the circle, not in the middle


def test_noise_and_static_sit_near_the_centre() -> None:
    g = torch.Generator().manual_seed(0)
    uniform = torch.rand(200, 1, 28, 28, generator=g) * 2 - 1  # the classifier alone calls this a confident 8
    static = (torch.randn(200, 1, 28, 28, generator=g) * 0.3 - 0.5).clamp(-1, 1)
    for noise in (uniform, static):
        assert np.median(np.linalg.norm(_positions(noise), axis=1)) < 0.25


def test_a_sample_of_nan_pixels_sits_at_the_centre() -> None:
    broken = torch.full((3, 1, 28, 28), float("nan"))
    assert np.allclose(_positions(broken), 0.0)


def test_a_reading_carries_the_map_and_each_digits_count_and_legibility() -> None:
    images, labels = load_mnist("test")
    m = evaluate_images(images[:500], with_floor=False)
    assert sum(m["class_counts"]) == 500 and len(m["class_legibility"]) == 10
    assert all(score is not None and score < 200 for score in m["class_legibility"])  # real digits: legible
    positions, digits = reading_positions(m["map"])
    assert positions.shape == (min(500, MAP_SAMPLES), 2) and (np.abs(positions) <= 1.0).all()
    assert (digits == labels[:MAP_SAMPLES]).mean() > 0.9
    assert all(isinstance(v, int) for v in m["map"]["x"][:5])  # small ints: cheap in a run's history


def test_the_reference_map_places_twenty_real_digits_of_each_class() -> None:
    ref = reference_map()
    assert ref.images.shape == (200, 28, 28) and ref.images.dtype == np.uint8
    assert np.bincount(ref.labels, minlength=10).tolist() == [20] * 10
    assert (_nearest_anchor(ref.positions) == ref.labels).mean() > 0.9


def test_show_me_the_1s_of_the_collapsed_model_is_all_ones_and_legible() -> None:
    saved = pretrained.load("collapsed-js")
    ones = digit_gallery(saved.generator, saved.config, 1)
    assert ones.total == saved.config.metrics_samples and ones.count > 0.9 * ones.total
    assert ones.images.shape == (32, 28, 28) and ones.images.dtype == np.uint8
    assert math.isfinite(ones.legibility) and ones.legibility < 200 and math.isfinite(ones.real_score)
    model, _ = load_classifier()
    probs, _ = predict_with_strokes(model, ones.images)[:2]
    assert (probs.argmax(1) == 1).all()  # every sample shown is one the classifier files as a 1
    sevens = digit_gallery(saved.generator, saved.config, 0)
    assert sevens.count == 0 and len(sevens.images) == 0


def test_a_gallery_of_real_digits_matches_their_labels_and_refuses_a_digit_that_is_not_one() -> None:
    images, labels = load_mnist("test")
    fours = gallery_of_images(images[:300], 4, limit=8)
    assert abs(fours.count - int((labels[:300] == 4).sum())) <= 3  # the classifier reads ~99% of them right
    assert len(fours.images) == 8
    with pytest.raises(ValueError, match="0 to 9"):
        gallery_of_images(images[:10], 11)
