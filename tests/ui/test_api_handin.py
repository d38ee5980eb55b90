"""Hand-in through the API, as a class script would: train, fetch the lab card and the model zip, upload the zip
into another session and draw from it; then a table of bad uploads (wrong type, huge, truncated, NaN weights,
pickles, zip-slip names, a config that does not match) that must each get a plain message while the server
keeps serving."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import PIL.Image
import pytest
import torch
from gradio_client import Client, handle_file
from safetensors.torch import load_file, save_file

from ganplayground.export.labcard import CARD_SIZE

from .pages import FORM


@pytest.fixture(scope="module")
def model_zip(client: Client, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(session, the zip from /download_model) after a few seconds of training."""
    token = client.predict(api_name="/new_session")
    client.predict(token, *FORM, api_name="/start")
    deadline = time.monotonic() + 60
    while "step" not in (status := client.predict(token, api_name="/poll")[6]) or " · step 0 " in status:
        assert time.monotonic() < deadline, status
        time.sleep(0.3)
    time.sleep(2)
    client.predict(token, api_name="/stop")
    path = client.predict(token, api_name="/download_model")
    return token, Path(path)


def _members(zipped: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zipped) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_a_lab_card_and_a_model_through_the_api(client: Client, model_zip: tuple[str, Path]) -> None:
    token, zipped = model_zip
    card = client.predict(token, api_name="/lab_card")
    assert PIL.Image.open(card).size == (CARD_SIZE[1], CARD_SIZE[0])
    assert sorted(_members(zipped)) == ["config.json", "history.json", "model.safetensors"]
    other = client.predict(api_name="/new_session")
    dropdown, note, _ = client.predict(other, [handle_file(str(zipped))], api_name="/upload_model")
    assert "Loaded **Uploaded: gan-model-step" in note
    name = dropdown if isinstance(dropdown, str) else note.split("**")[1]
    digit = client.predict(other, name, 0, 0, "principal", 1.0, 0, 0, 0, 0, 0, api_name="/latent")
    assert digit["url"].startswith("data:image/png;base64,")


def _bad_uploads(zipped: Path, folder: Path) -> dict[str, tuple[list[Path], str]]:
    """name -> (files to upload, words the refusal must contain)."""
    members = _members(zipped)
    weights, config = members["model.safetensors"], members["config.json"]

    def write(name: str, data: bytes) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def zip_of(name: str, files: dict[str, bytes]) -> Path:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            for member, data in files.items():
                zf.writestr(member, data)
        return write(name, buffer.getvalue())

    cfg = write("cfg/config.json", config)
    tensors = load_file(write("w/model.safetensors", weights))
    key = next(k for k, v in tensors.items() if v.is_floating_point())
    tensors[key][0] = float("nan")
    nan = folder / "nan" / "model.safetensors"
    nan.parent.mkdir()
    save_file(tensors, nan, metadata={"format": "ganplayground-model", "version": "1"})
    pickled = io.BytesIO()
    torch.save({k: v for k, v in tensors.items() if k.startswith("generator.")}, pickled)  # a real torch.save
    meta = json.loads(config)
    meta["config"]["latent_dim"] += 1
    huge = folder / "huge" / "model.zip"
    huge.parent.mkdir()
    with open(huge, "wb") as f:
        f.truncate(17 * 2**20)  # over the 16 MB cap, under the server's upload limit
    huger = folder / "huger" / "model.zip"
    huger.parent.mkdir()
    with open(huger, "wb") as f:
        f.truncate(21 * 2**20)  # over the server's upload limit (20 MB): Gradio refuses it before any handler
    return {
        "text": ([write("notes.txt", b"hello")], "Invalid file type"),
        "png": ([write("digits.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)], "Invalid file type"),
        "huge": ([huge], "the limit is 16.0 MB"),
        "over the server's limit": ([huger], "maximum allowed size|exceeds the maximum file size"),
        "truncated zip": ([write("cut/model.zip", zipped.read_bytes()[:3000])], "damaged or incomplete"),
        "truncated safetensors": ([write("short/model.safetensors", weights[:5000]), cfg],
                                  "not a valid safetensors file"),
        "nan weights": ([nan, cfg], "contains NaN or infinite values"),
        "pickle renamed": ([write("p/model.safetensors", pickled.getvalue()), cfg], "PyTorch pickle"),
        "pickle zipped": ([zip_of("pz/model.zip", {"model.safetensors": pickled.getvalue(), "config.json": config})],
                          "PyTorch pickle"),
        "zip slip": ([zip_of("slip/model.zip", {"../../model.safetensors": weights, "config.json": config})],
                     "points outside its folder"),
        "mismatched config": ([write("w/model.safetensors", weights),
                               write("m/config.json", json.dumps(meta).encode())],
                              "does not match its config|has shape"),
    }


def test_bad_uploads_get_plain_messages_and_the_server_keeps_serving(client: Client, model_zip: tuple[str, Path],
                                                                     tmp_path: Path) -> None:
    _, zipped = model_zip
    for what, (files, words) in _bad_uploads(zipped, tmp_path).items():
        token = client.predict(api_name="/new_session")
        with pytest.raises(Exception) as caught:  # noqa: PT011 - the client raises AppError with the message
            client.predict(token, [handle_file(str(f)) for f in files], api_name="/upload_model")
        message = str(caught.value)
        assert any(w in message for w in words.split("|")), f"{what}: {message}"
        assert "Traceback" not in message, what
        assert client.predict(api_name="/new_session"), f"the server stopped serving after {what}"
