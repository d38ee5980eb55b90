"""The "be the discriminator" engine: what a round holds, that a seed replays it, scoring on hand-made marks,
and the two machine opponents (hand-set discriminators, then the shipped models' measured behaviour)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganplayground.classroom import game
from ganplayground.config import Config
from ganplayground.export import pretrained
from ganplayground.export.checkpoints import SavedModel
from ganplayground.train.data import load_mnist
from ganplayground.train.models import build_models


def _constant_d_model(loss: str, bias: float) -> SavedModel:
    """A small MNIST model whose D gives every image the score `bias` (head weights zero)."""
    config = Config(dataset="mnist", arch="mlp", loss=loss, latent_dim=8, width=32, device="cpu")
    generator, discriminator = build_models(config.dataset, config.arch, config.latent_dim, config.width,
                                            config.conditional, config.g_batchnorm, config.spectral_norm)
    with torch.no_grad():
        discriminator.head.weight.zero_()
        discriminator.head.bias.fill_(bias)
    return SavedModel(config=config, generator=generator.eval(), discriminator=discriminator.eval())


def test_a_round_shuffles_real_test_digits_with_generated_ones() -> None:
    round_ = game.new_round("collapsed-js", seed=3)
    assert round_.images.shape == (16, 28, 28) and round_.images.dtype == np.uint8
    assert round_.is_fake.shape == (16,) and round_.is_fake.dtype == bool
    assert 4 <= round_.is_fake.sum() <= 12  # a quarter to three quarters are fake
    pool = load_mnist("test")[0][game.ROUND_REALS].reshape(-1, 784)
    flat = round_.images.reshape(16, 784)
    in_pool = [(pool == row).all(axis=1).any() for row in flat]
    assert in_pool == list(~round_.is_fake)  # every real tile is a test digit; no fake one is
    assert not round_.is_fake[:8].all() or not (~round_.is_fake[8:]).all()  # shuffled, not reals-then-fakes


def test_the_number_of_fakes_varies_between_rounds() -> None:
    counts = {int(game.new_round("collapsed-js", seed).is_fake.sum()) for seed in range(12)}
    assert len(counts) >= 3 and min(counts) >= 4 and max(counts) <= 12


def test_the_same_seed_replays_the_same_round_and_another_seed_does_not() -> None:
    a, b, c = game.new_round("default", 11), game.new_round("default", 11), game.new_round("default", 12)
    assert np.array_equal(a.images, b.images) and np.array_equal(a.is_fake, b.is_fake)
    for x, y in zip(a.opponents, b.opponents, strict=True):
        assert np.array_equal(x.marks, y.marks) and np.allclose(x.scores, y.scores)
    assert not np.array_equal(a.images, c.images)


def test_board_size_is_a_parameter() -> None:
    round_ = game.new_round("default", 0, n=9)
    assert round_.n == 9 and 3 <= round_.is_fake.sum() <= 6
    assert all(len(o.marks) == 9 for o in round_.opponents)


def test_scoring_by_hand() -> None:
    is_fake = np.array([True, False, True, False, True])
    score = game.score_marks(is_fake, [1, 2])  # tile 1: caught; 2: false alarm; 3, 5: missed; 4: right to leave
    assert score.right.tolist() == [True, False, False, True, False]
    assert (score.correct, score.total, score.caught, score.missed, score.false_alarms) == (2, 5, 1, 2, 1)
    assert (score.fakes, score.reals) == (3, 2)
    assert game.score_marks(is_fake, []).correct == 2  # marking nothing: right about the reals only
    assert game.score_marks(is_fake, [1, 3, 5]).correct == 5
    assert game.score_marks(is_fake, ["3", 3, 1.0]).caught == 2  # repeats count once; "3" and 1.0 are tiles


@pytest.mark.parametrize(("marks", "message"), [
    ([0], "no tile 0"), ([6], "no tile 6"), ([-1], "no tile -1"), ([2.5], "not a tile number"),
    ([True], "not a tile number"), (["x"], "not a tile number"), ([None], "not a tile number"),
    ("1,2", "list of tile numbers"), (7, "list of tile numbers"),
])
def test_marks_that_are_not_tiles_get_a_plain_message(marks, message) -> None:
    with pytest.raises(ValueError, match=message):
        game.score_marks(np.zeros(5, dtype=bool), marks)


def test_tiles_of_numbers_marks_from_one() -> None:
    assert game.tiles_of(np.array([False, True, False, True])) == [2, 4]


def test_bad_model_seed_or_size_get_a_plain_message() -> None:
    with pytest.raises(ValueError, match="unknown model 'nope'; choose one of"):
        game.new_round("nope", 0)
    with pytest.raises(ValueError, match="unknown model 'ring-js'"):  # a 2-D toy draws no digits
        game.new_round("ring-js", 0)
    for seed in (-1, 2**31, 1.5, "3", True):
        with pytest.raises(ValueError, match="round number"):
            game.new_round("default", seed)
    for n in (3, 65, 16.0):
        with pytest.raises(ValueError, match="tiles"):
            game.new_round("default", 0, n=n)


def test_the_toys_cannot_play() -> None:
    models = game.game_models()
    assert {"default", "collapsed-js", "conditional", "wgan-gp", "vanishing-minimax"} <= set(models)
    assert not any(name.startswith("ring") for name in models)


@pytest.mark.parametrize(("bias", "fakes_marked"), [(2.0, False), (-2.0, True)])
def test_a_js_discriminator_calls_fake_below_one_half(bias: float, fakes_marked: bool) -> None:
    round_ = game.make_round(_constant_d_model("js", bias), seed=1)
    d = round_.opponent("discriminator")
    assert d.rule == "probability" and d.threshold == 0.5
    assert np.allclose(d.scores, 1 / (1 + np.exp(-bias)))  # D(x) = sigmoid(score)
    assert d.marks.tolist() == [fakes_marked] * 16
    score = round_.score(game.tiles_of(d.marks))
    expected = round_.is_fake.sum() if fakes_marked else (~round_.is_fake).sum()
    assert score.correct == expected


def test_a_wasserstein_critic_is_cut_halfway_between_its_means() -> None:
    model = _constant_d_model("wgan-gp", 3.0)
    d = game.make_round(model, seed=1).opponent("discriminator")
    assert d.rule == "midpoint" and d.threshold == pytest.approx(3.0)  # both means are 3: so is the midpoint
    assert not d.marks.any()  # a score equal to the line is not below it


def test_the_shipped_critic_does_better_at_its_midpoint_than_at_zero() -> None:
    """wgan-gp's critic scores everything around +11: cut at 0 it would call every tile real."""
    model = pretrained.load("wgan-gp")
    line = game.critic_midpoint(model)
    assert line > 5
    right_mid, right_zero = 0, 0
    for seed in range(4):
        round_ = game.new_round("wgan-gp", seed)
        d = round_.opponent("discriminator")
        right_mid += round_.score(game.tiles_of(d.marks)).correct
        right_zero += round_.score(game.tiles_of(d.scores < 0)).correct
    assert right_mid > right_zero


