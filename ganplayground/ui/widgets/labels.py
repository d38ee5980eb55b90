"""Human words for the page: its title, labels of losses, datasets and architectures (and the menus made of them),
the meter's and the Duel tab's sentences, and the Learn tab's lessons.

The engine speaks in short ids ("wgan-gp"); people read "Wasserstein + gradient penalty". Every text is marked
N_() and translated where it is shown (L_ when the page is built, _ in a handler). Nothing here imports gradio.
"""

from __future__ import annotations

from ...config import LOSS_NAMES
from ...i18n import N_, _

INTRO = N_("# GAN Playground\nPress **Start** and watch a generator learn MNIST digits from the same 100 noise "
         "vectors. Flip the **loss** while it trains and watch the mode meter: how many of the ten digits can "
         "it make?")
LOSS_LABELS = {
    "js-minimax": N_("JS, original minimax (saturating)"),
    "js": N_("JS, non-saturating"),
    "wgan": N_("Wasserstein, weight clipping"),
    "wgan-gp": N_("Wasserstein, gradient penalty"),
    "hinge": N_("Hinge"),
    "lsgan": N_("Least squares (LSGAN)"),
}
DATASET_LABELS = {
    "mnist": N_("MNIST digits"),
    "ring": N_("Toy: ring of 8 Gaussians"),
    "grid": N_("Toy: grid of 25 Gaussians"),
    "line": N_("Toy: a line"),
    "hills": N_("Toy: two Gaussian hills"),
    "blobs": N_("Toy: disjoint blobs"),
    "drawn": N_("Draw your own"),
    "fashion-mnist": N_("Fashion-MNIST (downloads once)"),
}
ARCH_LABELS = {"mlp": N_("MLP (fast)"), "dcgan": N_("Convolutional (DCGAN)")}
LOSS_SHORT = {  # in plot legends ("D · JS", "D · WGAN-GP"), which must fit on one row
    "js-minimax": N_("JS minimax"),
    "js": N_("JS"),
    "wgan": N_("WGAN"),
    "wgan-gp": N_("WGAN-GP"),
    "hinge": N_("Hinge"),
    "lsgan": N_("LSGAN"),
}

# The mode meter: one of three states (metrics.verdict), then a line of figures.
METER_NOT_DIGITS = N_("The samples do not look like digits to the classifier yet: whatever it files them under, "
                       "they are far from any real digit.")
METER_COLLAPSE = N_("Legible digits, but {which}: the generator has found what fools D and makes little else.")
METER_ALL_DIGITS = N_("Legible digits, all ten of them.")
METER_MISSING = N_("Legible digits; missing: {missing}.")
DUEL_INTRO = N_(
    "Two runs side by side: the **same networks, seed and fixed noise**; only the loss differs. With the "
    "default choice, the left generator (non-saturating JS) first draws blurry versions of many digits, then, "
    "after 20 to 45 seconds, **collapses onto one or two digits** (usually 1s) that stay legible: its meter "
    "turns to *Collapse* and its coverage curve falls. On the right, the **Wasserstein critic** (gradient "
    "penalty) keeps all ten digits, legible within about 20 seconds. Each side gets one CPU thread; the "
    "Wasserstein side does fewer steps per second (two critic steps and a gradient penalty each)."
)


def loss_choices() -> list[tuple[str, str]]:
    """(label, id) of every loss, for a radio or dropdown."""
    return [(LOSS_LABELS[name], name) for name in LOSS_NAMES]


def arch_choices() -> list[tuple[str, str]]:
    """(label, id) of the image architectures."""
    return [(label, key) for key, label in ARCH_LABELS.items()]


UNKNOWN = {  # key_of's error, one whole sentence per kind of menu
    "loss": N_("unknown loss {label}; choose one of: {choices}"),
    "dataset": N_("unknown dataset {label}; choose one of: {choices}"),
    "architecture": N_("unknown architecture {label}; choose one of: {choices}"),
}


def key_of(mapping: dict[str, str], label: str, what: str) -> str:
    """The id for a label (ids are accepted too); ValueError naming the choices otherwise, in the caller's language.
    `what` names the menu: "loss", "dataset" or "architecture"."""
    if label in mapping:
        return label
    for key, value in mapping.items():
        if value == label:
            return key
    # Translators: {what} is a menu's name, left in English (an API parameter).
    message = _(UNKNOWN[what]) if what in UNKNOWN else _("unknown {what} {label}; choose one of: {choices}")
    choices = ", ".join(_(value) for value in mapping.values())
    raise ValueError(message.format(what=what, label=repr(label), choices=choices))


