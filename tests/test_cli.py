"""The command line: a tiny train -> sample round trip, and one clear line for every user error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from ganplayground.cli import main
from ganplayground.config import ARCHITECTURE_FIELDS
from ganplayground.export.checkpoints import load_model
from ganplayground.export.timeline import restrip
from ganplayground.presets import get_preset
from ganplayground.train.latent import noise_for_seed
from ganplayground.train.trainer import Trainer

ROOT = Path(__file__).resolve().parent.parent


CPU = ["--device", "cpu", "--threads", "1", "--quiet"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "ganplayground", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)


def test_train_then_sample_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = _cli("train", "--preset", "default", "--steps", "30", "--seed", "3", "--device", "cpu", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "steps/s" in result.stderr and "ETA" in result.stderr
    assert (out / "model.safetensors").exists() and (out / "samples.png").exists()

    assert main(["sample", "--model", str(out), "--n", "12", "--out", str(tmp_path / "s.npy")]) == 0
    samples = np.load(tmp_path / "s.npy")
    assert samples.shape == (12, 28, 28) and samples.dtype == np.uint8

    assert main(["sample", "--model", str(out), "--n", "20", "--out", str(tmp_path / "s.png")]) == 0
    assert Image.open(tmp_path / "s.png").size == (2 * (10 * 30 + 2), 2 * (2 * 30 + 2))


def test_conditional_sampling_draws_the_requested_label_only_for_conditional_models(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cond"
    assert main(["train", "--preset", "conditional", "--steps", "5", "--out", str(out), "--quiet"]) == 0
    assert main(["sample", "--model", str(out), "--n", "4", "--label", "7", "--out", str(tmp_path / "c.npy")]) == 0
    plain = tmp_path / "plain"
    assert main(["train", "--steps", "2", "--out", str(plain), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["sample", "--model", str(plain), "--label", "7", "--out", str(tmp_path / "x.npy")]) == 2
    assert "needs a conditional model" in capsys.readouterr().err


def _meta(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())


def _history(folder: Path) -> list[dict]:
    return json.loads((folder / "history.json").read_text())


def _flat_generator(state: dict[str, torch.Tensor], prefix: str = "") -> torch.Tensor:
    """G's learned weights (BatchNorm statistics left out) as one vector, in name order."""
    return torch.cat([v.float().flatten() for k, v in sorted(state.items())
                      if k.startswith(prefix) and v.is_floating_point() and "running_" not in k])


def _training_generator(folder: Path) -> torch.Tensor:
    """The raw generator weights a model folder continues from (not its weight average)."""
    tensors = load_file(str(folder / "model.safetensors"))
    ema = any(k.startswith("generator_train.") for k in tensors)
    return _flat_generator(tensors, "generator_train." if ema else "generator.")


def test_train_from_a_saved_model_continues_its_steps_with_a_new_loss(tmp_path: Path) -> None:
    base, continued = tmp_path / "base", tmp_path / "continued"
    assert main(["train", "--preset", "default", "--steps", "10", "--seed", "3", *CPU, "--out", str(base)]) == 0
    assert main(["train", "--from", str(base), "--loss", "wgan-gp", "--steps", "1", *CPU, "--out", str(continued)]) == 0

    meta = _meta(continued)
    assert meta["step"] == 11  # --steps counts the additional steps
    switched = load_model(base).config.with_loss("wgan-gp")  # what a mid-run switch would use
    for name in ("loss", "optimizer", "lr_d", "lr_g", "beta1", "beta2", "critic_steps", "seed"):
        assert meta["config"][name] == getattr(switched, name), name
    saved_history, history = _history(base), _history(continued)
    assert history[: len(saved_history)] == saved_history
    assert [(h["step"], h["loss"]) for h in history[len(saved_history):]] == [(11, "wgan-gp")]

    # One step moves G's weights by about one learning rate each: the continued weights lie close to
    # the saved ones, far from the fresh initialisation that both runs' seed gives.
    saved, after = _training_generator(base), _training_generator(continued)
    fresh = _flat_generator(Trainer(load_model(base).config).generator.state_dict())
    assert not torch.equal(after, saved)
    assert (after - saved).norm() < 0.3 * (after - fresh).norm()


