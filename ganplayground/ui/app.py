"""The page: a header, the class-link panel and four tabs (Train, Duel, Explore, Learn). Each tab builds its own
layout and wires its own events (ui/tabs/); this module only assembles them. `build_demo()` builds the page;
`launch()` serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from .server.playground import Playground
from .tabs.class_links import ClassLinks
from .tabs.duel_tab import DuelTab
from .tabs.explore_tab import ExploreTab
from .tabs.header import Header
from .tabs.learn_tab import LearnTab
from .tabs.train_tab import TrainTab
from .widgets.theme import launch_options


@dataclass
class Page:
    """The page's parts, for tests and benchmarks that call their handlers."""

    header: Header
    links: ClassLinks
    train: TrainTab
    duel: DuelTab
    explore: ExploreTab
    learn: LearnTab


def build_demo(playground: Playground | None = None) -> gr.Blocks:
    """Build the page around a Playground (a new one by default); `demo.page` holds its parts."""
    pg = playground or Playground()
    header, links = Header(pg), ClassLinks()
    with gr.Blocks(title="GAN Playground", delete_cache=(60, 600)) as demo:
        header.build()  # the page's session box, which every tab reads
        links.build()
        s = header.session
        page = Page(header, links, TrainTab(pg, s), DuelTab(pg, s), ExploreTab(pg, s), LearnTab(pg))
        with gr.Tabs(selected="train", elem_id="gp-tabs") as tabs:
            for tab in (page.train, page.duel, page.explore, page.learn):
                tab.build()
        loaded = header.wire(demo, [(page.train.timer, lambda s: s.run is not None),
                                    (page.duel.timer, lambda s: bool(s.duel))])
        links.wire(loaded, tabs, page.train, page.duel)
        page.learn.wire(tabs, page.train.form, page.duel.preset)
    demo.playground, demo.page = pg, page  # type: ignore[attr-defined]
    return demo


def launch(demo: gr.Blocks | None = None, **kwargs: Any) -> gr.Blocks:
    """Serve the page. Keyword arguments go to `gr.Blocks.launch` (server_name, server_port, ...)."""
    demo = demo or build_demo()
    demo.queue(default_concurrency_limit=None)
    demo.launch(**{**launch_options(), **kwargs})
    return demo
