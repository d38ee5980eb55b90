"""How the page feels, measured through the running app on loopback.

    python benchmarks/latency.py [--languages]

Prints: a latent-slider event's server time (the handler, and the handler plus the PNG it sends) and
its round trip through gradio_client from a separate process (median and p95 of 200), next to the
same client calling an endpoint that does nothing; seconds from Start to the first sample grid; and
what the page's polling, snapshots and live metrics cost a training run (steps/s of the default preset
in the app, polled every second, against the same preset headless, alternating in short segments); and a
poll's server time in each of the page's languages and in the pseudo-language (the same paused run, the
languages interleaved), which a language switch must leave unchanged.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from gradio_client import Client  # noqa: E402

from ganplayground.i18n import LANGUAGES, PSEUDO, use_language  # noqa: E402
from ganplayground.presets import get_preset  # noqa: E402
from ganplayground.train.trainer import Trainer  # noqa: E402
from ganplayground.ui.app import Page, build_demo, launch  # noqa: E402
from ganplayground.ui.server.playground import Playground  # noqa: E402
from ganplayground.ui.server.sessions import new_token  # noqa: E402
from ganplayground.ui.widgets.components import InlineImage  # noqa: E402

FORM = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0, 60]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (n={len(ordered)})"


ROUND_TRIPS = """
import json, sys, time
from gradio_client import Client
# Stock gradio_client, and one that skips loading the CA bundle (ssl_verify=False): it builds a new
# HTTP client for every request and reply stream, and loading the bundle costs 29 ms each time on this
# VM, for a plain-http loopback app that never uses it.
result = {}
for name, verify in (("stock", True), ("no_ca_bundle", False)):
    client, token = Client(sys.argv[1], verbose=False, ssl_verify=verify), sys.argv[2]
    client.predict(token, "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0, api_name="/latent")  # warm
    slider, floor = [], []
    for i in range(200):
        start = time.perf_counter()
        client.predict(token, "default", 0, 0, "principal", -3 + 6 * (i % 50) / 49, 0, 0, 0, 0, 0,
                       api_name="/latent")
        slider.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.predict(api_name="/new_session")
        floor.append(time.perf_counter() - start)
    result[name] = {"slider": slider, "floor": floor}
print(json.dumps(result))
"""


def slider(page: Page, client: Client) -> dict[str, list[float]]:
    token = new_token()
    page.explore.on_model(token, "default")
    image = InlineImage(format="png", type="numpy")
    handler, with_encoding = [], []
    for i in range(200):
        value = -3 + 6 * (i % 50) / 49
        start = time.perf_counter()
        array = page.explore.draw(token, "default", 0, 0, "principal", value, 0, 0, 0, 0, 0)
        handler.append(time.perf_counter() - start)
        image.postprocess(array)
        with_encoding.append(time.perf_counter() - start)
    # A browser or a class script is its own process: so is the client here (in the server's process
    # it would share the server's interpreter lock and slow both).
    out = subprocess.run([sys.executable, "-c", ROUND_TRIPS, client.src, token], capture_output=True, text=True,
                         check=True)
    trips = json.loads(out.stdout.strip().splitlines()[-1])
    print("## Latent slider event")
    print(f"- server, handler only:                       {_summary(handler)}")
    print(f"- server, handler + PNG for the reply:        {_summary(with_encoding)}")
    for name, label in (("stock", "stock gradio_client"), ("no_ca_bundle", "gradio_client, ssl_verify=False")):
        print(f"- round trip, {label}: {_summary(trips[name]['slider'])}; an endpoint that does nothing: "
              f"{_summary(trips[name]['floor'])}")
    return {"handler": with_encoding, **trips}


def first_grid(client: Client, repeats: int = 3) -> list[float]:
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
    return times


POLLER = """
import sys, time
from gradio_client import Client
client, token, end = Client(sys.argv[1], verbose=False), sys.argv[2], time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    client.predict(token, api_name="/poll")
    time.sleep(1.0)
"""


def polling_cost(pg: Playground, client: Client, pairs: int = 8, seconds: float = 5.0) -> float:
    """Steps/s of the default preset (1 thread) headless against the same preset in the app, polled once
    a second by a separate process, with its snapshots and live metrics. This VM's speed drifts by
    +-15% over minutes, so the two alternate in short segments and the cost is the median of the
    pairs' ratios (each pair measured within ~10 s)."""
    torch.set_num_threads(1)
    config = get_preset("default").config.replace(threads=1)
    headless = Trainer(config)
    for _ in headless.run(max_steps=20, every_seconds=1e9):  # warm up, like the app's first steps
        pass

    token = client.predict(api_name="/new_session")
    client.predict(token, *FORM[:-1], 300, api_name="/start")  # stopped below
    poller = subprocess.Popen([sys.executable, "-c", POLLER, client.src, token, str(pairs * 2 * seconds + 30)])
    run = pg.manager.session(token).run
    while run.trainer.step_count < 20:
        time.sleep(0.1)
    client.predict(token, api_name="/pause")
    bare, in_app = [], []
    for _ in range(pairs):
        steps, start = headless.step_count, time.perf_counter()
        for _ in headless.run(max_seconds=headless.elapsed + seconds, every_seconds=1e9):
            pass
        bare.append((headless.step_count - steps) / (time.perf_counter() - start))
        client.predict(token, api_name="/resume")
        steps, start = run.trainer.step_count, time.perf_counter()
        time.sleep(seconds)
        in_app.append((run.trainer.step_count - steps) / (time.perf_counter() - start))
        client.predict(token, api_name="/pause")
    client.predict(token, api_name="/stop")
    poller.kill()
    ratios = sorted(a / b for a, b in zip(in_app, bare, strict=True))
    cost = 1 - statistics.median(ratios)
    print(f"\n## Cost of the page on training (default preset, 1 thread, {pairs} x {seconds:g} s alternating)")
    print(f"- headless: {statistics.median(bare):.1f} steps/s; in the app, polled every 1 s, snapshots every "
          f"{pg.snapshot_seconds:g} s, live metrics every {pg.metrics_seconds:g} s (off the training thread): "
          f"{statistics.median(in_app):.1f} steps/s")
    print(f"- cost: {cost:+.1%} (median of {pairs} pairs; pairs ranged {1 - ratios[-1]:+.1%} to {1 - ratios[0]:+.1%})")
    return cost


def poll_by_language(page: Page, pg: Playground, rounds: int = 60) -> dict[str, list[float]]:
    """A full poll's server time (everything sent, as after a refresh) of one paused default run, in each
    language in turn, `rounds` times round."""
    token = new_token()
    page.train.on_start(token, *FORM)
    run = pg.manager.session(token).run
    while run.trainer.step_count < 300:  # digits, a meter reading and a narrator line to word
        time.sleep(0.2)
    page.train.pause_run(token)
    codes = [*LANGUAGES, PSEUDO]
    times: dict[str, list[float]] = {code: [] for code in codes}
    for _ in range(rounds):
        for code in codes:
            with use_language(code):
                start = time.perf_counter()
                page.train.on_poll(token, None)
                times[code].append(time.perf_counter() - start)
    page.train.on_stop(token)
    print(f"\n## A poll's server time by language (one paused default run, {rounds} rounds, interleaved)")
    for code in codes:
        print(f"- {code}: {_summary(times[code])}")
    return times


def goals(trips: dict, grids: list[float], cost: float) -> None:
    handler = statistics.median(trips["handler"])
    rows = [("slider event, server time (median)", "<= 5 ms", f"{handler * 1000:.1f} ms", handler <= 0.005)]
    for name, label in (("stock", "stock client"), ("no_ca_bundle", "client with ssl_verify=False")):
        slider, floor = statistics.median(trips[name]["slider"]), statistics.median(trips[name]["floor"])
        rows.append((f"slider round trip through gradio_client, {label} (median)", "<= 150 ms",
                     f"{slider * 1000:.0f} ms (do-nothing endpoint: {floor * 1000:.0f} ms)", slider <= 0.150))
    rows += [("first sample grid after Start (slowest of 3)", "<= 2 s", f"{max(grids):.2f} s", max(grids) <= 2.0),
             ("polling + live metrics cost to training", "<= 10%", f"{cost:+.1%}", cost <= 0.10)]
    print("\n## Goals\n| figure | goal | measured | met |\n|---|---|---|---|")
    for name, goal, measured, met in rows:
        print(f"| {name} | {goal} | {measured} | {'yes' if met else 'NO'} |")


def main() -> None:
    pg = Playground()
    demo = build_demo(pg)
    port = _free_port()
    launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    try:
        if "--languages" in sys.argv:  # only the languages' poll times
            poll_by_language(demo.page, pg)
            return
        goals(slider(demo.page, client), first_grid(client), polling_cost(pg, client))
        poll_by_language(demo.page, pg)
    finally:
        pg.close()
        demo.close()


if __name__ == "__main__":
    main()
