"""Lecture mode: a page for a projector, and its story stepped with buttons and the keyboard.

``?lecture=1`` on any page (or the header's *Lecture mode* button): large fonts for the page
and its plots, the settings folded away, and a story bar above the page: the scene's sentence,
**Back** and **Next** (also ← and →, Page Up and Page Down, which presentation clickers send),
and Space playing or pausing the page. The stories are data (``page_models.lecture``); the
link holds ``story`` and ``scene`` with the page's own settings, so a prepared link reopens the
same scene, and a story may go on to another page (Next there opens that page at its scene).
"""

from __future__ import annotations

import html
import urllib.parse

import panel as pn
import param
from bokeh.themes import Theme
from panel.custom import JSComponent

from ...page_models.lecture import StoryProgress
from .url import UrlSync
from .widgets import text_pane

#: a query value turning lecture mode on
LECTURE_ON = ("1", "true", "yes", "on")
#: playback speeds a lecture opens with (slow enough to narrate), by the player's unit
LECTURE_SPEEDS = {"neuron updates": 8, "sweeps": 1, "time steps": 1}
#: frames per second in lecture mode for players whose whole run is a few dozen frames (a
#: recall race of 8 sweeps is then three seconds, not a third of one)
LECTURE_FRAME_RATES = {"sweeps": 3, "time steps": 8}

#: text sizes for a projector at 1280 × 720 read from the back of a room (about 1.5 × the
#: page's own); the plots' axes, titles and legends through a Bokeh theme of the document
LECTURE_CSS = """
:root, body { --bs-body-font-size: 1.3rem; --bokeh-font-size: 17px; --font-size: 17px;
              font-size: 20px; }
.bk-input, .bk-btn, label, .bk-slider-title { font-size: 18px !important; }
#header .title { font-size: 1.5em; }
"""
LECTURE_THEME = Theme(json={"attrs": {
    "Axis": {"axis_label_text_font_size": "17pt", "major_label_text_font_size": "14pt"},
    "Title": {"text_font_size": "12pt"},
    "Legend": {"label_text_font_size": "14pt", "title_text_font_size": "14pt"},
    "ColorBar": {"major_label_text_font_size": "13pt", "title_text_font_size": "14pt"},
}})
STORY_BAR_CSS = """
:host { background: #fdf6e3; border-left: 6px solid #2f6690; border-radius: 6px; }
"""
#: the scene's sentence and "scene k of n" (inline: a text pane's own shadow root does not
#: see the bar's stylesheet)
CAPTION_STYLE = "font-size:26px;line-height:1.3;color:#1d2b36"
COUNTER_STYLE = "font-size:16px;color:#555;white-space:nowrap;text-align:center"
TITLE_STYLE = "font-size:16px;color:#555;margin-bottom:4px"


def query_argument(args, name: str) -> str:
    """The first value of ``name`` in a request's query arguments (Bokeh's
    ``{name: [bytes]}``), as text; "" when absent."""
    values = args.get(name) or [b""]
    return values[0].decode() if isinstance(values[0], bytes) else str(values[0])


def lecture_requested(args) -> bool:
    """Whether a request's query arguments (Bokeh's ``{name: [bytes]}``) ask for lecture mode."""
    return query_argument(args, "lecture").lower() in LECTURE_ON


