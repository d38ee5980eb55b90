"""Class links in a real browser: a teacher's link opens the Duel tab on the collapse networks in the simple
view with a note about the parameter it did not know; Show all brings the controls back; the share box gives a
link that opens the same set-up; an autostart link trains at once (links.png: what the class sees); a lesson
link scrolls to its lesson.

Uses Debian's Chromium through Playwright, as test_browser.py does. With GANPLAYGROUND_SCREENSHOTS=1 it
refreshes docs/screenshots/links.png and links-share.png; otherwise the screenshot goes to a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import launch, require_chromium, shots_dir, wait

METER_STATES = ("Not digits yet", "Collapse:", "of 10 digits")
SELECTED_TAB = '#gp-tabs [role="tab"][aria-selected="true"]'

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _open(page, url: str) -> str:
    """Open a link and wait for its note; the note's text."""
    page.goto(url)
    note = page.locator("#link-note")
    note.wait_for(state="visible", timeout=30_000)
    wait(lambda: "Class link" in note.inner_text() or "ignored" in note.inner_text(), 30, "the link's note")
    return note.inner_text()


def _dropdown(page, label: str) -> str:
    return page.get_by_label(label, exact=True).input_value()


def test_a_class_link_sets_up_the_page_and_shares_itself(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        # --- the teacher's link: Duel tab, collapse networks, simple view, and a parameter it does not know ---
        note = _open(page, app_url + "?preset=collapse&tab=duel&simple=1&foo=1")
        assert "ignored: foo=1 (unknown parameter" in note
        assert "preset collapse" in note and "simple view" in note
        assert page.locator(SELECTED_TAB).inner_text().strip() == "Duel"
        page.locator("#duel-start").wait_for(state="visible", timeout=10_000)
        assert not page.get_by_label("Networks (preset)", exact=True).is_visible()  # simple: networks hidden
        assert page.get_by_text("Left loss", exact=True).is_visible()  # the duel's losses stay
        assert not page.locator("#share").is_visible()
        page.get_by_role("tab", name="Train").click()
        page.locator("#start").wait_for(state="visible", timeout=10_000)
        assert page.locator("#loss").is_visible() and page.locator("#stop").is_visible()
        for hidden in ("#settings", "#step", "#reset", "#d-step", "#g-step", "#speed"):
            assert not page.locator(hidden).is_visible(), hidden
        assert not page.get_by_label("Preset", exact=True).is_visible()
        assert page.locator("#preset-info").inner_text().startswith("collapse — ")  # what the class will see

        # --- Show all brings the controls back, set as the link said ---
        page.click("#show-all")
        page.locator("#settings").wait_for(state="visible", timeout=10_000)
        assert page.locator("#step").is_visible() and page.locator("#reset").is_visible()
        assert _dropdown(page, "Preset").startswith("collapse")
        assert not page.locator("#show-all").is_visible()
        page.get_by_role("tab", name="Duel").click()
        page.locator("#duel-start").wait_for(state="visible", timeout=10_000)
        assert _dropdown(page, "Networks (preset)") == "collapse"

        # --- Share this set-up: the link of the tab on show, with the simple view ticked ---
        page.get_by_text("Share this set-up").click()
        box = page.locator("#share-link textarea")
        wait(lambda: "tab=duel" in box.input_value(), 30, "the share link")
        page.get_by_label("Simple view for the class (settings hidden)").check()
        wait(lambda: "simple=1" in box.input_value(), 30, "the share link with the simple view")
        shared = box.input_value()
        assert shared.startswith(app_url + "?") and "preset=collapse" in shared and "seed=0" in shared
        assert page.locator("#share-link button[aria-label*='opy'], #share-link button[title*='opy']").count() >= 1
        page.screenshot(path=str(shots / "links-share.png"))

        # --- the shared link opens the same set-up, with nothing ignored ---
        again = browser.new_page(viewport={"width": 1400, "height": 1000})
        note = _open(again, shared)
        assert "ignored" not in note and "preset collapse" in note and "simple view" in note
        assert again.locator(SELECTED_TAB).inner_text().strip() == "Duel"
        assert not again.locator("#settings").is_visible()
        again.close()

        # --- an autostart link: the class view trains at once ---
        page.close()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        note = _open(page, app_url + "?preset=collapse&loss=js&seed=1&simple=1&autostart=1&speed=fast")
        assert "started at once" in note and "ignored: speed=fast (unknown parameter" in note
        assert page.locator(SELECTED_TAB).inner_text().strip() == "Train"
        wait(lambda: "steps/s" in page.locator("#status").inner_text(), 60, "training to start by itself")
        page.locator("#samples img").wait_for(timeout=30_000)
        wait(lambda: page.locator(".vega-embed").count() >= 2, 30, "the curves")
        wait(lambda: any(w in page.locator("#meter").inner_text() for w in METER_STATES), 90, "the mode meter")
        page.screenshot(path=str(shots / "links.png"))
        page.click("#stop")
        wait(lambda: "Stopped" in page.locator("#status").inner_text(), 15, "the run to stop")

        # --- a lesson link scrolls the Learn tab to that lesson ---
        _open(page, app_url + "?lesson=4")
        assert page.locator(SELECTED_TAB).inner_text().strip() == "Learn"
        lesson = page.locator("#lesson-4")
        lesson.wait_for(state="visible", timeout=10_000)
        wait(lambda: lesson.evaluate("row => Math.abs(row.getBoundingClientRect().top) < 200"), 10,
             "lesson 4 to be scrolled into view")
        browser.close()
    for shot in ("links.png", "links-share.png"):
        assert (shots / shot).stat().st_size > 10_000, f"{shot} looks empty"
