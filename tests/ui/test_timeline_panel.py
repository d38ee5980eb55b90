"""The timeline's handlers called directly (scrub a run, its GIF, the duel's GIF, plain messages for bad input)
and through the API with gradio_client, with the server still serving after each bad call."""

from __future__ import annotations

import os
import time
from pathlib import Path

import gradio as gr
import pytest
from gradio_client import Client
from PIL import Image

from ganplayground.ui.app import Page, build_demo
from ganplayground.ui.server.downloads import KEEP_SECONDS, Downloads
from ganplayground.ui.server.playground import Playground
from ganplayground.ui.server.sessions import new_token

from ..waiting import wait_for
from .pages import DUEL, FORM


def _trained(page: Page, moments: int = 5) -> str:
    """A session whose run has recorded at least `moments` moments, then stopped."""
    token = new_token()
    page.train.on_start(token, *FORM)
    run = page.train.pg.manager.session(token).run
    wait_for(lambda: len(run.recording) >= moments, 60, "the run to record enough")
    page.train.on_stop(token)
    return token


def test_scrubbing_shows_each_moment_with_its_step_time_losses_and_meter(page: Page) -> None:
    timeline = page.train.timeline
    token = _trained(page)
    count = len(timeline.pg.manager.session(token).run.recording)
    out = timeline.on_frame(token, 0)
    picture, caption = out[timeline.picture], out[timeline.caption]
    assert picture.shape == (302, 302)  # the fixed-noise grid
    assert caption.startswith(f"**Moment 1 of {count}** · step 0 · 0 s of training")
    assert "JS: no step yet" in caption and "meter: **not read yet**" in caption
    last_picture, last_caption = timeline.frame(token, 100)
    assert last_caption.startswith(f"**Moment {count} of {count}**")
    assert "JS: D " in last_caption and ", G " in last_caption
    assert (last_picture != picture).any()  # the generator moved


def test_the_gif_of_a_run_has_a_frame_per_moment(page: Page) -> None:
    timeline = page.train.timeline
    token = _trained(page)
    path = Path(timeline.on_gif(token)[timeline.gif_file])
    run = timeline.pg.manager.session(token).run
    assert path.is_relative_to(timeline.pg.downloads.folder)
    assert path.name == f"gan-run-step-{run.trainer.step_count}.gif"
    image = Image.open(path)
    assert image.n_frames == len(run.recording)
    assert image.size[0] in (302 + 2 * 8, 302 + 8 + 302 + 2 * 8)  # with the digit map once the meter read one


def test_the_duel_gif_puts_the_two_runs_side_by_side(page: Page) -> None:
    gif, token = page.duel.gif, new_token()
    with pytest.raises(gr.Error, match="No duel yet: press Start duel first"):
        gif.on_duel_gif(token)
    page.duel.on_start(token, *DUEL[:4], 10)
    duel = gif.pg.manager.session(token).duel
    wait_for(lambda: min(len(run.recording) for run in duel) >= 3, 60, "both sides to record")
    page.duel.on_stop(token)
    image = Image.open(gif.on_duel_gif(token)[gif.file])
    assert image.size[0] in (2 * 302 + 3 * 8, 302 + 2 * (302 + 8) + 3 * 8, 2 * (302 + 8 + 302) + 3 * 8)  # maps
    assert image.n_frames >= 2


def test_before_any_run_the_timeline_says_so_plainly(page: Page) -> None:
    timeline, token = page.train.timeline, new_token()
    with pytest.raises(gr.Error, match="No training yet: press Start first"):
        timeline.on_frame(token, 50)
    with pytest.raises(gr.Error, match="No training yet: press Start first"):
        timeline.on_gif(token)


def test_a_queued_run_has_nothing_to_show_yet() -> None:
    playground = Playground(max_trainings=1, snapshot_seconds=0.1)
    try:
        page = build_demo(playground).page
        first, second = new_token(), new_token()
        page.train.on_start(first, *FORM)
        page.train.on_start(second, *FORM)
        assert playground.manager.session(second).run.state == "queued"
        with pytest.raises(gr.Error, match="nothing recorded yet"):
            page.train.timeline.on_frame(second, 100)
        with pytest.raises(gr.Error, match="nothing recorded yet"):
            page.train.timeline.on_gif(second)
    finally:
        playground.close()


@pytest.mark.parametrize(("position", "message"), [(150, "between 0 and 100"), (-1, "between 0 and 100"),
                                                   (float("nan"), "between 0 and 100"), ("end", "must be a number"),
                                                   (None, "must be a number")])
def test_a_position_outside_the_run_gets_a_plain_message(page: Page, position: object, message: str) -> None:
    token = _trained(page, moments=2)
    with pytest.raises(gr.Error, match=message):
        page.train.timeline.on_frame(token, position)


def test_old_files_are_deleted_as_new_ones_are_written_and_all_when_the_server_closes() -> None:
    downloads = Downloads()
    old, recent = (Path(downloads.write(f"{name}.gif", b"GIF89a")) for name in ("old-test", "recent-test"))
    long_ago = time.time() - KEEP_SECONDS - 60
    os.utime(old.parent, (long_ago, long_ago))
    new = Path(downloads.write("new test/../x.gif", b"GIF89a"))
    assert not old.exists() and not old.parent.exists()
    assert recent.read_bytes() == b"GIF89a" and new.exists() and new.name == "new-test-..-x.gif"
    assert new.parent.parent == downloads.folder  # a name is never a path
    downloads.close()
    assert not downloads.folder.exists()


def test_a_new_or_reset_run_clears_the_shown_moment(page: Page) -> None:
    timeline = page.train.timeline
    assert timeline.on_clear() == {timeline.picture: None, timeline.caption: "", timeline.gif_file: None}


# --- through the API -------------------------------------------------------------------------------------------
def test_the_api_scrubs_and_downloads_a_run(client: Client, app: tuple[str, Playground]) -> None:
    token = client.predict(api_name="/new_session")
    client.predict(token, *FORM, api_name="/start")
    run = app[1].manager.session(token).run
    wait_for(lambda: len(run.recording) >= 3, 60, "three recorded moments")
    picture, caption = client.predict(token, 0, api_name="/timeline_frame")
    assert Image.open(picture).size == (302, 302) and "step 0" in caption
    client.predict(token, api_name="/stop")
    gif = Image.open(client.predict(token, api_name="/timeline_gif"))
    assert gif.format == "GIF" and gif.n_frames >= 3


def test_a_bad_session_is_refused(client: Client) -> None:
    for endpoint, args in (("/timeline_frame", [50]), ("/timeline_gif", []), ("/duel_gif", [])):
        with pytest.raises(Exception, match="session must be"):
            client.predict("../x", *args, api_name=endpoint)
