"""The page: four tabs (Train, Duel, Explore, Learn) wired to `Playground` handlers, one named API
endpoint per action. `build_demo()` builds it; `launch()` serves it.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import gradio as gr

from ..presets import PRESETS
from .server.playground import NUM_SLIDERS, Playground, arch_choices, loss_choices
from .tabs import timeline_panel as timeline
from .tabs.class_links import LinkHandlers, build_link_panel, wire_links
from .tabs.game_panel import build_game
from .tabs.handin import GRADIO_MAX_FILE_SIZE, HandIn
from .tabs.slow_motion import SPEEDS
from .widgets import plots
from .widgets.components import AtomicImage, InlineImage
from .widgets.labels import DUEL_INTRO, LESSONS
from .widgets.meter import coverage_settings, histogram_settings

# Gradio summarises its per-event statistics (a pandas frame of up to 10,000 past events, with
# percentiles) after every single event, by default. In a class that is ~30 events a second, and each
# summary of a full record takes 11 ms here: a third of a core, growing through the lesson. Keep 1,000
# events and summarise every 500. Gradio reads these when `demo.queue()` makes the queue.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "500")

CSS = """
.gp-status {min-height: 3.2em}
.gp-meter h3 {margin: 0}
.gp-narrator {min-height: 2.4em; font-size: 1.05em}
.gp-pixels img {image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain}
#game-result th, #game-result td {white-space: nowrap}
"""
INTRO = ("# GAN Playground\nPress **Start** and watch a generator learn MNIST digits from the same 100 noise "
         "vectors. Flip the **loss** while it trains and watch the mode meter: how many of the ten digits can "
         "it make?")
SAMPLES_HEIGHT = 420
DUEL_BUDGET_SECONDS = 90  # the default duel: long enough for the JS side to collapse (about a minute and a half)
DUEL_LOSSES = ("js", "wgan-gp")  # left, right


def _curve_plot(label: str, colors: dict[str, str], y_title: str = "", **kwargs: Any) -> gr.LinePlot:
    # No fixed height: Gradio then leaves room for the axis titles and the legend (a fixed one clipped
    # them). 3 significant digits on y, whole steps on x. The colours of every series the plot can ever
    # show are fixed here (see plots.py: a series the plot first meets later would not be drawn).
    return gr.LinePlot(x="step", y="value", color="series", label=label, y_title=y_title or None,
                       x_title="step", color_title="", x_axis_format="d", y_axis_format=".3~g", color_map=colors,
                       colors_in_legend=[], **kwargs)


def _coverage_plot(**kwargs: Any) -> gr.LinePlot:
    settings = coverage_settings()
    return _curve_plot(settings["label"], plots.COVERAGE_COLORS, settings["y_title"], y_lim=settings["y_lim"],
                       **kwargs)


def _histogram_plot(**kwargs: Any) -> gr.BarPlot:
    return gr.BarPlot(x="class", y="share", y_lim=[0, 1], y_title="share", **histogram_settings(), **kwargs)


def _duel_presets() -> list[str]:
    """The networks a duel can use: the MNIST presets, the collapse one first."""
    names = [name for name, preset in PRESETS.items() if preset.config.dataset == "mnist"]
    return sorted(names, key=lambda name: name != "collapse")


def build_demo(playground: Playground | None = None) -> gr.Blocks:
    """Build the page around a Playground (a new one by default)."""
    pg = playground or Playground()
    default = PRESETS["default"].config
    with gr.Blocks(title="GAN Playground", delete_cache=(60, 600)) as demo:
        demo.playground = pg  # type: ignore[attr-defined] - for tests and launch()
        token_store = gr.BrowserState("", storage_key="ganplayground-session")
        session = gr.Textbox(visible=False, label="session")
        gr.Markdown(INTRO)
        gr.Markdown(pg.device_text, elem_id="device")
        link_panel = build_link_panel()  # a class link's note, and "Share this set-up" (links.py)

        with gr.Tabs(selected="train", elem_id="gp-tabs") as tabs:
            # --- Train -------------------------------------------------------------------------------
            with gr.Tab("Train", id="train"):
                with gr.Row():
                    with gr.Column(scale=1, min_width=320):
                        preset = gr.Dropdown(choices=pg.preset_choices(), value="default", label="Preset")
                        preset_info = gr.Markdown(f"**default** — {PRESETS['default'].teaches}", elem_id="preset-info")
                        loss = gr.Radio(choices=loss_choices(), value=default.loss,
                                        label="Loss — switch it while training", elem_id="loss")
                        with gr.Row():
                            start = gr.Button("Start", variant="primary", elem_id="start")
                            pause = gr.Button("Pause", elem_id="pause")
                            step = gr.Button("Step", elem_id="step")
                            stop = gr.Button("Stop", variant="stop", elem_id="stop")
                            reset = gr.Button("Reset", elem_id="reset")
                        with gr.Row():  # slow motion (slowmo.py): one D update, one G update, a speed limit
                            d_step = gr.Button("D step", elem_id="d-step")
                            g_step = gr.Button("G step", elem_id="g-step")
                            speed = gr.Radio(choices=SPEEDS, value=0.0, label="Speed", elem_id="speed")
                        change = AtomicImage(label="What the last D or G step changed", format="png", type="numpy",
                                             interactive=False, visible=False, height=320, elem_id="step-change")
                        change_caption = gr.Markdown("", visible=False, elem_id="step-change-caption")
                        restore = gr.Button("Restore last good weights", visible=False, variant="primary")
                        with gr.Row():  # hand-in (ui/handin.py): a PNG to hand in, the model as a zip
                            lab_card = gr.Button("Download lab card", size="sm", elem_id="lab-card")
                            download_model = gr.Button("Download model", size="sm", elem_id="download-model")
                        handin_file = gr.File(label="Your download", interactive=False, height=60,
                                              elem_id="handin-file")
                        with gr.Accordion("Settings", open=False, elem_id="settings") as settings:
                            dataset = gr.Radio(choices=pg.dataset_choices(), value=default.dataset, label="Dataset")
                            arch = gr.Radio(choices=arch_choices(), value=default.arch, label="Architecture")
                            with gr.Row():
                                lr_d = gr.Number(value=default.lr_d, label="Learning rate of D", minimum=1e-6,
                                                 maximum=0.1)
                                lr_g = gr.Number(value=default.lr_g, label="Learning rate of G", minimum=1e-6,
                                                 maximum=0.1)
                            batch = gr.Slider(8, 512, value=default.batch_size, step=8, label="Batch size")
                            latent = gr.Slider(2, 256, value=default.latent_dim, step=1, label="Latent size")
                            critic = gr.Slider(1, 10, value=default.critic_steps, step=1,
                                               label="Critic steps per generator step")
                            seed = gr.Number(value=default.seed, precision=0, label="Seed", minimum=0)
                            budget = gr.Slider(10, 900, value=default.max_seconds, step=10,
                                               label="Time budget (seconds)")
                    with gr.Column(scale=2):
                        status = gr.Markdown("Ready. Pick a preset and press **Start**.", elem_classes="gp-status",
                                             elem_id="status")
                        narrator = gr.Markdown("", elem_classes="gp-narrator", elem_id="narrator")
                        with gr.Row():
                            samples = AtomicImage(label="Samples from fixed noise", format="png", type="numpy",
                                                  interactive=False, height=SAMPLES_HEIGHT, elem_id="samples",
                                                  elem_classes="gp-pixels")
                            with gr.Column():
                                meter = gr.Markdown("", elem_classes="gp-meter", elem_id="meter")
                                hist = _histogram_plot(elem_id="histogram")
                                coverage_plot = _coverage_plot(elem_id="coverage")
                with gr.Row():  # the whole width: a legend is one row, and a loss switch adds entries to it
                    loss_plot = _curve_plot("Losses of D and G (colour = loss in force)", plots.LOSS_COLORS,
                                            elem_id="losses")
                    dout_plot = _curve_plot("D(real), D(fake), Wasserstein estimate", plots.D_OUTPUT_COLORS,
                                            elem_id="d-outputs")
                train_timer = gr.Timer(1.0, active=False)
                train_seen = gr.State(None)
                timeline.add_train_timeline(pg, session, clear_on=[start, reset])

            # --- Duel --------------------------------------------------------------------------------
            with gr.Tab("Duel", id="duel"):
                gr.Markdown(DUEL_INTRO)
                with gr.Row():
                    duel_preset = gr.Dropdown(choices=[(p, p) for p in _duel_presets()], value=_duel_presets()[0],
                                              label="Networks (preset)")
                    duel_loss_left = gr.Radio(choices=loss_choices(), value=DUEL_LOSSES[0], label="Left loss")
                    duel_loss_right = gr.Radio(choices=loss_choices(), value=DUEL_LOSSES[1], label="Right loss")
                with gr.Row():
                    duel_seed = gr.Number(value=0, precision=0, label="Seed", minimum=0)
                    duel_budget = gr.Slider(10, 900, value=DUEL_BUDGET_SECONDS, step=10, label="Time budget (seconds)",
                                            elem_id="duel-budget")
                    duel_start = gr.Button("Start duel", variant="primary", elem_id="duel-start")
                    duel_stop = gr.Button("Stop duel", variant="stop", elem_id="duel-stop")
                duel_outputs: list[Any] = []  # per side, in the order of handlers.DUEL_SIDE_OUTPUTS
                with gr.Row():
                    for side in ("left", "right"):
                        with gr.Column():
                            d_status = gr.Markdown("", elem_classes="gp-status", elem_id=f"duel-status-{side}")
                            d_narrator = gr.Markdown("", elem_classes="gp-narrator", elem_id=f"duel-narrator-{side}")
                            d_image = AtomicImage(label=f"Samples ({side})", format="png", type="numpy",
                                                  interactive=False, height=360, elem_classes="gp-pixels")
                            d_meter = gr.Markdown("", elem_classes="gp-meter", elem_id=f"duel-meter-{side}")
                            d_hist = _histogram_plot(elem_id=f"duel-histogram-{side}")
                            d_coverage = _coverage_plot(elem_id=f"duel-coverage-{side}")
                            d_losses = _curve_plot("Losses", plots.LOSS_COLORS, elem_id=f"duel-losses-{side}")
                            duel_outputs.append((d_image, d_losses, d_hist, d_meter, d_coverage, d_narrator,
                                                 d_status))
                duel_timer = gr.Timer(1.0, active=False)
                duel_seen = gr.State(None)
                timeline.add_duel_gif(pg, session)

            # --- Explore -----------------------------------------------------------------------------
            with gr.Tab("Explore", id="explore") as explore_tab:
                gr.Markdown("Drag the sliders to move through a trained generator's latent space. *Principal "
                            "directions* change the digit the most; *raw dimensions* are the first entries of z.")
                models = pg.model_choices()
                model = gr.Dropdown(choices=models, value="default" if "default" in models else models[0],
                                    label="Model")
                model_info = gr.Markdown("")
                with gr.Accordion("Upload a model", open=False, elem_id="upload-accordion"):
                    upload = gr.File(label="The .zip from Download model, or model.safetensors with its config.json",
                                     file_count="multiple", file_types=[".zip", ".safetensors", ".json"],
                                     elem_id="upload-model")
                    upload_note = gr.Markdown("Safetensors only (never pickles), up to 16 MB; the model joins the "
                                              "list above for this browser tab only.", elem_id="upload-note")
                with gr.Row():
                    with gr.Column():
                        with gr.Row():
                            x_seed = gr.Number(value=0, precision=0, label="Seed", minimum=0)
                            randomize = gr.Button("Randomize")
                        digit = gr.Slider(0, 9, value=3, step=1, label="Digit (conditional models)", visible=False)
                        kind = gr.Radio([("Principal directions", "principal"), ("Raw dimensions", "raw")],
                                        value="principal", label="Slider directions")
                        sliders = [gr.Slider(-3, 3, value=0, step=0.05, label=f"Direction {i + 1}",
                                             elem_id=f"latent-{i + 1}") for i in range(NUM_SLIDERS)]
                    with gr.Column():
                        digit_image = InlineImage(label="Generated digit", format="png", type="numpy",
                                                interactive=False, height=300, elem_id="digit")
                gr.Markdown("### Interpolation between two seeds")
                with gr.Row():
                    seed_a = gr.Number(value=1, precision=0, label="Seed A", minimum=0)
                    seed_b = gr.Number(value=2, precision=0, label="Seed B", minimum=0)
                    interpolate = gr.Button("Interpolate")
                strip = AtomicImage(label="From A to B", format="png", type="numpy", interactive=False, height=140)

            # --- Learn -------------------------------------------------------------------------------
            with gr.Tab("Learn", id="learn"):
                lesson_buttons = []
                for n, lesson in enumerate(LESSONS, start=1):
                    with gr.Row(elem_id=f"lesson-{n}"):  # a class link's ?lesson=N scrolls here
                        with gr.Column(scale=2):
                            gr.Markdown(f"### {lesson['title']}\n{lesson['text']}")
                            lesson_buttons.append(gr.Button(lesson["button"]))
                        with gr.Column(scale=1):
                            gr.Image(value=pg.lesson_picture(lesson["image"]), format="png", interactive=False,
                                     show_label=False, height=260)
                    if "story" in lesson:  # the run over time, full width under the lesson
                        gr.Image(value=pg.lesson_story(lesson["story"]), format="png", interactive=False,
                                 label=f"One run of the {lesson['preset']} preset over time", height=230)
                build_game()  # "Be the discriminator" (ui/game.py): its controls and events

        # --- events --------------------------------------------------------------------------------------
        form = [preset, dataset, loss, arch, lr_d, lr_g, batch, latent, critic, seed, budget]
        form_fields = [dataset, loss, arch, lr_d, lr_g, batch, latent, critic, seed, budget, preset_info]
        poll_outputs = [samples, loss_plot, dout_plot, hist, meter, coverage_plot, status, pause, restore, narrator,
                        train_timer, train_seen]
        live = {"show_progress": "hidden", "concurrency_limit": None}

        loaded = demo.load(pg.on_load, inputs=[token_store], outputs=[token_store, session, train_timer, duel_timer],
                           api_visibility="private")
        wire_links(loaded, LinkHandlers(pg, _duel_presets(), hidden=6), link_panel, tabs=tabs, session=session,
                   form=form, form_fields=form_fields,
                   duel_form=[duel_preset, duel_loss_left, duel_loss_right, duel_seed, duel_budget],
                   train_outputs=[status, train_timer],
                   duel_outputs=[duel_outputs[0][-1], duel_outputs[1][-1], duel_timer],
                   hidden=[settings, step, reset, d_step, g_step, speed])
        demo.unload(pg.on_unload)

        preset.input(pg.on_preset, inputs=[preset], outputs=form_fields, api_name="preset")
        start.click(pg.on_start, inputs=[session, *form], outputs=[status, train_timer], api_name="start")
        pause.click(pg.on_toggle_pause, inputs=[session], outputs=[status, pause], api_name="toggle_pause")
        gr.api(pg.on_pause, api_name="pause")
        gr.api(pg.on_resume, api_name="resume")
        step.click(pg.on_step, inputs=[session, *form], outputs=[status, pause, train_timer], api_name="step")
        stop.click(pg.on_stop, inputs=[session], outputs=[status], api_name="stop")
        reset.click(pg.on_reset, inputs=[session],
                    outputs=[samples, loss_plot, dout_plot, hist, meter, coverage_plot, status, pause, narrator,
                             train_timer, train_seen],
                    api_name="reset")
        step_outputs = [samples, change, change_caption, status, pause, train_timer]
        d_step.click(pg.on_d_step, inputs=[session, *form], outputs=step_outputs, api_name="d_step")
        g_step.click(pg.on_g_step, inputs=[session, *form], outputs=step_outputs, api_name="g_step")
        speed.input(pg.on_speed, inputs=[session, speed], outputs=[status], api_visibility="private")
        gr.api(pg.on_speed, api_name="speed")
        for button in (start, reset):  # a new or forgotten run: the last step's change picture goes
            button.click(lambda: (gr.update(visible=False), gr.update(visible=False)), outputs=[change, change_caption],
                         api_visibility="private", show_progress="hidden")
        restore.click(pg.on_restore, inputs=[session], outputs=[status], api_name="restore")
        loss.input(pg.on_switch_loss, inputs=[session, loss], outputs=[status], api_name="switch_loss")
        train_timer.tick(pg.on_poll, inputs=[session, train_seen], outputs=poll_outputs, api_name="poll", **live)

        duel_flat = [c for side in duel_outputs for c in side]
        duel_start.click(pg.on_duel_start, inputs=[session, duel_preset, duel_loss_left, duel_loss_right, duel_seed,
                                                     duel_budget],
                         outputs=[duel_outputs[0][-1], duel_outputs[1][-1], duel_timer], api_name="duel_start")
        duel_stop.click(pg.on_duel_stop, inputs=[session], outputs=[duel_outputs[0][-1], duel_outputs[1][-1]],
                        api_name="duel_stop")
        duel_timer.tick(pg.on_duel_poll, inputs=[session, duel_seen], outputs=[*duel_flat, duel_timer, duel_seen],
                        api_name="duel_poll", **live)

        latent_inputs = [session, model, x_seed, digit, kind, *sliders]
        explore_outputs = [digit, *sliders, digit_image, model_info]
        model.input(pg.on_explore_model, inputs=[session, model], outputs=explore_outputs, api_name="explore_model")
        explore_tab.select(pg.on_explore_model, inputs=[session, model], outputs=explore_outputs,
                           api_visibility="private")
        for i, control in enumerate([*sliders, x_seed, digit, kind]):
            control.input(pg.on_latent, inputs=latent_inputs, outputs=[digit_image], trigger_mode="always_last",
                          api_name="latent" if i == 0 else None, api_visibility="public" if i == 0 else "private",
                          **live)
        randomize.click(pg.on_randomize, inputs=[session, model, digit, kind],
                        outputs=[x_seed, *sliders, digit_image], api_name="randomize", **live)
        interpolate.click(pg.on_interpolate, inputs=[session, model, seed_a, seed_b, digit], outputs=[strip],
                          api_name="interpolate", **live)

        handin = HandIn(pg)
        demo.handin = handin  # type: ignore[attr-defined] - for tests
        once = {"concurrency_limit": 2}  # a card takes ~1 s of CPU: a class clicking at once queues
        lab_card.click(handin.on_lab_card, inputs=[session], outputs=[handin_file], api_name="lab_card", **once)
        download_model.click(handin.on_download_model, inputs=[session], outputs=[handin_file],
                             api_name="download_model", **once)
        upload.upload(handin.on_upload, inputs=[session, upload], outputs=[model, upload_note, upload],
                      api_name="upload_model", **once).success(
            pg.on_explore_model, inputs=[session, model], outputs=explore_outputs, api_visibility="private")
        session.change(handin.on_models, inputs=[session, model], outputs=[model], api_visibility="private")

        for i, button in enumerate(lesson_buttons):
            button.click(functools.partial(pg.on_lesson, i), inputs=None,
                         outputs=[tabs, preset, *form_fields, duel_preset], api_name=f"lesson_{i + 1}")
        gr.api(pg.on_new_session, api_name="new_session")
    return demo


def launch(demo: gr.Blocks | None = None, **kwargs: Any) -> gr.Blocks:
    """Serve the page. Keyword arguments go to `gr.Blocks.launch` (server_name, server_port, ...)."""
    demo = demo or build_demo()
    demo.queue(default_concurrency_limit=None)
    options = {"theme": gr.themes.Soft(), "css": CSS, "run_history": False, "footer_links": ["api"],
               "max_file_size": GRADIO_MAX_FILE_SIZE, "show_error": True}
    options.update(kwargs)
    demo.launch(**options)
    return demo
