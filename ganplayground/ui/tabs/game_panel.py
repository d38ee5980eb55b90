"""The Learn tab's "Be the discriminator" game: its board picture, its words, its handlers and its controls.

The round (with its answers) lives in a `gr.State`, which Gradio keeps on the server: the page only ever gets
the board's pixels until Check. The game itself (rounds, scores, the machine opponents) is classroom/game.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ...classroom import game
from ...classroom.game import Round, Score
from ...train.images import upscale
from ..widgets.inputs import number

TILES = game.DEFAULT_TILES
COLUMNS = 4
SCALE = 4  # a digit is drawn 112 px wide
FRAME = 4  # px around a digit: grey, orange when marked, green or red after Check
GAP = 8
CAPTION = 34  # px under a tile for its words
CELL_W = 28 * SCALE + 2 * FRAME
CELL_H = CELL_W + CAPTION
BOARD_HEIGHT = -(-TILES // COLUMNS) * (CELL_H + GAP) + GAP + 16  # px on the page: the whole board, never cropped
GREY, ORANGE, GREEN, RED = (190, 190, 190), (235, 130, 0), (30, 150, 60), (210, 40, 40)
INK, PAPER = (30, 30, 30), (250, 250, 250)
# Shown beside the model's name: how hard the round is, and why.
MODEL_NOTES = {
    "default": "hard: a DCGAN that draws all ten digits",
    "collapsed-js": "easy: mode collapse, it draws almost only 1s",
    "vanishing-minimax": "very easy: its generator never learned (vanishing gradients)",
    "wgan-gp": "hard: trained with the Wasserstein loss",
    "conditional": "hard: told which digit to draw",
}
MODEL_ORDER = ("default", "collapsed-js", "vanishing-minimax", "wgan-gp", "conditional")
OPPONENT_NAMES = {"discriminator": "The discriminator", "classifier": "The digit classifier"}
OPPONENT_SHORT = {"discriminator": "D", "classifier": "clf"}
INTRO = ("## Be the discriminator\nSome of these digits are real handwriting from MNIST; the others were drawn "
         "by a generator. Mark the ones you think are **fake**, then press **Check** to see your score beside the "
         "machines' on the same digits. The same round number gives the whole class the same board.")


@dataclass
class GameState:
    """A page's current round (server side only) and whether it has been checked."""

    round: Round
    checked: bool = False


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def model_choices() -> list[tuple[str, str]]:
    """(label, name) of each shipped MNIST model, the classic two first."""
    names = sorted(game.game_models(), key=lambda n: (MODEL_ORDER.index(n) if n in MODEL_ORDER else 99, n))
    return [(f"{name} ({MODEL_NOTES[name]})" if name in MODEL_NOTES else name, name) for name in names]


