"""The timeline in a real browser: train the collapse preset for a few seconds, scrub the timeline slider back to
the start and to the middle, download the run's GIF and the duel's side-by-side GIF, and check both are valid
multi-frame GIFs.

Uses Debian's Chromium through Playwright, as test_browser.py does. With GANPLAYGROUND_SCREENSHOTS=1 it trains
until the meter reads *Collapse* and writes docs/screenshots/timeline.png; otherwise a few seconds, and the
screenshot goes to a temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from .browser import DOCS_SHOTS, click_start, launch, open_app, require_chromium, start_duel, wait

TRAIN_SECONDS = 6  # of training before scrubbing (screenshots: until the meter says Collapse)

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _seconds_trained(page) -> int:
    found = re.search(r"· (\d+) s · loss", page.locator("#status").inner_text())
    return int(found.group(1)) if found else 0


def _caption(page) -> str:
    return page.locator("#timeline-caption").inner_text()


def _moment(page) -> tuple[int, int, int]:
    """(moment, of how many, step) from the timeline's caption."""
    found = re.search(r"Moment (\d+) of (\d+) · step ([\d,]+)", _caption(page))
    assert found, _caption(page)
    return int(found.group(1)), int(found.group(2)), int(found.group(3).replace(",", ""))


def _gif(download, folder: Path) -> Image.Image:
    path = folder / download.suggested_filename
    download.save_as(path)
    image = Image.open(path)
    assert image.format == "GIF"
    return image


def test_scrub_the_timeline_and_download_the_gifs_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    screenshots = bool(os.environ.get("GANPLAYGROUND_SCREENSHOTS"))
    shots = DOCS_SHOTS if screenshots else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, downloads=True)

        # Before any run: a plain message, no download.
        page.click("#timeline-gif-button")
        wait(lambda: "press Start first" in page.content() or "still connecting" in page.content(), 15,
             "the message that there is no run yet")

        page.get_by_label("Preset").click()
        page.get_by_role("option", name=re.compile(r"^collapse")).click()
        wait(lambda: page.get_by_text("collapse — The non-saturating JS loss").count() > 0, 15,
             "the collapse preset in the form")
        click_start(page)
        if screenshots:
            # A busy machine trains slowly: wait for the collapse (or the end of the 90-s budget) for long.
            wait(lambda: "Collapse" in page.locator("#meter").inner_text()
                 or "Finished" in page.locator("#status").inner_text(), 600, "the meter to read Collapse")
        else:
            wait(lambda: _seconds_trained(page) >= TRAIN_SECONDS, 60, f"{TRAIN_SECONDS} s of training")

        # Scrub while it trains: back to the very start (keyboard), the noise of step 0.
        track = page.locator("#timeline-position input[type=range]")
        track.scroll_into_view_if_needed()
        track.focus()
        track.press("Home")
        picture = page.locator("#timeline-picture img")
        wait(lambda: "Moment 1 of" in _caption(page), 15, "the first moment")
        assert _moment(page)[2] == 0 and "meter: not read yet" in _caption(page)
        picture.wait_for(timeout=15_000)
        first_picture = picture.get_attribute("src")

        page.click("#stop")
        wait(lambda: "Stopped" in page.locator("#status").inner_text(), 15, "the run to stop")

        # Drag the slider to the middle of the run: a later moment with its losses, another picture.
        track.scroll_into_view_if_needed()  # the stopped run's status and plots moved the page
        box = track.bounding_box()
        middle = 0.35 if not screenshots else 0.5
        page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * middle, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
        number = page.locator("#timeline-position input[type=number]")
        wait(lambda: "Moment 1 of" not in _caption(page), 15,
             f"a later moment (slider at {number.input_value()}, caption {_caption(page)!r})")
        index, count, step = _moment(page)
        assert 1 < index < count and step > 0
        assert "JS: D " in _caption(page)
        wait(lambda: picture.get_attribute("src") != first_picture, 15, "the picture of that moment")

        # Download GIF: one click, the browser saves the animation.
        with page.expect_download(timeout=60_000) as download:
            page.click("#timeline-gif-button")
        gif = _gif(download.value, tmp_path)
        # The grid, 8 px, the digit map beside it (once the meter has read one), the strip's margins.
        assert gif.n_frames >= min(count, 3) and gif.size[0] in (302 + 2 * 8, 302 + 8 + 302 + 2 * 8)
        assert page.locator("#timeline-gif").get_by_text(".gif").count() >= 1  # the file stays listed
        page.locator("#timeline").screenshot(path=str(shots / "timeline.png"))

        # The duel's side-by-side GIF.
        start_duel(page, 10)
        wait(lambda: "time budget of 10 s" in page.locator("#duel-status-right").inner_text(), 90,
             "the duel to end on its short budget")
        with page.expect_download(timeout=60_000) as download:
            page.click("#duel-gif-button")
        duel = _gif(download.value, tmp_path)
        # Each side: its grid and, once its meter has read, the digit map beside it.
        assert duel.n_frames >= 3 and duel.size[0] in (2 * 302 + 3 * 8, 302 + 2 * (302 + 8) + 3 * 8,
                                                       2 * (302 + 8 + 302) + 3 * 8)
        browser.close()
    assert (shots / "timeline.png").stat().st_size > 10_000
