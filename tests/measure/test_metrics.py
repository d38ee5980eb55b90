"""The mode meter's figures on pictures whose answer we know: real digits, real digits of one class,
uniform noise and the grey static that the saturating minimax loss makes (the shipped
`vanishing-minimax` model). The meter must call the first healthy, the second collapse and the last two
"not digits yet", whatever the classifier files them under."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ganplayground.export import pretrained
from ganplayground.measure import legibility, metrics
from ganplayground.train.data import get_dataset, load_mnist
from ganplayground.train.drawings import HEART
from ganplayground.train.toys import toy_for

N = 1000  # what the page's live meter reads


@pytest.fixture(scope="module")
def train_digits() -> tuple[np.ndarray, np.ndarray]:
    return load_mnist("train")


def _real(train_digits: tuple[np.ndarray, np.ndarray], digit: int | None = None) -> np.ndarray:
    images, labels = train_digits
    pool = np.arange(len(images)) if digit is None else np.where(labels == digit)[0]
    return images[np.random.default_rng(0).choice(pool, N, replace=False)]


@pytest.fixture(scope="module")
def static() -> torch.Tensor:
    saved = pretrained.load("vanishing-minimax")
    return metrics.generate(saved.generator, N, 5, False)


def test_real_digits_are_legible_and_healthy(train_digits: tuple) -> None:
    m = metrics.evaluate_images(_real(train_digits), with_floor=False)
    assert m["modes"] == 10 and m["verdict"] == "healthy"
    assert m["class_fid"] < 0.25 * metrics.LEGIBLE_CLASS_FID
    assert "precision" not in m  # fooled by noise, so the meter does not compute it


@pytest.mark.parametrize("digit", [1, 7])
def test_real_digits_of_one_class_are_a_legible_collapse(train_digits: tuple, digit: int) -> None:
    m = metrics.evaluate_images(_real(train_digits, digit), with_floor=False)
    assert m["modes"] == 1 and m["largest_share"] > 0.97
    assert m["verdict"] == "collapse"
    assert m["class_fid"] < 0.1 * metrics.LEGIBLE_CLASS_FID
    # The plain FID cannot tell this from static: both are far from the ten-digit mean.
    assert m["fid"] > 500


def test_a_collapse_is_compared_with_as_many_real_digits_of_its_digit(train_digits: tuple) -> None:
    m = metrics.evaluate_images(_real(train_digits, 1))
    assert m["verdict"] == "collapse" and m["digit_floor"] == legibility.real_digit_floor(1, m["n"])
    assert metrics.legibility_reference(m) == ("real 1s", m["digit_floor"])
    # Real 1s score about what real 1s score (~9 on 1,000, ~6 on 5,000), far below all ten digits' ~65.
    assert 3 < legibility.real_digit_floor(1, 1000) < 20 and legibility.real_digit_floor(1, 5000) < 10
    healthy = metrics.evaluate_images(_real(train_digits))
    assert "digit_floor" not in healthy and metrics.legibility_reference(healthy)[0] == "real digits"


def test_uniform_noise_is_not_digits_although_the_classifier_files_it_under_one() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (N, 28, 28), dtype=np.uint8)
    m = metrics.evaluate_images(noise, with_floor=False)
    assert m["modes"] == 1  # the classifier calls all of it one digit ...
    assert m["verdict"] == "illegible"  # ... and the meter does not believe it
    assert m["class_fid"] > 2 * metrics.LEGIBLE_CLASS_FID


def test_the_static_of_the_saturating_loss_is_not_digits(static: torch.Tensor) -> None:
    m = metrics.evaluate_images(static, with_floor=False)
    assert m["modes"] <= 2
    assert m["verdict"] == "illegible"
    assert m["class_fid"] > 2 * metrics.LEGIBLE_CLASS_FID


def test_one_clean_digit_scores_far_better_than_static(train_digits: tuple, static: torch.Tensor) -> None:
    ones = metrics.evaluate_images(_real(train_digits, 1), with_floor=False)["class_fid"]
    grey = metrics.evaluate_images(static, with_floor=False)["class_fid"]
    assert grey > 50 * ones


def test_class_fid_leaves_out_rare_classes_and_is_nan_without_any() -> None:
    feats, strokes = torch.rand(30, 128), torch.rand(30, 64)
    lonely = torch.arange(30) % 10  # 3 samples per class: below the minimum everywhere
    assert math.isnan(legibility.class_fid(lonely, feats, strokes))
    assert metrics.verdict(1, math.nan) == "illegible"


def test_a_few_stray_samples_do_not_hide_a_clean_digit_but_many_do_count(train_digits: tuple) -> None:
    ones = _real(train_digits, 1)
    noise = np.random.default_rng(2).integers(0, 256, (N, 28, 28), dtype=np.uint8)
    clean = metrics.evaluate_images(ones, with_floor=False)["class_fid"]
    stray = int(0.015 * N)  # under the meter's 2% line: not a digit it makes, left out of the figure
    with_strays = metrics.evaluate_images(np.concatenate([ones[stray:], noise[:stray]]), with_floor=False)
    assert with_strays["class_fid"] < 1.5 * clean
    many = int(0.1 * N)  # a tenth of the samples is noise: the meter counts it, and the figure shows it
    with_noise = metrics.evaluate_images(np.concatenate([ones[many:], noise[:many]]), with_floor=False)
    assert with_noise["class_fid"] > 5 * clean


def test_verdict_thresholds() -> None:
    legible = metrics.LEGIBLE_CLASS_FID / 2
    assert metrics.verdict(1, legible) == "collapse"
    assert metrics.verdict(metrics.COLLAPSE_MAX_MODES, legible) == "collapse"
    assert metrics.verdict(metrics.COLLAPSE_MAX_MODES + 1, legible) == "healthy"
    assert metrics.verdict(10, metrics.LEGIBLE_CLASS_FID * 2) == "illegible"


def test_kl_to_uniform_is_zero_when_balanced_and_ln_k_for_one_class() -> None:
    assert metrics.kl_to_uniform(np.full(10, 0.1)) == pytest.approx(0.0, abs=1e-12)
    assert metrics.kl_to_uniform(np.eye(10)[3]) == pytest.approx(math.log(10))


def test_precision_stays_available_for_evaluations_that_ask(train_digits: tuple) -> None:
    m = metrics.evaluate_images(_real(train_digits)[:300], with_floor=False, precision_recall_samples=300)
    assert 0.5 < m["precision"] <= 1.0 and 0.5 < m["recall"] <= 1.0


def test_a_toy_blob_is_covered_by_points_on_it_and_quality_counts_points_within_three_sigma() -> None:
    centres, sigma = toy_for("ring").centres, toy_for("ring").sigma
    on_blob_0 = np.repeat(centres[:1], 90, axis=0) + 0.1  # on blob 0, 0.14 off centre: near, not within 3 sigma
    exact_blob_3 = np.repeat(centres[3:4], 10, axis=0)  # exactly on blob 3
    far = np.zeros((900, 2), np.float32)  # the ring's empty middle
    m = metrics.toy_metrics(np.concatenate([on_blob_0, exact_blob_3, far]), "ring")
    assert m["modes"] == 2 and m["num_modes"] == 8
    assert m["histogram"][0] == pytest.approx(0.09) and m["histogram"][3] == pytest.approx(0.01)
    assert m["high_quality"] == pytest.approx(0.01)  # only the exact ones are within 3 sigma (0.06)
    assert 0.1 * np.sqrt(2) > 3 * sigma


def test_points_on_a_drawing_cover_all_its_parts_and_points_elsewhere_none() -> None:
    toy = toy_for("drawn", HEART)
    on = get_dataset("drawn", drawing=HEART).sample(2000, torch.Generator().manual_seed(0))[0].numpy()
    on_the_drawing = metrics.toy_metrics(on, "drawn", HEART)
    assert on_the_drawing["modes"] == toy.num_parts == on_the_drawing["num_modes"] >= 5
    assert on_the_drawing["high_quality"] > 0.95
    elsewhere = np.full((500, 2), [2.7, -2.7], np.float32)  # the canvas's empty corner
    assert metrics.toy_metrics(elsewhere, "drawn", HEART)["modes"] == 0
    assert metrics.toy_metrics(elsewhere, "drawn", HEART)["high_quality"] == 0.0


def test_points_on_one_end_of_the_line_cover_only_the_parts_there() -> None:
    toy = toy_for("line")
    end = np.repeat(toy.centres[:5], 100, axis=0)  # the first five centres of the segment
    m = metrics.toy_metrics(end, "line")
    assert m["num_modes"] == toy.num_parts == 10 and 1 <= m["modes"] <= 2
