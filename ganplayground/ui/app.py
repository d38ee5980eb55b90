"""The page: a header, the class-link panel and five tabs (Train, Duel, Explore, Learn, Class). Each tab builds its own
layout and wires its own events (ui/tabs/); this module only assembles them. `build_demo()` builds the page;
`launch()` serves it, in the visitor's language
(widgets/translate.py, server/page_language.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from .server.class_routes import class_router
from .server.page_language import PageLanguage
from .server.playground import Playground
from .tabs.class_links import ClassLinks
from .tabs.class_tab import ClassTab
from .tabs.duel_tab import DuelTab
from .tabs.explore_tab import ExploreTab
from .tabs.header import Header
from .tabs.learn_tab import LearnTab
from .tabs.train_tab import TrainTab
from .widgets.overview import overview_html
from .widgets.theme import launch_options
from .widgets.translate import LocalizedBlocks, page_i18n


@dataclass
class Page:
    """The page's parts, for tests and benchmarks that call their handlers."""

    header: Header
    links: ClassLinks
    train: TrainTab
    duel: DuelTab
    explore: ExploreTab
    learn: LearnTab
    klass: ClassTab


def build_demo(playground: Playground | None = None) -> gr.Blocks:
    """Build the page around a Playground (a new one by default); `demo.page` holds its parts."""
    pg = playground or Playground()
    header, links = Header(pg), ClassLinks()
    with LocalizedBlocks(title="GAN Playground", delete_cache=(60, 600)) as demo:
        header.build()  # the page's session box, which every tab reads
        links.build()
        s = header.session
        train = TrainTab(pg, s)
        page = Page(header, links, train, DuelTab(pg, s, train.form), ExploreTab(pg, s), LearnTab(pg),
                    ClassTab(pg, s, train))
        page.klass.build_state()
        with gr.Tabs(selected="train", elem_id="gp-tabs") as tabs:
            for tab in (page.train, page.duel, page.explore, page.learn, page.klass):
                tab.build()
        loaded = header.wire(demo, [(page.train.timer, lambda s: s.run is not None),
                                    (page.duel.timer, lambda s: bool(s.duel))],
                             texts=[(page.train.slow_motion.overview, lambda: overview_html(None)),
                                    (page.klass.where, page.klass.where_text), *page.learn.stories])
        joined = page.klass.wire_open(loaded, tabs)  # a class link joins before the link's set-up can autostart
        links.wire(joined, tabs, page.train, page.duel)
        page.learn.wire(tabs, page.train.form, page.duel.preset, page.train.draw, s)
    demo.playground, demo.page = pg, page  # type: ignore[attr-defined]
    return demo


def launch(demo: gr.Blocks | None = None, **kwargs: Any) -> gr.Blocks:
    """Serve the page and, beside it on the same server, the class's JSON API (/api/classes, server/class_routes.py).
    Keyword arguments go to `gr.Blocks.launch` (server_name, server_port, prevent_thread_lock, ...)."""
    demo = demo or build_demo()
    demo.queue(default_concurrency_limit=None)
    # The class's routes go into the app Gradio builds, so they answer from the server's first request on.
    app_kwargs = dict(kwargs.pop("app_kwargs", None) or {})
    routes = class_router(demo.playground.classes).routes  # type: ignore[attr-defined]
    app_kwargs["routes"] = [*app_kwargs.get("routes", []), *routes]
    app_kwargs["middleware"] = [*app_kwargs.get("middleware", []), Middleware(PageLanguage)]  # the labels' language
    demo.launch(**{**launch_options(), "i18n": page_i18n(), **kwargs, "app_kwargs": app_kwargs})
    return demo
