"""Stories: short sequences of scenes a lecturer steps through, one sentence each.

A story is data, a TOML file (``landscape_app/assets/stories/*.toml``, or a lecturer's own
folder, see ``story_folders``)::

    title = "Samplers on the Müller–Brown potential"
    page = "explorer"                 # where its scenes open unless a scene says otherwise

    [[scene]]
    caption = "Gradient descent rolls into the nearest minimum and stays there."
    settings = { landscape = "muller_brown", sampler = "GradientDescent", n_chains = 12 }
    play = true                       # start playing when the scene opens
    speed = 2                         # steps (sweeps) per frame while it plays

A scene's ``settings`` are the page's URL settings, under the names the page's address shows
(open a page, set it up, and copy the query of its address into a scene); a scene sets the
settings it names and leaves the others as they are. ``page`` and ``tab`` are optional.
Checked when loaded: a story that does not follow this form is refused with a ``ValueError``
naming the file and what is wrong. No Panel here.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import param

#: the stories shipped with the app
STORIES_FOLDER = Path(__file__).resolve().parent.parent / "assets" / "stories"
#: environment variable naming a lecturer's folders of stories (``os.pathsep``-separated)
STORIES_VARIABLE = "LANDSCAPE_APP_STORIES"
#: limits that keep a hand-written (or hostile) file from holding up the server
MAX_SCENES = 50
MAX_CAPTION = 400
MAX_FILE_BYTES = 100_000
SCENE_KEYS = {"caption", "settings", "page", "play", "speed"}
STORY_KEYS = {"title", "page", "scene", "description"}


@dataclass(frozen=True)
class Scene:
    """One scene: the sentence shown, the page it opens on and the settings it applies."""

    caption: str
    page: str
    settings: dict = field(default_factory=dict)
    play: bool = False
    speed: int | None = None

    def query(self) -> dict[str, str]:
        """The settings as a URL query: strings as they are, other values as JSON."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.settings.items()}


@dataclass(frozen=True)
class Story:
    name: str
    title: str
    scenes: tuple[Scene, ...]
    description: str = ""

    @property
    def page(self) -> str:
        """The page the story opens on (its first scene's)."""
        return self.scenes[0].page


def _scene(raw, default_page: str, where: str) -> Scene:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a scene is a table ([[scene]]), not {type(raw).__name__}")
    unknown = set(raw) - SCENE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (a scene has "
                         f"{sorted(SCENE_KEYS)})")
    caption = raw.get("caption")
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError(f"{where}: every scene needs a caption (one sentence)")
    if len(caption) > MAX_CAPTION:
        raise ValueError(f"{where}: the caption is longer than {MAX_CAPTION} characters")
    settings = raw.get("settings", {})
    if not isinstance(settings, dict):
        raise ValueError(f"{where}: settings is a table of the page's URL settings")
    for key, value in settings.items():
        if not isinstance(value, (str, int, float, bool, list)):
            raise ValueError(f"{where}: the setting {key!r} is a {type(value).__name__}; "
                             "use text, a number, true/false or a list")
    page = raw.get("page", default_page)
    if not isinstance(page, str) or not page:
        raise ValueError(f"{where}: no page (give the story or the scene a page)")
    play = raw.get("play", False)
    if not isinstance(play, bool):
        raise ValueError(f"{where}: play is true or false")
    speed = raw.get("speed")
    if speed is not None and (isinstance(speed, bool) or not isinstance(speed, int)
                              or not 1 <= speed <= 500):
        raise ValueError(f"{where}: speed is a whole number of steps per frame, 1 to 500")
    return Scene(caption.strip(), page, dict(settings), play, speed)


def parse_story(text: str, name: str, pages=None) -> Story:
    """The story in TOML ``text``; ``pages``: the known page slugs, to check scenes against."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ValueError(f"story {name!r}: larger than {MAX_FILE_BYTES // 1000} kB")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"story {name!r}: not valid TOML ({error})") from None
    unknown = set(raw) - STORY_KEYS
    if unknown:
        raise ValueError(f"story {name!r}: unknown keys {sorted(unknown)} (a story has "
                         f"{sorted(STORY_KEYS)})")
    title = raw.get("title", name)
    if not isinstance(title, str):
        raise ValueError(f"story {name!r}: the title is text")
    scenes = raw.get("scene", [])
    if not isinstance(scenes, list) or not scenes:
        raise ValueError(f"story {name!r}: no scenes (write them as [[scene]] tables)")
    if len(scenes) > MAX_SCENES:
        raise ValueError(f"story {name!r}: more than {MAX_SCENES} scenes")
    default_page = raw.get("page", "")
    parsed = tuple(_scene(s, default_page, f"story {name!r}, scene {i + 1}")
                   for i, s in enumerate(scenes))
    if pages is not None:
        for i, scene in enumerate(parsed):
            if scene.page not in pages:
                raise ValueError(f"story {name!r}, scene {i + 1}: no page {scene.page!r} "
                                 f"(pages: {', '.join(pages)})")
    return Story(name, title, parsed, str(raw.get("description", "")))


def story_folders() -> list[Path]:
    """The shipped stories' folder, then each folder named in ``LANDSCAPE_APP_STORIES``
    (a story there replaces a shipped one of the same name)."""
    extra = [Path(p) for p in os.environ.get(STORIES_VARIABLE, "").split(os.pathsep) if p]
    return [STORIES_FOLDER, *extra]


def load_stories(folders=None, pages=None) -> dict[str, Story]:
    """Every story of ``folders`` (default ``story_folders()``) by name (the file's stem),
    in file-name order; a file that is not a valid story raises ``ValueError``."""
    stories = {}
    for folder in folders if folders is not None else story_folders():
        folder = Path(folder)
        if not folder.is_dir():
            raise ValueError(f"no folder of stories at {folder}")
        for path in sorted(folder.glob("*.toml")):
            stories[path.stem] = parse_story(path.read_text(encoding="utf-8"), path.stem, pages)
    return stories


def story_for_page(stories: dict[str, Story], page: str) -> Story | None:
    """The first story that opens on ``page``, else the first with a scene there."""
    for story in stories.values():
        if story.page == page:
            return story
    for story in stories.values():
        if any(s.page == page for s in story.scenes):
            return story
    return None


class StoryProgress(param.Parameterized):
    """Where a lecture stands in its story: ``scene`` counts from 1 (as the URL shows it)."""

    scene = param.Integer(1, bounds=(1, None), doc="The scene shown, from 1.")

    def __init__(self, story: Story, **params):
        super().__init__(**params)
        self.story = story
        self.param.scene.bounds = (1, len(story.scenes))
        if self.scene > len(story.scenes):
            self.scene = len(story.scenes)

    @property
    def current(self) -> Scene:
        return self.story.scenes[self.scene - 1]

    @property
    def count(self) -> int:
        return len(self.story.scenes)

    def target(self, step: int) -> int | None:
        """The scene ``step`` away (±1), or None past either end."""
        scene = self.scene + step
        return scene if 1 <= scene <= self.count else None
