"""The page on tablets, phones, a projector and in dark mode, in a real browser with a touch screen: the class view
shows Start and the samples on the first screen without sideways scrolling; sliders, the game and the drawing
canvases answer a finger; the projector view keeps only the big grid, the verdict, Start, the loss switch and Stop;
dark mode keeps the meter and status readable.

With GANPLAYGROUND_SCREENSHOTS=1 it refreshes docs/screenshots/phone.png, tablet.png, projector.png and dark.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ganplayground.classroom.game_board import CELL_W, GAP

from .browser import (
    DOCS_SHOTS,
    Z_STROKE,
    click_start,
    empty_draw_canvas,
    launch,
    require_chromium,
    select_brush,
    shots_dir,
    touch_stroke,
    wait,
)

pytestmark = pytest.mark.browser

playwright = require_chromium()
PHONE, TABLET, PROJECTOR = (390, 844), (768, 1024), (1280, 800)
SEVEN = [(-70, -80), (75, -80), (40, -20), (5, 40), (-20, 95)]


def _touch_page(browser: Any, url: str, size: tuple[int, int]) -> Any:
    """A page on a touch screen (a phone's or tablet's browser) at `url`, once its link's view is applied."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#start", timeout=30_000)
    return page


def _box(page: Any, selector: str) -> dict[str, float]:
    """An element's box in page coordinates (top and bottom from the top of the page, not of the window)."""
    return page.evaluate("""(sel) => { const b = document.querySelector(sel).getBoundingClientRect();
        return {top: b.top + scrollY, bottom: b.bottom + scrollY, width: b.width, height: b.height}; }""", selector)


def _no_sideways_scroll(page: Any) -> bool:
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.fixture(scope="module")
def browser() -> Any:
    with playwright.sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone", "tablet"])
def test_the_class_view_on_a_touch_screen_shows_start_and_the_samples_first(
        app_url: str, browser: Any, size: tuple[int, int], tmp_path: Path) -> None:
    width, height = size
    page = _touch_page(browser, app_url + "?simple=1", size)
    wait(lambda: page.evaluate("() => document.body.classList.contains('gp-simple')"), 30, "the class view")
    assert not page.locator("#handin-file").is_visible()  # no empty download box between Start and the samples
    assert _box(page, "#start")["bottom"] <= height
    assert _box(page, "#samples")["top"] < height
    assert _no_sideways_scroll(page)

    page.locator("#start").tap()
    meter = page.locator("#meter h3")
    wait(lambda: meter.count() > 0 and meter.inner_text().strip() != "", 60, "the meter's verdict")
    grid, words = _box(page, "#samples"), _box(page, "#meter h3")
    screens = 1 if width >= 768 else 2  # a tablet: on the first screen; a phone: after one screen's scroll
    assert grid["bottom"] <= screens * height and words["bottom"] <= screens * height, (grid, words)
    assert grid["width"] >= 0.45 * width
    assert _no_sideways_scroll(page)
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    if shots == DOCS_SHOTS:
        page.wait_for_timeout(4000)  # a few more steps: digits on the docs' picture
    page.evaluate("(y) => window.scrollTo(0, y)", _box(page, "#status")["top"] - 8 if screens > 1 else 0)
    page.screenshot(path=str(shots / ("phone.png" if width < 768 else "tablet.png")))
    page.locator("#lab-card").tap()  # the download box appears once it has the lab card
    wait(lambda: page.locator("#handin-file").is_visible() and ".png" in page.locator("#handin-file").inner_text(),
         60, "the lab card in the download box")
    page.locator("#stop").tap()
    for tab in ("Duel", "Explore", "Learn", "Class"):
        page.get_by_role("tab", name=tab).first.tap()
        page.wait_for_timeout(1500)
        assert _no_sideways_scroll(page), f"the {tab} tab scrolls sideways at {width} px"
    page.context.close()


