"""Where the page writes the files it hands out (lab cards, model zips, GIFs) and unpacks uploads: one private
temporary folder per server, a fresh subfolder per file (two students get two files with clean names), pruned of
files older than KEEP_SECONDS as new ones are made and removed when the server closes or exits. A subfolder made
by `subfolder` (the runs' spilled timelines) is the server's own and is never pruned.

Never a path a user chose: callers give a file name only, and it is reduced to a safe one.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

KEEP_SECONDS = 900.0  # a file stays this long (Gradio copies it into its own cache when it is sent)


class Downloads:
    """A server's private folder for the files the page hands out."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ganplayground-files-"))
        self._lock = threading.Lock()
        self._kept: set[str] = set()  # subfolders the pruning leaves alone
        atexit.register(self.close)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        atexit.unregister(self.close)

    def subfolder(self, name: str) -> Path:
        """A subfolder that is never pruned (removed with the rest when the server closes)."""
        with self._lock:
            self._kept.add(name)
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def new_file(self, name: str) -> Path:
        """A fresh path for a file called `name` (made safe) in its own subfolder; old files go first."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "file"
        now = time.time()
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.iterdir():
                if old.name in self._kept:
                    continue
                with contextlib.suppress(OSError):  # an upload's folder may vanish meanwhile (bundles.py)
                    if now - old.stat().st_mtime > KEEP_SECONDS:
                        shutil.rmtree(old, ignore_errors=True)
            sub = Path(tempfile.mkdtemp(dir=self.folder))
        return sub / safe

    def write(self, name: str, data: bytes) -> str:
        """Write `data` as a new file called `name`; returns its path."""
        path = self.new_file(name)
        path.write_bytes(data)
        return str(path)
