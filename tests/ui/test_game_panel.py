"""The game's handlers called directly (new round, marks, clicks on the board, Check), then its two API
endpoints through gradio_client with bad inputs: each gets a plain message and the server keeps serving."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import numpy as np
import PIL.Image
import pytest
from gradio_client import Client

from ganplayground.classroom import game
from ganplayground.classroom.game_board import CELL_H, CELL_W, COLUMNS, GAP, GREEN, ORANGE, RED
from ganplayground.i18n import use_language
from ganplayground.ui.app import Page
from ganplayground.ui.tabs.game_panel import GamePanel, GameState, model_choices
from ganplayground.ui.widgets.labels import LESSONS
from ganplayground.ui.widgets.translate import page_i18n


@pytest.fixture
def panel(page: Page) -> GamePanel:
    return page.learn.game


def _frame_colour(board: np.ndarray, tile: int) -> tuple[int, ...]:
    """The colour of a tile's frame (its top-left pixel)."""
    r, c = divmod(tile - 1, COLUMNS)
    return tuple(int(v) for v in board[GAP + r * (CELL_H + GAP) + 1, GAP + c * (CELL_W + GAP) + 1])


def _click(tile: int) -> SimpleNamespace:
    """A click in the middle of a tile, as gr.SelectData gives it (pixel x, y on the board)."""
    r, c = divmod(tile - 1, COLUMNS)
    return SimpleNamespace(index=[GAP + c * (CELL_W + GAP) + CELL_W // 2, GAP + r * (CELL_H + GAP) + CELL_W // 2])


def test_new_round_draws_a_numbered_board_and_keeps_the_answers_in_the_state(panel: GamePanel) -> None:
    out = panel.on_round("collapsed-js", 7)
    assert out[panel.board].shape == (4 * (CELL_H + GAP) + GAP, 4 * (CELL_W + GAP) + GAP, 3)
    assert out[panel.marks] == [] and out[panel.result] == "" and out[panel.seed] == 8
    assert "Round **7** against **collapsed-js**" in out[panel.note]
    state = out[panel.state]
    assert isinstance(state, GameState) and not state.checked
    assert np.array_equal(state.round.is_fake, game.new_round("collapsed-js", 7).is_fake)


def test_marking_tiles_frames_them_in_orange(panel: GamePanel) -> None:
    state = panel.on_round("default", 1)[panel.state]
    board = panel.on_marks([2, 5], state)[panel.board]
    assert _frame_colour(board, 2) == ORANGE and _frame_colour(board, 5) == ORANGE
    assert _frame_colour(board, 1) != ORANGE


def test_a_click_on_the_board_toggles_the_tile_under_it(panel: GamePanel) -> None:
    state = panel.on_round("default", 1)[panel.state]
    assert panel.on_click([], state, _click(6)) == {panel.marks: [6]}
    assert panel.on_click([6, 2], state, _click(6)) == {panel.marks: [2]}
    assert panel.on_click([3], state, _click(16)) == {panel.marks: [3, 16]}
    between = SimpleNamespace(index=[GAP + CELL_W + GAP // 2, 40])  # in the gap between tiles 1 and 2
    assert isinstance(panel.on_click([3], state, between), type(gr.skip()))
    assert isinstance(panel.on_click([3], None, _click(1)), type(gr.skip()))  # no board yet


def test_check_scores_the_player_and_the_machines_and_reveals_the_board(panel: GamePanel) -> None:
    state = panel.on_round("collapsed-js", 2)[panel.state]
    truth = state.round.is_fake
    marks = [1, 2, 3, 4]
    right_by_hand = sum(truth[i] == (i + 1 in marks) for i in range(16))
    out = panel.on_check(marks, state)
    board, text, checked = out[panel.board], out[panel.result], out[panel.state]
    assert checked.checked and checked.round is state.round
    assert f"### You: {right_by_hand} of 16 right" in text
    assert "The discriminator" in text and "The digit classifier" in text
    d = state.round.opponent("discriminator")
    d_right = int(((d.marks == truth)).sum())
    assert f"| The discriminator | **{d_right}/16** |" in text
    assert f"| *Saying fake to all* | **{int(truth.sum())}/16** |" in text
    for tile in range(1, 17):  # green where the player was right, red where wrong
        expected = GREEN if truth[tile - 1] == (tile in marks) else RED
        assert _frame_colour(board, tile) == expected


def test_after_check_the_marks_no_longer_redraw_and_a_second_check_is_refused(panel: GamePanel) -> None:
    state = panel.on_round("default", 3)[panel.state]
    checked = panel.on_check([1], state)[panel.state]
    assert isinstance(panel.on_marks([1, 2], checked), type(gr.skip()))
    assert isinstance(panel.on_click([1], checked, _click(2)), type(gr.skip()))
    with pytest.raises(gr.Error, match="checked already"):
        panel.on_check([1, 2], checked)


@pytest.mark.parametrize(("model", "seed", "message"), [
    ("nope", 0, "Unknown model 'nope'"), ("ring-js", 0, "Unknown model 'ring-js'"), (None, 0, "Unknown model"),
    ("default", -1, "round number must be between"), ("default", "abc", "round number must be a number"),
    ("default", 1.5, "whole number"),
])
def test_a_bad_model_or_round_number_gets_a_plain_message(panel: GamePanel, model, seed, message) -> None:
    with pytest.raises(gr.Error, match=message):
        panel.on_round(model, seed)


@pytest.mark.parametrize(("marks", "message"), [([17], "no tile 17; tiles are numbered 1..16"),
                                                ([0], "no tile 0"), (["a"], "not a tile number"),
                                                ("3", "list of tile numbers")])
def test_marks_that_are_not_tiles_get_a_plain_message(panel: GamePanel, marks, message) -> None:
    state = panel.on_round("default", 0)[panel.state]
    with pytest.raises(gr.Error, match=message):
        panel.on_check(marks, state)


def test_check_before_a_round_asks_for_one(panel: GamePanel) -> None:
    with pytest.raises(gr.Error, match="press New round first"):
        panel.on_check([1], None)


def test_the_model_choices_put_the_hard_and_the_easy_model_first() -> None:
    choices = model_choices()
    assert [name for _, name in choices[:2]] == ["default", "collapsed-js"]
    assert "easy" in choices[1][0] and "hard" in choices[0][0]


# --- the API ------------------------------------------------------------------------------------------------
def _error_of(call) -> str:
    with pytest.raises(Exception) as caught:  # gradio_client raises AppError carrying the server's message
        call()
    return str(caught.value)


def test_a_round_through_the_api_never_sends_the_answers_before_check(app_url: str) -> None:
    client = Client(app_url, verbose=False)  # its own session: its own round
    assert "New round first" in _error_of(lambda: client.predict([1], api_name="/game_check"))
    out = client.predict("collapsed-js", 4, api_name="/game_round")
    board_path, marks, note, result, next_seed = out  # the state (the answers) stays on the server
    assert marks == [] and result == "" and next_seed == 4 + 1 and "Round **4**" in note
    assert np.asarray(PIL.Image.open(board_path).convert("RGB")).shape[0] == 4 * (CELL_H + GAP) + GAP
    round_ = game.new_round("collapsed-js", 4)
    marks = game.tiles_of(round_.is_fake)  # the right answer, worked out here
    board_path, text = client.predict(marks, api_name="/game_check")
    assert "### You: 16 of 16 right" in text and ("You beat the discriminator" in text or "A tie" in text)
    assert "checked already" in _error_of(lambda: client.predict(marks, api_name="/game_check"))


def test_bad_inputs_through_the_api_get_plain_messages_and_the_server_keeps_serving(client: Client) -> None:
    assert "nope" in _error_of(lambda: client.predict("nope", 0, api_name="/game_round"))
    assert "-5" in _error_of(lambda: client.predict("default", -5, api_name="/game_round"))
    client.predict("default", 9, api_name="/game_round")
    assert "17" in _error_of(lambda: client.predict([1, 17], api_name="/game_check"))
    assert "0" in _error_of(lambda: client.predict([0], api_name="/game_check"))
    _, text = client.predict([2, 3], api_name="/game_check")  # the round survived the bad checks
    assert "of 16 right" in text


def test_a_least_squares_d_is_described_by_its_half_way_line() -> None:
    from ganplayground.ui.tabs.game_panel import rule_text

    is_fake = np.array([True, False, True, False])
    scores = np.array([0.1, 0.9, 0.3, 0.7])
    d = game.Opponent("discriminator", "half", scores, 0.5, scores < 0.5)
    round_ = game.Round("lsgan", 0, np.zeros((4, 28, 28), np.uint8), is_fake, (d,))
    text = rule_text(d, round_)
    assert "least-squares" in text and "under 0.5" in text and "0.80 on the real digits" in text


def test_the_lessons_and_the_game_speak_the_pages_language(panel: GamePanel) -> None:
    lessons = page_i18n().translations["es"]  # the labels Gradio translates in a Spanish browser
    assert lessons[LESSONS[0]["title"]] == "1. Dos redes, un juego"
    assert lessons[LESSONS[0]["text"]].startswith("Un **generador** G convierte ruido aleatorio")
    state = panel.on_round("collapsed-js", 2)[panel.state]
    right = int((state.round.is_fake == np.isin(np.arange(1, 17), [1, 2])).sum())
    with use_language("zh"):
        text = panel.on_check([1, 2], state)[panel.result]
    assert f"### 你：16 个中答对 {right} 个" in text and "| 判别器 |" in text and "数字分类器" in text
    with use_language("es"), pytest.raises(gr.Error, match="no existe la casilla 17"):
        panel.on_marks([17], state)
