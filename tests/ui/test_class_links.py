"""Class links on the page, by their handlers (a link opened, the simple view, autostart, sharing) and through
the running app's API and plain HTTP (bad links get notes and the server keeps serving)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import quote

import gradio as gr
import httpx
import pytest
from gradio_client import Client
from starlette.datastructures import QueryParams

from ganplayground.presets import get_preset
from ganplayground.ui.server.playground import Playground
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.class_links import LinkHandlers, _escape

# The page as it opens: the Train form (preset, dataset, loss, arch, lr_d, lr_g, batch, latent, critic steps,
# seed, budget) and the Duel form (networks, left loss, right loss, seed, budget).
TRAIN = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0, 60.0]
DUEL = ["collapse", "js", "wgan-gp", 0, 90]
HIDDEN = 3
# on_open's outputs by position (its docstring).
TABS, PRESET = 0, 1
FIELDS = slice(2, 13)
DATASET, LOSS, SEED = 2, 3, 10  # within the outputs: form_fields' dataset, loss, seed
DUEL_PRESET, DUEL_LEFT, DUEL_RIGHT, DUEL_SEED, DUEL_BUDGET = range(13, 18)
NOTE, SHOW_ALL, SHARE, LESSON, STATUS, TRAIN_TIMER, LEFT, RIGHT, DUEL_TIMER = range(18, 27)


@pytest.fixture
def links():
    playground = Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.5)
    yield LinkHandlers(playground, ["collapse", "default", "vanishing"], hidden=HIDDEN)
    playground.close()


def open_link(links: LinkHandlers, query: str, token: str | None = None) -> tuple:
    request = SimpleNamespace(query_params=QueryParams(query), headers={"host": "127.0.0.1:7860"})
    return links.on_open(token or new_token(), *TRAIN, *DUEL, request=request)


def plain(note: dict) -> str:
    """The note as the page shows it: Markdown's backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", note["value"])


def is_skip(output) -> bool:
    return output == gr.skip()


def visible(output) -> bool | None:
    return output.get("visible") if isinstance(output, dict) else None


def test_a_page_without_a_link_changes_nothing(links: LinkHandlers) -> None:
    out = open_link(links, "")
    assert len(out) == 27 + HIDDEN
    assert all(is_skip(o) for i, o in enumerate(out) if i not in (NOTE, LESSON))
    assert out[NOTE]["visible"] is False and out[LESSON] == ""


def test_a_link_picks_the_tab_preset_loss_and_seed_of_both_forms(links: LinkHandlers) -> None:
    out = open_link(links, "preset=collapse&loss=wgan-gp&seed=5&tab=duel")
    assert out[TABS].selected == "duel"
    collapse = get_preset("collapse").config
    assert out[PRESET] == "collapse"
    assert out[FIELDS][0] == collapse.dataset and out[FIELDS][3] == collapse.lr_d  # the preset's settings
    assert out[LOSS] == "wgan-gp" and out[SEED] == 5
    assert out[DUEL_PRESET] == "collapse" and out[DUEL_SEED] == 5
    assert is_skip(out[DUEL_LEFT]) and is_skip(out[DUEL_BUDGET])
    note = out[NOTE]["value"]
    assert "preset **collapse**" in note and "seed 5" in note and "Duel tab" in note and "ignored" not in note
    assert all(is_skip(o) for o in out[STATUS:])  # no autostart, no simple view


def test_bad_parameters_are_ignored_with_a_visible_note(links: LinkHandlers) -> None:
    out = open_link(links, "preset=nope&seed=-3&foo=<b>bar</b>&tab=duel")
    assert is_skip(out[PRESET]) and is_skip(out[SEED]) and is_skip(out[DUEL_SEED])
    assert out[TABS].selected == "duel"  # the good parameter still counts
    note = out[NOTE]["value"]
    assert out[NOTE]["visible"] is True
    assert "ignored: preset=nope (unknown preset" in plain(out[NOTE]) and "ignored: seed=-3" in plain(out[NOTE])
    assert "\\<b\\>bar\\<\\/b\\>" in note  # quoted back escaped: shown as text, never as markup


def test_a_toy_preset_sets_the_train_form_and_says_the_duel_keeps_its_networks(links: LinkHandlers) -> None:
    out = open_link(links, "preset=ring-js&tab=duel")
    assert out[PRESET] == "ring-js" and out[DATASET] == "ring" and is_skip(out[DUEL_PRESET])
    assert "the duel has digit networks only: it keeps collapse, not ring-js" in plain(out[NOTE])


