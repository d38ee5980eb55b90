"""What a training run is: one frozen `Config` dataclass, its validation, and the named presets.

Not the trainer: a Config is plain data (JSON-able); `trainer.Trainer` turns it into networks and
optimisers. Every field is checked on construction and a bad value raises `ConfigError` naming the
field and what it allows, so the CLI and the app can show the message as is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from .train.data import DATASETS, IMAGE_DATASETS, TOY_DATASETS
from .train.losses import LOSS_NAMES, get_loss

ARCHS = ("mlp", "dcgan")
OPTIMIZERS = ("adam", "rmsprop")
PRECISIONS = ("auto", "fp32", "bf16")
COMPILE_MODES = ("auto", "off", "on")
LR_DECAY_FLOOR = 0.1  # by default a learning-rate decay ends at a tenth of the set rates


class ConfigError(ValueError):
    """A config value is out of range or of the wrong type; the message names the field."""


def _int_range(lo: int, hi: int) -> dict[str, Any]:
    return {"kind": "int", "range": (lo, hi)}


def _float_range(lo: float, hi: float, lo_open: bool = False) -> dict[str, Any]:
    return {"kind": "float", "range": (lo, hi), "lo_open": lo_open}


def _choice(options: tuple[str, ...]) -> dict[str, Any]:
    return {"kind": "choice", "options": options}


_BOOL = {"kind": "bool"}


@dataclass(frozen=True)
class Config:
    """Everything that defines a run. Defaults are the `default` preset's networks, untuned."""

    dataset: str = field(default="mnist", metadata=_choice(DATASETS))  # what G learns to draw
    arch: str = field(default="mlp", metadata=_choice(ARCHS))  # network family for images (toys: MLP)
    loss: str = field(default="js", metadata=_choice(LOSS_NAMES))  # id in losses.LOSSES
    conditional: bool = field(default=False, metadata=_BOOL)  # digit label fed to G and D
    latent_dim: int = field(default=64, metadata=_int_range(1, 512))  # size of z
    width: int = field(default=256, metadata=_int_range(4, 1024))  # hidden units (mlp) / base channels (dcgan)
    g_batchnorm: bool = field(default=True, metadata=_BOOL)  # BN in G's hidden layers (off in `collapse`)
    spectral_norm: bool = field(default=False, metadata=_BOOL)  # SN on every D layer (Miyato et al. 2018)
    batch_size: int = field(default=64, metadata=_int_range(1, 4096))  # real samples per D step
    lr_d: float = field(default=2e-4, metadata=_float_range(0.0, 1.0, lo_open=True))  # D learning rate
    lr_g: float = field(default=2e-4, metadata=_float_range(0.0, 1.0, lo_open=True))  # G learning rate
    optimizer: str = field(default="adam", metadata=_choice(OPTIMIZERS))  # WGAN's paper uses RMSprop
    beta1: float = field(default=0.5, metadata=_float_range(0.0, 0.999))  # Adam beta1 (DCGAN: 0.5)
    beta2: float = field(default=0.999, metadata=_float_range(0.0, 0.9999))  # Adam beta2
    critic_steps: int = field(default=1, metadata=_int_range(1, 20))  # D updates per G update
    lr_decay_start: int = field(default=0, metadata=_int_range(0, 10**9))  # step where both lrs start to fall; 0 never
    lr_decay_steps: int = field(default=10000, metadata=_int_range(1, 10**9))  # steps of the fall to lr_decay_floor
    lr_decay_floor: float = field(default=LR_DECAY_FLOOR, metadata=_float_range(0.0, 1.0, lo_open=True))  # share kept
    ema: float = field(default=0.0, metadata=_float_range(0.0, 0.99999))  # G weight averaging decay; 0 off
    gp_weight: float = field(default=10.0, metadata=_float_range(0.0, 1000.0))  # WGAN-GP lambda
    clip_value: float = field(default=0.01, metadata=_float_range(0.0, 10.0, lo_open=True))  # WGAN clip c
    seed: int = field(default=0, metadata=_int_range(0, 2**31 - 1))  # same seed, same numbers (CPU)
    device: str = field(default="auto", metadata={"kind": "device"})  # auto = CUDA when available
    threads: int = field(default=0, metadata=_int_range(0, 256))  # CPU intra-op threads; 0 = auto
    precision: str = field(default="auto", metadata=_choice(PRECISIONS))  # auto: bf16 autocast on CUDA, fp32 on CPU
    compile: str = field(default="auto", metadata=_choice(COMPILE_MODES))  # auto: CUDA graphs on CUDA, eager on CPU
    metrics_every: int = field(default=0, metadata=_int_range(0, 10**7))  # steps between live metrics; 0 off
    metrics_samples: int = field(default=1000, metadata=_int_range(100, 20000))  # samples per live metric
    max_steps: int = field(default=0, metadata=_int_range(0, 10**9))  # stop after this many steps; 0 none
    max_seconds: float = field(default=0.0, metadata=_float_range(0.0, 10.0**7))  # wall-clock cap; 0 none

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check_field(f, getattr(self, f.name))
        if self.conditional and self.dataset not in IMAGE_DATASETS:
            raise ConfigError(f"conditional: only image datasets have labels, not {self.dataset!r}")
        if self.dataset in TOY_DATASETS and self.conditional:
            raise ConfigError("conditional must be false for the 2-D toys")

    # --- construction helpers -------------------------------------------------------------------
    def replace(self, **changes: Any) -> Config:
        """A validated copy with some fields changed (unknown names raise ConfigError)."""
        return Config.from_dict({**self.to_dict(), **changes})

    def with_loss(self, loss: str) -> Config:
        """A copy that uses `loss` with the optimiser settings its paper recommends.

        This is what a loss switch mid-run does: networks are kept; optimiser, learning rates,
        betas and critic steps follow the new loss, and the rates stay where that loss sets them (no decay).
        """
        spec = get_loss(loss) if loss in LOSS_NAMES else None
        if spec is None:
            raise ConfigError(f"loss must be one of {', '.join(LOSS_NAMES)}; got {loss!r}")
        return self.replace(loss=loss, optimizer=spec.optimizer, lr_d=spec.lr, lr_g=spec.lr,
                            beta1=spec.betas[0], beta2=spec.betas[1], critic_steps=spec.critic_steps,
                            lr_decay_start=0)

    def lr_scale(self, step: int) -> float:
        """What the learning rates are multiplied by at `step`: 1 until lr_decay_start (never falls when it
        is 0), then falling linearly to lr_decay_floor over lr_decay_steps, and staying there."""
        if not self.lr_decay_start or step <= self.lr_decay_start:
            return 1.0
        done = min(1.0, (step - self.lr_decay_start) / self.lr_decay_steps)
        return 1.0 - (1.0 - self.lr_decay_floor) * done

    def lr_decay_text(self) -> str:
        """The learning-rate decay in words for cards ("" without one)."""
        if not self.lr_decay_start:
            return ""
        return (f"both rates falling to {self.lr_decay_floor:g}x over steps {self.lr_decay_start:,}-"
                f"{self.lr_decay_start + self.lr_decay_steps:,}")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Config:
        """Build from plain values (JSON, a form), coercing 3.0 -> 3 for integer fields and ints to
        floats for float fields; anything else of the wrong type raises ConfigError."""
        if not isinstance(values, dict):
            raise ConfigError("a config must be a mapping of field names to values")
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(f"unknown config field(s): {', '.join(map(str, unknown))}")
        return cls(**{name: _coerce(known[name], value) for name, value in values.items()})

    @property
    def is_image(self) -> bool:
        return self.dataset in IMAGE_DATASETS


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    kind = f.metadata.get("kind")
    if kind == "int" and isinstance(value, float) and not isinstance(value, bool):  # noqa: SIM102 - reads better
        if math.isfinite(value) and value == int(value):
            return int(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _check_field(f: dataclasses.Field, value: Any) -> None:
    meta = f.metadata
    kind = meta.get("kind")
    name = f.name
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false; got {value!r}")
    elif kind == "int":
        lo, hi = meta["range"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name} must be a whole number in [{lo}, {hi}]; got {value!r}")
        if not lo <= value <= hi:
            raise ConfigError(f"{name} must be in [{lo}, {hi}]; got {value}")
    elif kind == "float":
        lo, hi = meta["range"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{name} must be a number in [{lo:g}, {hi:g}]; got {value!r}")
        lo_ok = value > lo if meta.get("lo_open") else value >= lo
        if not math.isfinite(value) or not lo_ok or value > hi:
            bracket = "(" if meta.get("lo_open") else "["
            raise ConfigError(f"{name} must be a finite number in {bracket}{lo:g}, {hi:g}]; got {value!r}")
    elif kind == "choice":
        if value not in meta["options"]:
            raise ConfigError(f"{name} must be one of {', '.join(meta['options'])}; got {value!r}")
    elif kind == "device":  # noqa: SIM102 - one branch per kind
        if not isinstance(value, str) or not (
            value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit())
        ):
            raise ConfigError(f"device must be auto, cpu, cuda or cuda:N; got {value!r}")


@dataclass(frozen=True)
class Preset:
    """A named, documented config: what it is for and what a class should see."""

    name: str
    config: Config
    summary: str  # one line for menus
    teaches: str  # what the preset demonstrates, in plain words


def _presets() -> dict[str, Preset]:
    # Fast and healthy on a CPU: a native 28x28 DCGAN whose 3-layer critic judges whole digits,
    # non-saturating loss with spectral norm, a high learning rate and a weight average (EMA) for
    # sampling. Measured in benchmarks/presets.py and benchmarks/speed.py.
    default = Config(arch="dcgan", width=32, latent_dim=16, loss="js", spectral_norm=True, lr_d=3e-3, lr_g=3e-3,
                     beta1=0.0, beta2=0.9, ema=0.999, batch_size=32, max_seconds=60.0)
    # Vanishing gradient on purpose: MLPs without BatchNorm, the saturating minimax loss and a critic that
    # gets five large-batch updates per generator update, so D wins and G's gradient vanishes: grey static.
    fragile = Config(arch="mlp", width=256, latent_dim=32, g_batchnorm=False, loss="js-minimax", lr_d=3e-4,
                     lr_g=3e-4, beta1=0.9, beta2=0.999, critic_steps=5, batch_size=256, max_seconds=60.0)
    # Legible mode collapse (NOTES_GAN.md, "Mode collapse on demand", re-tuned with benchmarks/presets.py):
    # small MLPs without BatchNorm in G, a latent of 8, the non-saturating loss and a discriminator that
    # learns 13x faster than the generator. G first draws blurry versions of most digits, then drifts onto
    # the one D finds hardest to tell from real (a 1, on every seed tried): >= 90% ones after 5,000-6,000
    # steps. Batch 32 and width 128 make the steps cheap (~200/s on one CPU thread), so that happens in well
    # under a minute. Left at full rates it keeps drifting (seed 3: 87% ones after 22,000 steps), so both
    # rates fall to half between steps 8,000 and 16,000: 98-99% ones at 90 s on seeds 0-4. Half, not a tenth
    # (98-99% ones too): the ones that go on moving stay more varied, per-class FID 19-24 at 90 s instead of
    # 28-35 (benchmarks/legibility.py: the gap to real 1s is their variety); at 0.7, seed 3 starts to drift
    # (96% ones). Sampling from the weight average over ~1,000 steps (EMA 0.999) takes the speckle off the ones
    # (per-class FID 31-80 instead of 65-140 at 13,000 steps, seeds 0 and 3) at the cost of a lag of about
    # 1,000 steps after a loss switch (10-20 s).
    collapse = Config(arch="mlp", width=128, latent_dim=8, g_batchnorm=False, loss="js", lr_d=2e-3, lr_g=1.5e-4,
                      beta1=0.5, beta2=0.999, critic_steps=1, batch_size=32, ema=0.999, max_seconds=90.0,
                      lr_decay_start=8000, lr_decay_steps=8000, lr_decay_floor=0.5)
    # 2-D toys. The grid pair: the JS side with a strong critic (5 updates per G update); the Wasserstein side
    # a gradient penalty of 0.1 (the WGAN-GP toy scale).
    toy = Config(dataset="ring", latent_dim=2, width=128, g_batchnorm=False, batch_size=256,
                 loss="js", lr_d=1e-3, lr_g=1e-3, beta1=0.5, beta2=0.999, max_seconds=30.0)
    toy_js = toy.replace(loss="js-minimax", critic_steps=5)
    toy_wgan = toy.with_loss("wgan-gp").replace(gp_weight=0.1)
    # The ring pair: the classic picture of mode hopping (Metz et al. 2016's unrolled-GAN settings: a
    # 256-d latent, batch 512, Adam 1e-4, non-saturating loss), and the same networks with WGAN-GP.
    # The critic's double backward makes a Wasserstein step costlier, so that side trains on batches of 256.
    ring_js = toy.replace(latent_dim=256, batch_size=512, lr_d=1e-4, lr_g=1e-4, max_seconds=45.0)
    ring_wgan = ring_js.with_loss("wgan-gp").replace(gp_weight=0.1, batch_size=256)
    presets = [
        Preset("default", default, "Fast, healthy digits on a CPU",
               "A convolutional GAN learns all ten digits in about a minute on a laptop CPU."),
        Preset("collapse", collapse, "Mode collapse: legible digits, then only one or two",
               "The non-saturating JS loss on small MLPs with a discriminator that learns 13 times faster than the "
               "generator. For the first half minute the generator draws blurry versions of most digits; then it "
               "drifts onto the one or two digits the discriminator finds hardest to reject (usually 1) and "
               "keeps drawing those, legibly: mode collapse. (After 8,000 steps both learning rates slow down to "
               "half, so it stays there instead of drifting on.) Switch the loss to Wasserstein (gradient penalty) "
               "and the other digits come back within seconds, on the same networks."),
        Preset("vanishing", fragile, "Vanishing gradient: the original minimax loss",
               "The original (saturating) minimax loss on MLPs without BatchNorm and a strong discriminator: D "
               "wins at once, D(G(z)) is near 0 where that loss is flat, and the generator's gradient vanishes. "
               "Its samples stay grey static: not mode collapse, a generator that never learns. The "
               "non-saturating loss was invented for this."),
        Preset("js", fragile.with_loss("js").replace(batch_size=64), "Same networks, non-saturating JS loss",
               "The 'vanishing' networks with the non-saturating loss and its usual optimiser settings (Adam 2e-4, "
               "beta1 0.5, one D step per G step): the generator gets a gradient again. In a minute its blurry "
               "shapes already fall into 6 to 8 of the ten digit classes, but they are not yet clean enough for "
               "the meter to call them digits."),
        Preset("wgan", fragile.with_loss("wgan").replace(batch_size=64),
               "Wasserstein GAN with weight clipping (paper settings)",
               "A critic instead of a classifier, kept smooth by clipping its weights (RMSprop 5e-5, "
               "clip 0.01, 5 critic steps): stable, 8 or 9 digit classes, but slow to sharpen: after a minute "
               "its samples are still blurry (the meter: not digits yet)."),
        Preset("wgan-gp", collapse.with_loss("wgan-gp"),
               "Wasserstein GAN with gradient penalty: no collapse",
               "The 'collapse' networks with the Wasserstein loss and a gradient penalty (Adam 1e-3, beta1 0, "
               "2 critic steps): the critic's gradient keeps pulling the generator towards every digit, so all "
               "ten stay. They are blurrier than the default preset's, because these small MLPs see digits "
               "as flat rows of pixels."),
        Preset("conditional", default.replace(conditional=True), "Class-conditional: ask for a digit",
               "The digit label goes into both networks, so you can ask the generator for a 7."),
        Preset("ring-js", ring_js, "Ring of 8 Gaussians, JS loss: mode hopping",
               "The JS GAN sits on one or two blobs at a time: the discriminator learns that blob is fake, the "
               "generator's points jump to a neighbour, and so on round the ring. Mode collapse you can watch "
               "move: a few blobs at any moment, several visited over the run."),
        Preset("ring-wgan-gp", ring_wgan, "Ring of 8 Gaussians, Wasserstein-GP",
               "The same networks with a Wasserstein critic: its smooth gradient pulls the points onto every blob."),
        Preset("grid-js", toy_js.replace(dataset="grid"), "Grid of 25 Gaussians, original JS loss",
               "Twenty-five blobs with the original minimax loss: the points pile up on a handful of blobs (3 to 10 "
               "of the 25 after 30 seconds) and most blobs stay empty."),
        Preset("grid-wgan-gp", toy_wgan.replace(dataset="grid"), "Grid of 25 Gaussians, Wasserstein-GP",
               "The Wasserstein critic spreads the generator's points over the whole square instead of piling them "
               "on a few blobs, but 25 tight blobs are much harder than the ring: within its 30 seconds only 0 to 4 "
               "blobs have points on them (fewer than grid-js's piles), the rest land between the blobs. Compare "
               "how evenly the points spread with grid-js; the grid needs minutes."),
    ]
    return {p.name: p for p in presets}


PRESETS: dict[str, Preset] = _presets()
PRESET_NAMES = tuple(PRESETS)
DEFAULT_PRESET = "default"


def get_preset(name: str) -> Preset:
    """The preset called `name`; ConfigError listing the names for anything else."""
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise ConfigError(f"unknown preset {name!r}; choose one of {', '.join(PRESET_NAMES)}") from None