def test_a_hinge_discriminator_is_cut_at_zero() -> None:
    d = game.make_round(_constant_d_model("hinge", -0.5), seed=2).opponent("discriminator")
    assert d.rule == "zero" and d.threshold == 0.0 and d.marks.all()


def test_a_least_squares_discriminator_is_cut_halfway_between_its_targets() -> None:
    d = game.make_round(_constant_d_model("lsgan", 0.4), seed=2).opponent("discriminator")
    assert d.rule == "half" and d.threshold == 0.5 and d.marks.all()
    d = game.make_round(_constant_d_model("lsgan", 0.6), seed=2).opponent("discriminator")
    assert not d.marks.any()


def test_the_classifier_accuses_about_one_real_digit_in_twenty() -> None:
    images = load_mnist("test")[0][game.ROUND_REALS][:1000]
    opponent = game.classifier_opponent(images)
    assert opponent.kind == "classifier" and 0.9 < opponent.threshold < 1.0
    assert 0.02 <= opponent.marks.mean() <= 0.10


def test_on_the_shipped_models_the_machines_behave_as_the_model_cards_say() -> None:
    """Measured on seeds 0-3: the vanishing model's D and the classifier catch its scribbles; the collapsed
    model's D catches its 1s while the classifier, which only knows real digits, is fooled by them."""
    def totals(name: str) -> dict[str, float]:
        right: dict[str, list[float]] = {}
        for seed in range(4):
            round_ = game.new_round(name, seed)
            for o in round_.opponents:
                right.setdefault(o.kind, []).append(round_.score(game.tiles_of(o.marks)).correct / round_.n)
        return {kind: float(np.mean(v)) for kind, v in right.items()}

    vanishing, collapsed = totals("vanishing-minimax"), totals("collapsed-js")
    assert vanishing["discriminator"] >= 0.95 and vanishing["classifier"] >= 0.9
    assert collapsed["discriminator"] >= 0.85 and collapsed["classifier"] <= 0.65


def test_a_conditional_model_plays_with_its_labels() -> None:
    round_ = game.new_round("conditional", 4)
    assert round_.n == 16 and round_.opponent("discriminator").scores.shape == (16,)
    assert pretrained.load("conditional").config.conditional
