"""What a training run is: one frozen `Config` dataclass, its validation, and the words it is made of (the dataset
and loss ids, each loss's recommended optimiser settings, the fields that define the networks).

Not the trainer and not the presets: a Config is plain data (JSON-able) that `train.trainer.Trainer` turns into
networks and optimisers, and `presets.py` names a few. This module imports nothing else of the package: every other
layer may build on it. Every field is checked on construction and a bad value raises `ConfigError` naming the field
and what it allows, so the CLI and the app can show the message as is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from .i18n import _, number

ARCHS = ("mlp", "dcgan")
OPTIMIZERS = ("adam", "rmsprop")
PRECISIONS = ("auto", "fp32", "bf16")
COMPILE_MODES = ("auto", "off", "on")
LR_DECAY_FLOOR = 0.1  # by default a learning-rate decay ends at a tenth of the set rates
IMAGE_DATASETS = ("mnist", "fashion-mnist")  # 28 x 28 greyscale images (train.data)
# 2-D points (train.toys): GAN Lab's shapes beside the ring and the grid; "drawn" is the config's own drawing.
TOY_DATASETS = ("ring", "grid", "line", "hills", "blobs", "drawn")
DRAWN_DATASET = "drawn"
# A drawing's code (train.drawings): base64url without padding. A canvas drawing fits a link (2,048 characters);
# a points file (up to 4,096 points) needs more, so a config allows this many.
DRAWING_MAX_CHARS = 12000
_CODE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
DATASETS = IMAGE_DATASETS + TOY_DATASETS
# Fields that define the networks: a mid-run change of these would need new networks.
ARCHITECTURE_FIELDS = ("dataset", "arch", "conditional", "latent_dim", "width", "g_batchnorm", "spectral_norm")


@dataclass(frozen=True)
class LossSettings:
    """The optimiser settings a loss's paper recommends: what `Config.with_loss` (a loss switch) adopts."""

    optimizer: str = "adam"
    lr: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    critic_steps: int = 1


