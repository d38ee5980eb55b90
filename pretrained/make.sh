#!/usr/bin/env bash
# Re-create every shipped model with the command line (about 20 CPU minutes on 2 cores).
# Each folder gets model.safetensors, config.json, history.json, samples.png and a model card
# (card.json + README.md) written by `evaluate --write-card`.
set -euo pipefail
cd "$(dirname "$0")/.."
train() {  # name, then train flags
  local name=$1; shift
  python -m ganplayground train --out "pretrained/$name" --seed 0 "$@"
  python -m ganplayground evaluate --model "pretrained/$name" --write-card
}
train default            --preset default     --max-seconds 300
train conditional        --preset conditional --max-seconds 300
train wgan-gp            --preset wgan-gp     --max-seconds 600
train collapsed-minimax  --preset collapse    --max-seconds 60
train ring-js            --preset ring-js
train ring-wgan-gp       --preset ring-wgan-gp
