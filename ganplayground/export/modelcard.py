"""A saved model's card: card.json (the facts: how it was trained, its metrics) and README.md (the same for
people), written beside the weights by `python -m ganplayground evaluate --write-card`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .timeline import meter_words


def write_card(folder: Path, saved: Any, result: dict[str, Any]) -> None:
    """The model card: card.json (facts) and README.md (the same for people), beside the weights."""
    from ..measure.metrics import LEGIBLE_CLASS_FID, TOY_COVER_RADIUS, legibility_reference

    c = saved.config
    card = {"preset": saved.info.get("preset"), "dataset": c.dataset, "arch": c.arch, "loss": c.loss,
            "conditional": c.conditional, "latent_dim": c.latent_dim, "steps": saved.step,
            "training_seconds": round(saved.elapsed, 1), "trained_on": saved.info.get("trained_on"),
            "date": saved.info.get("date"), "metrics": {k: v for k, v in result.items() if k != "seconds"}}
    (folder / "card.json").write_text(json.dumps(card, indent=2))
    m = result
    lines = [f"# {folder.name}", "",
             f"A {'conditional ' if c.conditional else ''}{c.arch.upper()} GAN on {c.dataset}, loss `{c.loss}`, "
             f"trained with `python -m ganplayground train` from preset `{card['preset']}` for {saved.step:,} steps "
             f"({saved.elapsed:.0f} s on {card['trained_on']}, {card['date']}); `pretrained/make.sh` has the "
             "exact command.", "",
             f"Settings: {c.optimizer} lr D/G {c.lr_d:g}/{c.lr_g:g}"
             f"{' (' + c.lr_decay_text() + ')' if c.lr_decay_start else ''}, betas ({c.beta1:g}, {c.beta2:g}), "
             f"{c.critic_steps} critic step(s) per generator step, batch {c.batch_size}, latent {c.latent_dim}, "
             f"width {c.width}, spectral norm {'on' if c.spectral_norm else 'off'}, "
             f"EMA {c.ema:g}.", ""]
    if "fid" in m:
        reference = legibility_reference(m) if "digit_floor" in m else None  # a collapse: beside its own digit
        beside = f" (as many {reference[0]}: {reference[1]:.0f})" if reference else ""
        lines += ["| metric (10,000 samples, bundled classifier) | value |", "|---|---|",
                  f"| FID (real digits: {m['fid_floor']:.1f}) | {m['fid']:.1f} |",
                  f"| digit classes with >= 2% of samples | {m['modes']} of 10 |",
                  rf"| KL(histogram \|\| uniform) | {m['kl_uniform']:.3f} |",
                  f"| largest class share | {m['largest_share']:.1%} |",
                  f"| legibility: per-class FID (lower is better; above {LEGIBLE_CLASS_FID:,.0f}: not digits) | "
                  f"{m['class_fid']:.0f}{beside} |",
                  f"| the meter reads | {meter_words(m)} |"]
        if "conditional_accuracy" in m:
            lines.append(f"| drawn as the requested digit | {m['conditional_accuracy']:.1%} |")
        if "memorisation" in m:
            copied = m["memorisation"]
            lines.append(f"| closer to a training digit than 95% of training digits are to theirs (does it copy?; "
                         f"{copied['samples']:,} samples, pixel distance under {copied['real_p5']:.2f}) | "
                         f"{copied['share_closer_than_real_p5']:.1%} |")
        lines += ["", "Digit histogram: " + ", ".join(f"{d}: {h:.1%}" for d, h in enumerate(m["histogram"]))]
    else:
        lines += [f"Covers {m['modes']} of {m['num_modes']} Gaussians (at least 1% of samples within "
                  f"{TOY_COVER_RADIUS:g} of the centre); {m['high_quality']:.0%} of samples lie within 3 sigma of a "
                  "centre."]
    if (folder / "samples.png").exists():
        lines += ["", "![samples](samples.png)"]
    if (folder / "frames.png").exists():
        lines += ["", "The run over time:", "", "![frames](frames.png)"]
    (folder / "README.md").write_text("\n".join(lines) + "\n")
