#!/usr/bin/env bash
# Re-create every shipped model with the command line (about 30 CPU minutes on 2 cores).
# Each folder gets model.safetensors, config.json, history.json, samples.png and a model card
# (card.json + README.md) written by `evaluate --write-card`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each model trains for a fixed number of steps, so a busy machine changes how long it takes, not the model.
# Give names to re-create only those models: pretrained/make.sh default wgan-gp
only=" $* "
train() {  # name, then train flags
  local name=$1; shift
  if [[ "$only" != "  " && "$only" != *" $name "* ]]; then return; fi
  python -m ganplayground train --out "pretrained/$name" --seed 0 --quiet "$@"
  python -m ganplayground evaluate --model "pretrained/$name" --write-card
}
train wgan-gp            --preset default --loss wgan-gp --critic-steps 1 --beta1 0 --lr-d 1e-3 --lr-g 1e-3 --steps 10000
train default            --preset default     --steps 7500
train conditional        --preset conditional --steps 7500
train vanishing-minimax  --preset vanishing   --steps 700
# The collapse and the ring's mode hopping are stories over time: frames.png shows six moments of each run.
train collapsed-js       --preset collapse     --steps 16000 --threads 1 --frames 6
train ring-js            --preset ring-js      --steps 3000 --threads 1 --frames 6
train ring-wgan-gp       --preset ring-wgan-gp --steps 2000 --threads 1 --frames 6
# The figures of the shipped models, from their cards, for the table in pretrained/README.md (printed, not written:
# that page says more than the cards do).
python - <<'PY'
import json
from pathlib import Path
rows = ["| model | loss | from preset | steps | training time | FID | legibility | classes | notes |",
        "|---|---|---|---|---|---|---|---|---|"]
for card_path in sorted(Path("pretrained").glob("*/card.json")):
    c = json.loads(card_path.read_text())
    m = c["metrics"]
    fid = f"{m['fid']:.1f}" if "fid" in m else "-"
    legible = f"{m['class_fid']:.0f} ({m['verdict']})" if "class_fid" in m else "-"
    classes = f"{m['modes']} of 10" if "fid" in m else f"{m['modes']} of {m['num_modes']} blobs"
    note = f"{m['conditional_accuracy']:.1%} drawn as asked" if "conditional_accuracy" in m else ""
    rows.append(f"| [{card_path.parent.name}]({card_path.parent.name}/README.md) | {c['loss']} | {c['preset']} | "
                f"{c['steps']:,} | {c['training_seconds']:.0f} s on {c['trained_on']} | {fid} | {legible} | {classes} | "
                f"{note} |")
print("\n".join(rows))
PY
