"""Class links on the page, by their handlers (a link opened, the simple view, autostart, sharing) and through
the running app's API and plain HTTP (bad links get notes and the server keeps serving)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import quote

import gradio as gr
import httpx
import numpy as np
import pytest
from gradio_client import Client
from starlette.datastructures import QueryParams

from ganplayground.i18n import use_language
from ganplayground.presets import get_preset
from ganplayground.train.drawings import HEART, drawing_from_points
from ganplayground.ui.app import Page
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.class_links import escape

# The page as it opens: the Train form (preset, dataset, loss, arch, lr_d, lr_g, batch, latent, critic steps,
# seed, budget, drawing) and the Duel form (networks, left loss, right loss, seed, budget).
TRAIN = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0, 60.0, ""]
DUEL = ["collapse", "js", "wgan-gp", 0, 90]


def open_link(page: Page, query: str, token: str | None = None) -> dict:
    request = SimpleNamespace(query_params=QueryParams(query), headers={"host": "127.0.0.1:7860"})
    return page.links.on_open(token or new_token(), *TRAIN, *DUEL, request=request)


def plain(note: dict) -> str:
    """The note as the page shows it: Markdown's backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", note["value"])


def visible(output) -> bool | None:
    return output.get("visible") if isinstance(output, dict) else None


def test_a_page_without_a_link_changes_nothing(page: Page) -> None:
    links = page.links
    out = open_link(page, "")
    assert set(out) == {links.note, links.lesson_target, links.views}
    assert out[links.note]["visible"] is False and out[links.lesson_target] == "" and out[links.views] == ""


def test_a_link_picks_the_tab_preset_loss_and_seed_of_both_forms(page: Page) -> None:
    form, duel, links = page.train.form, page.duel, page.links
    out = open_link(page, "preset=collapse&loss=wgan-gp&seed=5&tab=duel")
    assert out[links.tabs].selected == "duel"
    collapse = get_preset("collapse").config
    assert out[form.preset] == "collapse"
    assert out[form.dataset] == collapse.dataset and out[form.lr_d] == collapse.lr_d  # the preset's settings
    assert out[form.loss] == "wgan-gp" and out[form.seed] == 5
    assert out[duel.preset] == "collapse" and out[duel.seed] == 5
    assert duel.loss_left not in out and duel.budget not in out
    note = out[links.note]["value"]
    assert "preset **collapse**" in note and "seed 5" in note and "Duel tab" in note and "ignored" not in note
    # no autostart, no simple view: no status, timer or visibility changes
    assert not {page.train.status, page.train.timer, duel.timer, links.show_all, links.share} & set(out)


def test_bad_parameters_are_ignored_with_a_visible_note(page: Page) -> None:
    form, links = page.train.form, page.links
    out = open_link(page, "preset=nope&seed=-3&foo=<b>bar</b>&tab=duel")
    assert not {form.preset, form.seed, page.duel.seed} & set(out)
    assert out[links.tabs].selected == "duel"  # the good parameter still counts
    note = out[links.note]["value"]
    assert out[links.note]["visible"] is True
    assert "ignored: preset=nope (unknown preset" in plain(out[links.note])
    assert "ignored: seed=-3" in plain(out[links.note])
    assert "\\<b\\>bar\\<\\/b\\>" in note  # quoted back escaped: shown as text, never as markup


def test_a_toy_preset_sets_the_train_form_and_the_duels_networks(page: Page) -> None:
    form = page.train.form
    out = open_link(page, "preset=ring-js&tab=duel")
    assert out[form.preset] == "ring-js" and out[form.dataset] == "ring" and out[page.duel.preset] == "ring-js"


def test_a_drawing_in_a_link_fills_the_form_and_the_canvas(page: Page) -> None:
    form, draw = page.train.form, page.train.draw
    out = open_link(page, f"draw={HEART}")
    assert out[form.preset] == "draw" and out[form.dataset] == "drawn" and out[form.drawing] == HEART
    canvas = out[draw.canvas]["background"]  # the drawing painted on the canvas, dark ink on white
    assert canvas.shape[2] == 4 and 0 < (canvas[..., 0] < 128).mean() < 0.2
    assert "ignored" not in plain(out[page.links.note])


