"""The "be the discriminator" game: a round of real and generated digits shuffled together, the player's marks scored,
and two machine opponents marking the same tiles (the model's own discriminator, the bundled digit classifier).

No UI here: a round is numpy arrays in small frozen dataclasses; the board and its words live in the UI's game panel.
Its errors reach the page, so they are in the caller's language (`_()` at raise time).
Tiles are numbered 1..n row by row, as the player sees them.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch

from ..export import pretrained
from ..export.checkpoints import SavedModel
from ..i18n import _
from ..measure.classifier import ClassifierMissing, load_classifier, predict
from ..train.data import load_mnist
from ..train.images import to_uint8
from ..train.losses import get_loss

DEFAULT_TILES = 16  # a 4 x 4 board
MIN_TILES, MAX_TILES = 4, 64
MAX_SEED = 2**31 - 1
# Every fifth MNIST test digit only sets the opponents' lines (below); real tiles come from the other 8,000,
# so no opponent was tuned on a digit it is shown, and both sets mix the test split's two halves (different
# writers, measurably different for the classifier) alike.
CALIBRATION_REALS = np.arange(0, 10_000, 5)
ROUND_REALS = np.setdiff1d(np.arange(10_000), CALIBRATION_REALS)
CALIBRATION_FAKES = 2000
CALIBRATION_SEED = 2**31 - 2  # the calibration fakes' noise; rounds draw theirs from the round's own generator
# The classifier calls a digit fake when it is less sure of its class than it is of 95 % of real digits: it
# then wrongly accuses about 1 real digit in 20, whatever the model.
CLASSIFIER_QUANTILE = 0.05


@dataclass(frozen=True)
class Opponent:
    """A machine's marks on a round's tiles.

    kind: "discriminator" or "classifier". rule: how its line was drawn, a short id the UI puts into words:
    "probability" (JS losses: fake when D(x) = sigmoid(score) < 0.5), "zero" (hinge: fake when score < 0),
    "half" (least squares: fake when score < 0.5, halfway between its targets 0 for fake and 1 for real),
    "midpoint" (Wasserstein critics, whose scores have no fixed zero: fake when the score is below the midpoint
    of its mean scores on held-out real and generated digits), "confidence" (the classifier).
    scores: (n,) what it thresholds: P(real) in [0, 1], a raw score, or the classifier's top-class probability.
    """

    kind: str
    rule: str
    scores: np.ndarray
    threshold: float
    marks: np.ndarray  # bool (n,): True = "fake"


@dataclass(frozen=True)
class Score:
    """A set of marks against the truth. right: bool (n,) per tile (a fake marked, or a real left alone)."""

    right: np.ndarray
    caught: int  # fakes marked fake
    missed: int  # fakes left unmarked
    false_alarms: int  # real digits marked fake

    @property
    def correct(self) -> int:
        return int(self.right.sum())

    @property
    def total(self) -> int:
        return len(self.right)

    @property
    def fakes(self) -> int:
        return self.caught + self.missed

    @property
    def reals(self) -> int:
        return self.total - self.fakes


@dataclass(frozen=True)
class Round:
    """One board: images (n, 28, 28) uint8 in tile order, the hidden answers and the machines' marks."""

    model: str
    seed: int
    images: np.ndarray
    is_fake: np.ndarray  # bool (n,)
    opponents: tuple[Opponent, ...]

    @property
    def n(self) -> int:
        return len(self.images)

    def score(self, tiles: Iterable[int]) -> Score:
        """Score the player's marks: the tile numbers (1..n) they call fake."""
        return score_marks(self.is_fake, tiles)

    def opponent(self, kind: str) -> Opponent | None:
        return next((o for o in self.opponents if o.kind == kind), None)


def tiles_of(marks: np.ndarray) -> list[int]:
    """Tile numbers (1-based) of a bool (n,) mark array."""
    return [int(i) + 1 for i in np.flatnonzero(marks)]


