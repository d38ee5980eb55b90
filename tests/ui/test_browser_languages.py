"""The page's languages in a real browser.

- In the pseudo-language (GANPLAYGROUND_PSEUDO=1: every catalogued letter accented), no tab shows text that
  skipped the catalogs, before or after a run has trained and the meter has read it.
- `?lang=es` gives a Spanish page (labels from Gradio's I18n, sentences from the server) and the Language menu
  switches it to German.

Uses Debian's Chromium through Playwright, as test_browser.py does. With GANPLAYGROUND_SCREENSHOTS=1 it refreshes
docs/screenshots/page-es.png and page-zh.png (the Chinese page trains only then).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ganplayground.config import LOSS_NAMES
from ganplayground.export.pretrained import list_models
from ganplayground.presets import PRESETS
from ganplayground.ui.app import build_demo, launch
from ganplayground.ui.server.playground import Playground

from .browser import DOCS_SHOTS, click_start, open_app, require_chromium, shots_dir, wait
from .browser import launch as launch_browser
from .conftest import free_port

pytestmark = pytest.mark.browser

playwright = require_chromium()

TABS = ("train", "duel", "explore", "learn", "class")
# Words that are the same in every language: names of things, units, and the ids the page shows as they are.
NAMES = {"GAN", "GANs", "MNIST", "WGAN", "LSGAN", "FID", "CPU", "GPU", "CUDA", "API", "PNG", "GIF", "CSV", "SVG",
         "Adam", "Gradio", "Okabe", "Ito", "ReLU", "Tanh", "DCGAN", "MLP", "JSON", "ZIP", "Playground", "Lab",
         "Wasserstein", "Jensen", "Shannon", "Goodfellow", "Arjovsky", "Gulrajani", "Karras", "Radford", "Miyato",
         "safetensors", "github", "com", "https", "www", "http", "png", "gif", "zip"}
IDS = {*PRESETS, *LOSS_NAMES, *list_models()}
# Gradio's own words (its components' buttons and hints, the footer): Gradio translates them itself in the
# shipped languages; the pseudo-language has none of its own.
GRADIO = {"Drop Image Here", "Click to Upload", "Use via API", "Built with Gradio", "Settings", "Clear", "Upload",
          "Download", "Share", "Fullscreen", "Exit fullscreen mode", "Undo", "Redo", "Brush", "Eraser", "Layers",
          "Loading", "Error", "Close", "Copy", "Copied", "Runs", "processing", "queue", "Drop File Here", "or",
          "Empty", "Image", "Brush Size", "Brush Color", "Transform", "Pan", "Zoom", "Remove Image", "Paste",
          "Webcam", "Select the draw tool to start", "select the draw tool to start",
          "No data", "Enter", "Submit", "Stop",
          "common.complete"}  # a key of Gradio's own that its progress note shows untranslated for a moment

VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!text || !el || ["SCRIPT", "STYLE", "NOSCRIPT", "svg"].includes(el.tagName)) continue;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    if (style.visibility === "hidden" || style.display === "none" || box.width === 0 || box.height === 0) continue;
    if (el.closest("footer, .toast-wrap, [aria-hidden=true], code, pre, .gp-keep")) continue;
    out.push(text);
  }
  return out;
}"""


def untranslated(texts: list[str]) -> list[str]:
    """The texts with a plain English word left in them (ids, names and Gradio's own words aside)."""
    found = []
    for text in texts:
        if text in GRADIO:
            continue
        rest = re.sub(r"/\S+|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", " ", text)  # paths and settings' names
        for name in sorted(IDS, key=len, reverse=True):  # ids such as ring-js, as a whole
            rest = rest.replace(name, " ")
        words = [w for w in re.findall(r"[A-Za-z]{3,}", rest) if w not in NAMES and w not in GRADIO]
        if words:
            found.append(text)
    return found


@pytest.fixture
def pseudo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running app that speaks the pseudo-language to everyone."""
    patch = pytest.MonkeyPatch()
    patch.setenv("GANPLAYGROUND_PSEUDO", "1")
    patch.setenv("GRADIO_TEMP_DIR", str(tmp_path_factory.mktemp("gradio")))
    playground = Playground(max_trainings=2, snapshot_seconds=0.25, metrics_seconds=1.0)
    demo = build_demo(playground)
    port = free_port()
    try:
        launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        yield f"http://127.0.0.1:{port}/"
    finally:
        playground.close()
        demo.close()
        patch.undo()


def _sweep(page) -> dict[str, list[str]]:
    """Each tab's untranslated texts."""
    found = {}
    for tab in TABS:
        page.locator("#gp-tabs [role=tab]").nth(TABS.index(tab)).click()
        page.wait_for_timeout(800)
        found[tab] = untranslated(page.evaluate(VISIBLE_TEXT))
    return found


def test_no_tab_shows_text_that_skipped_the_catalogs(pseudo_app: str) -> None:
    with playwright.sync_playwright() as p:
        browser = launch_browser(p)
        page = open_app(browser, pseudo_app)
        before = _sweep(page)
        page.locator("#gp-tabs [role=tab]").first.click()
        page.click("#start")
        wait(lambda: re.search(r"\d", page.locator("#meter").inner_text() or "") is not None, 90, "a meter reading")
        page.wait_for_timeout(1500)
        after = _sweep(page)
        browser.close()
    left = {f"{tab} {when}": texts for when, sweep in (("before", before), ("after", after))
            for tab, texts in sweep.items() if texts}
    assert left == {}


def test_lang_gives_a_spanish_page_and_the_menu_switches_it(app_url: str, tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = launch_browser(p)
        page = open_app(browser, app_url + "?lang=es&simple=1")
        assert page.evaluate("document.documentElement.lang") == "es"
        assert page.get_by_role("tab", name="Entrenar").is_visible()
        click_start(page)
        wait(lambda: "Entrenando" in page.locator("#status").inner_text(), 60, "a Spanish status line")
        wait(lambda: re.search(r"\d", page.locator("#meter").inner_text() or "") is not None, 90, "a meter reading")
        page.screenshot(path=str(shots / "page-es.png"))
        page.get_by_label("Idioma").click()
        page.get_by_role("option", name="Deutsch").click()
        page.wait_for_url(re.compile(r"lang=de"), timeout=30_000)
        page.wait_for_selector("#start", timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == "de"
        assert page.get_by_role("tab", name="Trainieren").is_visible()
        zh = open_app(browser, app_url + "?lang=zh&simple=1")
        assert zh.evaluate("document.documentElement.lang") == "zh-CN"
        assert zh.get_by_role("tab", name="训练").is_visible()
        if shots == DOCS_SHOTS:  # the docs' picture: the Chinese page training
            click_start(zh)
            wait(lambda: re.search(r"\d", zh.locator("#meter").inner_text() or "") is not None, 90, "a reading")
            zh.screenshot(path=str(shots / "page-zh.png"))
        browser.close()