def test_a_broken_or_over_long_drawing_in_a_link_is_a_note_and_nothing_else(page: Page) -> None:
    form = page.train.form
    for query, words in ((f"draw={HEART[:-20]}!!", "drawing"), ("draw=" + "A" * 3000, "at most 2,048 characters")):
        out = open_link(page, query)
        assert words in plain(out[page.links.note]) and form.drawing not in out


def test_the_share_box_carries_the_drawing_the_form_trains_on(page: Page) -> None:
    links = page.links
    request = SimpleNamespace(headers={"host": "127.0.0.1:7860"})
    url = links.on_share("draw", "js", 0, "collapse", 0, [], "drawn", HEART, "train", "https://x.hf.space/", request)
    assert url[links.box].endswith(f"&draw={HEART}")
    reopened = open_link(page, url[links.box].split("?", 1)[1])
    assert reopened[page.train.form.drawing] == HEART
    with pytest.raises(gr.Error, match="at most 2,048"):
        links.share_link("draw", "js", 0, "train", drawing="A" * 3000)


def test_the_simple_view_hides_settings_and_advanced_knobs_and_offers_a_way_back(page: Page) -> None:
    form, duel, links = page.train.form, page.duel, page.links
    out = open_link(page, "preset=collapse&simple=1")
    assert visible(out[form.preset]) is False and out[form.preset]["value"] == "collapse"
    for part in (duel.preset, duel.seed, duel.budget, links.share, *page.train.advanced):
        assert visible(out[part]) is False, part
    assert len(page.train.advanced) == 7  # Settings, Step, Reset, D step, G step, Speed, the model overview
    assert duel.loss_left not in out and duel.loss_right not in out  # the duel's loss choices stay
    assert out[duel.preset]["value"] == "collapse"
    assert visible(out[links.show_all]) is True and "simple view" in out[links.note]["value"]
    back = links.on_show_all()
    assert all(visible(back[part]) is True for part in (form.preset, duel.preset, duel.seed, duel.budget, links.share,
                                                       *page.train.advanced))
    assert visible(back[links.show_all]) is False


def test_the_projector_view_hides_what_the_simple_view_hides_and_marks_the_page_for_its_css(page: Page) -> None:
    links = page.links
    out = open_link(page, "preset=collapse&projector=1")
    assert out[links.views] == "projector"  # VIEW_JS puts gp-projector on the page's body
    for part in (page.train.form.preset, links.share, *page.train.advanced):
        assert visible(out[part]) is False, part
    assert "projector view" in out[links.note]["value"]
    assert open_link(page, "simple=1&projector=1")[links.views] == "simple projector"
    assert open_link(page, "preset=collapse")[links.views] == ""


def test_a_lesson_link_opens_the_learn_tab_at_that_lesson(page: Page) -> None:
    out = open_link(page, "lesson=3")
    assert out[page.links.lesson_target] == "3" and "lesson 3" in out[page.links.note]["value"]


def test_autostart_trains_the_links_set_up_and_a_refresh_does_not_restart_it(page: Page) -> None:
    token, train = new_token(), page.train
    out = open_link(page, "preset=collapse&seed=4&loss=wgan-gp&autostart=1", token)
    run = train.pg.manager.session(token).run
    try:
        assert run is not None and out[train.timer].active
        assert any(w in out[train.status] for w in ("Training", "Starting", "Waiting"))
        assert run.trainer.config.seed == 4 and run.trainer.config.loss == "wgan-gp"
        assert run.trainer.config.width == get_preset("collapse").config.width
        again = open_link(page, "preset=collapse&seed=4&autostart=1", token)
        assert train.pg.manager.session(token).run is run and train.status not in again
        assert "already running" in plain(again[page.links.note])
    finally:
        train.on_stop(token)


