"""Hand-in in a real browser: train a few seconds, download the lab card and the model, upload the model in
Explore and draw from it; a wrong file gets a plain message.

Uses Debian's Chromium through Playwright. With GANPLAYGROUND_SCREENSHOTS=1 it refreshes
docs/screenshots/labcard.png; otherwise screenshots go to a temporary folder. Skipped when no Chromium is
installed, except where GANPLAYGROUND_REQUIRE_BROWSER is set (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import PIL.Image
import pytest

from ganplayground.export.labcard import CARD_SIZE

from .browser import DOCS_SHOTS, click_start, launch, open_app, require_chromium, shots_dir, wait

METER_STATES = ("Not digits yet", "Collapse:", "of 10 digits")

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _download(page, button: str, suffix: str, folder: Path) -> Path:
    """Click a hand-in button, wait for its file's link, download it like a student would."""
    links = page.locator("#handin-file a")
    before = links.first.get_attribute("href") if links.count() else None
    page.click(button)
    wait(lambda: links.count() > 0 and links.first.get_attribute("href") != before
         and (links.first.get_attribute("href") or "").endswith(suffix), 60, f"the {suffix} link")
    with page.expect_download(timeout=30_000) as download:
        links.first.click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def test_card_and_model_download_then_upload_in_explore(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url, downloads=True)
        click_start(page)
        wait(lambda: any(w in page.locator("#meter").inner_text() for w in METER_STATES), 60, "the mode meter")
        page.wait_for_timeout(20_000 if shots == DOCS_SHOTS else 3000)  # a few seconds of training
        page.click("#stop")
        wait(lambda: "Stopped" in page.locator("#status").inner_text(), 15, "the run to stop")

        card = _download(page, "#lab-card", ".png", tmp_path)
        image = PIL.Image.open(card)
        assert image.format == "PNG" and image.size == (CARD_SIZE[1], CARD_SIZE[0])
        page.screenshot(path=str(shots / "labcard.png"))
        model = _download(page, "#download-model", ".zip", tmp_path)
        assert sorted(zipfile.ZipFile(model).namelist()) == ["config.json", "history.json", "model.safetensors"]

        page.get_by_role("tab", name="Explore").click()
        digit = page.locator("#digit img")
        digit.wait_for(timeout=30_000)
        page.locator("#upload-accordion").get_by_text("Upload a model").click()
        before = digit.get_attribute("src")
        page.locator("#upload-model input[type=file]").set_input_files([str(model)])
        wait(lambda: "Loaded **" not in page.content() and "Loaded" in page.locator("#upload-note").inner_text(),
             60, "the upload to load")
        name = page.locator("#upload-note strong").inner_text()
        assert name.startswith("Uploaded: gan-model-step")
        wait(lambda: digit.get_attribute("src") != before, 30, "a digit drawn from the uploaded model")
        assert name in page.content()  # the Model list shows it
        track = page.locator("#latent-1 input[type=range]")
        box = track.bounding_box()
        drawn = digit.get_attribute("src")
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2, steps=6)
        page.mouse.up()
        wait(lambda: digit.get_attribute("src") != drawn, 15, "the uploaded model's digit to follow the slider")
        page.screenshot(path=str(tmp_path / "explore-upload.png"))

        wrong = tmp_path / "notes.json"  # the upload box was emptied: the next file is judged on its own
        wrong.write_text('{"not": "a model"}')
        page.locator("#upload-model input[type=file]").set_input_files([str(wrong)])
        wait(lambda: "That upload was not loaded" in page.content(), 30, "the refusal of a wrong file")
        assert "no .safetensors file" in page.content()
        browser.close()
    assert (shots / "labcard.png").stat().st_size > 10_000
