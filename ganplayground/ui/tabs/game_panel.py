"""The Learn tab's "Be the discriminator" game on the page: its words, its controls and their handlers.

The round (with its answers) lives in a `gr.State`, which Gradio keeps on the server: the page only ever gets
the board's pixels until Check. The game itself (rounds, scores, the machine opponents) is classroom/game.py, its
board picture classroom/game_board.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ...classroom import game
from ...classroom.game import Round, Score
from ...classroom.game_board import CELL_H, COLUMNS, GAP, draw_board, tile_at
from ...i18n import N_, _, decimal, number, percent
from ..widgets import inputs
from ..widgets.alt_text import GAME_BOARD
from ..widgets.translate import L_

TILES = game.DEFAULT_TILES
BOARD_HEIGHT = -(-TILES // COLUMNS) * (CELL_H + GAP) + GAP + 16  # px on the page: the whole board, never cropped

# The menu's label of each classic model: its name (an id) and how hard the round is, and why.
MODEL_LABELS = {
    "default": N_("default (hard: a DCGAN that draws all ten digits)"),
    "collapsed-js": N_("collapsed-js (easy: mode collapse, it draws almost only 1s)"),
    "vanishing-minimax": N_("vanishing-minimax (very easy: its generator never learned (vanishing gradients))"),
    "wgan-gp": N_("wgan-gp (hard: trained with the Wasserstein loss)"),
    "conditional": N_("conditional (hard: told which digit to draw)"),
}
MODEL_ORDER = ("default", "collapsed-js", "vanishing-minimax", "wgan-gp", "conditional")
OPPONENT_NAMES = {"discriminator": N_("The discriminator"), "classifier": N_("The digit classifier")}
INTRO = N_("## Be the discriminator\nSome of these digits are real handwriting from MNIST; the others were drawn "
           "by a generator. Mark the ones you think are **fake**, then press **Check** to see your score beside the "
           "machines' on the same digits. The same round number gives the whole class the same board.")


@dataclass
class GameState:
    """A page's current round (server side only) and whether it has been checked."""

    round: Round
    checked: bool = False


def model_choices() -> list[tuple[str, str]]:
    """(label, name) of each shipped MNIST model, the classic two first; a classic's label is marked for the catalogs
    (the page wraps it in L_), another model's is its name."""
    names = sorted(game.game_models(), key=lambda n: (MODEL_ORDER.index(n) if n in MODEL_ORDER else 99, n))
    return [(MODEL_LABELS.get(name, name), name) for name in names]


def _fraction(a: int, b: int) -> str:
    return f"{number(a)}/{number(b)}"


def result_text(round_: Round, score: Score) -> str:
    """The scores after Check, as Markdown in the current language: a headline, a table of the players, how the
    machines decide."""
    rows = [(_("**You**"), score)]
    rows += [(_(OPPONENT_NAMES[o.kind]), round_.score(game.tiles_of(o.marks))) for o in round_.opponents]
    rows.append((_("*Saying fake to all*"), round_.score(range(1, round_.n + 1))))
    # Translators: a Markdown table's header row; keep the four | separated columns.
    table = [_("| player | right | fakes caught | reals called fake |"), "|---|---|---|---|"]
    table += [f"| {who} | **{_fraction(s.correct, s.total)}** | {_fraction(s.caught, s.fakes)} | "
              f"{_fraction(s.false_alarms, s.reals)} |" for who, s in rows]
    headline = _("You: {correct} of {total} right").format(correct=number(score.correct), total=number(score.total))
    lines = [f"### {headline}", "\n".join(table), ""]
    d = round_.opponent("discriminator")
    if d is not None:
        d_score = round_.score(game.tiles_of(d.marks)).correct
        if score.correct > d_score:
            margin = number(score.correct - d_score)
            lines.append(_("**You beat the discriminator** by {margin}.").format(margin=margin))
        elif score.correct < d_score:
            margin = number(d_score - score.correct)
            lines.append(_("**The discriminator beat you** by {margin}.").format(margin=margin))
        else:
            lines.append(_("**A tie** with the discriminator."))
    lines.append("")
    lines += ["- " + _("{rule} It called {marked} of {n} tiles fake.").format(
        rule=rule_text(o, round_), marked=number(int(o.marks.sum())), n=number(round_.n)) for o in round_.opponents]
    lines.append("- " + _("*Saying fake to all* is no player: it is what anyone scores by calling every tile fake."))
    lines.append("- " + _("On the board: a green frame where you were right, red where you were wrong; under each "
                          "tile the truth, and a dot per player (green = right)."))
    return "\n".join(lines)