class LectureKeys(JSComponent):
    """The keyboard of a lecture: ← → (and Page Up/Down) for Back/Next, Space for Play/Pause.

    Keys typed into a text field, a slider or a menu are left to them. ``go_to``, when set,
    takes the browser to that address (the next scene on another page).
    """

    go_to = param.String("", doc="An address to open (relative to the page).")

    _esm = """
    const KEYS = {ArrowRight: "next", PageDown: "next", ArrowLeft: "back", PageUp: "back",
                  " ": "play"};
    export function render({ model }) {
      const typing = (event) => {
        const target = event.composedPath()[0];
        if (!target || !target.tagName) { return false; }
        const tag = target.tagName.toLowerCase();
        return tag === "input" || tag === "textarea" || tag === "select"
          || target.isContentEditable;
      };
      const onKey = (event) => {
        const action = KEYS[event.key];
        if (!action || event.altKey || event.ctrlKey || event.metaKey || typing(event)) {
          return;
        }
        event.preventDefault();  // Space would scroll the page or press a focused button
        model.send_msg({ action: action });
      };
      document.addEventListener("keydown", onKey);
      model.on("remove", () => document.removeEventListener("keydown", onKey));
      model.on("go_to", () => { if (model.go_to) { window.location.assign(model.go_to); } });
      const el = document.createElement("span");
      el.className = "lecture-keys";
      return el;
    }
    """

    def __init__(self, on_action, **params):
        super().__init__(width=0, height=0, margin=0, **params)
        self._on_action = on_action

    def _handle_msg(self, msg):
        action = msg.get("action") if isinstance(msg, dict) else None
        if action in ("next", "back", "play"):
            self._on_action(action)


class LectureToggle(JSComponent):
    """The header's button turning lecture mode on or off: the same address (every setting
    the page has written into it) with ``lecture`` added or removed, reloaded."""

    lecture = param.Boolean(False)

    _esm = """
    export function render({ model }) {
      const button = document.createElement("button");
      button.className = "lecture-toggle";
      button.textContent = model.lecture ? "Leave lecture mode" : "Lecture mode";
      button.title = "Large type for a projector; the page's story stepped with \u2190 \u2192";
      button.addEventListener("click", () => {
        const params = new URLSearchParams(window.location.search);
        if (model.lecture) { params.delete("lecture"); } else { params.set("lecture", "1"); }
        const query = params.toString();
        window.location.assign(window.location.pathname + (query ? "?" + query : ""));
      });
      return button;
    }
    """

    _stylesheets = ["""
    :host { background: transparent; }
    .lecture-toggle { background: white; color: #2f6690; border: none; border-radius: 4px;
                      width: 100%; height: 100%; margin: 0; font-weight: bold;
                      cursor: pointer; font-size: 15px; }
    """]


def _player_unit(playback) -> str:
    label = playback.param.speed.label or ""
    return next((unit for unit in LECTURE_SPEEDS if unit in label), "")


def slow_for_lecture(playback) -> None:
    """Speeds a lecturer can narrate: recall and races visible over several seconds."""
    if playback is None:
        return
    unit = _player_unit(playback)
    if unit in LECTURE_SPEEDS:
        playback.speed = LECTURE_SPEEDS[unit]
    if unit in LECTURE_FRAME_RATES:
        playback.frame_rate = LECTURE_FRAME_RATES[unit]


def players_of(view) -> list:
    """Every ``Playback`` of a page's view (the view's own, or each tab's)."""
    views = [v for _, v in getattr(view, "parts", [])] or [view]
    return [v.playback for v in views if getattr(v, "playback", None) is not None]


#: chains' markers and lines on a projector, times their usual size
LECTURE_MARKER_SCALE = 1.8


def widen_for_lecture(view) -> None:
    """Every player at a speed to narrate, its sliders wide enough for their titles in the
    lecture's larger type; the chains' markers and tails larger (the explorer's and the
    comparison's landscape plots)."""
    for playback in players_of(view):
        playback.speed_slider.width = 360
        playback.rate_slider.width = 240
        slow_for_lecture(playback)
    if hasattr(view, "marker_scale"):  # the comparison's plots made later (new samplers)
        view.marker_scale = LECTURE_MARKER_SCALE
    if hasattr(view, "for_lecture"):  # a page that sizes its own plots
        view.for_lecture()
    plots = [getattr(view, "plot", None), *getattr(view, "plots", [])]
    for plot in plots:
        if hasattr(plot, "marker_scale"):
            plot.marker_scale = LECTURE_MARKER_SCALE


