"""What the load benchmarks share: the app served as its own process (as `python app.py` would), on a free
loopback port, and its memory as the kernel reports it. Not a benchmark itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (VmRSS) or its peak so far (VmHWM), in MB; 0 once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(env: dict[str, str], root: Path = ROOT, timeout: float = 120.0) -> tuple[subprocess.Popen, str]:
    """Serve the app of checkout `root` with these extra environment variables; (process, url) once it answers."""
    port = free_port()
    full_env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(root), **env}
    code = f"from ganplayground.ui.app import launch; launch(server_name='127.0.0.1', server_port={port})"
    server = subprocess.Popen([sys.executable, "-c", code], cwd=root, env=full_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return server, url
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.5)
