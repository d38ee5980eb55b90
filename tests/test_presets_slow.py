"""The presets' claims, trained for real for their full time budget (minutes each, so marked slow:
`pytest -m slow`). benchmarks/presets.py prints the same numbers on more seeds for the README."""

from __future__ import annotations

import pytest

from ganplayground.config import get_preset
from ganplayground.metrics import conditional_accuracy, evaluate_generator
from ganplayground.trainer import Trainer

pytestmark = pytest.mark.slow


def _train(name: str, seed: int) -> tuple[Trainer, dict]:
    config = get_preset(name).config.replace(seed=seed)
    trainer = Trainer(config)
    for _ in trainer.run(every_seconds=10.0):
        pass
    return trainer, evaluate_generator(trainer.sampler, config, 5000, seed=1000 + seed)


@pytest.mark.parametrize("seed", [0, 1])
def test_default_draws_all_ten_digits_with_a_low_fid_in_its_minute(seed: int) -> None:
    _, metrics = _train("default", seed)
    assert metrics["modes"] == 10 and metrics["fid"] <= 60, metrics


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_collapse_keeps_at_most_three_classes_in_its_minute(seed: int) -> None:
    _, metrics = _train("collapse", seed)
    assert metrics["modes"] <= 3, metrics


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wgan_gp_on_the_collapse_networks_covers_nine_or_more_classes(seed: int) -> None:
    _, metrics = _train("wgan-gp", seed)
    assert metrics["modes"] >= 9, metrics


def test_conditional_draws_the_digit_asked_for() -> None:
    trainer, metrics = _train("conditional", 0)
    assert metrics["modes"] == 10
    assert conditional_accuracy(trainer.sampler, 2000, 0) >= 0.95


@pytest.mark.parametrize(("js", "wgan"), [("ring-js", "ring-wgan-gp")])
def test_on_the_ring_wasserstein_covers_more_blobs_than_js(js: str, wgan: str) -> None:
    _, js_metrics = _train(js, 0)
    _, wgan_metrics = _train(wgan, 0)
    assert js_metrics["modes"] <= 2 and wgan_metrics["modes"] >= 6, (js_metrics, wgan_metrics)
