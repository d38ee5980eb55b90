"""The named presets: a `Config` each, with a line for menus and what it teaches a class.

Each preset is a claim about what a class will see, measured with benchmarks/presets.py (docs/measurements.md).
Plain data: nothing here trains.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config, ConfigError
from .i18n import N_, _


@dataclass(frozen=True)
class Preset:
    """A named, documented config: what it is for and what a class should see."""

    name: str
    config: Config
    summary: str  # one line for menus
    teaches: str  # what the preset demonstrates, in plain words


# Fast and healthy on a CPU: a native 28x28 DCGAN whose 3-layer critic judges whole digits,
# non-saturating loss with spectral norm, a high learning rate and a weight average (EMA) for
# sampling. Measured in benchmarks/presets.py and benchmarks/speed.py.
_DEFAULT = Config(arch="dcgan", width=32, latent_dim=16, loss="js", spectral_norm=True, lr_d=3e-3, lr_g=3e-3,
                  beta1=0.0, beta2=0.9, ema=0.999, batch_size=32, max_seconds=60.0)
# Vanishing gradient on purpose: MLPs without BatchNorm, the saturating minimax loss and a critic that
# gets five large-batch updates per generator update, so D wins and G's gradient vanishes: grey static.
_FRAGILE = Config(arch="mlp", width=256, latent_dim=32, g_batchnorm=False, loss="js-minimax", lr_d=3e-4,
                  lr_g=3e-4, beta1=0.9, beta2=0.999, critic_steps=5, batch_size=256, max_seconds=60.0)
# Legible mode collapse (tuned with benchmarks/presets.py):
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
_COLLAPSE = Config(arch="mlp", width=128, latent_dim=8, g_batchnorm=False, loss="js", lr_d=2e-3, lr_g=1.5e-4,
                   beta1=0.5, beta2=0.999, critic_steps=1, batch_size=32, ema=0.999, max_seconds=90.0,
                   lr_decay_start=8000, lr_decay_steps=8000, lr_decay_floor=0.5)
# 2-D toys. The grid pair: the JS side with a strong critic (5 updates per G update); the Wasserstein side
# a gradient penalty of 0.1 (the WGAN-GP toy scale).
_TOY = Config(dataset="ring", latent_dim=2, width=128, g_batchnorm=False, batch_size=256,
              loss="js", lr_d=1e-3, lr_g=1e-3, beta1=0.5, beta2=0.999, max_seconds=30.0)
_TOY_JS = _TOY.replace(loss="js-minimax", critic_steps=5)
_TOY_WGAN = _TOY.with_loss("wgan-gp").replace(gp_weight=0.1)
# The ring pair: the classic picture of mode hopping (Metz et al. 2016's unrolled-GAN settings: a
# 256-d latent, batch 512, Adam 1e-4, non-saturating loss), and the same networks with WGAN-GP.
# The critic's double backward makes a Wasserstein step costlier, so that side trains on batches of 256.
_RING_JS = _TOY.replace(latent_dim=256, batch_size=512, lr_d=1e-4, lr_g=1e-4, max_seconds=45.0)
_RING_WGAN = _RING_JS.with_loss("wgan-gp").replace(gp_weight=0.1, batch_size=256)
# A heart drawn on the canvas (train.drawings.HEART, the same code: presets may not import train).
_HEART = ("AQAAACA9eNqtkDkOwjAQRZ-xlDSWawqLM6RMyVFyhJR0-GhzlNyAkg4xC5FAdIgv2c-y5s8Gf1J6wLXDeJN83-DENnKBmbnRYKXNVN"
          "goEyMIw0ImdbLonTDSM_aF7DwEz280fTEHZWcKdjOZdafWVWnUYhysL1W1PlXa59GoVzFOHuLBWRMkiWNvHcTG8AT15XFvcZsbvUbuyWsmcRu2F9d"
          "ag7ofV5uDZQoOSzDLJ2OUb_6kJ26DJoY")
# GAN Lab's pictures on the toy settings above (latent 2, so the warped noise grid is the picture itself).
# benchmarks/presets.py, seeds 0-4, 30 s on one thread (docs/measurements.md):
# draw: 10/10 parts of the heart covered on every seed in both runs; within 3 sigma of the outline 97-99% of the
# points at 4,400-5,100 steps (a loaded machine), 51-99% at 11,700-12,500 steps (an idle one): it keeps wobbling.
# The ring with a 2-D noise: the warped grid is the whole noise square, bent onto the ring. benchmarks/presets.py,
# seeds 0-4, 30 s, one thread, two runs at once (2-CPU VM, 2026-12-05): 12,859-13,019 steps; 8/8 blobs at the end on
# four seeds, 7/8 on seed 4, all 8 visited on every seed; 23%, 61%, 71%, 80%, 91% of points within 3 sigma of a blob.
_RING_BEND = _TOY
_DRAW = _TOY.replace(dataset="drawn", drawing=_HEART)
# line: 4,200-11,700 steps (two runs), 7-10 of 10 parts at the end, all 10 visited on every seed, 94-100% within
# 3 sigma.
_LINE = _TOY.replace(dataset="line")
# hills: 9,100-10,900 steps, both hills on 4 seeds, one on seed 3 (both visited), 96-99% within 3 sigma.
_HILLS = _TOY.replace(dataset="hills")
# blobs: 8,100-10,000 steps, 3/3 blobs on 4 seeds, 2/3 on seed 4 (never the third), 97-99% within 3 sigma.
_BLOBS = _TOY.replace(dataset="blobs")
_LIST = [
    Preset("default", _DEFAULT, N_("Fast, healthy digits on a CPU"),
           N_("A convolutional GAN learns all ten digits in about a minute on a laptop CPU.")),
    Preset("collapse", _COLLAPSE, N_("Mode collapse: legible digits, then only one or two"),
           N_("The non-saturating JS loss on small MLPs with a discriminator that learns 13 times faster than the "
              "generator. For the first half minute the generator draws blurry versions of most digits; then it "
              "drifts onto the one or two digits the discriminator finds hardest to reject (usually 1) and "
              "keeps drawing those, legibly: mode collapse. (After 8,000 steps both learning rates slow down to "
              "half, so it stays there instead of drifting on.) Switch the loss to Wasserstein (gradient penalty) "
              "and the other digits come back within seconds, on the same networks.")),
    Preset("vanishing", _FRAGILE, N_("Vanishing gradient: the original minimax loss"),
           N_("The original (saturating) minimax loss on MLPs without BatchNorm and a strong discriminator: D "
              "wins at once, D(G(z)) is near 0 where that loss is flat, and the generator's gradient vanishes. "
              "Its samples stay grey static: not mode collapse, a generator that never learns. The "
              "non-saturating loss was invented for this.")),
    Preset("js", _FRAGILE.with_loss("js").replace(batch_size=64), N_("Same networks, non-saturating JS loss"),
           N_("The 'vanishing' networks with the non-saturating loss and its usual optimiser settings (Adam 2e-4, "
              "beta1 0.5, one D step per G step): the generator gets a gradient again. In a minute its blurry "
              "shapes already fall into 6 to 8 of the ten digit classes, but they are not yet clean enough for "
              "the meter to call them digits.")),
    Preset("wgan", _FRAGILE.with_loss("wgan").replace(batch_size=64),
           N_("Wasserstein GAN with weight clipping (paper settings)"),
           N_("A critic instead of a classifier, kept smooth by clipping its weights (RMSprop 5e-5, "
              "clip 0.01, 5 critic steps): stable, 8 or 9 digit classes, but slow to sharpen: after a minute "
              "its samples are still blurry (the meter: not digits yet).")),
    Preset("wgan-gp", _COLLAPSE.with_loss("wgan-gp"),
           N_("Wasserstein GAN with gradient penalty: no collapse"),
           N_("The 'collapse' networks with the Wasserstein loss and a gradient penalty (Adam 1e-3, beta1 0, "
              "2 critic steps): the critic's gradient keeps pulling the generator towards every digit, so all "
              "ten stay. They are blurrier than the default preset's, because these small MLPs see digits "
              "as flat rows of pixels.")),
    Preset("conditional", _DEFAULT.replace(conditional=True), N_("Class-conditional: ask for a digit"),
           N_("The digit label goes into both networks, so you can ask the generator for a 7.")),
    Preset("ring-js", _RING_JS, N_("Ring of 8 Gaussians, JS loss: mode hopping"),
           N_("The JS GAN sits on one or two blobs at a time: the discriminator learns that blob is fake, the "
              "generator's points jump to a neighbour, and so on round the ring. Mode collapse you can watch "
              "move: a few blobs at any moment, several visited over the run.")),
    Preset("ring-wgan-gp", _RING_WGAN, N_("Ring of 8 Gaussians, Wasserstein-GP"),
           N_("The same networks with a Wasserstein critic: its smooth gradient pulls the points onto every blob.")),
    Preset("grid-js", _TOY_JS.replace(dataset="grid"), N_("Grid of 25 Gaussians, original JS loss"),
           N_("Twenty-five blobs with the original minimax loss: the points pile up on a handful of blobs (3 to 10 "
              "of the 25 after 30 seconds) and most blobs stay empty.")),
    Preset("grid-wgan-gp", _TOY_WGAN.replace(dataset="grid"), N_("Grid of 25 Gaussians, Wasserstein-GP"),
           N_("The Wasserstein critic spreads the generator's points over the whole square instead of piling them "
              "on a few blobs, but 25 tight blobs are much harder than the ring: within its 30 seconds only 0 to 4 "
              "blobs have points on them (fewer than grid-js's piles), the rest land between the blobs. Compare "
              "how evenly the points spread with grid-js; the grid needs minutes.")),
    Preset("ring-bend", _RING_BEND, N_("Ring of 8 Gaussians, 2-D noise: watch G bend space"),
           N_("The ring again, but with a 2-D noise, so the warped-grid view shows the whole noise square being bent "
              "onto the ring. Here the non-saturating loss reaches 7 or 8 of the 8 blobs within 30 seconds, yet 9 to "
              "77% of the points lie on stretched bridges between the blobs: G's map is continuous, so it must stretch "
              "the square around the ring and cannot tear it apart.")),
    Preset("draw", _DRAW, N_("Draw your own: a heart to start"),
           N_("Your strokes are the real data: points are sampled along them. On the heart the non-saturating GAN "
              "puts points on all ten parts of the outline within 30 seconds, but it does not settle: how many lie "
              "on the outline itself swings (half to nearly all at 30 s, depending on the seed). Draw something "
              "else and see which parts it finds hard.")),
    Preset("line", _LINE, N_("A line segment (GAN Lab)"),
           N_("The data is a thin segment, but the noise is a 2-D square: the generator must squash the whole "
              "square onto a line. Within 30 seconds nearly every point lies on the segment, though the ends are "
              "often left thin (7 to 10 of its 10 parts covered at the end).")),
    Preset("hills", _HILLS, N_("Two Gaussian hills (GAN Lab)"),
           N_("Two broad hills: the generator must split one blob of noise in two. It usually gets both within "
              "30 seconds, but not always: on one seed in five it ends on a single hill, mode dropping with only two "
              "modes to choose from.")),
    Preset("blobs", _BLOBS, N_("Three disjoint blobs (GAN Lab)"),
           N_("Three small separate blobs: the generator covers all three on most seeds within 30 seconds; on one "
              "seed in five it never finds the third. 1 to 3% of its points stay outside the blobs: its map from "
              "noise is continuous, so it cannot tear the noise cleanly into three pieces.")),
]


PRESETS: dict[str, Preset] = {p.name: p for p in _LIST}

PRESET_NAMES = tuple(PRESETS)
DEFAULT_PRESET = "default"


def get_preset(name: str) -> Preset:
    """The preset called `name`; ConfigError listing the names for anything else."""
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise ConfigError(_("unknown preset {name}; choose one of {names}").format(
            name=repr(name), names=", ".join(PRESET_NAMES))) from None