def draw_board(images: np.ndarray, marked: set[int], round_: Round | None = None,
               score: Score | None = None) -> np.ndarray:
    """The board as RGB uint8 (H, W, 3): tiles numbered 1..n row by row; marked ones framed orange.

    With a checked round and the player's score: each frame green (you were right) or red (wrong), under each
    tile the truth ("FAKE" / "real") and a dot per player, green where that player was right, red where wrong.
    """
    n = len(images)
    rows = -(-n // COLUMNS)
    width, height = COLUMNS * (CELL_W + GAP) + GAP, rows * (CELL_H + GAP) + GAP
    canvas = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(canvas)
    number_font, caption_font = _font(15), _font(13)
    opponents = [] if round_ is None else [(o.kind, round_.score(game.tiles_of(o.marks))) for o in round_.opponents]
    for i in range(n):
        tile = i + 1
        r, c = divmod(i, COLUMNS)
        left, top = GAP + c * (CELL_W + GAP), GAP + r * (CELL_H + GAP)
        before_check = ORANGE if tile in marked else GREY
        frame = before_check if score is None else (GREEN if score.right[i] else RED)
        draw.rectangle([left, top, left + CELL_W - 1, top + CELL_W - 1], fill=frame)
        digit = Image.fromarray(upscale(images[i], SCALE)).convert("RGB")
        canvas.paste(digit, (left + FRAME, top + FRAME))
        draw.rectangle([left + FRAME, top + FRAME, left + FRAME + 22, top + FRAME + 19], fill=(0, 0, 0))
        draw.text((left + FRAME + 3, top + FRAME + 1), str(tile), fill=(255, 230, 90), font=number_font)
        y = top + CELL_W + 2
        if score is None or round_ is None:
            if tile in marked:
                draw.text((left + 2, y), "marked fake", fill=ORANGE, font=caption_font)
            continue
        fake = bool(round_.is_fake[i])
        truth = "FAKE" if fake else "real"
        you = "you: fake" if tile in marked else "you: real"
        draw.text((left + 2, y), f"{truth}  ·  {you}", fill=RED if fake else INK, font=caption_font)
        x = left + 2
        for name, right in [("you", score.right[i]), *[(OPPONENT_SHORT[k], s.right[i]) for k, s in opponents]]:
            draw.text((x, y + 16), name, fill=INK, font=caption_font)
            x += int(draw.textlength(name, font=caption_font)) + 3
            draw.ellipse([x, y + 19, x + 9, y + 28], fill=GREEN if right else RED)
            x += 17
    return np.asarray(canvas)


def _fraction(a: int, b: int) -> str:
    return f"{a}/{b}"


def result_text(round_: Round, score: Score) -> str:
    """The scores after Check, as Markdown: a headline, a table of the players, how the machines decide."""
    rows = [("**You**", score)]
    rows += [(OPPONENT_NAMES[o.kind], round_.score(game.tiles_of(o.marks))) for o in round_.opponents]
    rows.append(("*Saying fake to all*", round_.score(range(1, round_.n + 1))))
    table = ["| player | right | fakes caught | reals called fake |", "|---|---|---|---|"]
    table += [f"| {who} | **{_fraction(s.correct, s.total)}** | {_fraction(s.caught, s.fakes)} | "
              f"{_fraction(s.false_alarms, s.reals)} |" for who, s in rows]
    lines = [f"### You: {score.correct} of {score.total} right", "\n".join(table), ""]
    d = round_.opponent("discriminator")
    if d is not None:
        d_score = round_.score(game.tiles_of(d.marks)).correct
        if score.correct > d_score:
            lines.append(f"**You beat the discriminator** by {score.correct - d_score}.")
        elif score.correct < d_score:
            lines.append(f"**The discriminator beat you** by {d_score - score.correct}.")
        else:
            lines.append("**A tie** with the discriminator.")
    lines.append("")
    lines += [f"- {rule_text(o, round_)} It called {int(o.marks.sum())} of {round_.n} tiles fake."
              for o in round_.opponents]
    lines.append("- *Saying fake to all* is no player: it is what anyone scores by calling every tile fake.")
    lines.append("- On the board: a green frame where you were right, red where you were wrong; under each tile "
                 "the truth, and a dot per player (green = right).")
    return "\n".join(lines)


def rule_text(opponent: game.Opponent, round_: Round) -> str:
    """How a machine opponent decided, in plain words, with what it said on this board."""
    fake, real = opponent.scores[round_.is_fake], opponent.scores[~round_.is_fake]

    def means(fmt: str) -> str:
        parts = [f"{fmt.format(real.mean())} on the real digits" if len(real) else "",
                 f"{fmt.format(fake.mean())} on the fakes" if len(fake) else ""]
        return " and ".join(p for p in parts if p)

    if opponent.rule == "probability":
        return ("*The discriminator* is the model's own D at the end of its training. It calls a digit fake when "
                f"D(x), its probability that the digit is real, is under 0.5. On this board D(x) averaged "
                f"{means('{:.2f}')}" + (": near 0.5 everywhere, D can no longer tell them apart."
                                        if abs(real.mean() - 0.5) < 0.15 and abs(fake.mean() - 0.5) < 0.15 else "."))
    if opponent.rule == "midpoint":
        return ("*The discriminator* is the model's own critic at the end of its training. A Wasserstein critic "
                "gives scores, not probabilities, so there is no 0.5 line: it calls a digit fake when its score is "
                f"under {opponent.threshold:.2f}, halfway between its average score on real digits and on "
                f"generated ones it was never shown in this game. Here it scored {means('{:.2f}')}.")
    if opponent.rule == "zero":
        return (f"*The discriminator* is the model's own D: it calls a digit fake when its score is under 0. Here "
                f"it scored {means('{:.2f}')}.")
    return ("*The digit classifier* (the one behind the mode meter) has never seen a fake: it calls a digit fake "
            f"when it is less than {opponent.threshold:.1%} sure which digit it is, a line that 95% of real digits "
            f"clear. It catches scribbles, not well-drawn copies. Its confidence averaged {means('{:.1%}')}.")


# --- handlers ----------------------------------------------------------------------------------------------
def _round_of(state: Any) -> GameState:
    if not isinstance(state, GameState):
        raise gr.Error("There is no board yet: press New round first.", print_exception=False)
    return state


def _marked(marks: Any, n: int) -> set[int]:
    try:
        return game.check_tiles(marks if marks is not None else [], n)
    except ValueError as exc:
        raise gr.Error(str(exc), print_exception=False) from None


def on_game_round(model: Any, seed: Any) -> tuple[np.ndarray, list[int], str, str, GameState, int]:
    """A new board: (board, cleared marks, note, cleared result, state, the next round number)."""
    seed = number(seed, "round number", 0, game.MAX_SEED, integer=True)
    if not isinstance(model, str) or model not in game.game_models():
        raise gr.Error(f"Unknown model {model!r}; choose one of: {', '.join(game.game_models())}",
                       print_exception=False)
    try:
        round_ = game.new_round(model, seed, TILES)
    except ValueError as exc:
        raise gr.Error(str(exc), print_exception=False) from None
    note = (f"Round **{seed}** against **{model}**: {round_.n} digits, some real, some fake (how many is part of "
            "the game). Tick the tiles you think are fake, or click them on the board, then press **Check**.")
    next_seed = seed + 1 if seed < game.MAX_SEED else 0
    return draw_board(round_.images, set()), [], note, "", GameState(round_), next_seed


def on_game_marks(marks: Any, state: Any) -> Any:
    """Redraw the board with the tiles marked so far (nothing changes once the round is checked)."""
    if not isinstance(state, GameState) or state.checked:
        return gr.skip()
    return draw_board(state.round.images, _marked(marks, state.round.n))


def on_game_click(marks: Any, state: Any, evt: gr.SelectData) -> Any:
    """A click on the board toggles the tile under it (a click between tiles, or after Check, does nothing)."""
    if not isinstance(state, GameState) or state.checked or not isinstance(evt.index, list | tuple):
        return gr.skip()
    x, y = evt.index[0], evt.index[1]
    c, r = (x - GAP) // (CELL_W + GAP), (y - GAP) // (CELL_H + GAP)
    inside = 0 <= (x - GAP) % (CELL_W + GAP) < CELL_W and 0 <= (y - GAP) % (CELL_H + GAP) < CELL_H
    tile = r * COLUMNS + c + 1
    if not inside or not 0 <= c < COLUMNS or not 1 <= tile <= state.round.n:
        return gr.skip()
    chosen = _marked(marks, state.round.n) ^ {tile}
    return sorted(chosen)


def on_game_check(marks: Any, state: Any) -> tuple[np.ndarray, str, GameState]:
    """Reveal: the board with the truth and everyone's verdicts, the scores, and the round marked checked."""
    current = _round_of(state)
    if current.checked:
        raise gr.Error("This round is checked already: press New round for another.", print_exception=False)
    marked = _marked(marks, current.round.n)
    score = current.round.score(marked)
    board = draw_board(current.round.images, marked, current.round, score)
    return board, result_text(current.round, score), GameState(current.round, checked=True)


def build_game() -> None:
    """The game's controls and events, placed where it is called (inside the Learn tab of a Blocks)."""
    choices = model_choices()
    if not choices:
        gr.Markdown("*Be the discriminator* needs the shipped MNIST models in pretrained/, and none is there.")
        return
    with gr.Column(elem_id="game"):
        gr.Markdown(INTRO)
        with gr.Row():
            model = gr.Dropdown(choices=choices, value=choices[0][1], label="Generator to play against",
                                elem_id="game-model", scale=2)
            seed = gr.Number(value=0, precision=0, minimum=0, label="Round number (counts on after each round)",
                             elem_id="game-seed")
            new = gr.Button("New round", variant="primary", elem_id="game-new")
        note = gr.Markdown("Press **New round** for a board.", elem_id="game-note")
        with gr.Row():
            with gr.Column(scale=1, min_width=540):
                board = gr.Image(format="png", type="numpy", interactive=False, show_label=False,
                                 elem_id="game-board", buttons=[], height=BOARD_HEIGHT)
            with gr.Column(scale=1):
                marks = gr.CheckboxGroup(choices=[(str(i), i) for i in range(1, TILES + 1)], value=[],
                                         label="Tiles you think are fake", elem_id="game-marks")
                check = gr.Button("Check", variant="primary", elem_id="game-check")
                result = gr.Markdown("", elem_id="game-result")
    state = gr.State(None)

    new.click(on_game_round, inputs=[model, seed], outputs=[board, marks, note, result, state, seed],
              api_name="game_round")
    marks.change(on_game_marks, inputs=[marks, state], outputs=[board], api_visibility="private",
                 show_progress="hidden", trigger_mode="always_last")
    board.select(on_game_click, inputs=[marks, state], outputs=[marks], api_visibility="private",
                 show_progress="hidden")
    check.click(on_game_check, inputs=[marks, state], outputs=[board, result, state], api_name="game_check")
