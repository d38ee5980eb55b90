"""The lab card: it renders at its fixed size, reads back as a PNG, shows the run's own picture, and its
command line trains the same run again (a loss switch becomes `train --from`)."""

from __future__ import annotations

import dataclasses
import io
import shlex
from pathlib import Path

import numpy as np
import PIL.Image
import pytest

from ganplayground import cli
from ganplayground.config import Config
from ganplayground.export.card_facts import facts_from_model, facts_from_trainer
from ganplayground.export.checkpoints import load_model, save_trainer
from ganplayground.export.digit_map_picture import DIGIT_COLOURS
from ganplayground.export.labcard import CARD_SIZE, card_png, render_card, save_card
from ganplayground.export.recipe import closest_preset, reproduce, segments
from ganplayground.measure.metrics import live_reading
from ganplayground.presets import PRESETS, get_preset
from ganplayground.train.trainer import Trainer


def _history(*stretches: tuple[str, int, int]) -> list[dict]:
    """Records every 10 steps: (loss, first step, last step) per stretch."""
    return [{"step": s, "loss": loss, "loss_d": 1.0, "loss_g": 0.5, "d_real": 0.6, "d_fake": 0.4}
            for loss, lo, hi in stretches for s in range(lo, hi + 1, 10)]


@pytest.fixture
def trained(tiny: Config) -> Trainer:
    trainer = Trainer(tiny.replace(metrics_every=4, metrics_samples=100), measure=live_reading)
    list(trainer.run(max_steps=8, every_steps=2))
    return trainer


def test_a_card_renders_at_its_size_and_reads_back_as_a_png(trained: Trainer, tmp_path: Path) -> None:
    facts = facts_from_trainer(trained)
    image = render_card(facts)
    assert image.shape == (*CARD_SIZE, 3) and image.dtype == np.uint8
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50  # text, curves and digits, not a blank page
    path = save_card(facts, tmp_path / "card.png")
    back = PIL.Image.open(path)
    assert back.format == "PNG" and back.size == (CARD_SIZE[1], CARD_SIZE[0])
    assert np.array_equal(np.asarray(back.convert("RGB")), image)
    assert PIL.Image.open(io.BytesIO(card_png(facts))).size == back.size


def test_the_card_shows_the_runs_own_fixed_noise_grid(trained: Trainer) -> None:
    facts = facts_from_trainer(trained)
    assert np.array_equal(facts.picture, trained.snapshot().grid)
    assert facts.metrics is not None and facts.metrics_step > 0 and facts.step == 8
    assert facts.device.startswith("CPU") and facts.date[:2] == "20"


def test_a_saved_model_gives_the_same_picture_and_its_recorded_recipe(trained: Trainer, tmp_path: Path) -> None:
    start = trained.config
    folder = save_trainer(tmp_path / "m", trained, info={"trained_on": "CPU (1 thread)", "date": "2026-11-23",
                                                           "start_config": start.to_dict()})
    facts = facts_from_model(load_model(folder), measure=False)
    assert np.array_equal(facts.picture, facts_from_trainer(trained).picture)
    assert facts.start_config == start.replace(device="cpu") and facts.device == "CPU (1 thread)"
    assert render_card(facts).shape == (*CARD_SIZE, 3)


def test_a_toy_card_draws_the_points_in_colour(tmp_path: Path) -> None:
    trainer = Trainer(get_preset("ring-js").config.replace(batch_size=32, device="cpu", threads=1))
    list(trainer.run(max_steps=3, every_steps=1))
    facts = facts_from_trainer(trainer)
    assert facts.picture.ndim == 3
    assert render_card(facts).shape == (*CARD_SIZE, 3)


def test_segments_split_a_run_at_each_loss_switch() -> None:
    history = _history(("js", 10, 100), ("wgan-gp", 110, 200), ("js", 210, 250))
    assert segments(history, 257, "js") == [("js", 100), ("wgan-gp", 200), ("js", 257)]
    assert segments([], 5, "js") == [("js", 5)]


def test_the_command_for_a_preset_run_names_its_preset_seed_and_steps() -> None:
    config = get_preset("collapse").config.replace(seed=7, threads=1)
    commands, notes = reproduce(config, _history(("js", 10, 1200)), 1234)
    assert commands == ["python -m ganplayground train --preset collapse --seed 7 --threads 1 --steps 1234 --out run"]
    assert notes == []


def test_a_loss_switch_becomes_a_continued_run_with_the_new_loss() -> None:
    config = get_preset("collapse").config
    commands, notes = reproduce(config, _history(("js", 10, 500), ("wgan-gp", 510, 800)), 803, "collapse")
    assert commands == ["python -m ganplayground train --preset collapse --seed 0 --steps 500 --out run-1",
                        "python -m ganplayground train --from run-1 --loss wgan-gp --steps 303 --out run"]
    assert "switch" in notes[0]


