"""Config validation names the field and its range; presets are valid and documented."""

from __future__ import annotations

import pytest

from ganplayground.config import LR_DECAY_FLOOR, Config, ConfigError
from ganplayground.presets import PRESETS, get_preset


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"batch_size": -5}, r"batch_size must be in \[1, 4096\]; got -5"),
        ({"batch_size": 10**9}, r"batch_size must be in \[1, 4096\]"),
        ({"batch_size": 64.5}, r"batch_size must be a whole number"),
        ({"latent_dim": 0}, r"latent_dim must be in \[1, 512\]"),
        ({"lr_d": float("nan")}, r"lr_d must be a finite number in \(0, 1\]"),
        ({"lr_g": float("inf")}, r"lr_g must be a finite number"),
        ({"lr_g": 0.0}, r"lr_g must be a finite number in \(0, 1\]"),
        ({"lr_decay_floor": 0.0}, r"lr_decay_floor must be a finite number in \(0, 1\]"),
        ({"loss": "least-squares"}, r"loss must be one of js-minimax, js, wgan, wgan-gp, hinge, lsgan"),
        ({"dataset": "cifar"}, r"dataset must be one of mnist, fashion-mnist, ring, grid"),
        ({"critic_steps": 0}, r"critic_steps must be in \[1, 20\]"),
        ({"conditional": "yes"}, r"conditional must be true or false"),
        ({"device": "tpu"}, r"device must be auto, cpu, cuda or cuda:N"),
        ({"seed": -1}, r"seed must be in"),
        ({"dataset": "ring", "conditional": True}, r"conditional"),
        ({"colour": "blue"}, r"unknown config field\(s\): colour"),
    ],
)
def test_bad_values_are_rejected_with_the_field_and_its_range(changes: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config().replace(**changes)


def test_from_dict_accepts_whole_floats_for_integers_and_ints_for_floats() -> None:
    config = Config.from_dict({"batch_size": 32.0, "lr_d": 1})
    assert config.batch_size == 32 and isinstance(config.batch_size, int)
    assert config.lr_d == 1.0 and isinstance(config.lr_d, float)


def test_with_loss_adopts_the_papers_optimiser_settings() -> None:
    wgan = Config().with_loss("wgan")
    assert (wgan.optimizer, wgan.lr_d, wgan.critic_steps) == ("rmsprop", 5e-5, 5)
    gp = Config().with_loss("wgan-gp")
    assert (gp.optimizer, gp.lr_g, gp.beta1, gp.beta2, gp.critic_steps) == ("adam", 1e-3, 0.0, 0.9, 2)


def test_a_learning_rate_decay_falls_linearly_to_its_floor_and_stays_there() -> None:
    assert Config().lr_scale(10**6) == 1.0  # off by default
    decaying = Config(lr_decay_start=100, lr_decay_steps=50)
    assert [decaying.lr_scale(step) for step in (0, 100, 125, 150, 10**6)] == pytest.approx(
        [1.0, 1.0, 0.55, LR_DECAY_FLOOR, LR_DECAY_FLOOR])
    assert LR_DECAY_FLOOR == 0.1
    halving = decaying.replace(lr_decay_floor=0.5)
    assert [halving.lr_scale(step) for step in (100, 125, 150, 10**6)] == pytest.approx([1.0, 0.75, 0.5, 0.5])


def test_the_collapse_presets_decay_is_said_in_words_on_its_cards() -> None:
    assert get_preset("collapse").config.lr_decay_text() == "both rates falling to 0.5x over steps 8,000-16,000"
    assert get_preset("default").config.lr_decay_text() == ""


def test_a_loss_switch_drops_the_decay_its_new_loss_starts_at_its_own_rates() -> None:
    switched = Config(lr_decay_start=100).with_loss("wgan-gp")
    assert switched.lr_decay_start == 0 and switched.lr_scale(10**6) == 1.0


def test_config_round_trips_through_a_dict() -> None:
    config = get_preset("wgan-gp").config
    assert Config.from_dict(config.to_dict()) == config


def test_presets_are_valid_documented_and_named_as_the_issues_ask() -> None:
    assert {"default", "collapse", "vanishing", "js", "wgan", "wgan-gp", "conditional"} <= set(PRESETS)
    assert any(p.config.dataset == "ring" for p in PRESETS.values())
    assert any(p.config.dataset == "grid" for p in PRESETS.values())
    for preset in PRESETS.values():
        assert preset.summary and preset.teaches
        assert preset.config.max_seconds > 0 or preset.config.max_steps > 0


def test_collapse_and_wgan_gp_presets_differ_only_in_the_loss_and_its_optimiser() -> None:
    collapse, gp = get_preset("collapse").config, get_preset("wgan-gp").config
    for field in ("dataset", "arch", "latent_dim", "width", "g_batchnorm", "spectral_norm", "conditional"):
        assert getattr(collapse, field) == getattr(gp, field)
    assert collapse.loss == "js" and gp.loss == "wgan-gp"
    assert gp == collapse.with_loss("wgan-gp")  # the duel's right side and a mid-run switch train exactly this


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(ConfigError, match="choose one of default, collapse"):
        get_preset("fastest")


def test_only_the_drawn_dataset_has_a_drawing_and_it_needs_one() -> None:
    heart = get_preset("draw").config
    assert heart.dataset == "drawn" and heart.drawing
    with pytest.raises(ConfigError, match="drawing: the drawn dataset needs a drawing"):
        heart.replace(drawing="")
    with pytest.raises(ConfigError, match="drawing: only the drawn dataset"):
        get_preset("ring-js").config.replace(drawing=heart.drawing)
    for bad in ("not a code!", 42, "A" * 12001):
        with pytest.raises(ConfigError, match="drawing must be a drawing's code"):
            heart.replace(drawing=bad)


def test_the_draw_preset_holds_the_engines_heart() -> None:
    from ganplayground.train.drawings import HEART

    assert get_preset("draw").config.drawing == HEART
