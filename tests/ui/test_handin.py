"""The hand-in handlers called directly: a lab card and a model zip of a live run; the zip uploaded into
another session's Explore list (and only there); bad uploads refused with a plain message."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import gradio as gr
import numpy as np
import PIL.Image
import pytest

from ganplayground.export.labcard import CARD_SIZE
from ganplayground.ui.server.playground import SESSION_MODEL, Playground
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.handin import MAX_UPLOADS, HandIn

FORM = ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30]


@pytest.fixture(scope="module")
def trained() -> tuple[Playground, HandIn, str]:
    """A playground with one session that has trained a little (and stopped)."""
    pg = Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.3)
    handin = HandIn(pg)
    token = new_token()
    pg.on_start(token, *FORM)
    deadline = time.monotonic() + 60
    while not (pg.manager.session(token).run.latest and pg.manager.session(token).run.latest.step > 50
               and pg.manager.session(token).run.latest.metrics):
        assert time.monotonic() < deadline, "the run never trained"
        time.sleep(0.1)
    pg.on_stop(token)
    yield pg, handin, token
    handin.close()
    pg.close()


def test_a_lab_card_of_the_sessions_run(trained: tuple[Playground, HandIn, str]) -> None:
    pg, handin, token = trained
    path = Path(handin.on_lab_card(token))
    assert path.is_relative_to(handin.folder) and path.name.startswith("lab-card-step")
    image = PIL.Image.open(path)
    assert image.format == "PNG" and image.size == (CARD_SIZE[1], CARD_SIZE[0])


def test_download_then_upload_in_another_session_draws_the_same_digit(trained: tuple[Playground, HandIn, str]) -> None:
    pg, handin, token = trained
    zipped = Path(handin.on_download_model(token))
    assert sorted(zipfile.ZipFile(zipped).namelist()) == ["config.json", "history.json", "model.safetensors"]
    other, stranger = new_token(), new_token()
    dropdown, note, emptied = handin.on_upload(other, [str(zipped)])
    name = dropdown["value"]
    assert name.startswith("Uploaded: gan-model-step") and name in dropdown["choices"] and "Loaded" in note
    assert emptied is None
    assert name in pg.model_choices(other) and name not in pg.model_choices(stranger)  # per session
    mine = pg.on_latent(token, SESSION_MODEL, 5, 0, "raw", 0.5)
    assert np.array_equal(pg.on_latent(other, name, 5, 0, "raw", 0.5), mine)
    with pytest.raises(gr.Error, match="Unknown model"):
        pg.on_latent(stranger, name, 5, 0, "raw")
    for _ in range(MAX_UPLOADS + 1):
        handin.on_upload(other, [str(zipped)])
    assert len(pg.manager.session(other).uploads) == MAX_UPLOADS


@pytest.mark.parametrize(("name", "data", "match"), [
    ("notes.txt", b"hello", "not a model file"),
    ("model.zip", b"PK\x03\x04 cut short", "damaged or incomplete"),
    ("model.safetensors", b"\x80\x02}q\x00.", "PyTorch pickle"),
])
def test_a_bad_upload_gets_a_plain_message(trained: tuple[Playground, HandIn, str], tmp_path: Path, name: str,
                                           data: bytes, match: str) -> None:
    _, handin, _ = trained
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(gr.Error, match=f"That upload was not loaded: .*{match}"):
        handin.on_upload(new_token(), [str(path)])
    assert [p.name for p in handin.folder.iterdir() if p.name.startswith("ganplayground-upload-")] == []


def test_nothing_to_hand_in_before_a_run(trained: tuple[Playground, HandIn, str]) -> None:
    _, handin, _ = trained
    for handler in (handin.on_lab_card, handin.on_download_model):
        with pytest.raises(gr.Error, match="press Start"):
            handler(new_token())
    with pytest.raises(gr.Error, match="No file arrived"):
        handin.on_upload(new_token(), [])