# The loss ids, in the order menus show them; their maths is train/losses.py (one LossSpec per id).
LOSS_SETTINGS: dict[str, LossSettings] = {
    "js-minimax": LossSettings(),  # Goodfellow et al. 2014, with DCGAN's Adam (Radford et al. 2015)
    "js": LossSettings(),
    "wgan": LossSettings(optimizer="rmsprop", lr=5e-5, betas=(0.0, 0.0), critic_steps=5),  # Arjovsky et al. 2017
    # The WGAN-GP paper's Adam 1e-4, beta1 0.5 and 5 critic steps need many minutes on a CPU; on this project's MLPs
    # Adam 1e-3 with beta1 0 and 2 critic steps brings ten digits back within seconds (benchmarks/presets.py), and
    # the ring toys train with the same.
    "wgan-gp": LossSettings(lr=1e-3, betas=(0.0, 0.9), critic_steps=2),
    "hinge": LossSettings(betas=(0.0, 0.9)),  # Miyato et al. 2018
    "lsgan": LossSettings(),  # Mao et al. 2017 used Adam 2e-4, beta1 0.5, one D step per G step
}
LOSS_NAMES = tuple(LOSS_SETTINGS)


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
    loss: str = field(default="js", metadata=_choice(LOSS_NAMES))  # id in LOSS_SETTINGS (maths: train/losses.py)
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
    drawing: str = field(default="", metadata={"kind": "drawing"})  # the "drawn" toy's code (train.drawings)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _check_field(f, getattr(self, f.name))
        if self.conditional and self.dataset not in IMAGE_DATASETS:
            raise ConfigError(_("conditional: only image datasets have labels, not {dataset}").format(
                dataset=repr(self.dataset)))
        if self.dataset in TOY_DATASETS and self.conditional:
            raise ConfigError(_("conditional must be false for the 2-D toys"))
        if self.dataset == DRAWN_DATASET and not self.drawing:
            raise ConfigError(_("drawing: the drawn dataset needs a drawing (a canvas drawing or a points file)"))
        if self.dataset != DRAWN_DATASET and self.drawing:
            raise ConfigError(_("drawing: only the drawn dataset has a drawing, not {dataset}").format(
                dataset=repr(self.dataset)))

    # --- construction helpers -------------------------------------------------------------------
    def replace(self, **changes: Any) -> Config:
        """A validated copy with some fields changed (unknown names raise ConfigError)."""
        return Config.from_dict({**self.to_dict(), **changes})

    def with_loss(self, loss: str) -> Config:
        """A copy that uses `loss` with the optimiser settings its paper recommends.

        This is what a loss switch mid-run does: networks are kept; optimiser, learning rates,
        betas and critic steps follow the new loss, and the rates stay where that loss sets them (no decay).
        """
        settings = LOSS_SETTINGS.get(loss) if isinstance(loss, str) else None
        if settings is None:
            raise ConfigError(_("loss must be one of {names}; got {value}").format(names=", ".join(LOSS_NAMES),
                                                                                 value=repr(loss)))
        return self.replace(loss=loss, optimizer=settings.optimizer, lr_d=settings.lr, lr_g=settings.lr,
                            beta1=settings.betas[0], beta2=settings.betas[1], critic_steps=settings.critic_steps,
                            lr_decay_start=0)

    def network_changes(self, other: Config) -> list[str]:
        """The ARCHITECTURE_FIELDS in which `other` differs from this config (a run cannot change these)."""
        return [f for f in ARCHITECTURE_FIELDS if getattr(other, f) != getattr(self, f)]

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
            raise ConfigError(_("a config must be a mapping of field names to values"))
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ConfigError(_("unknown config field(s): {names}").format(names=", ".join(map(str, unknown))))
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
            raise ConfigError(_("{name} must be true or false; got {value}").format(name=name, value=repr(value)))
    elif kind == "int":
        lo, hi = meta["range"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(_("{name} must be a whole number in [{lo}, {hi}]; got {value}").format(
                name=name, lo=lo, hi=hi, value=repr(value)))
        if not lo <= value <= hi:
            raise ConfigError(_("{name} must be in [{lo}, {hi}]; got {value}").format(name=name, lo=lo, hi=hi,
                                                                                       value=value))
    elif kind == "float":
        lo, hi = meta["range"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(_("{name} must be a number in [{lo}, {hi}]; got {value}").format(
                name=name, lo=f"{lo:g}", hi=f"{hi:g}", value=repr(value)))
        lo_ok = value > lo if meta.get("lo_open") else value >= lo
        if not math.isfinite(value) or not lo_ok or value > hi:
            text = (_("{name} must be a finite number in ({lo}, {hi}]; got {value}") if meta.get("lo_open") else
                    _("{name} must be a finite number in [{lo}, {hi}]; got {value}"))
            raise ConfigError(text.format(name=name, lo=f"{lo:g}", hi=f"{hi:g}", value=repr(value)))
    elif kind == "choice":
        if value not in meta["options"]:
            raise ConfigError(_("{name} must be one of {options}; got {value}").format(
                name=name, options=", ".join(meta["options"]), value=repr(value)))
    elif kind == "device":  # noqa: SIM102 - one branch per kind
        if not isinstance(value, str) or not (
            value in ("auto", "cpu", "cuda") or (value.startswith("cuda:") and value[5:].isdigit())
        ):
            raise ConfigError(_("device must be auto, cpu, cuda or cuda:N; got {value}").format(value=repr(value)))
    elif kind == "drawing":  # noqa: SIM102 - the form of the code only: train.drawings decodes it
        if not isinstance(value, str) or len(value) > DRAWING_MAX_CHARS or not _CODE_ALPHABET.issuperset(value):
            raise ConfigError(_("drawing must be a drawing's code of at most {most} letters, digits, '-' and "
                                "'_'").format(most=number(DRAWING_MAX_CHARS)))
