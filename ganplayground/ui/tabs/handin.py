"""Handing work in, on the Train tab: **Download lab card** (one PNG of the run) and **Download model** (a zip
Explore and the command line can load again). Page events -> export/labcard.py and export/bundles.py calls; the
files go to the server's downloads folder (server/downloads.py).
"""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from ...export.bundles import zip_trainer
from ...export.card_facts import facts_from_trainer
from ...export.labcard import save_card
from ...export.recipe import closest_preset
from ...i18n import _
from ...train.snapshots import Snapshot
from ..server.playground import Playground
from ..server.runs import Run
from ..widgets.translate import L_

ONCE = {"concurrency_limit": 2}  # a card takes ~1 s of CPU: a class clicking at once queues


class HandIn:
    """The Train tab's hand-in buttons and the file box they fill."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg

    def build_train_buttons(self) -> None:
        with gr.Row():
            self.lab_card = gr.Button(L_("Download lab card"), size="sm", elem_id="lab-card")
            self.download_model = gr.Button(L_("Download model"), size="sm", elem_id="download-model")
        self.file = gr.File(label=L_("Your download"), interactive=False, height=60, elem_id="handin-file")

    def wire_train_buttons(self, session: gr.Textbox) -> None:
        self.lab_card.click(self.on_lab_card, inputs=[session], outputs=[self.file], api_name="lab_card", **ONCE)
        self.download_model.click(self.on_download_model, inputs=[session], outputs=[self.file],
                                  api_name="download_model", **ONCE)

    def _trained(self, token: Any) -> tuple[Run, Snapshot]:
        run = self.pg.run(token)
        snap = run.latest
        if snap is None or snap.step == 0:
            raise gr.Error(_("Nothing trained yet: wait for the first samples (or press Step), then try again."),
                           print_exception=False)
        return run, snap

    def lab_card_file(self, token: Any) -> str:
        """The lab card of this session's run (as it is now): the path of a PNG."""
        run, snap = self._trained(token)
        session = self.pg.session(token)
        with run.trainer.between_steps():
            facts = facts_from_trainer(run.trainer, snap, start_config=session.config)
        return str(save_card(facts, self.pg.downloads.new_file(f"lab-card-step{snap.step}.png")))

    def model_file(self, token: Any) -> str:
        """This session's model (weights, config, history): the path of a zip Explore can load again."""
        run, snap = self._trained(token)
        start = self.pg.session(token).config or run.trainer.config
        info = {"preset": closest_preset(start), "trained_on": snap.device, "date": time.strftime("%Y-%m-%d"),
                "status": run.trainer.status, "start_config": start.to_dict(), "made_with": "the page"}
        path = self.pg.downloads.new_file(f"gan-model-step{snap.step}.zip")
        with run.trainer.between_steps():  # consistent weights while the run trains on in its thread
            zip_trainer(run.trainer, path, info=info)
        return str(path)

    def on_lab_card(self, token: Any) -> dict[Any, Any]:
        return {self.file: self.lab_card_file(token)}

    def on_download_model(self, token: Any) -> dict[Any, Any]:
        return {self.file: self.model_file(token)}
