"""The class experiment: arms cover every value x loss, round robin, the configs they make, stored form, bad input."""

from __future__ import annotations

import json
import math

import pytest

from ganplayground.classroom.experiment_words import experiment_words
from ganplayground.classroom.experiments import (
    EXPERIMENTS,
    KNOBS,
    WHERE_COLLAPSE_BEGINS,
    Experiment,
    ExperimentError,
    make_experiment,
)
from ganplayground.config import LOSS_SETTINGS
from ganplayground.i18n import use_language
from ganplayground.presets import get_preset
from ganplayground.train.trainer import Trainer


def test_arms_cover_every_value_and_loss_once():
    exp = WHERE_COLLAPSE_BEGINS
    pairs = [(a.value, a.loss) for a in exp.arms()]
    assert sorted(pairs, key=str) == sorted(((v, loss) for v in exp.values for loss in exp.losses), key=str)
    assert len(set(pairs)) == len(pairs)


def test_first_students_span_the_range_of_values():
    exp = make_experiment("lr_ratio", "1, 2, 4, 8, 13, 20", losses=("js",))
    assert [a.value for a in exp.arms()][:3] == [1, 20, 4]


def test_round_robin_wraps_after_every_arm():
    exp = WHERE_COLLAPSE_BEGINS
    n = len(exp.arms())
    assert [exp.arm(i) for i in range(n)] == exp.arms()
    assert exp.arm(n) == exp.arm(0)
    assert exp.arm(2 * n + 3) == exp.arm(3)


def test_ratio_scales_d_and_keeps_g_rate_for_js():
    exp = WHERE_COLLAPSE_BEGINS
    arm = next(a for a in exp.arms() if a.value == 8 and a.loss == "js")
    config = exp.config_for(arm)
    base = get_preset("collapse").config
    assert config.lr_d / config.lr_g == pytest.approx(8)
    assert config.lr_g == base.lr_g
    assert config.loss == "js"
    assert config.max_steps == exp.steps_for("js") and config.max_seconds == 0


def test_wgan_gp_arm_starts_from_that_loss_recommended_settings():
    exp = WHERE_COLLAPSE_BEGINS
    arm = next(a for a in exp.arms() if a.value == 4 and a.loss == "wgan-gp")
    config = exp.config_for(arm)
    settings = LOSS_SETTINGS["wgan-gp"]
    assert config.lr_g == settings.lr and config.lr_d / config.lr_g == pytest.approx(4)
    assert (config.beta1, config.beta2, config.critic_steps) == (*settings.betas, settings.critic_steps)
    assert config.max_steps == exp.steps_for("wgan-gp")
    assert config.latent_dim == get_preset("collapse").config.latent_dim  # the collapse networks


def test_config_for_takes_the_student_seed_unless_the_knob_is_the_seed():
    assert WHERE_COLLAPSE_BEGINS.config_for(WHERE_COLLAPSE_BEGINS.arm(0), seed=7).seed == 7
    seeds = make_experiment("seed", [3, 4])
    assert seeds.config_for(seeds.arm(1), seed=7).seed == 4


def test_batch_size_and_loss_knobs_apply_their_value():
    batches = make_experiment("batch_size", "16 64")
    assert sorted(batches.config_for(a).batch_size for a in batches.arms()) == [16, 64]
    losses = make_experiment("loss", "js, WGAN-GP")
    assert [a.loss for a in losses.arms()] == ["js", "wgan-gp"]
    assert losses.config_for(losses.arm(1)).critic_steps == LOSS_SETTINGS["wgan-gp"].critic_steps


def test_words_say_the_arm_in_plain_words():
    arm = next(a for a in WHERE_COLLAPSE_BEGINS.arms() if a.value == 8 and a.loss == "js")
    assert arm.words == "In the class experiment you run D learning 8× faster than G, with the Jensen–Shannon loss."
    assert arm.label == "8× · JS"
    slower = make_experiment("lr_ratio", "0.5").arm(0)
    assert "D learning 2× slower than G" in slower.words
    same = make_experiment("lr_ratio", [1], losses=["wgan-gp"]).arm(0)
    assert "same rate" in same.words and "gradient penalty" in same.words


def test_form_values_match_the_config():
    exp = WHERE_COLLAPSE_BEGINS
    for arm in exp.arms():
        form, config = exp.form_values(arm), exp.config_for(arm)
        assert form == {"preset": "collapse", "loss": arm.loss, "lr_d": config.lr_d, "lr_g": config.lr_g,
                        "batch_size": config.batch_size, "critic_steps": config.critic_steps, "seed": config.seed}


