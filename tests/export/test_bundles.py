"""A model zip round-trips to the same weights; every kind of bad upload is refused with a plain sentence and
leaves nothing behind outside the given temporary folder."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from ganplayground.config import Config
from ganplayground.export.bundles import BundleError, read_upload, zip_folder, zip_trainer
from ganplayground.export.checkpoints import CONFIG_FILE, WEIGHTS_FILE, load_model, save_trainer
from ganplayground.train.trainer import Trainer


@pytest.fixture
def trainer(tiny: Config) -> Trainer:
    trainer = Trainer(tiny.replace(ema=0.9))
    list(trainer.run(max_steps=3, every_steps=1))
    return trainer


@pytest.fixture
def folder(trainer: Trainer, tmp_path: Path) -> Path:
    return save_trainer(tmp_path / "model", trainer)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def _refused(paths: list[Path], work: Path, match: str, names: list[str] | None = None) -> None:
    with pytest.raises(BundleError, match=match):
        read_upload(paths, names, workdir=work)
    assert list(work.iterdir()) == [], "an upload left files behind"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _members(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in (WEIGHTS_FILE, CONFIG_FILE)}


def test_a_trainer_zip_loads_back_with_the_same_weights_config_and_history(trainer: Trainer, tmp_path: Path,
                                                                            work: Path) -> None:
    out = zip_trainer(trainer, tmp_path / "mine.zip", info={"preset": "default"})
    assert sorted(zipfile.ZipFile(out).namelist()) == ["config.json", "history.json", "model.safetensors"]
    model = read_upload([out], workdir=work)
    assert list(work.iterdir()) == []
    assert model.config == trainer.config.replace(device="cpu") and model.step == 3
    assert model.info["preset"] == "default"
    assert len(model.history) == len(trainer.history)
    z = torch.randn(5, trainer.config.latent_dim)
    with torch.no_grad():
        assert torch.equal(model.generator(z), trainer.sampler.eval()(z))
    assert all(torch.equal(a, b) for a, b in zip(model.discriminator.state_dict().values(),
                                                   trainer.discriminator.state_dict().values(), strict=True))


def test_a_safetensors_with_its_config_loads_and_a_zipped_folder_too(folder: Path, tmp_path: Path, work: Path) -> None:
    model = read_upload([folder / WEIGHTS_FILE, folder / CONFIG_FILE], workdir=work)
    assert model.step == 3
    nested = _zip(tmp_path / "nested.zip", {f"my run/{k}": v for k, v in _members(folder).items()}
                  | {"my run/README.md": b"hello"})
    assert read_upload([nested], workdir=work).step == 3
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(("name", "data", "match"), [
    ("notes.txt", b"hello", "not a model file"),
    ("digits.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a model file"),
    ("model.zip", b"just text, renamed", "not a zip archive"),
])
def test_files_of_the_wrong_type_are_refused(name: str, data: bytes, match: str, tmp_path: Path, work: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _refused([path], work, match)


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path: Path, work: Path) -> None:
    path = tmp_path / "huge.zip"
    with open(path, "wb") as f:
        f.truncate(17 * 2**20)  # sparse: 17 MB on paper
    _refused([path], work, r"17.0 MB; the limit is 16.0 MB")


def test_a_zip_bomb_member_is_cut_off_at_its_limit(folder: Path, tmp_path: Path, work: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(WEIGHTS_FILE, (folder / WEIGHTS_FILE).read_bytes())
        zf.writestr(CONFIG_FILE, b" " * (300 * 2**10))  # over the config's 256 KB, a few hundred bytes zipped
    assert bomb.stat().st_size < 2 * 2**20
    _refused([bomb], work, "config.json in bomb.zip is over 256 KB")


def test_truncated_zips_and_safetensors_are_refused(folder: Path, tmp_path: Path, work: Path) -> None:
    whole = zip_folder(folder, tmp_path / "whole.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    _refused([cut], work, "damaged or incomplete")
    weights = (folder / WEIGHTS_FILE).read_bytes()
    short = tmp_path / "short" / WEIGHTS_FILE
    short.parent.mkdir()
    short.write_bytes(weights[: len(weights) // 2])
    _refused([short, folder / CONFIG_FILE], work, "not a valid safetensors file")
    config = (folder / CONFIG_FILE).read_bytes()
    _refused([_zip(tmp_path / "short.zip", {WEIGHTS_FILE: weights[:100], CONFIG_FILE: config})], work,
             "not a valid safetensors file")


def test_nan_weights_are_refused(folder: Path, tmp_path: Path, work: Path) -> None:
    tensors = load_file(folder / WEIGHTS_FILE)
    name = next(k for k in tensors if k.startswith("generator.") and tensors[k].is_floating_point())
    tensors[name][0] = float("nan")
    bad = tmp_path / "nan.safetensors"
    save_file(tensors, bad, metadata={"format": "ganplayground-model", "version": "1"})
    _refused([bad, folder / CONFIG_FILE], work, f"{name} contains NaN or infinite values")


def test_a_pickle_is_never_opened_renamed_or_zipped(trainer: Trainer, folder: Path, tmp_path: Path,
                                                    work: Path) -> None:
    pickled = io.BytesIO()
    torch.save(trainer.generator.state_dict(), pickled)  # a real torch.save file
    renamed = tmp_path / "model.safetensors"
    renamed.write_bytes(pickled.getvalue())
    _refused([renamed, folder / CONFIG_FILE], work, "PyTorch pickle")
    as_zip = tmp_path / "model.zip"
    as_zip.write_bytes(pickled.getvalue())  # torch.save's own format is a zip holding data.pkl
    _refused([as_zip], work, "PyTorch pickle")
    inside = _zip(tmp_path / "inside.zip", {WEIGHTS_FILE: pickled.getvalue(),
                                            CONFIG_FILE: (folder / CONFIG_FILE).read_bytes()})
    _refused([inside], work, "PyTorch pickle")


@pytest.mark.parametrize("name", ["../model.safetensors", "/etc/model.safetensors", "a/../../config.json",
                                  "..\\..\\model.safetensors", "C:/model.safetensors"])
def test_zip_slip_names_are_refused(name: str, folder: Path, tmp_path: Path, work: Path) -> None:
    members = _members(folder)
    members[name] = members.pop(WEIGHTS_FILE)
    _refused([_zip(tmp_path / "slip.zip", members)], work, "points outside its folder")
    assert not (tmp_path / "model.safetensors").exists() and not (tmp_path / "config.json").exists()


def test_a_config_that_does_not_match_the_weights_is_refused(folder: Path, tmp_path: Path, work: Path) -> None:
    meta = json.loads((folder / CONFIG_FILE).read_text())
    meta["config"]["latent_dim"] = 9
    wrong = tmp_path / "wrong" / CONFIG_FILE
    wrong.parent.mkdir()
    wrong.write_text(json.dumps(meta))
    _refused([folder / WEIGHTS_FILE, wrong], work, "does not match its config|has shape")
    meta["config"].update(width=1024, arch="dcgan")  # networks of ~900 MB for a file of a few KB: never built
    wrong.write_text(json.dumps(meta))
    _refused([folder / WEIGHTS_FILE, wrong], work, "describes networks of .* the weights do not match their config")
    wrong.write_text("{not json")
    _refused([folder / WEIGHTS_FILE, wrong], work, "not valid JSON")


def test_incomplete_uploads_say_what_is_missing(folder: Path, tmp_path: Path, work: Path) -> None:
    _refused([folder / WEIGHTS_FILE], work, "upload it together with its config.json")
    _refused([_zip(tmp_path / "only.zip", {CONFIG_FILE: (folder / CONFIG_FILE).read_bytes()})], work,
             "holds no model.safetensors")
    _refused([], work, "no file was uploaded")


def test_a_loaded_upload_keeps_no_path(folder: Path, work: Path) -> None:
    model = read_upload([folder / WEIGHTS_FILE, folder / CONFIG_FILE], workdir=work)
    assert model.path is None
    assert load_model(folder).step == model.step


def test_a_zip_whose_drawing_is_malformed_is_refused_plainly(tmp_path: Path, work: Path) -> None:
    from ganplayground.train.drawings import HEART

    drawn = Trainer(Config(dataset="drawn", drawing=HEART, latent_dim=2, width=8, device="cpu"))
    folder = save_trainer(tmp_path / "drawn", drawn)
    members = _members(folder)
    meta = json.loads(members[CONFIG_FILE])
    meta["config"]["drawing"] = "AAAAAAAA"  # letters a config allows, but no drawing
    members[CONFIG_FILE] = json.dumps(meta).encode()
    _refused([_zip(tmp_path / "bad.zip", members)], work, "drawing cannot be read")
    assert load_model(folder).config.drawing == HEART  # the good one loads
