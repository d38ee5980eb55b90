"""What the digit map costs, and the picture that shows why it reads well.

Per meter reading (1,000 samples of the shipped default model, the page's live reading): the whole reading
(metrics.live_reading), and what the map adds to it, placing the samples from the classifier outputs the reading
already has (digit_map.map_reading) and drawing the map picture the page shows (digit_map_picture). Also "show
me the 1s" on the collapsed model (metrics.digit_gallery). Prints p50 and p95 in ms over --repeats runs.

With --out it writes digit-map.png there: the maps of the shipped healthy (default), collapsed (collapsed-js) and
vanishing-gradient (vanishing-minimax: static) models side by side, with each one's meter verdict.

    python benchmarks/digit_map.py                          # figures only
    python benchmarks/digit_map.py --out docs/screenshots   # and the docs' picture
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.export import pretrained  # noqa: E402
from ganplayground.export.digit_map_picture import digit_map_picture  # noqa: E402
from ganplayground.export.timeline import Frame, frame_strip, meter_words  # noqa: E402
from ganplayground.measure.classifier import load_classifier, predict_with_strokes  # noqa: E402
from ganplayground.measure.digit_map import map_reading, reference_map  # noqa: E402
from ganplayground.measure.metrics import digit_gallery, generate, live_reading  # noqa: E402
from ganplayground.train.images import save_png  # noqa: E402

MODELS = (("default", "healthy"), ("collapsed-js", "collapsed"), ("vanishing-minimax", "static"))


def _timed(fn, repeats: int) -> tuple[float, float]:  # noqa: ANN001 - any callable
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None, help="folder for digit-map.png")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as a run's metrics pool on the page
    saved = pretrained.load("default")
    model, _ = load_classifier()
    reference_map()  # computed once per process, on the first map
    live_reading(saved.generator, saved.config)  # warm: the classifier's statistics and the floors
    x = generate(saved.generator, saved.config.metrics_samples, saved.config.seed + 3, False)
    outputs = predict_with_strokes(model, x)
    reading = live_reading(saved.generator, saved.config)
    digit_map_picture(reading)
    collapsed = pretrained.load("collapsed-js")
    rows = [("whole meter reading (live_reading, 1,000 samples)", lambda: live_reading(saved.generator, saved.config)),
            ("map placement added to it (map_reading, 300 kept)", lambda: map_reading(*outputs)),
            ("map picture for the page (digit_map_picture)", lambda: digit_map_picture(reading)),
            ("show me the 1s on collapsed-js (digit_gallery)",
             lambda: digit_gallery(collapsed.generator, collapsed.config, 1))]
    print(f"torch threads: {torch.get_num_threads()}, repeats: {args.repeats}")
    for name, fn in rows:
        p50, p95 = _timed(fn, args.repeats)
        print(f"{name:55s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    if args.out is not None:
        frames = []
        for name, what in MODELS:
            model_saved = pretrained.load(name)
            m = live_reading(model_saved.generator, model_saved.config)
            frames.append(Frame(digit_map_picture(m, size=360), f"{what}: {name}\nmeter: {meter_words(m)}"))
        args.out.mkdir(parents=True, exist_ok=True)
        save_png(frame_strip(frames), args.out / "digit-map.png")
        print(f"wrote {args.out / 'digit-map.png'}")


if __name__ == "__main__":
    main()
