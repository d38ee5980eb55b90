"""Handing work in and bringing a model back: **Download lab card** and **Download model** on the Train tab,
**Upload a model** on the Explore tab. Page events -> labcard.py and bundles.py calls.

Files are written only under this page's own temporary folder (a fresh one per server, pruned as it goes);
an uploaded model joins that browser session's Explore list, never anyone else's.
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
from typing import Any

import gradio as gr

from ...config import TOY_DATASETS
from ...export.bundles import MAX_UPLOAD_BYTES, BundleError, read_upload, zip_trainer
from ...export.card_facts import facts_from_trainer
from ...export.labcard import save_card
from ...export.recipe import closest_preset
from ..server.sessions import Run

MAX_UPLOADS = 4  # models one session keeps uploaded (the oldest goes first)
KEEP_SECONDS = 600  # a card or a zip stays on disk this long (Gradio copies it into its cache at once)
GRADIO_MAX_FILE_SIZE = "20mb"  # above the engine's 16 MB cap, so a file between the two gets its plain message
UPLOAD_PREFIX = "Uploaded: "


class HandIn:
    """The hand-in handlers of one Playground (sessions, runs) with a private folder for the files they make."""

    def __init__(self, playground: Any) -> None:
        self.pg = playground
        self.folder = Path(tempfile.mkdtemp(prefix="ganplayground-handin-"))
        self._lock = threading.Lock()
        atexit.register(self.close)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _new_file(self, name: str) -> Path:
        """A fresh path for a file called `name` (in its own subfolder: two students get two files);
        files older than KEEP_SECONDS are removed first."""
        now = time.time()
        with self._lock:
            for old in self.folder.iterdir():
                with contextlib.suppress(OSError):  # an upload's folder may vanish meanwhile (bundles.py)
                    if now - old.stat().st_mtime > KEEP_SECONDS:
                        shutil.rmtree(old, ignore_errors=True)
            sub = Path(tempfile.mkdtemp(dir=self.folder))
        return sub / name

    def _finished_enough(self, token: Any) -> tuple[Run, Any]:
        run = self.pg._run(token)
        snap = run.latest
        if snap is None or snap.step == 0:
            raise gr.Error("Nothing trained yet: wait for the first samples (or press Step), then try again.",
                           print_exception=False)
        return run, snap

    # --- Train tab --------------------------------------------------------------------------------------
    def on_lab_card(self, token: Any) -> str:
        """The lab card of this session's run (as it is now) as a PNG file."""
        run, snap = self._finished_enough(token)
        session = self.pg._session(token)
        with run.trainer.between_steps():
            facts = facts_from_trainer(run.trainer, snap, start_config=session.config)
        return str(save_card(facts, self._new_file(f"lab-card-step{snap.step}.png")))

    def on_download_model(self, token: Any) -> str:
        """This session's model (weights, config, history) as a zip Explore can load again."""
        run, snap = self._finished_enough(token)
        session = self.pg._session(token)
        start = session.config or run.trainer.config
        info = {"preset": closest_preset(start), "trained_on": snap.device, "date": time.strftime("%Y-%m-%d"),
                "status": run.trainer.status, "start_config": start.to_dict(), "made_with": "the page"}
        path = self._new_file(f"gan-model-step{snap.step}.zip")
        with run.trainer.between_steps():  # consistent weights while the run trains on in its thread
            zip_trainer(run.trainer, path, info=info)
        return str(path)

    # --- Explore tab ------------------------------------------------------------------------------------
    def on_upload(self, token: Any, files: Any) -> tuple[Any, str, None]:
        """Load an uploaded model (a zip, or a .safetensors with its config.json) into this session's Explore
        list and select it. Outputs: the model dropdown, a note, the emptied upload box (ready for the next)."""
        session = self.pg._session(token)
        paths = _paths(files)
        try:
            saved = read_upload(paths, [p.name for p in paths], workdir=self.folder, max_bytes=MAX_UPLOAD_BYTES)
        except BundleError as exc:
            raise gr.Error(f"That upload was not loaded: {exc}.", print_exception=False) from None
        if saved.config.dataset in TOY_DATASETS:
            raise gr.Error("That model draws points of a 2-D toy; Explore draws digits. Load it with the command "
                           "line (python -m ganplayground sample) instead.", print_exception=False)
        name = _display_name(paths[0].name, session.uploads)
        with session.lock:
            session.uploads[name] = saved
            while len(session.uploads) > MAX_UPLOADS:
                session.uploads.pop(next(iter(session.uploads)))
        c = saved.config
        note = (f"Loaded **{name}**: {c.arch.upper()}, loss {c.loss}, latent size {c.latent_dim}, {saved.step:,} "
                "steps. It is in the Model list for this browser tab only.")
        return gr.update(choices=self.pg.model_choices(token), value=name), note, None

    def on_models(self, token: Any, current: Any) -> Any:
        """The Explore list for this session (after a refresh: the uploads are still there)."""
        choices = self.pg.model_choices(token)
        return gr.update(choices=choices) if current in choices else gr.update(choices=choices, value=choices[0])


def _paths(files: Any) -> list[Path]:
    """Uploaded file paths from a File component's value (a path, a list of them, or file dicts from the API)."""
    if files is None or files == []:
        raise gr.Error("No file arrived: choose a .zip from Download model, or a .safetensors with its config.json.",
                       print_exception=False)
    items = files if isinstance(files, list) else [files]
    paths = []
    for item in items:
        path = item.get("path") if isinstance(item, dict) else getattr(item, "path", item)
        if not isinstance(path, str):
            raise gr.Error("An upload must be a file.", print_exception=False)
        paths.append(Path(path))
    return paths


def _display_name(filename: str, taken: dict[str, Any]) -> str:
    """A label for the Model list from the file's name (shown, never used as a path)."""
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "", Path(filename).stem)[:40].strip() or "model"
    name = f"{UPLOAD_PREFIX}{stem}"
    i = 2
    while name in taken:
        name, i = f"{UPLOAD_PREFIX}{stem} ({i})", i + 1
    return name