def check_tiles(tiles: Iterable[object], n: int) -> set[int]:
    """The set of tile numbers in `tiles`; ValueError in plain words for anything not a tile of an n-tile board."""
    if isinstance(tiles, str | bytes) or not isinstance(tiles, Iterable):
        raise ValueError(_("marks must be a list of tile numbers 1..{n}").format(n=n))
    chosen: set[int] = set()
    for tile in tiles:
        if isinstance(tile, str) and tile.strip().isdigit():
            tile = int(tile.strip())
        if isinstance(tile, bool) or not isinstance(tile, int | float) or tile != int(tile):
            raise ValueError(_("{tile} is not a tile number; tiles are numbered 1..{n}").format(tile=repr(tile), n=n))
        if not 1 <= tile <= n:
            raise ValueError(_("there is no tile {tile}; tiles are numbered 1..{n}").format(tile=int(tile), n=n))
        chosen.add(int(tile))
    return chosen


def score_marks(is_fake: np.ndarray, tiles: Iterable[object]) -> Score:
    """Score marks (tile numbers 1..n called fake) against the truth is_fake (n,) bool."""
    is_fake = np.asarray(is_fake, dtype=bool)
    marked = np.zeros(len(is_fake), dtype=bool)
    marked[[t - 1 for t in check_tiles(tiles, len(is_fake))]] = True
    return Score(right=marked == is_fake, caught=int((marked & is_fake).sum()),
                 missed=int((~marked & is_fake).sum()), false_alarms=int((marked & ~is_fake).sum()))


def game_models() -> list[str]:
    """The shipped models that draw MNIST digits (the 2-D toys cannot play)."""
    return [name for name in pretrained.list_models() if pretrained.load(name).config.dataset == "mnist"]


def new_round(name: str, seed: int, n: int = DEFAULT_TILES) -> Round:
    """A round with a shipped model (see game_models); ValueError in plain words for a bad name, seed or n."""
    if name not in game_models():
        raise ValueError(_("unknown model {name}; choose one of {choices}").format(name=repr(name),
                                                                                   choices=", ".join(game_models())))
    return make_round(pretrained.load(name), seed, n, name=name)


def make_round(saved: SavedModel, seed: int, n: int = DEFAULT_TILES, name: str = "") -> Round:
    """Shuffle n real and generated digits together, the same board for the same (model, seed, n).

    Between a quarter and three quarters of the tiles are fake (drawn from the seed), so counting is no
    strategy. Real tiles are MNIST test digits; fake ones come from the generator on the CPU.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(_("the round number must be a whole number from 0 to {largest}; got {seed}").format(
            largest=MAX_SEED, seed=repr(seed)))
    if isinstance(n, bool) or not isinstance(n, int) or not MIN_TILES <= n <= MAX_TILES:
        raise ValueError(_("a board has {least} to {most} tiles; got {n}").format(least=MIN_TILES, most=MAX_TILES,
                                                                                 n=repr(n)))
    if saved.config.dataset != "mnist":
        raise ValueError(_("this model draws 2-D points, not digits; the game needs an MNIST model"))
    rng = np.random.default_rng(seed)
    n_fake = int(rng.integers(math.ceil(n / 4), n * 3 // 4 + 1))
    n_real = n - n_fake

    mnist_images, mnist_labels = load_mnist("test")
    picked = rng.choice(ROUND_REALS, n_real, replace=False)
    real_images, real_labels = mnist_images[picked], mnist_labels[picked]

    torch_rng = torch.Generator().manual_seed(int(rng.integers(0, MAX_SEED)))
    generator = saved.generator.cpu().eval()
    z = torch.randn(n_fake, saved.config.latent_dim, generator=torch_rng)
    fake_labels = torch.randint(0, 10, (n_fake,), generator=torch_rng) if saved.config.conditional else None
    with torch.no_grad():
        fake_images = to_uint8(generator(z, fake_labels))  # (n_fake, 28, 28): exactly what the player sees

    order = rng.permutation(n)  # tile i shows item order[i] of [reals..., fakes...]
    images = np.concatenate([real_images, fake_images])[order]
    is_fake = (np.arange(n) >= n_real)[order]
    labels = np.concatenate([real_labels, fake_labels.numpy() if fake_labels is not None
                             else np.zeros(n_fake, np.int64)])[order]
    opponents = [discriminator_opponent(saved, images, labels)]
    with contextlib.suppress(ClassifierMissing):  # without the classifier the game plays against D alone
        opponents.append(classifier_opponent(images))
    return Round(model=name, seed=seed, images=images, is_fake=is_fake, opponents=tuple(opponents))


def _to_input(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(images, dtype=np.float32) / 127.5 - 1.0).unsqueeze(1)  # (n, 1, 28, 28)


@torch.no_grad()
def _d_scores(saved: SavedModel, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Raw D scores (n,) of uint8 images (n, 28, 28); labels (n,) are used by conditional discriminators."""
    discriminator = saved.discriminator.cpu().eval()
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64)) if saved.config.conditional else None
    return discriminator(_to_input(images), y).double().numpy()


