"""The hand-in handlers called directly: a lab card and a model zip of a live run; the zip uploaded into
another session's Explore list (and only there); bad uploads refused with a plain message."""

from __future__ import annotations

import zipfile
from pathlib import Path

import gradio as gr
import numpy as np
import PIL.Image
import pytest

from ganplayground.export.labcard import CARD_SIZE
from ganplayground.ui.app import Page, build_demo
from ganplayground.ui.server.explore_models import MAX_UPLOADS, SESSION_MODEL
from ganplayground.ui.server.playground import Playground
from ganplayground.ui.server.sessions import new_token

from ..waiting import wait_for
from .pages import FORM


@pytest.fixture(scope="module")
def trained() -> tuple[Page, str]:
    """A page with one session that has trained a little (and stopped)."""
    pg = Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.3)
    page = build_demo(pg).page
    token = new_token()
    page.train.on_start(token, *FORM)
    run = pg.manager.session(token).run
    wait_for(lambda: run.latest and run.latest.step > 50 and run.latest.metrics, 60, "the run to train")
    page.train.on_stop(token)
    yield page, token
    pg.close()
    assert not pg.downloads.folder.exists()  # the cards and zips went with the server


def test_a_lab_card_of_the_sessions_run(trained: tuple[Page, str]) -> None:
    page, token = trained
    handin = page.train.handin
    path = Path(handin.on_lab_card(token)[handin.file])
    assert path.is_relative_to(handin.pg.downloads.folder) and path.name.startswith("lab-card-step")
    image = PIL.Image.open(path)
    assert image.format == "PNG" and image.size == (CARD_SIZE[1], CARD_SIZE[0])


def test_download_then_upload_in_another_session_draws_the_same_digit(trained: tuple[Page, str]) -> None:
    page, token = trained
    handin, explore = page.train.handin, page.explore
    zipped = Path(handin.on_download_model(token)[handin.file])
    assert sorted(zipfile.ZipFile(zipped).namelist()) == ["config.json", "history.json", "model.safetensors"]
    other, stranger = new_token(), new_token()
    out = explore.on_upload(other, [str(zipped)])
    name = out[explore.model]["value"]
    assert name.startswith("Uploaded: gan-model-step") and (name, name) in out[explore.model]["choices"]
    assert "Loaded" in out[explore.upload_note] and out[explore.upload] is None
    assert (name, name) in explore.choices(other) and (name, name) not in explore.choices(stranger)  # per session
    mine = explore.draw(token, SESSION_MODEL, 5, 0, "raw", 0.5)
    assert np.array_equal(explore.draw(other, name, 5, 0, "raw", 0.5), mine)
    with pytest.raises(gr.Error, match="Unknown model"):
        explore.draw(stranger, name, 5, 0, "raw")
    for _ in range(MAX_UPLOADS + 1):
        explore.on_upload(other, [str(zipped)])
    assert len(explore.pg.manager.session(other).uploads) == MAX_UPLOADS


@pytest.mark.parametrize(("name", "data", "match"), [
    ("notes.txt", b"hello", "not a model file"),
    ("model.zip", b"PK\x03\x04 cut short", "damaged or incomplete"),
    ("model.safetensors", b"\x80\x02}q\x00.", "PyTorch pickle"),
])
def test_a_bad_upload_gets_a_plain_message(trained: tuple[Page, str], tmp_path: Path, name: str, data: bytes,
                                           match: str) -> None:
    page, _ = trained
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(gr.Error, match=f"That upload was not loaded: .*{match}"):
        page.explore.on_upload(new_token(), [str(path)])
    folder = page.explore.pg.downloads.folder
    assert [p.name for p in folder.iterdir() if p.name.startswith("ganplayground-upload-")] == []


def test_nothing_to_hand_in_before_a_run(trained: tuple[Page, str]) -> None:
    page, _ = trained
    for handler in (page.train.handin.on_lab_card, page.train.handin.on_download_model):
        with pytest.raises(gr.Error, match="press Start"):
            handler(new_token())
    with pytest.raises(gr.Error, match="No file arrived"):
        page.explore.on_upload(new_token(), [])