def _averages(opponent: game.Opponent, round_: Round, show: Callable[[float], str]) -> str:
    """What a machine said on average on this board's real digits and fakes, in words."""
    fake, real = opponent.scores[round_.is_fake], opponent.scores[~round_.is_fake]
    if len(real) and len(fake):
        return _("{real} on the real digits and {fake} on the fakes").format(real=show(real.mean()),
                                                                              fake=show(fake.mean()))
    if len(real):
        return _("{real} on the real digits").format(real=show(real.mean()))
    return _("{fake} on the fakes").format(fake=show(fake.mean()))


def rule_text(opponent: game.Opponent, round_: Round) -> str:  # Long: one whole sentence per rule, for translators
    """How a machine opponent decided, in plain words, with what it said on this board."""
    scores = _averages(opponent, round_, decimal)
    # Translators: {averages} reads like "0.71 on the real digits and 0.32 on the fakes".
    if opponent.rule == "probability":
        fake, real = opponent.scores[round_.is_fake], opponent.scores[~round_.is_fake]
        if abs(real.mean() - 0.5) < 0.15 and abs(fake.mean() - 0.5) < 0.15:
            return _("*The discriminator* is the model's own D at the end of its training. It calls a digit fake "
                     "when D(x), its probability that the digit is real, is under 0.5. On this board D(x) averaged "
                     "{averages}: near 0.5 everywhere, D can no longer tell them apart.").format(averages=scores)
        return _("*The discriminator* is the model's own D at the end of its training. It calls a digit fake when "
                 "D(x), its probability that the digit is real, is under 0.5. On this board D(x) averaged "
                 "{averages}.").format(averages=scores)
    if opponent.rule == "midpoint":
        return _("*The discriminator* is the model's own critic at the end of its training. A Wasserstein critic "
                 "gives scores, not probabilities, so there is no 0.5 line: it calls a digit fake when its score is "
                 "under {line}, halfway between its average score on real digits and on generated ones it was never "
                 "shown in this game. Here it scored {averages}.").format(line=decimal(opponent.threshold, 2),
                                                                          averages=scores)
    if opponent.rule == "half":
        return _("*The discriminator* is the model's own least-squares D: it learned to score real digits 1 and fakes "
                 "0, so it calls a digit fake when its score is under 0.5, halfway between. Here it scored "
                 "{averages}.").format(averages=scores)
    if opponent.rule == "zero":
        return _("*The discriminator* is the model's own D: it calls a digit fake when its score is under 0. Here it "
                 "scored {averages}.").format(averages=scores)
    return _("*The digit classifier* (the one behind the mode meter) has never seen a fake: it calls a digit fake "
             "when it is less than {line} sure which digit it is, a line that 95% of real digits clear. It catches "
             "scribbles, not well-drawn copies. Its confidence averaged {averages}.").format(
        line=percent(opponent.threshold, 1), averages=_averages(opponent, round_, lambda x: percent(x, 1)))


# --- the panel -------------------------------------------------------------------------------------------
def _round_of(state: Any) -> GameState:
    if not isinstance(state, GameState):
        raise gr.Error(_("There is no board yet: press New round first."), print_exception=False)
    return state


def _marked(marks: Any, n: int) -> set[int]:
    try:
        return game.check_tiles(marks if marks is not None else [], n)
    except ValueError as exc:
        raise gr.Error(str(exc), print_exception=False) from None