@pytest.fixture(scope="module")
def mlp_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 'collapse' preset model after 2 small steps (the MLPs the js / wgan / wgan-gp presets share)."""
    out = tmp_path_factory.mktemp("models") / "collapse"
    assert main(["train", "--preset", "collapse", "--steps", "2", "--batch-size", "16", *CPU, "--out", str(out)]) == 0
    return out


def test_train_from_a_saved_model_refuses_a_preset_with_another_architecture(
        mlp_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "x"
    assert main(["train", "--from", str(mlp_model), "--preset", "default", "--steps", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: cannot continue")
    saved, preset = get_preset("collapse").config, get_preset("default").config
    differing = [f for f in ARCHITECTURE_FIELDS if getattr(saved, f) != getattr(preset, f)]
    assert "arch" in differing
    for name in differing:
        assert f"{name} {getattr(preset, name)} (saved: {getattr(saved, name)})" in err
    assert not out.exists()


def test_train_from_a_saved_model_with_a_preset_of_the_same_networks_uses_its_settings(
        mlp_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "wgan-gp"
    assert main(["train", "--from", str(mlp_model), "--preset", "wgan-gp", "--steps", "1", "--batch-size", "16",
                 *CPU, "--out", str(out)]) == 0
    meta, preset = _meta(out), get_preset("wgan-gp").config
    assert meta["step"] == 3
    assert (meta["config"]["loss"], meta["config"]["lr_d"]) == (preset.loss, preset.lr_d)
    assert meta["info"]["continued_from"] == str(mlp_model)


def test_train_from_corrupt_weights_prints_one_clear_line(
        mlp_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    broken = shutil.copytree(mlp_model, tmp_path / "broken")
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    assert main(["train", "--from", str(broken), "--steps", "1", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: model.safetensors is not a valid safetensors file") and err.count("\n") == 1


def test_sampling_a_toy_model_writes_float_points_or_the_toy_plot(tmp_path: Path) -> None:
    model = tmp_path / "ring"
    assert main(["train", "--preset", "ring-js", "--steps", "3", "--batch-size", "32", *CPU, "--out", str(model)]) == 0

    assert main(["sample", "--model", str(model), "--n", "50", "--seed", "4", "--out", str(tmp_path / "p.npy")]) == 0
    points = np.load(tmp_path / "p.npy")
    assert points.shape == (50, 2) and points.dtype == np.float32
    saved = load_model(model)
    with torch.no_grad():
        expected = saved.generator(noise_for_seed(4, 50, saved.config.latent_dim)).numpy()
    np.testing.assert_array_equal(points, expected)

    assert main(["sample", "--model", str(model), "--n", "200", "--out", str(tmp_path / "p.png")]) == 0
    image = Image.open(tmp_path / "p.png")
    assert image.size == (384, 384) and image.mode == "RGB"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sample", "--model", "no/such/model", "--out", "x.npy"], "error: no model folder at no/such/model"),
        (["train", "--steps", "-5", "--out", "x"],
         "error: argument --steps: expected a whole number of steps in [1, 1e+09], got -5"),
        (["train", "--steps", "ten", "--out", "x"],
         "error: argument --steps: expected a whole number of steps, got 'ten'"),
        (["train", "--preset", "nope", "--out", "x"], "error: argument --preset: invalid choice: 'nope'"),
        (["train", "--lr-d", "nan", "--out", "x"], "error: argument --lr-d: expected a learning rate in"),
        (["train", "--device", "tpu", "--steps", "1", "--out", "x"], "error: device must be auto, cpu, cuda or cuda:N"),
        (["sample", "--model", "pretrained/classifier", "--out", "x.jpg"], "error: --out must end in .npy or .png"),
        (["sample", "--model", "pretrained/classifier", "--out", "x.npy"], "is not a ganplayground model"),
        (["sample", "--model", "pretrained/ring-js", "--label", "3", "--out", "x.npy"],
         "error: --label needs a conditional model; pretrained/ring-js is a 2-D toy model, which has no labels"),
        (["train", "--from", "no/such/model", "--steps", "1", "--out", "x"], "error: no model folder at no/such/model"),
        (["train", "--from", "pretrained/classifier", "--steps", "1", "--out", "x"], "is not a ganplayground model"),
    ],
)
def test_user_errors_print_one_clear_line_and_exit_non_zero(
        args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)  # the paths above are the repository's
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    stderr = capsys.readouterr().err
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert message in lines[0]


@pytest.mark.parametrize(("args", "message"), [
    (["train", "--steps", "ten", "--out", "x"], "error: argument --steps: expected a whole number of steps, got 'ten'"),
    (["sample", "--model", "pretrained/classifier", "--out", "x.npy"], "is not a ganplayground model"),
])
def test_the_command_line_itself_prints_one_line_and_no_traceback(args: list[str], message: str) -> None:
    """As above, through `python -m ganplayground` in its own process: an argparse error and one of ours."""
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and message in result.stderr
    assert "Traceback" not in result.stderr


def test_presets_command_lists_every_preset(capsys: pytest.CaptureFixture) -> None:
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    for name in ("default", "collapse", "wgan-gp", "conditional", "ring-js"):
        assert name in out


# A digit frame: the 4 x 4 grid doubled (244 px), then an 8 px gap and the digit map of the same height.
@pytest.mark.parametrize(("preset", "frame_width", "frame_height"),
                         [("ring-js", 200, 200), ("collapse", 2 * (4 * 30 + 2) * 2 + 8, 2 * (4 * 30 + 2))])
def test_train_with_frames_writes_the_run_as_a_strip_of_evenly_spaced_moments(
        tmp_path: Path, preset: str, frame_width: int, frame_height: int) -> None:
    out = tmp_path / "model"
    assert main(["train", "--preset", preset, "--steps", "30", "--device", "cpu", "--threads", "1", "--frames", "3",
                 "--quiet", "--out", str(out)]) == 0
    strip = np.asarray(Image.open(out / "frames.png").convert("RGB"))
    assert strip.shape[1] == 3 * frame_width + 4 * 8  # three frames and their gaps
    assert strip.shape[0] > frame_height
    story = (out / "frames.json").read_text()  # the captions as data: the Learn tab words them in the page's language
    assert (restrip(strip, story) == strip).all()


def _seven_png(path: Path) -> Path:
    from .measure.test_inversion import seven_drawing

    Image.fromarray(seven_drawing()).save(path)
    return path


def test_invert_finds_a_drawn_digit_and_writes_the_search(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "match.png"
    image = _seven_png(tmp_path / "seven.png")
    assert main(["invert", "--model", str(ROOT / "pretrained" / "default"), "--image", str(image), "--out", str(out),
                 "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["error"] < figures["random_error"] and figures["seconds"] > 0 and len(figures["z"]) == 16
    assert Image.open(out).size[0] > 10 * Image.open(out).size[1]  # one row: drawing, steps, match


def test_nearest_prints_the_memorisation_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nearest", "--model", str(ROOT / "pretrained" / "default"), "--n", "50", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["samples"] == 50 and 0 <= figures["share_closer_than_real_p5"] <= 1
    assert 0 < figures["real_p5"] < figures["real_median"]
    assert main(["nearest", "--model", str(ROOT / "pretrained" / "default"), "--n", "20"]) == 0
    assert "closer to a training digit than 95% of training digits" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "words"), [
    (["invert", "--model", "pretrained/default", "--image", "missing.png", "--out", "m.png"], "no such image"),
    (["invert", "--model", "pretrained/default", "--image", "README.md", "--out", "m.png"], "not a picture"),
    (["invert", "--model", "pretrained/default", "--image", "BLANK", "--out", "m.png"], "blank"),
    (["invert", "--model", "pretrained/ring-js", "--image", "BLANK", "--out", "m.png"], "not an MNIST digit model"),
    (["nearest", "--model", "pretrained/ring-js"], "not an MNIST digit model"),
])
def test_invert_and_nearest_refuse_bad_input_in_one_line(tmp_path: Path, args: list[str], words: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((100, 100), 255, np.uint8)).save(blank)
    args = [str(blank) if a == "BLANK" else str(ROOT / a) if a.startswith(("pretrained", "README")) else a
            for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and words in err and len(err.splitlines()) == 1
