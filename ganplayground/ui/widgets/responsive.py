"""How the page fits other screens: CSS for phones and tablets (media queries), the projector view of a teacher's
screen (a class on the page's body), the download box shown only when it has a file, and dark-mode fixes. Pure
CSS and one small script; which view a link asks for is classroom/links.py, applying it ui/tabs/class_links.py.
"""

from __future__ import annotations

# The views a link can put the page in: each is a class `gp-<name>` on the page's body (VIEW_JS sets them).
VIEWS = ("simple", "projector")

# After a link is read: the body's view classes, from the space-separated names the server sends.
VIEW_JS = """(views) => {
  const on = (views || "").split(" ");
  for (const name of ["simple", "projector"]) document.body.classList.toggle("gp-" + name, on.includes(name));
}"""

# What the projector view hides: every block of the Train tab that neither is nor holds one of the kept parts, every
# button but Start and Stop, and the page's header, note, share box and tab bar.
_KEPT = ("#start", "#stop", "#loss", "#samples", "#meter", "#status")
_KEPT_LIST = ", ".join(_KEPT)
_NOT_KEPT = "".join(f":not({k})" for k in _KEPT)

# Served in a <style> of the page's head, not through Gradio's `css`: Gradio scopes that CSS inside the page's
# container, and drops the unscoped copy of a rule inside a media query, so rules on the body's view classes, the
# dark mode or the container's own padding would never match on a phone.
CSS = f"""
/* The download box: only once it holds a file (on a phone an empty one pushed the samples a screen down). */
#handin-file:has([aria-label="Empty value"]) {{display: none !important}}
/* Dark mode: the model overview's live arrows and arrowheads are drawn dark; make them light on the dark page. */
.dark .gp-overview line[stroke="#1a1a1a"] {{stroke: #e4e4e7}}
.dark .gp-overview marker path {{fill: #a1a1aa}}

/* Tablets and phones: one column, a compact header, the buttons on one line. */
@media (max-width: 820px) {{
  .gradio-container .main {{padding: 8px 6px !important}}
  #intro h1 {{font-size: 1.5em; margin: 0 0 .2em}}
  #intro p {{font-size: .9em; margin: 0}}
  #train-buttons, .row:has(> #lab-card) {{flex-wrap: nowrap; gap: 6px}}
  #train-buttons > button, #lab-card, #download-model {{min-width: 0 !important; padding-left: 4px; padding-right: 4px}}
  .gp-narrator {{min-height: 0}}
  /* The game's board as wide as the screen and as tall as its picture: a tap maps to the tile under the finger. */
  #game-board {{height: auto !important}}
  #game-board img {{width: 100%; height: auto !important}}
  #samples {{height: min(420px, 48vw) !important}}
  /* Gradio grows the Sketchpad from the top-left corner: a finger that scrolls the page must not draw. */
  canvas {{touch-action: none}}
}}
@media (max-width: 640px) {{
  #samples {{height: min(420px, 92vw) !important}}
  .gp-simple #intro p, .gp-simple #device {{display: none}}
  #intro {{min-width: 0 !important}}
  #language {{min-width: 110px !important}}
  #loss fieldset > div, #loss .wrap {{gap: 4px}}
  #loss label {{padding: 4px 8px !important; font-size: .85em}}
  #preset-info {{font-size: .9em}}
  #link-note {{font-size: .85em}}
}}

/* The projector: a teacher's screen in a lit room. The samples and the meter's verdict big and dark on white; only
   Start, the loss switch and Stop to press. */
.gp-projector #intro p, .gp-projector #device, .gp-projector #language, .gp-projector #link-note,
.gp-projector #show-all, .gp-projector #share, .gp-projector #gp-tabs [role="tablist"],
.gp-projector #preset-info, .gp-projector #narrator, .gp-projector footer {{display: none !important}}
.gp-projector #gp-tabs .block{_NOT_KEPT}:not(:has({_KEPT_LIST})) {{display: none !important}}
.gp-projector #gp-tabs button:not(#start):not(#stop):not(:has(img)) {{display: none !important}}
.gp-projector #loss label {{display: flex !important}}
.gp-projector, .gp-projector .gradio-container {{background: #fff !important; color: #000 !important;
  --body-text-color: #000; --block-background-fill: #fff; --background-fill-primary: #fff}}
.gp-projector .gradio-container {{max-width: 100% !important}}
.gp-projector #intro h1 {{font-size: 1.6em; margin: 0}}
.gp-projector .row:has(> #intro) > :not(#intro) {{display: none !important}}
.gp-projector .column:has(> #train-buttons) {{flex: 0 0 300px !important; min-width: 300px !important}}
.gp-projector #samples {{height: min(76vh, 44vw) !important; flex: 0 0 min(76vh, 44vw) !important;
  border: 2px solid #000}}
.gp-projector .row:has(> #link-note) {{display: none !important}}
.gp-projector #meter h3 {{font-size: 2.6em !important; line-height: 1.2; color: #000 !important}}
.gp-projector #meter p {{font-size: 1.3em !important; line-height: 1.35; color: #000 !important}}
.gp-projector #status p {{font-size: 1.2em !important; color: #000 !important}}
.gp-projector #start, .gp-projector #stop {{font-size: 1.4em; min-height: 3em}}
"""
HEAD = f"<style>{CSS}</style>"
