"""Human words for the page: labels of losses, datasets and architectures, and the Learn tab's lessons.

The engine speaks in short ids ("wgan-gp"); people read "Wasserstein + gradient penalty". Nothing
here imports gradio.
"""

from __future__ import annotations

LOSS_LABELS = {
    "js-minimax": "JS, original minimax (saturating)",
    "js": "JS, non-saturating",
    "wgan": "Wasserstein, weight clipping",
    "wgan-gp": "Wasserstein, gradient penalty",
    "hinge": "Hinge",
}
DATASET_LABELS = {
    "mnist": "MNIST digits",
    "ring": "Toy: ring of 8 Gaussians",
    "grid": "Toy: grid of 25 Gaussians",
    "fashion-mnist": "Fashion-MNIST (downloads once)",
}
ARCH_LABELS = {"mlp": "MLP (fast)", "dcgan": "Convolutional (DCGAN)"}


def label_of(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, key)


def key_of(mapping: dict[str, str], label: str, what: str) -> str:
    """The id for a label (ids are accepted too); ValueError naming the choices otherwise."""
    if label in mapping:
        return label
    for key, value in mapping.items():
        if value == label:
            return key
    raise ValueError(f"unknown {what} {label!r}; choose one of: {', '.join(mapping.values())}")


LESSONS = [
    {
        "title": "1. Two networks, one game",
        "text": (
            "A **generator** G turns random noise *z* into an image. A **discriminator** D looks at an "
            "image and scores how *real* it seems. They train in turns: D learns to tell real digits "
            "from G's fakes, then G changes so that D scores its fakes higher. Neither ever sees the "
            "other's weights; G learns only through D's gradient.\n\n"
            "In the Train tab the grid always shows G's output for the **same 100 noise vectors**, so "
            "you watch the same 100 samples turn from static into digits."
        ),
        "image": "healthy",
        "preset": "default",
        "tab": "train",
        "button": "Try it: train the default model",
    },
    {
        "title": "2. The original loss: Jensen-Shannon",
        "text": (
            "Goodfellow's 2014 GAN makes D a classifier (real = 1, fake = 0) and lets G **minimise "
            "log(1 - D(G(z)))**. At its best this minimises the Jensen-Shannon divergence between real "
            "and fake digits. The catch: when D wins clearly, D(G(z)) is near 0 and that loss is flat. "
            "G's gradient vanishes and it stops improving. The *non-saturating* variant (maximise "
            "log D(G(z))) keeps the gradient alive and is what most GANs use."
        ),
        "image": "collapsed",
        "preset": "collapse",
        "tab": "train",
        "button": "Try it: the original minimax loss",
    },
    {
        "title": "3. Mode collapse, and how to see it",
        "text": (
            "MNIST has ten *modes*, the ten digits. A collapsed generator makes only a few of them, "
            "often one, because fooling D with a single good digit is easier than learning all ten. "
            "The **mode meter** counts it: a classifier reads every generated sample, the bar chart "
            "shows how many look like each digit, and *k of 10 digits* counts the digits holding at "
            "least 2% of samples. A flat bar chart and 10 of 10 is healthy; one tall bar is collapse. "
            "FID (lower is better) measures how close the samples' features are to real digits."
        ),
        "image": "collapsed",
        "preset": "collapse",
        "tab": "duel",
        "button": "Try it: duel JS minimax vs Wasserstein",
    },
    {
        "title": "4. The Wasserstein GAN",
        "text": (
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
        "button": "Try it: Wasserstein-GP on the collapse networks",
    },
    {
        "title": "5. Toys: mode collapse in two dimensions",
        "text": (
            "Eight Gaussian blobs on a ring are the simplest multi-modal data. The colours show D's "
            "opinion over the plane (orange = looks real), black dots are real samples, red dots are "
            "G's. A JS GAN tends to cover a few blobs and hop between them; a Wasserstein critic "
            "pulls the red points onto every blob. Each step is well under a millisecond, so it "
            "happens in seconds."
        ),
        "image": "ring",
        "preset": "ring-js",
        "tab": "train",
        "button": "Try it: the ring with the JS loss",
    },
]
