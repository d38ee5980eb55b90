"""How soon a drawing's first plot appears: the page's Start on the `draw` preset (the heart, or a drawing of your
own), then its poll once every 0.1 s until the plot of points is there. Prints each try's seconds and the p50 and
the p95 (goal: at most 2 s), with the views (warped grid, arrows) off and on.

    python benchmarks/draw_start.py              # 10 starts each way
    python benchmarks/draw_start.py --tries 20

Run it alone: another process on the CPUs delays the first snapshot.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.train.drawings import HEART  # noqa: E402
from ganplayground.ui.app import build_demo  # noqa: E402
from ganplayground.ui.server.sessions import new_token  # noqa: E402

FORM = ["draw", "drawn", "js", "mlp", 1e-3, 1e-3, 256, 2, 1, 0, 30, HEART]  # the draw preset, as the page sends it


def first_plot_seconds(page, views: bool) -> float:  # noqa: ANN001 - ui.app.Page
    """Seconds from Start to the first poll that carries the plot."""
    t, token = page.train, new_token()
    t.draw.on_views(token, views, views, 2)
    started = time.perf_counter()
    t.on_start(token, *FORM)
    try:
        seen = None
        while time.perf_counter() - started < 30:
            out = t.on_poll(token, seen)
            seen = out.get(t.seen, seen)
            if out.get(t.samples) is not None:
                return time.perf_counter() - started
            time.sleep(0.1)
        raise RuntimeError("no plot within 30 s")
    finally:
        t.on_stop(token)
        page.train.pg.session(token).run.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    page = build_demo().page
    first_plot_seconds(page, False)  # warm-up: imports, the first networks
    for views in (False, True):
        times = [first_plot_seconds(page, views) for _ in range(args.tries)]
        print(f"views {'on ' if views else 'off'}: " + " ".join(f"{s:.2f}" for s in times)
              + f" | p50 {np.percentile(times, 50):.2f} s, p95 {np.percentile(times, 95):.2f} s")


if __name__ == "__main__":
    main()