def test_the_simple_view_hides_settings_and_advanced_knobs_and_offers_a_way_back(links: LinkHandlers) -> None:
    out = open_link(links, "preset=collapse&simple=1")
    assert visible(out[PRESET]) is False and out[PRESET]["value"] == "collapse"
    for i in (DUEL_PRESET, DUEL_SEED, DUEL_BUDGET, SHARE, *range(27, 27 + HIDDEN)):
        assert visible(out[i]) is False, i
    assert is_skip(out[DUEL_LEFT]) and is_skip(out[DUEL_RIGHT])  # the duel's loss choices stay
    assert out[DUEL_PRESET]["value"] == "collapse"
    assert visible(out[SHOW_ALL]) is True and "simple view" in out[NOTE]["value"]
    back = links.on_show_all()
    assert len(back) == 6 + HIDDEN and [visible(o) for o in back] == [True] * 5 + [False] + [True] * HIDDEN


def test_a_lesson_link_opens_the_learn_tab_at_that_lesson(links: LinkHandlers) -> None:
    out = open_link(links, "lesson=3")
    assert out[LESSON] == "3" and "lesson 3" in out[NOTE]["value"]


def test_autostart_trains_the_links_set_up_and_a_refresh_does_not_restart_it(links: LinkHandlers) -> None:
    token = new_token()
    out = open_link(links, "preset=collapse&seed=4&loss=wgan-gp&autostart=1", token)
    run = links.pg.manager.session(token).run
    try:
        assert run is not None and out[TRAIN_TIMER].active
        assert "Training" in out[STATUS] or "Starting" in out[STATUS] or "Waiting" in out[STATUS]
        assert run.trainer.config.seed == 4 and run.trainer.config.loss == "wgan-gp"
        assert run.trainer.config.width == get_preset("collapse").config.width
        again = open_link(links, "preset=collapse&seed=4&autostart=1", token)
        assert links.pg.manager.session(token).run is run and is_skip(again[STATUS])
        assert "already running" in plain(again[NOTE])
    finally:
        links.pg.on_stop(token)


def test_autostart_on_the_duel_tab_starts_the_duel(links: LinkHandlers) -> None:
    token = new_token()
    out = open_link(links, "tab=duel&seed=2&autostart=1", token)
    duel = links.pg.manager.session(token).duel
    try:
        assert len(duel) == 2 and out[DUEL_TIMER].active and is_skip(out[STATUS])
        assert [run.trainer.config.loss for run in duel] == ["js", "wgan-gp"]
        assert all(run.trainer.config.seed == 2 for run in duel)
    finally:
        links.pg.on_duel_stop(token)


def test_autostart_that_cannot_start_says_so_in_the_note(links: LinkHandlers) -> None:
    out = open_link(links, "autostart=1", token="not a token")
    assert "could not start" in plain(out[NOTE]) and is_skip(out[STATUS])


def test_the_share_box_gives_the_link_of_the_tab_on_show(links: LinkHandlers) -> None:
    request = SimpleNamespace(headers={"host": "127.0.0.1:7860"})
    url = links.on_share("collapse", "wgan-gp", 3, "default", 9, ["simple"], "train", "https://x.hf.space/", request)
    assert url == "https://x.hf.space/?preset=collapse&loss=wgan-gp&seed=3&tab=train&simple=1"
    duel = links.on_share("collapse", "js", 3, "vanishing", 9, ["autostart"], "duel", "https://x.hf.space/", request)
    assert duel == "https://x.hf.space/?preset=vanishing&loss=js&seed=9&tab=duel&autostart=1"
    explore = links.on_share("default", "js", 0, "collapse", 0, ["autostart"], "explore", "", request)
    assert explore == "http://127.0.0.1:7860/?preset=default&loss=js&seed=0&tab=explore"  # nothing trains there


def test_a_shared_link_opens_the_same_set_up(links: LinkHandlers) -> None:
    url = links.share_link("collapse", "wgan-gp", 11, "duel", True, False, "http://127.0.0.1:7860/")
    out = open_link(links, url.split("?", 1)[1])
    assert out[PRESET]["value"] == "collapse" and out[LOSS] == "wgan-gp" and out[SEED] == 11
    assert out[DUEL_SEED]["value"] == 11 and visible(out[SHOW_ALL]) is True
    assert "ignored" not in out[NOTE]["value"]


def test_markdown_escape_leaves_letters_and_escapes_every_mark() -> None:
    assert _escape("a_b *c* [d](e) `f` <g>") == "a\\_b \\*c\\* \\[d\\]\\(e\\) \\`f\\` \\<g\\>"


# --- through the running app ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


def test_read_link_through_the_api_returns_the_set_up_and_notes(client: Client) -> None:
    result = client.predict("preset=collapse&tab=duel&simple=1&foo=1", api_name="/read_link")
    assert result["setup"]["preset"] == "collapse" and result["setup"]["tab"] == "duel" and result["setup"]["simple"]
    assert result["notes"] == ["ignored: foo=1 (unknown parameter; a link reads preset, loss, seed, tab, lesson, "
                               "autostart, simple)"]
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
    (["collapse", "lsgan", 0, "train"], "unknown loss"),
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