class GamePanel:
    """The game's controls (inside the Learn tab) and their handlers."""

    def build(self) -> None:
        """The controls and events, placed where this is called; a note instead without the shipped models."""
        choices = model_choices()
        if not choices:
            gr.Markdown(L_("*Be the discriminator* needs the shipped MNIST models in pretrained/, and none is there."))
            return
        with gr.Column(elem_id="game"):
            gr.Markdown(L_(INTRO))
            with gr.Row():
                labels = [(L_(label) if name in MODEL_LABELS else label, name) for label, name in choices]
                self.model = gr.Dropdown(choices=labels,
                                         value=choices[0][1], label=L_("Generator to play against"),
                                         elem_id="game-model", scale=2)
                self.seed = gr.Number(value=0, precision=0, minimum=0,
                                      label=L_("Round number (counts on after each round)"), elem_id="game-seed")
                self.new = gr.Button(L_("New round"), variant="primary", elem_id="game-new")
            self.note = gr.Markdown(L_("Press **New round** for a board."), elem_id="game-note")
            with gr.Row():
                with gr.Column(scale=1, min_width=540):
                    self.board = gr.Image(format="png", type="numpy", interactive=False, show_label=False,
                                          elem_id="game-board", buttons=[], height=BOARD_HEIGHT,
                                          alt_text=L_(GAME_BOARD))
                with gr.Column(scale=1):
                    self.marks = gr.CheckboxGroup(choices=[(str(i), i) for i in range(1, TILES + 1)], value=[],
                                                  label=L_("Tiles you think are fake"), elem_id="game-marks")
                    self.check = gr.Button(L_("Check"), variant="primary", elem_id="game-check")
                    self.result = gr.Markdown("", elem_id="game-result")
        self.state = gr.State(None)
        self._wire()

    def _wire(self) -> None:
        self.new.click(self.on_round, inputs=[self.model, self.seed],
                       outputs=[self.board, self.marks, self.note, self.result, self.state, self.seed],
                       api_name="game_round")
        self.marks.change(self.on_marks, inputs=[self.marks, self.state], outputs=[self.board],
                          api_visibility="private", show_progress="hidden", trigger_mode="always_last")
        self.board.select(self.on_click, inputs=[self.marks, self.state], outputs=[self.marks],
                          api_visibility="private", show_progress="hidden")
        self.check.click(self.on_check, inputs=[self.marks, self.state], outputs=[self.board, self.result, self.state],
                         api_name="game_check")

    def on_round(self, model: Any, seed: Any) -> dict[Any, Any]:
        """A new board, the marks and the result cleared, and the next round number in the box."""
        seed = inputs.number(seed, "round number", 0, game.MAX_SEED, integer=True)
        if not isinstance(model, str) or model not in game.game_models():
            raise gr.Error(_("Unknown model {name}; choose one of: {choices}").format(
                name=repr(model), choices=", ".join(game.game_models())), print_exception=False)
        try:
            round_ = game.new_round(model, seed, TILES)
        except ValueError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        note = _("Round **{seed}** against **{model}**: {n} digits, some real, some fake (how many is part of the "
                 "game). Tick the tiles you think are fake, or click them on the board, then press **Check**.").format(
            seed=seed, model=model, n=number(round_.n))
        return {self.board: draw_board(round_.images, set()), self.marks: [], self.note: note, self.result: "",
                self.state: GameState(round_), self.seed: seed + 1 if seed < game.MAX_SEED else 0}

    def on_marks(self, marks: Any, state: Any) -> Any:
        """Redraw the board with the tiles marked so far (nothing changes once the round is checked)."""
        if not isinstance(state, GameState) or state.checked:
            return gr.skip()
        return {self.board: draw_board(state.round.images, _marked(marks, state.round.n))}

    def on_click(self, marks: Any, state: Any, evt: gr.SelectData) -> Any:
        """A click on the board toggles the tile under it (a click between tiles, or after Check, does nothing)."""
        if not isinstance(state, GameState) or state.checked or not isinstance(evt.index, list | tuple):
            return gr.skip()
        tile = tile_at(evt.index[0], evt.index[1], state.round.n)
        if tile is None:
            return gr.skip()
        return {self.marks: sorted(_marked(marks, state.round.n) ^ {tile})}

    def on_check(self, marks: Any, state: Any) -> dict[Any, Any]:
        """Reveal: the board with the truth and everyone's verdicts, the scores, and the round marked checked."""
        current = _round_of(state)
        if current.checked:
            raise gr.Error(_("This round is checked already: press New round for another."), print_exception=False)
        marked = _marked(marks, current.round.n)
        score = current.round.score(marked)
        return {self.board: draw_board(current.round.images, marked, current.round, score),
                self.result: result_text(current.round, score),
                self.state: GameState(current.round, checked=True)}
