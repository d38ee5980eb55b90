"""The command line: a tiny train -> sample round trip, and one clear line for every user error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganplayground.cli import main

ROOT = Path(__file__).resolve().parent.parent


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
    ],
)
def test_user_errors_print_one_clear_line_and_exit_non_zero(args: list[str], message: str) -> None:
    result = _cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_presets_command_lists_every_preset(capsys: pytest.CaptureFixture) -> None:
    assert main(["presets"]) == 0
    out = capsys.readouterr().out
    for name in ("default", "collapse", "wgan-gp", "conditional", "ring-js"):
        assert name in out