def test_autostart_on_the_duel_tab_starts_the_duel(page: Page) -> None:
    token = new_token()
    out = open_link(page, "tab=duel&seed=2&autostart=1", token)
    duel = page.duel.pg.manager.session(token).duel
    try:
        assert len(duel) == 2 and out[page.duel.timer].active and page.train.status not in out
        assert [run.trainer.config.loss for run in duel] == ["js", "wgan-gp"]
        assert all(run.trainer.config.seed == 2 for run in duel)
    finally:
        page.duel.on_stop(token)


def test_a_duel_link_with_a_drawing_trains_both_sides_on_it(page: Page) -> None:
    token = new_token()
    line = drawing_from_points(np.stack([np.linspace(-1, 1, 100), np.zeros(100)], axis=1))
    open_link(page, f"tab=duel&draw={line}&autostart=1", token)
    duel = page.duel.pg.manager.session(token).duel
    try:
        assert [run.trainer.config.drawing for run in duel] == [line, line]
    finally:
        page.duel.on_stop(token)


def test_autostart_that_cannot_start_says_so_in_the_note(page: Page) -> None:
    out = open_link(page, "autostart=1", token="not a token")
    assert "could not start" in plain(out[page.links.note]) and page.train.status not in out


def test_the_share_box_gives_the_link_of_the_tab_on_show(page: Page) -> None:
    links = page.links
    request = SimpleNamespace(headers={"host": "127.0.0.1:7860"})
    site = "https://x.hf.space/"
    url = links.on_share("collapse", "wgan-gp", 3, "default", 9, ["simple"], "mnist", "", "train", site, request)
    assert url[links.box] == "https://x.hf.space/?preset=collapse&loss=wgan-gp&seed=3&tab=train&simple=1"
    duel = links.on_share("collapse", "js", 3, "vanishing", 9, ["autostart"], "mnist", "", "duel", site, request)
    assert duel[links.box] == "https://x.hf.space/?preset=vanishing&loss=js&seed=9&tab=duel&autostart=1"
    explore = links.on_share("default", "js", 0, "collapse", 0, ["autostart"], "mnist", "", "explore", "", request)
    assert explore[links.box] == "http://127.0.0.1:7860/?preset=default&loss=js&seed=0&tab=explore"  # no training


def test_the_share_box_makes_a_projector_link_that_opens_the_projector_view(page: Page) -> None:
    links = page.links
    request, site = SimpleNamespace(headers={"host": "127.0.0.1:7860"}), "https://x.hf.space/"
    url = links.on_share("collapse", "js", 3, "default", 9, ["projector"], "mnist", "", "train", site, request)
    assert url[links.box] == "https://x.hf.space/?preset=collapse&loss=js&seed=3&tab=train&projector=1"
    assert open_link(page, url[links.box].split("?", 1)[1])[links.views] == "projector"
    with pytest.raises(gr.Error, match="simple, autostart and projector must be true or false"):
        links.share_link("collapse", "js", 3, "train", projector="yes", address=site)


def test_a_shared_link_opens_the_same_set_up(page: Page) -> None:
    form, links = page.train.form, page.links
    url = links.share_link("collapse", "wgan-gp", 11, "duel", True, False, "http://127.0.0.1:7860/")
    out = open_link(page, url.split("?", 1)[1])
    assert out[form.preset]["value"] == "collapse" and out[form.loss] == "wgan-gp" and out[form.seed] == 11
    assert out[page.duel.seed]["value"] == 11 and visible(out[links.show_all]) is True
    assert "ignored" not in out[links.note]["value"]


def test_the_share_box_carries_the_pages_language_and_a_link_with_it_opens_without_a_note(page: Page) -> None:
    links = page.links
    request, site = SimpleNamespace(headers={"host": "127.0.0.1:7860"}), "https://x.hf.space/"
    with use_language("fr"):
        url = links.on_share("collapse", "js", 3, "default", 9, [], "mnist", "", "train", site, request)
    assert url[links.box] == "https://x.hf.space/?preset=collapse&loss=js&seed=3&tab=train&lang=fr"
    english = links.on_share("collapse", "js", 3, "default", 9, [], "mnist", "", "train", site, request)
    assert "lang=" not in english[links.box]
    out = open_link(page, "preset=collapse&lang=fr")
    assert out[page.train.form.preset] == "collapse" and "ignored" not in out[links.note]["value"]