def test_sliders_the_game_and_both_canvases_answer_a_finger(app_url: str, browser: Any) -> None:
    page = _touch_page(browser, app_url, PHONE)
    # The Train tab's "Draw your own": a finger's Z is read as a drawing.
    canvas, message = empty_draw_canvas(page, tap=True)
    touch_stroke(page, canvas, [(x * 0.6, y * 0.6) for x, y in Z_STROKE])
    wait(lambda: "points along the strokes" in message.inner_text(), 15, "the finger's Z read as a drawing")
    assert _no_sideways_scroll(page)

    # Explore: a tap on a slider's track moves it; a finger's 7 is searched for in the generator.
    page.get_by_role("tab", name="Explore").tap()
    track = page.locator("#latent-1 input[type=range]")
    track.scroll_into_view_if_needed()
    digit = page.locator("#digit img")
    digit.wait_for(timeout=30_000)
    before = digit.get_attribute("src")
    box = track.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    number = page.locator("#latent-1 input[type=number]")
    wait(lambda: float(number.input_value() or 0) > 1.5, 15, "the slider moved by a tap")
    wait(lambda: digit.get_attribute("src") != before, 15, "the digit to move with the slider")
    canvas = page.locator("#digit-canvas")
    canvas.scroll_into_view_if_needed()
    select_brush(canvas, tap=True)
    touch_stroke(page, canvas, [(x * 0.6, y * 0.6) for x, y in SEVEN])
    page.wait_for_timeout(500)  # the strokes reach the server with the canvas's change event
    page.get_by_role("button", name="Find it in the generator").tap()
    caption = page.locator("#match-caption")
    wait(lambda: "Best match after" in caption.inner_text(), 60, "the search for the finger's 7")
    assert _no_sideways_scroll(page)

    # Learn: Be the discriminator, dealt and marked by taps.
    page.get_by_role("tab", name="Learn").tap()
    page.locator("#game-new").scroll_into_view_if_needed(timeout=30_000)
    page.locator("#game-new").tap()
    board = page.locator("#game-board img")
    board.wait_for(timeout=30_000)
    wait(lambda: board.evaluate("img => img.complete && img.naturalWidth") > 0, 15, "the dealt board")
    board.scroll_into_view_if_needed()
    b, natural = board.bounding_box(), board.evaluate("img => img.naturalWidth")
    centre = (GAP + CELL_W // 2) * b["width"] / natural  # of the first tile, in page pixels
    page.touchscreen.tap(b["x"] + centre, b["y"] + centre)
    ticked = page.locator("#game-marks input[type=checkbox]").first
    wait(ticked.is_checked, 15, "the first tile ticked by a tap on the board")
    page.locator("#game-check").tap()
    wait(lambda: "of 16 right" in page.locator("#game-result").inner_text(), 30, "the scores")
    page.context.close()


def test_the_projector_view_keeps_only_the_grid_the_verdict_and_three_controls(
        app_url: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": PROJECTOR[0], "height": PROJECTOR[1]})
    page.goto(app_url + "?projector=1&preset=default")
    page.wait_for_selector("#start", timeout=30_000)
    wait(lambda: page.evaluate("() => document.body.classList.contains('gp-projector')"), 30, "the projector view")
    click_start(page)
    meter = page.locator("#meter h3")
    wait(lambda: meter.count() > 0 and re.search(r"digits", meter.inner_text()), 60, "the meter's verdict")
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('button, input, select, textarea'))
        .filter(e => e.checkVisibility() && !e.querySelector('img'))
        .map(e => e.id || e.type || e.tagName)""")
    assert sorted(set(shown)) == ["radio", "start", "stop"], shown  # the loss switch's radios, Start and Stop
    assert page.locator("#loss").is_visible()
    grid = page.locator("#samples").bounding_box()
    assert grid["height"] >= 0.65 * PROJECTOR[1] and grid["width"] >= 0.4 * PROJECTOR[0], grid
    assert float(page.locator("#meter h3").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 36
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    if shots == DOCS_SHOTS:
        page.wait_for_timeout(15_000)  # some training: digits on the docs' picture, a verdict on the meter
    page.screenshot(path=str(shots / "projector.png"))
    page.click("#stop")
    page.close()


CONTRAST_JS = """(e) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => {
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null;
  for (let n = e; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) bg = c;
  }
  const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(bg || [255, 255, 255])];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_dark_mode_keeps_the_meter_and_status_readable(app_url: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url + "?__theme=dark&preset=default")
    page.wait_for_selector("#start", timeout=30_000)
    assert page.evaluate("() => document.body.classList.contains('dark')")
    click_start(page)
    meter = page.locator("#meter h3")
    wait(lambda: meter.count() > 0 and meter.inner_text().strip() != "", 60, "the meter's verdict")
    readable = ("#meter h3", "#meter p", "#status p", "#narrator p", "#preset-info p")
    wait(lambda: all(page.locator(s).count() > 0 for s in readable), 30, "the meter, status, narrator and preset")
    for selector in readable:
        ratio = page.locator(selector).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.1f}"
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "dark.png"))
    page.click("#stop")
    page.close()
