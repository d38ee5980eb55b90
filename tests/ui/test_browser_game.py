"""The "be the discriminator" game in a real browser: open Learn, start a round, mark tiles by ticking boxes and
by clicking the board, press Check, and see the player's score beside the discriminator's and the classifier's.

Uses Debian's Chromium through Playwright, like test_browser.py. With GANPLAYGROUND_SCREENSHOTS=1 it refreshes
docs/screenshots/game.png; otherwise the picture goes to a temporary folder. Skipped when no Chromium is
installed, except where GANPLAYGROUND_REQUIRE_BROWSER is set (CI), where a missing browser is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ganplayground.classroom import game
from ganplayground.classroom.game_board import CELL_H, CELL_W, COLUMNS, GAP

from .browser import launch, open_app, require_chromium, shots_dir, wait

MODEL, SEED = "default", 0
EASY = "collapsed-js"
TICKED, CLICKED = (1, 2), 7  # tiles marked with the boxes, and the one marked by clicking the board

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _ticked(page) -> list[int]:
    return page.locator("#game-marks input[type=checkbox]").evaluate_all(
        "boxes => boxes.map((box, i) => box.checked ? i + 1 : 0).filter(Boolean)")


def test_play_a_round_of_be_the_discriminator_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    round_ = game.new_round(MODEL, SEED)  # what the server will deal: to know the right score here
    marks = {*TICKED, CLICKED}
    right = round_.score(marks).correct
    d_right = round_.score(game.tiles_of(round_.opponent("discriminator").marks)).correct
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url)
        page.get_by_role("tab", name="Learn").click()
        page.locator("#game-new").scroll_into_view_if_needed(timeout=30_000)

        seed_box = page.locator("#game-seed input")
        seed_box.fill(str(SEED))
        seed_box.press("Enter")
        page.click("#game-new")
        board = page.locator("#game-board img")
        board.wait_for(timeout=30_000)
        wait(lambda: f"Round **{SEED}**".replace("**", "") in page.locator("#game-note").inner_text(), 15,
             "the round's note")
        assert seed_box.input_value() == str(SEED + 1)  # the next press deals the next round
        assert page.locator("#game-result").inner_text().strip() == ""

        first = board.get_attribute("src")
        for tile in TICKED:
            page.locator("#game-marks").get_by_label(str(tile), exact=True).check()
        wait(lambda: board.get_attribute("src") != first, 15, "the board to frame the ticked tiles")
        # A click on the board marks the tile under it; the browser maps the click to the picture's pixels.
        box = board.bounding_box()
        natural = board.evaluate("img => img.naturalWidth")
        r, c = divmod(CLICKED - 1, COLUMNS)
        centre = GAP + CELL_W // 2
        x, y = centre + c * (CELL_W + GAP), centre + r * (CELL_H + GAP)
        scale = box["width"] / natural
        page.mouse.click(box["x"] + x * scale, box["y"] + y * scale)
        wait(lambda: _ticked(page) == sorted(marks), 15, f"tile {CLICKED} to be ticked by the click")

        page.click("#game-check")
        result = page.locator("#game-result")
        wait(lambda: "of 16 right" in result.inner_text(), 30, "the scores")
        text = result.inner_text()
        assert f"You: {right} of 16 right" in text
        assert "The discriminator" in text and "The digit classifier" in text
        assert f"{d_right}/16" in text
        wait(lambda: board.evaluate("img => img.complete && img.naturalWidth") > 0, 10, "the revealed board")
        page.locator("#game").screenshot(path=str(shots / "game.png"))

        # The easy model: a new round clears the marks and the scores; Check with nothing marked.
        page.locator("#game-model input").click()
        page.get_by_role("option", name=EASY, exact=False).first.click()
        page.click("#game-new")
        wait(lambda: f"against {EASY}" in page.locator("#game-note").inner_text(), 15, "a round of the easy model")
        wait(lambda: _ticked(page) == [] and result.inner_text().strip() == "", 15, "the marks and scores to clear")
        easy = game.new_round(EASY, SEED + 1)
        page.click("#game-check")
        wait(lambda: "of 16 right" in result.inner_text(), 30, "the easy round's scores")
        assert f"You: {int((~easy.is_fake).sum())} of 16 right" in result.inner_text()  # right about the reals only
        browser.close()
    assert (shots / "game.png").stat().st_size > 20_000, "game.png looks empty"

