"""What every browser test shares: Debian's Chromium driven by Playwright (skipped where it is missing, a
failure where GANPLAYGROUND_REQUIRE_BROWSER is set, as in CI), its launch flags, a wait that fails with a
plain message, opening the app and starting a duel, and where screenshots go (docs/screenshots/ with
GANPLAYGROUND_SCREENSHOTS=1)."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from ..waiting import wait_for

CHROMIUM = "/usr/bin/chromium"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


def require_chromium() -> ModuleType:
    """playwright.sync_api; skips the calling test module (at import) when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("GANPLAYGROUND_REQUIRE_BROWSER"):
            raise RuntimeError(f"the browser test must run here but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def launch(p: Any) -> Any:
    """A headless Chromium from a sync_playwright() context."""
    return p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


def open_app(browser: Any, url: str, height: int = 1100, downloads: bool = False) -> Any:
    """A new page (1400 px wide) on the app at `url`, once its Start button is there."""
    page = browser.new_page(viewport={"width": 1400, "height": height}, accept_downloads=downloads)
    page.goto(url)
    page.wait_for_selector("#start", timeout=30_000)
    return page


def set_slider(page: Any, elem_id: str, value: float) -> None:
    """Type `value` into a slider's number box (Enter) until the slider holds it: a tab or accordion that has just
    opened can still give the slider its value as it mounts, undoing a fill made a moment before."""
    number, track = (page.locator(f"#{elem_id} input[type={kind}]") for kind in ("number", "range"))
    text = f"{value:g}"
    for _ in range(20):
        number.fill(text)
        number.press("Enter")
        page.wait_for_timeout(250)
        if number.input_value() == text and track.input_value() == text:
            return
    raise AssertionError(f"the slider #{elem_id} never kept {text}")


def start_duel(page: Any, seconds: float) -> None:
    """Open the Duel tab, set its time budget and press Start duel."""
    page.get_by_role("tab", name="Duel").click()
    set_slider(page, "duel-budget", seconds)
    page.click("#duel-start")


def choose_preset(page: Any, name: str) -> None:
    """Pick a preset from the Train tab's menu (typed, then clicked) and wait until the form describes it."""
    preset = page.get_by_label("Preset")
    preset.click()
    preset.fill(name)
    page.get_by_role("option", name=re.compile(f"^{re.escape(name)}:")).click()
    wait(lambda: f"{name} —" in page.locator("#preset-info").inner_text(), 15, f"the {name} preset in the form")


Z_STROKE = [(-90, -90), (90, -90), (-90, 90), (90, 90)]  # a Z across the middle of a canvas, in one stroke


def _along(corners: list[tuple[float, float]], moves: int) -> list[tuple[float, float]]:
    """The points a stroke passes through `corners`, `moves` of them per segment (the first corner left out)."""
    return [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            for (x0, y0), (x1, y1) in itertools.pairwise(corners) for t in np.linspace(0, 1, moves + 1)[1:]]


def _centre(canvas: Any) -> tuple[float, float]:
    box = canvas.locator("canvas").first.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def stroke(page: Any, canvas: Any, corners: list[tuple[float, float]], moves: int = 20) -> None:
    """Draw one stroke on a canvas with the mouse (press, move, release) through `corners`, pixel offsets from the
    canvas's centre, `moves` mouse moves per segment."""
    cx, cy = _centre(canvas)
    page.mouse.move(cx + corners[0][0], cy + corners[0][1])
    page.mouse.down()
    for x, y in _along(corners, moves):
        page.mouse.move(cx + x, cy + y)
    page.mouse.up()


def touch_stroke(page: Any, canvas: Any, corners: list[tuple[float, float]], moves: int = 12) -> None:
    """One stroke with a finger (touchstart, touchmoves, touchend: the browser makes pointer events of type touch)
    through `corners`, offsets from the canvas's centre."""
    cx, cy = _centre(canvas)
    cdp = page.context.new_cdp_session(page)

    def send(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": cx + x, "y": cy + y, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    send("touchStart", *corners[0])
    for x, y in _along(corners, moves):
        send("touchMove", x, y)
    send("touchEnd", *corners[-1])


def select_brush(canvas: Any, tap: bool = False) -> None:
    """Select a Sketchpad's brush (Gradio starts it with no tool) unless it already is: then its size button shows,
    and a second click on the brush would open its options instead."""
    if canvas.get_by_role("button", name="Brush Size").count() == 0:
        brush = canvas.get_by_role("button", name="Brush", exact=True)
        brush.tap() if tap else brush.click()


def empty_draw_canvas(page: Any, tap: bool = False) -> tuple[Any, Any]:
    """The Train tab's "draw" preset with its canvas cleared and the brush ready (by a finger's taps with `tap`):
    the canvas and its message box."""
    choose_preset(page, "draw")
    canvas = page.locator("#draw-canvas")
    wait(canvas.is_visible, 15, "the canvas of the draw preset")
    message = page.locator("#draw-message")
    clear = canvas.get_by_role("button", name="Clear canvas")
    clear.tap() if tap else clear.click()
    wait(lambda: "points along" not in message.inner_text(), 10, "the cleared canvas")
    if tap:
        canvas.scroll_into_view_if_needed()
    select_brush(canvas, tap=tap)
    return canvas, message


def shots_dir(tmp_path: Path) -> Path:
    """docs/screenshots/ when refreshing the docs' pictures, else the test's temporary folder."""
    return DOCS_SHOTS if os.environ.get("GANPLAYGROUND_SCREENSHOTS") else tmp_path


def click_start(page: Any) -> None:
    """Press the Train tab's Start until the run is on its way: a click before the page has its session is
    refused politely ("still connecting"), so close that note and click again."""
    page.click("#start")
    for _ in range(40):
        page.wait_for_timeout(250)
        if any(word in page.locator("#status").inner_text() for word in ("Training", "Starting", "Waiting")):
            return
        if "still connecting" in page.content():
            page.locator(".toast-close").first.click()
            page.click("#start")


def wait(condition: Any, timeout: float, what: str) -> None:
    """wait_for, polling a page a little less often (every 0.1 s)."""
    wait_for(condition, timeout, what, every=0.1)