def test_a_bad_language_in_a_link_is_a_note_and_the_rest_applies(page: Page) -> None:
    out = open_link(page, "seed=5&lang=klingon")
    assert out[page.train.form.seed] == 5
    assert "ignored: lang=klingon (unknown language" in plain(out[page.links.note])


def test_a_link_note_comes_out_in_spanish(page: Page) -> None:
    with use_language("es"):
        out = open_link(page, "seed=5&tab=nowhere")
    note = plain(out[page.links.note])
    assert "semilla 5" in note and "ignored" not in note


def test_markdown_escape_leaves_letters_and_escapes_every_mark() -> None:
    assert escape("a_b *c* [d](e) `f` <g>") == "a\\_b \\*c\\* \\[d\\]\\(e\\) \\`f\\` \\<g\\>"


# --- through the running app ---------------------------------------------------------------------------
def test_read_link_through_the_api_returns_the_set_up_and_notes(client: Client) -> None:
    result = client.predict("preset=collapse&tab=duel&simple=1&foo=1", api_name="/read_link")
    assert result["setup"]["preset"] == "collapse" and result["setup"]["tab"] == "duel" and result["setup"]["simple"]
    assert result["notes"] == ["ignored: foo=1 (unknown parameter; a link reads class, preset, loss, seed, tab, "
                               "lesson, autostart, simple, draw, lang, projector)"]
    assert result["query"] == "preset=collapse&tab=duel&simple=1"


BAD_LINKS = ["preset=nope", "seed=-1&seed=2", "tab=%00%ff", "lesson=99&autostart=yes please", "&&&==&",
             "preset=" + "x" * 20_000, "&".join(f"k{i}=v" for i in range(500)), "preset=<script>alert(1)</script>"]


@pytest.mark.parametrize("query", BAD_LINKS, ids=range(len(BAD_LINKS)))
def test_bad_links_through_the_api_get_notes_and_the_server_keeps_serving(client: Client, query: str) -> None:
    result = client.predict(query, api_name="/read_link")
    assert result["notes"] and all(note.startswith("ignored: ") for note in result["notes"])
    assert client.predict(api_name="/new_session")


def test_bad_links_over_http_still_serve_the_page(app_url: str) -> None:
    with httpx.Client(timeout=30) as http:
        for query in BAD_LINKS[:5] + ["preset=" + quote("ü\u202e<b>"), "%%%"]:
            page = http.get(app_url + "?" + query)
            assert page.status_code == 200 and "GAN Playground" in page.text


SHARE_BAD = [
    (["fastest", "js", 0, "train"], "unknown preset"),
    (["collapse", "fisher", 0, "train"], "unknown loss"),
    (["collapse", "js", -1, "train"], "seed"),
    (["collapse", "js", "x", "train"], "seed"),
    (["collapse", "js", 0, "settings"], "unknown tab"),
    (["collapse", "js", 0, "learn", False, True], "nothing trains on the learn tab"),
    (["collapse", "js", 0, "train", False, False, "javascript:alert(1)"], "not a page address"),
]


@pytest.mark.parametrize(("args", "words"), SHARE_BAD, ids=range(len(SHARE_BAD)))
def test_share_link_through_the_api_refuses_bad_values_plainly(client: Client, args: list, words: str) -> None:
    with pytest.raises(Exception) as caught:
        client.predict(*args, api_name="/share_link")
    assert words in str(caught.value) and "Traceback" not in str(caught.value)
    assert client.predict(api_name="/new_session")


def test_share_link_through_the_api_uses_the_servers_address(client: Client, app_url: str) -> None:
    url = client.predict("collapse", "wgan-gp", 3, "duel", True, False, "", api_name="/share_link")
    assert url == app_url + "?preset=collapse&loss=wgan-gp&seed=3&tab=duel&simple=1"
