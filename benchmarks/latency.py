"""How the page feels, measured through the running app on loopback.

    python benchmarks/latency.py

Prints: a latent-slider event's server time (the handler, and the handler plus Gradio's image
encoding) and its round trip through gradio_client (median and p95 of 200); seconds from Start to the
first sample grid; and what the page's polling and live metrics cost a training run (steps/s of the
default preset in the app, polled every second, against the same run headless).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gradio as gr  # noqa: E402
import torch  # noqa: E402
from gradio_client import Client  # noqa: E402

from ganplayground.config import get_preset  # noqa: E402
from ganplayground.trainer import Trainer  # noqa: E402
from ganplayground.ui.app import build_demo, launch  # noqa: E402
from ganplayground.ui.handlers import Playground  # noqa: E402
from ganplayground.ui.sessions import new_token  # noqa: E402

FORM = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0, 60]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (n={len(ordered)})"


def slider(pg: Playground, client: Client) -> None:
    token = new_token()
    pg.on_explore_model(token, "default")
    image = gr.Image(format="png", type="numpy")
    handler, with_encoding, round_trip = [], [], []
    for i in range(200):
        value = -3 + 6 * (i % 50) / 49
        start = time.perf_counter()
        array = pg.on_latent(token, "default", 0, 0, "principal", value, 0, 0, 0, 0, 0)
        handler.append(time.perf_counter() - start)
        image.postprocess(array)
        with_encoding.append(time.perf_counter() - start)
    client.predict(token, "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0, api_name="/latent")  # warm
    for i in range(200):
        value = -3 + 6 * (i % 50) / 49
        start = time.perf_counter()
        client.predict(token, "default", 0, 0, "principal", value, 0, 0, 0, 0, 0, api_name="/latent")
        round_trip.append(time.perf_counter() - start)
    print("## Latent slider event")
    print(f"- server, handler only:                {_summary(handler)}")
    print(f"- server, handler + PNG into the cache: {_summary(with_encoding)}")
    print(f"- round trip through gradio_client:     {_summary(round_trip)}")


def first_grid(client: Client, repeats: int = 3) -> None:
    times = []
    for _ in range(repeats):
        token = client.predict(api_name="/new_session")
        start = time.perf_counter()
        client.predict(token, *FORM, api_name="/start")
        while True:
            out = client.predict(token, api_name="/poll")
            if isinstance(out[0], str) and out[0]:
                times.append(time.perf_counter() - start)
                break
            time.sleep(0.02)
        client.predict(token, api_name="/stop")
    print(f"\n## Start -> first sample grid on the page\n- {', '.join(f'{t:.2f} s' for t in times)}")


POLLER = """
import sys, time
from gradio_client import Client
client, token, end = Client(sys.argv[1], verbose=False), sys.argv[2], time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    client.predict(token, api_name="/poll")
    time.sleep(1.0)
"""


def polling_cost(pg: Playground, client: Client, seconds: float = 30.0) -> None:
    config = get_preset("default").config.replace(threads=1, max_seconds=seconds)
    torch.set_num_threads(1)
    headless = Trainer(config)
    for _ in headless.run(every_seconds=1e9):
        pass
    base = headless.step_count / headless.elapsed  # training time only, as for the run in the app

    token = client.predict(api_name="/new_session")
    client.predict(token, *FORM[:-1], seconds, api_name="/start")
    # The page is a browser, not part of the server: poll from a separate process, once a second.
    poller = subprocess.Popen([sys.executable, "-c", POLLER, client.src, token, str(seconds)])
    run = pg.manager.session(token).run
    run.join(seconds + 30)
    poller.wait(30)
    in_app = run.trainer.step_count / run.trainer.elapsed  # elapsed counts the snapshots and metrics it paid for
    print(f"\n## Cost of the page on training (default preset, 1 thread, {seconds:.0f} s)")
    print(f"- headless: {base:.1f} steps/s; in the app, polled every 1 s with snapshots every "
          f"{pg.snapshot_seconds:g} s and metrics every {pg.metrics_seconds:g} s: {in_app:.1f} steps/s "
          f"({1 - in_app / base:+.1%} slower)")


def main() -> None:
    pg = Playground()
    demo = build_demo(pg)
    port = _free_port()
    launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    try:
        slider(pg, client)
        first_grid(client)
        polling_cost(pg, client)
    finally:
        pg.close()
        demo.close()


if __name__ == "__main__":
    main()