_midpoints: dict[int, tuple[SavedModel, float]] = {}
_midpoint_lock = threading.Lock()


def critic_midpoint(saved: SavedModel) -> float:
    """Halfway between a critic's mean score on 2,000 held-out real digits and on 2,000 generated ones.

    A Wasserstein critic is defined up to a constant: its scores have no 0.5 line, only "higher = more real".
    """
    with _midpoint_lock:
        cached = _midpoints.get(id(saved))
        if cached is not None and cached[0] is saved:
            return cached[1]
    images, labels = load_mnist("test")
    real = _d_scores(saved, images[CALIBRATION_REALS], labels[CALIBRATION_REALS])
    torch_rng = torch.Generator().manual_seed(CALIBRATION_SEED)
    z = torch.randn(CALIBRATION_FAKES, saved.config.latent_dim, generator=torch_rng)
    fake_labels = torch.randint(0, 10, (CALIBRATION_FAKES,), generator=torch_rng)
    with torch.no_grad():
        fakes = to_uint8(saved.generator.cpu().eval()(z, fake_labels if saved.config.conditional else None))
    fake = _d_scores(saved, fakes, fake_labels.numpy())
    midpoint = float((real.mean() + fake.mean()) / 2)
    with _midpoint_lock:
        _midpoints[id(saved)] = (saved, midpoint)
    return midpoint


def discriminator_opponent(saved: SavedModel, images: np.ndarray, labels: np.ndarray) -> Opponent:
    """The model's own D on the tiles (uint8 (n, 28, 28)), thresholded at its loss's natural line."""
    scores = _d_scores(saved, images, labels)
    spec = get_loss(saved.config.loss)
    if spec.probability_scores:
        p_real = 1.0 / (1.0 + np.exp(-scores))  # D(x) = sigmoid(score) = P(real)
        return Opponent("discriminator", "probability", p_real, 0.5, p_real < 0.5)
    if spec.name == "lsgan":  # D regresses fakes onto 0 and reals onto 1
        return Opponent("discriminator", "half", scores, 0.5, scores < 0.5)
    if spec.wasserstein:
        line = critic_midpoint(saved)
        return Opponent("discriminator", "midpoint", scores, line, scores < line)
    return Opponent("discriminator", "zero", scores, 0.0, scores < 0.0)


_confidence_line: dict[str, float] = {}


def classifier_line() -> float:
    """The classifier's confidence that 95 % of held-out real digits reach (CLASSIFIER_QUANTILE)."""
    if "line" not in _confidence_line:
        model, _meta = load_classifier()
        images, _labels = load_mnist("test")
        probs, _classes = predict(model, images[CALIBRATION_REALS])
        _confidence_line["line"] = float(np.quantile(probs.max(1).values.numpy(), CLASSIFIER_QUANTILE))
    return _confidence_line["line"]


def classifier_opponent(images: np.ndarray) -> Opponent:
    """The bundled digit classifier: fake when its top-class probability is below classifier_line().

    It never saw a generated digit: it only knows what real digits look like, so it catches scribbles
    and misses well-drawn fakes, however few kinds of digit the generator makes.
    """
    model, _meta = load_classifier()
    probs, _classes = predict(model, images)
    confidence = probs.max(1).values.double().numpy()
    line = classifier_line()
    return Opponent("classifier", "confidence", confidence, line, confidence < line)


__all__ = ["DEFAULT_TILES", "Opponent", "Round", "Score", "check_tiles", "classifier_line", "classifier_opponent",
           "critic_midpoint", "discriminator_opponent", "game_models", "make_round", "new_round", "score_marks",
           "tiles_of"]