LESSONS = [
    {
        "title": N_("1. Two networks, one game"),
        "text": N_(
            "A **generator** G turns random noise *z* into an image. A **discriminator** D looks at an "
            "image and scores how *real* it seems. They train in turns: D learns to tell real digits "
            "from G's fakes, then G changes so that D scores its fakes higher. Neither ever sees the "
            "other's weights; G learns only through D's gradient.\n\n"
            "In the Train tab the grid always shows G's output for the **same 100 noise vectors**, so "
            "you watch the same 100 samples turn from static into digits.\n\n"
            "**Does it just copy the training digits?** Rarely. G never sees a training digit, only D's "
            "gradient about its own fakes, and D is rewarded for telling real from fake, not for remembering "
            "which digits it saw. Explore's *Does it copy?* shows a digit's nearest training digits: a GAN's "
            "samples sit about as far from them as real digits sit from each other. Copying appears when the "
            "training set is small (a few hundred digits), when D trains so long that it memorises the set "
            "and G follows, or in a collapse, where G repeats the one kind of digit that fools D."
        ),
        "image": "healthy",
        "preset": "default",
        "tab": "train",
        "button": N_("Try it: train the default model"),
    },
    {
        "title": N_("2. The original loss: Jensen-Shannon"),
        "text": N_(
            "Goodfellow's 2014 GAN makes D a classifier (real = 1, fake = 0) and lets G **minimise "
            "log(1 - D(G(z)))**. At its best this minimises the Jensen-Shannon divergence between real "
            "and fake digits. The catch: when D wins clearly, D(G(z)) is near 0 and that loss is flat. "
            "G's gradient **vanishes** and it never learns: the picture is what such a generator draws after "
            "a minute, grey static (the `vanishing` preset). That is not mode collapse, it is no digits at "
            "all, and the meter says *not digits yet*. The *non-saturating* variant (maximise log D(G(z))) "
            "keeps the gradient alive and is what most GANs use. The **least-squares** loss (LSGAN, Mao et al. "
            "2017) fixes it another way: D's score is pulled towards 1 for real and 0 for fake, and G is penalised "
            "by each fake's squared distance from the real target, so even fakes D already rejects still get a "
            "gradient: it does not saturate.\n\n"
            "On a 2-D toy you can watch the push itself: the **arrows** view draws, for 100 of G's points, where "
            "G's loss pushes each one. In the first seconds of `grid-js` (this minimax loss, five D steps per G "
            "step) they are specks; press **D step** a few times and they vanish, then switch the loss to the "
            "non-saturating one and they grow back (on the same D, a median push of 0.04 against 2.0)."
        ),
        "image": "vanishing",
        "preset": "vanishing",
        "tab": "train",
        "button": N_("Try it: the original minimax loss"),
        "toy": {"button": N_("See it on a toy: grid-js with the arrows"), "preset": "grid-js",
                "views": (False, True)},
    },
    {
        "title": N_("3. Mode collapse, and how to see it"),
        "text": N_(
            "MNIST has ten *modes*, the ten digits. A collapsed generator makes only a few of them, "
            "often one, because fooling D with one good digit is easier than learning all ten. The strip "
            "below is one run of the `collapse` preset over time (non-saturating JS loss, small MLPs, a "
            "discriminator that learns 13x faster): blurry versions of many digits first, then almost only "
            "1s, and legible ones (beside: where it ends). Look at the 1s too: they lean and thicken in fewer ways "
            "than real 1s do (about half of real 1s' variety): a collapse narrows even the digit it keeps. "
            "The **mode meter** sees it: a classifier reads "
            "every sample, the bar chart shows how many look like each digit, *k of 10 digits* counts the "
            "digits holding at least "
            "2% of them, and the *legibility* figure (per-class FID: how far the samples filed under each "
            "digit are from real digits of that digit) says whether they are digits at all. One tall bar "
            "of legible digits is collapse. The **digit map** beside the meter draws MNIST like the ring toy of "
            "lesson 5: ten places on a circle, one per digit, each sample at the place of the digit it looks like. "
            "A healthy generator fills all ten places, a collapse piles onto one, like the JS GAN on one blob of "
            "the ring, and static sits in the middle, where nothing looks like a digit. **Show me the digits** "
            "under the meter shows the samples filed under one digit. **Try it** runs the duel: the same networks "
            "with the JS loss on the left and the Wasserstein loss on the right."
        ),
        "image": "collapse",
        "story": "collapsed-js",
        "preset": "collapse",
        "tab": "duel",
        "button": N_("Try it: duel JS vs Wasserstein"),
    },
    {
        "title": N_("4. The Wasserstein GAN"),
        "text": N_(
            "WGAN (Arjovsky et al. 2017) replaces the classifier with a **critic** that scores "
            "realness on an open scale, and G maximises the critic's score of its fakes. When the "
            "critic is kept smooth (1-Lipschitz), real minus fake score estimates the *Wasserstein "
            "distance*, the cost of moving the fake distribution onto the real one. It gives G a "
            "useful gradient even when fakes are far off, so collapse is much rarer. Smoothness comes "
            "from **weight clipping** (the original, slow) or a **gradient penalty** (WGAN-GP). The "
            "Wasserstein estimate curve falls as samples improve."
        ),
        "image": "wgan_gp",
        "preset": "wgan-gp",
        "tab": "train",
        "button": N_("Try it: Wasserstein-GP on the collapse networks"),
    },
    {
        "title": N_("5. Toys: mode collapse in two dimensions"),
        "text": N_(
            "Eight Gaussian blobs on a ring are the simplest multi-modal data. The colours show D's "
            "opinion over the plane (orange = looks real), black dots are real samples, red dots are "
            "G's. The strip below is one run of `ring-js` over time: the JS GAN sits on one blob, D learns "
            "to call it fake, and the points hop on to another blob (**mode hopping**). A Wasserstein critic "
            "on the same networks (`ring-wgan-gp`, the picture beside) pulls the red points onto every blob. "
            "Each step takes a few milliseconds, so it all happens in seconds.\n\n"
            "Switch on the two views. On `ring-bend` (the same ring, but a 2-D noise) the **warped grid** shows "
            "the whole noise square bent onto the ring, with stretched bridges between the blobs: G's map cannot "
            "tear. The **arrows** show where G's loss pushes each point; switch a collapsed ring to "
            "Wasserstein-GP and they point towards the blobs nobody covers yet."
        ),
        "image": "ring",
        "story": "ring-js",
        "preset": "ring-js",
        "tab": "train",
        "button": N_("Try it: the ring with the JS loss"),
        "toy": {"button": N_("Try the views: ring-bend with the grid and arrows"), "preset": "ring-bend",
                "views": (True, True)},
    },
]