class StoryBar(pn.viewable.Viewer):
    """A story's scene above the page: its sentence, Back and Next, "scene k of n".

    ``page``: the page's view (``apply_settings(query)``, ``player()``); ``slug``: its path.
    """

    def __init__(self, page, slug: str, story, scene: int = 1, url: UrlSync | None = None):
        super().__init__()
        self.page, self.slug, self.story = page, slug, story
        self.progress = StoryProgress(story, scene=max(1, min(scene, len(story.scenes))))
        self.back_button = pn.widgets.Button(label="◀ Back", width=110, height=44,
                                             color="light")
        self.next_button = pn.widgets.Button(label="Next ▶", width=110, height=44,
                                             color="primary")
        self.back_button.on_click(lambda event: self.step(-1))
        self.next_button.on_click(lambda event: self.step(+1))
        self.caption = text_pane("", margin=(6, 16), sizing_mode="stretch_width")
        self.counter = text_pane("", margin=(2, 6), width=110)
        self.keys = LectureKeys(self._on_key)
        self.url = url
        if url is not None and url.active:
            url.bind(self.progress, {"scene": "scene"}, apply=False)
        self._describe()

    # -- stepping ----------------------------------------------------------------------------
    def step(self, direction: int) -> None:
        """Go ``direction`` (±1) scenes on; on another page, open that page there."""
        target = self.progress.target(direction)
        if target is None:
            return
        scene = self.story.scenes[target - 1]
        if scene.page != self.slug:
            self.keys.go_to = self.address(scene.page, target)
            return
        self.progress.scene = target
        self.show_scene()

    def show_scene(self, keep=()) -> list[str]:
        """Apply the current scene's settings (except the query names in ``keep``: the link's
        own, when a prepared link opens), its speed, and play it if it says so."""
        scene = self.progress.current
        player = self._player()
        if player is not None:
            player.pause()
        query = {k: v for k, v in scene.query().items() if k not in keep}
        refused = self.page.apply_settings(query) if query else []
        player = self._player()
        if player is not None:
            # a prepared link's own speed and frame rate (any tab's: "speed", "race.speed")
            # win over the lecture's and the scene's, as its other settings do
            linked = {name for name in ("speed", "frame_rate")
                      if any(k == name or k.endswith("." + name) for k in keep)}
            kept = {name: getattr(player, name) for name in linked}
            slow_for_lecture(player)
            if scene.speed is not None:
                player.speed = scene.speed
            player.param.update(**kept)
            if refused:
                player.show(f"This scene's settings were not valid here: {', '.join(refused)}")
            if scene.play:
                player.play()
        self._describe()
        return refused

    def _player(self):
        """The page's Play/Pause (None: a page without one)."""
        return self.page.player() if hasattr(self.page, "player") else None

    def address(self, slug: str, scene: int) -> str:
        query = urllib.parse.urlencode({"lecture": 1, "story": self.story.name, "scene": scene})
        return f"./{slug}?{query}"

    def _on_key(self, action: str) -> None:
        if action == "next":
            self.step(+1)
        elif action == "back":
            self.step(-1)
        else:
            player = self._player()
            if player is not None:
                player.pause() if player.playing else player.play()

    def _describe(self) -> None:
        progress = self.progress
        caption = html.escape(progress.current.caption)
        self.caption.value = (f'<div style="{TITLE_STYLE}">{html.escape(self.story.title)}</div>'
                              f'<div class="story-caption" style="{CAPTION_STYLE}">{caption}'
                              "</div>")
        self.counter.value = (f'<div style="{COUNTER_STYLE}">scene {progress.scene} of '
                              f"{progress.count}</div>")
        self.back_button.disabled = progress.target(-1) is None
        self.next_button.disabled = progress.target(+1) is None

    def __panel__(self):
        return pn.Row(pn.Column(self.back_button, self.next_button, self.counter,
                                margin=(6, 6)),
                      self.caption, self.keys,
                      sizing_mode="stretch_width", stylesheets=[STORY_BAR_CSS],
                      margin=(4, 10, 10, 10))
