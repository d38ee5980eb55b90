"""One real browser session: open the page, train, see samples and curves move, switch the loss and see the
new loss's curves drawn, stop, drag a slider; then a short duel whose two meters and coverage curves appear.

Uses Debian's Chromium through Playwright. With GANPLAYGROUND_SCREENSHOTS=1 it refreshes the screenshots
docs/page.md shows (docs/screenshots/); otherwise they go to a temporary folder. Skipped when no Chromium
is installed, except where GANPLAYGROUND_REQUIRE_BROWSER
is set (CI), where a missing browser is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ganplayground.ui.widgets import plots

from .browser import click_start, launch, open_app, require_chromium, shots_dir, start_duel, wait

METER_STATES = ("Not digits yet", "Collapse:", "of 10 digits")
DUEL_BUDGET = 20  # seconds: long enough for a few live measurements on each side (a curve needs two)

pytestmark = pytest.mark.browser

playwright = require_chromium()


def _drawn(page, plot: str, color: str) -> bool:
    """Whether the plot's chart draws a line in this colour. Every series the plot can show has a path (the
    frames carry a placeholder for each), so look for one that goes somewhere: an "L" in its outline."""
    return page.evaluate("""([plot, color]) => [...document.querySelectorAll(plot + " g.mark-line path")]
        .some(path => path.getAttribute("stroke") === color && /L/.test(path.getAttribute("d") || ""))""",
                         [plot, color])


def _meter_state(page, meter: str) -> bool:
    return any(word in page.locator(meter).inner_text() for word in METER_STATES)


def test_train_watch_stop_and_explore_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    SHOTS = shots_dir(tmp_path)  # noqa: N806
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch(p)
        page = open_app(browser, app_url)
        device = page.locator("#device")  # worded as the page loads, in the reader's language
        wait(lambda: "CPU" in device.inner_text() or "GPU" in device.inner_text(), 30, "the device line")

        click_start(page)
        image = page.locator("#samples img")
        image.wait_for(timeout=30_000)
        first = image.get_attribute("src")
        wait(lambda: image.get_attribute("src") != first, 30, "the sample grid to change")
        wait(lambda: "steps/s" in page.locator("#status").inner_text(), 10, "the status line")
        # The loss curves are drawn by Vega into a canvas or SVG once data arrive.
        wait(lambda: page.locator(".vega-embed").count() >= 2, 30, "the curves")
        wait(lambda: _meter_state(page, "#meter"), 60, "the mode meter")
        wait(lambda: _drawn(page, "#losses", plots.LOSS_COLORS["D · JS"]), 30, "the JS loss curve")
        assert not _drawn(page, "#losses", plots.LOSS_COLORS["D · WGAN-GP"])  # only its placeholder, not drawn
        page.screenshot(path=str(SHOTS / "train.png"))
        # New data alone must not redraw a chart from scratch (settings such as the legend are sent only when
        # they change): once the first drawing has settled, the same SVG element takes the next updates.
        def next_updates(n: int) -> None:
            for _ in range(n):
                shown = image.get_attribute("src")
                wait(lambda shown=shown: image.get_attribute("src") != shown, 30, "the next update")

        next_updates(2)
        page.locator("#losses .vega-embed svg").evaluate_all("svgs => svgs.forEach(svg => svg.dataset.first = 'yes')")
        next_updates(3)
        assert page.locator("#losses .vega-embed svg").count() == 1
        assert page.locator("#losses .vega-embed svg[data-first=yes]").count() == 1

        # Switch the loss mid-run: the plots only draw series they knew when the chart was drawn, so check
        # that the new loss's lines (and the switch marker) really appear.
        page.locator("#loss").get_by_label("Wasserstein, gradient penalty").click()
        switched = "loss: Wasserstein, gradient penalty (switched after step"
        wait(lambda: switched in page.locator("#status").inner_text(), 30, "the status to tell of the switch")
        wait(lambda: _drawn(page, "#losses", plots.LOSS_COLORS["D · WGAN-GP"]), 30,
             "the WGAN-GP loss curve")
        wait(lambda: _drawn(page, "#losses", plots.SWITCH_COLOR), 10, "the switch marker")
        wait(lambda: "D · WGAN-GP" in page.locator("#losses").inner_text(), 10, "the legend")
        wait(lambda: _drawn(page, "#d-outputs", plots.D_OUTPUT_COLORS["Wasserstein estimate"]), 30,
             "the Wasserstein estimate")
        wait(lambda: _drawn(page, "#coverage", plots.COVERAGE_COLORS["WGAN-GP"]), 60,
             "the coverage curve after the switch")
        assert _drawn(page, "#coverage", plots.COVERAGE_COLORS["JS"]) and _drawn(page, "#coverage", plots.SWITCH_COLOR)
        page.screenshot(path=str(SHOTS / "train-switch.png"), full_page=True)

        page.click("#stop")
        wait(lambda: "Stopped" in page.locator("#status").inner_text(), 15, "the run to stop")

        page.get_by_role("tab", name="Explore").click()
        digit = page.locator("#digit img")
        digit.wait_for(timeout=30_000)
        before = digit.get_attribute("src")
        track = page.locator("#latent-1 input[type=range]")
        box = track.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.95, box["y"] + box["height"] / 2, steps=8)
        page.mouse.up()
        wait(lambda: digit.get_attribute("src") != before, 15, "the digit to follow the slider")
        assert digit.get_attribute("src").startswith("data:image/png;base64,")  # came inside the reply
        assert digit.evaluate("img => img.complete && img.naturalWidth") == 224  # and the browser drew it
        assert float(page.locator("#latent-1 input[type=number]").input_value()) > 1.0
        page.screenshot(path=str(SHOTS / "explore.png"))

        # A short duel: both sides get a meter state and a coverage curve.
        start_duel(page, DUEL_BUDGET)
        for side in ("left", "right"):
            wait(lambda side=side: _meter_state(page, f"#duel-meter-{side}"), 90, f"the {side} meter")
            loss = "JS" if side == "left" else "WGAN-GP"
            wait(lambda side=side, loss=loss: _drawn(page, f"#duel-coverage-{side}", plots.COVERAGE_COLORS[loss]),
                 60, f"the {side} coverage curve")
        wait(lambda: f"time budget of {DUEL_BUDGET} s" in page.locator("#duel-status-left").inner_text(), 60,
             "the duel to end on its short budget")
        page.screenshot(path=str(SHOTS / "duel.png"), full_page=True)
        browser.close()
    for shot in ("train.png", "train-switch.png", "explore.png", "duel.png"):
        assert (SHOTS / shot).stat().st_size > 10_000, f"{shot} looks empty"
