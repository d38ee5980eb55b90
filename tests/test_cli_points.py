"""`train --points` and `--draw` from the command line, `sample` back in the user's units, and the plain errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ganplayground.cli import main
from ganplayground.export.checkpoints import load_model
from ganplayground.export.recipe import reproduce
from ganplayground.train.drawings import HEART, decode_drawing

TINY = ["--device", "cpu", "--threads", "1", "--quiet", "--steps", "5"]


def _circle(n: int = 400) -> np.ndarray:
    """Points on a circle of radius 50 around (1000, -300): far from the toys' units."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([1000 + 50 * np.cos(t), -300 + 50 * np.sin(t)], axis=1)


def test_train_on_a_csv_with_a_header_then_sample_in_its_units(tmp_path: Path) -> None:
    csv = tmp_path / "mine.csv"
    csv.write_text("x,y\n" + "\n".join(f"{x},{y}" for x, y in _circle()) + "\n")
    assert main(["train", "--points", str(csv), *TINY, "--out", str(tmp_path / "m")]) == 0
    saved = load_model(tmp_path / "m")
    assert saved.config.dataset == "drawn" and decode_drawing(saved.config.drawing).kind == "points"
    assert main(["sample", "--model", str(tmp_path / "m"), "--n", "50", "--out", str(tmp_path / "s.npy")]) == 0
    points = np.load(tmp_path / "s.npy")
    assert points.shape == (50, 2) and np.isfinite(points).all()
    assert 700 < points[:, 0].mean() < 1300 and -600 < points[:, 1].mean() < 0  # the file's units, not the toy's
    assert main(["sample", "--model", str(tmp_path / "m"), "--n", "50", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 0


def test_sample_says_which_units_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    np.save(tmp_path / "mine.npy", _circle())
    assert main(["train", "--points", str(tmp_path / "mine.npy"), *TINY, "--out", str(tmp_path / "p")]) == 0
    assert main(["train", "--draw", HEART, *TINY, "--out", str(tmp_path / "h")]) == 0
    capsys.readouterr()
    main(["sample", "--model", str(tmp_path / "p"), "--n", "5", "--out", str(tmp_path / "p.npy")])
    assert "units of the points file" in capsys.readouterr().out
    main(["sample", "--model", str(tmp_path / "h"), "--n", "5", "--out", str(tmp_path / "h.npy")])
    assert "canvas's coordinates" in capsys.readouterr().out
    main(["sample", "--model", str(tmp_path / "h"), "--n", "5", "--out", str(tmp_path / "h.png")])
    assert "plot" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "words"), [
    (None, "no points file"),
    ("x,y\n1,2,3\n4,5,6\n", "two columns"),
    ("1,2\nnan,3\n4,5\n", "NaN"),
    ("1,2\n", "too few points"),
    ("x,y\none,two\n", "not a table of x,y numbers"),
])
def test_bad_points_files_print_one_plain_error_line(content: str | None, words: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    csv = tmp_path / "points.csv"
    if content is not None:
        csv.write_text(content)
    assert main(["train", "--points", str(csv), *TINY, "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and words in err[0]
    assert not (tmp_path / "m").exists()


def test_a_bad_draw_code_or_an_image_preset_is_refused_plainly(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "--draw", "AAAA", *TINY, "--out", str(tmp_path / "m")]) == 2
    assert "damaged" in capsys.readouterr().err
    assert main(["train", "--draw", HEART, "--preset", "default", *TINY, "--out", str(tmp_path / "m")]) == 2
    assert "toy preset" in capsys.readouterr().err


def test_the_recipe_of_a_drawn_run_trains_it_again(tmp_path: Path) -> None:
    circle = tmp_path / "c.npy"
    np.save(circle, _circle())
    assert main(["train", "--points", str(circle), "--preset", "hills", *TINY, "--out", str(tmp_path / "m")]) == 0
    saved = load_model(tmp_path / "m")
    commands, _ = reproduce(saved.config, saved.history, saved.step, saved.info.get("preset"))
    args = commands[0].split()[4:]  # past "python -m ganplayground train"
    assert "--draw" in args and "--preset" in args
    args[args.index("--out") + 1] = str(tmp_path / "again")
    assert main(["train", *args, "--device", "cpu", "--quiet"]) == 0
    again = load_model(tmp_path / "again")
    assert again.config.drawing == saved.config.drawing and again.config.dataset == "drawn"