def test_form_changes_become_flags_and_what_no_flag_sets_is_said() -> None:
    base = get_preset("default").config
    config = base.with_loss("wgan-gp").replace(lr_d=5e-4, batch_size=48, beta2=0.95)
    assert closest_preset(config) in ("default", "conditional") and closest_preset(config) == "default"
    commands, notes = reproduce(config, [], 99)
    args = shlex.split(commands[0])
    assert args[args.index("--loss") + 1] == "wgan-gp" and args[args.index("--lr-d") + 1] == "0.0005"
    assert args[args.index("--batch-size") + 1] == "48" and "--lr-g" not in args
    assert "beta2 0.95" in notes[0]
    odd = base.replace(latent_dim=33)  # no preset has these networks
    assert reproduce(odd, [], 10)[0] == [] and "cannot build them" in reproduce(odd, [], 10)[1][0]


def test_the_command_trains_the_same_networks_again(tmp_path: Path) -> None:
    """Run the card's own command (shortened to a few steps) and compare with the run it describes."""
    config = PRESETS["collapse"].config.replace(seed=3, threads=1, device="cpu", max_seconds=0.0, max_steps=6)
    trainer = Trainer(config)
    list(trainer.run(every_steps=3))
    commands, _ = reproduce(config, list(trainer.history), trainer.step_count, "collapse")
    args = shlex.split(commands[0])[3:]  # after "python -m ganplayground"
    args[args.index("--out") + 1] = str(tmp_path / "again")
    assert cli.main([*args, "--quiet", "--device", "cpu"]) == 0
    again = load_model(tmp_path / "again")
    assert again.step == 6
    for a, b in zip(again.discriminator.state_dict().values(), trainer.discriminator.state_dict().values(),
                    strict=True):
        assert np.allclose(a.numpy(), b.numpy(), atol=1e-5)


def test_the_card_command_writes_a_card_for_a_folder_and_a_zip(trained: Trainer, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture) -> None:
    from ganplayground.export.bundles import zip_trainer

    folder = save_trainer(tmp_path / "m", trained)
    assert cli.main(["card", str(folder), "--out", str(tmp_path / "a.png")]) == 0
    zipped = zip_trainer(trained, tmp_path / "m.zip")
    assert cli.main(["card", str(zipped), "--out", str(tmp_path / "b.png")]) == 0
    assert PIL.Image.open(tmp_path / "a.png").size == PIL.Image.open(tmp_path / "b.png").size == (1400, 1000)
    assert cli.main(["card", str(folder), "--out", str(tmp_path / "c.jpg")]) == cli.EXIT_USAGE
    assert cli.main(["card", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d.png")]) == cli.EXIT_USAGE
    assert "error:" in capsys.readouterr().err


def test_a_drawn_run_gets_a_card_that_counts_its_parts(tmp_path: Path) -> None:
    config = get_preset("draw").config.replace(width=16, batch_size=32, max_steps=4, max_seconds=0.0, device="cpu",
                                               threads=1)
    trainer = Trainer(config, measure=live_reading)
    list(trainer.run(every_steps=4))
    facts = facts_from_model(load_model(save_trainer(tmp_path / "drawn", trainer)))
    assert facts.metrics is not None and facts.metrics["num_modes"] == 10  # the heart's parts, measured
    assert render_card(facts).shape[:2] == CARD_SIZE


def test_a_digit_runs_card_draws_the_digit_map_of_its_last_reading(trained: Trainer) -> None:
    facts = facts_from_trainer(trained)
    assert facts.metrics.get("map")  # the live reading carries it
    radius = np.linspace(0.1, 1.0, 300)  # a collapse onto 1s: dots from the centre out to the 1s' place
    ones = {"x": np.rint(59 * radius).astype(int).tolist(), "y": np.rint(81 * radius).astype(int).tolist(),
            "digit": [1] * 300}
    with_map = render_card(dataclasses.replace(facts, metrics={**facts.metrics, "map": ones}))
    without = render_card(dataclasses.replace(facts, metrics={k: v for k, v in facts.metrics.items() if k != "map"}))
    changed = np.abs(with_map.astype(int) - without.astype(int)).sum(axis=2) > 0
    assert changed[:, : 2 * CARD_SIZE[1] // 3].sum() == 0 and changed.sum() > 1000  # the right column only

    def orange(card: np.ndarray) -> int:  # the 1s' colour (DIGIT_COLOURS[1]), blended by the card's scaling
        r, g, b = (card[..., i].astype(int) for i in range(3))
        return int(((r - b > 100) & (g > 60) & (g < 190)).sum())

    assert DIGIT_COLOURS[1] == (255, 127, 14) and orange(with_map) > orange(without) + 30