def test_experiment_round_trips_through_json():
    for exp in [*EXPERIMENTS.values(), make_experiment("seed", "1, 2, 3"), make_experiment("loss", ["js", "hinge"])]:
        assert Experiment.from_dict(json.loads(json.dumps(exp.to_dict()))) == exp
    arm = WHERE_COLLAPSE_BEGINS.arm(1)
    assert json.loads(json.dumps(arm.to_dict())) == {"knob": "lr_ratio", "value": arm.value, "label": arm.label,
                                                     "loss": arm.loss}


def test_ready_made_experiment_is_the_collapse_ratio_sweep():
    exp = EXPERIMENTS["where-collapse-begins"]
    assert exp is WHERE_COLLAPSE_BEGINS
    assert exp.knob == "lr_ratio" and exp.preset == "collapse" and set(exp.losses) == {"js", "wgan-gp"}
    assert min(exp.values) == 1 and max(exp.values) >= 13
    assert "collapse" in exp.teacher_text.lower()


def test_make_experiment_parses_text_values():
    exp = make_experiment("lr_ratio", "1, 2; 4 8x 0.5")
    assert exp.values == (1, 2, 4, 8, 0.5)
    assert set(KNOBS) == {"loss", "lr_ratio", "seed", "batch_size"}


@pytest.mark.parametrize(("knob", "values", "losses", "says"), [
    ("temperature", "1, 2", ("js",), "unknown knob"),
    ("lr_ratio", "1, two", ("js",), "not a number"),
    ("lr_ratio", "", ("js",), "at least one value"),
    ("lr_ratio", ", ".join(str(i) for i in range(1, 14)), ("js",), "at most 12"),
    ("lr_ratio", "1, 1", ("js",), "each value once"),
    ("lr_ratio", "0", ("js",), "ratio must be from"),
    ("lr_ratio", "nan", ("js",), "not a number"),
    ("lr_ratio", "1", ("softmax",), "losses must be"),
    ("seed", "1.5", ("js",), "whole number"),
    ("batch_size", "0", ("js",), "from 1"),
    ("loss", "js, l2", (), "not a loss"),
])
def test_bad_input_gives_a_plain_experiment_error(knob, values, losses, says):
    with pytest.raises(ExperimentError, match=says):
        make_experiment(knob, values, losses)


def test_from_dict_rejects_tampered_experiments():
    good = WHERE_COLLAPSE_BEGINS.to_dict()
    for change, says in [({"knob": "volume"}, "unknown knob"), ({"losses": ["js", "mse"]}, "losses must be"),
                         ({"values": list(range(1, 20))}, "at most 12"), ({"values": [1, math.inf]}, "not a number"),
                         ({"max_steps": {"js": 100}}, "no step budget"), ({"max_steps": -5}, "step budget"),
                         ({"preset": "nope"}, "unknown preset"), ({"name": ""}, "name")]:
        with pytest.raises(ExperimentError, match=says):
            Experiment.from_dict({**good, **change})
    with pytest.raises(ExperimentError, match="lacks"):
        Experiment.from_dict({"knob": "seed"})


def test_an_arm_config_trains(tiny):
    exp = make_experiment("lr_ratio", "8", losses=("js", "wgan-gp"))
    for arm in exp.arms():
        full = exp.config_for(arm, seed=1)
        # The arm's optimiser settings on the tiny networks, a few steps.
        config = tiny.replace(loss=full.loss, lr_d=full.lr_d, lr_g=full.lr_g, beta1=full.beta1, beta2=full.beta2,
                              critic_steps=full.critic_steps, max_steps=3)
        trainer = Trainer(config)
        snaps = list(trainer.run())
        assert trainer.step_count == 3 and snaps[-1].status == "finished"
        assert all(math.isfinite(v) for v in (snaps[-1].stats.loss_d, snaps[-1].stats.loss_g))


def test_a_student_repeating_a_setting_trains_the_next_seed_with_the_arms_critic_steps() -> None:
    e = WHERE_COLLAPSE_BEGINS
    n = len(e.arms())
    first, again = e.form_values(e.arm(3), 3), e.form_values(e.arm(3 + n), 3 + n)
    assert again["seed"] == first["seed"] + 1 and {**again, "seed": 0} == {**first, "seed": 0}
    wgan = next(a for a in e.arms() if a.loss == "wgan-gp")
    assert e.form_values(wgan)["critic_steps"] == e.config_for(wgan).critic_steps == 2


def test_a_teachers_own_experiment_is_stored_in_english_and_shown_in_the_readers_language() -> None:
    experiment = make_experiment("seed", "1, 2", ("js",))
    assert experiment.name == "Seed: 1, 2" and "round robin" in experiment.teacher_text
    with use_language("es"):
        title, text = experiment_words(experiment)
        words = experiment.arm(0).words
    assert title == "Semilla: 1, 2" and "por turnos" in text and "semilla 1" in words
    assert experiment_words(WHERE_COLLAPSE_BEGINS, [WHERE_COLLAPSE_BEGINS])[0] == "Where does collapse begin?"
