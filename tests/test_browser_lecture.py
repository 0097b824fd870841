"""Lecture mode in a real Chromium: the landing gallery, ``?lecture=1`` on every page, the
story stepped with the buttons and the keyboard, and prepared links reopening their scene."""

import urllib.parse

import pytest
from test_browser_app import address, stable_step_count, step_count, wait_for

from landscape_app.app import pages as _pages  # noqa: F401  (registers the pages)
from landscape_app.app.shell import PAGES
from landscape_app.page_models.lecture import load_stories

pytestmark = pytest.mark.browser

SLUGS = [p.slug for p in PAGES]


def query_of(page) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(address(page)).query))


def caption(page) -> str:
    return page.locator(".story-caption").first.inner_text()


def open_lecture(page, url):
    page.goto(url)
    page.wait_for_selector(".story-caption", timeout=90_000)
    page.wait_for_selector("canvas", timeout=90_000)
    # the scene is applied once the page has loaded: its number reaches the address
    assert wait_for(lambda: "scene" in query_of(page), timeout=30)
    return page


def test_the_landing_page_lists_every_page_and_opens_each(page, app_url):
    page.goto(app_url + "/")
    cards = page.locator("article.card")
    assert cards.count() == len(PAGES)
    for entry in PAGES:
        card = page.locator(f'article.card[data-page="{entry.slug}"]')
        assert entry.title in card.inner_text() and entry.description in card.inner_text()
        # its picture arrives (served by the app itself)
        assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    for entry in PAGES:
        page.goto(app_url + "/")
        page.locator(f'article.card[data-page="{entry.slug}"] a.open').click()
        page.wait_for_selector("canvas", timeout=90_000)
        assert urllib.parse.urlparse(address(page)).path == f"/{entry.slug}"
    assert page.console_errors == []


@pytest.mark.parametrize("slug", SLUGS)
def test_lecture_mode_shows_the_projector_layout(page, app_url, slug):
    """Large type, settings folded away, the story bar with its sentence; every header link
    and the toggle within a 1280-pixel projector (with eight pages the toggle was cut at the
    right edge); the toggle leaves."""
    page.set_viewport_size({"width": 1280, "height": 720})
    open_lecture(page, f"{app_url}/{slug}?lecture=1")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 20
    assert len(caption(page)) > 20
    if slug in ("explorer", "compare", "synaptic-sampling", "saddles", "plasticity",
                "stiff"):  # sidebar
        assert not page.locator("#sidebar").is_visible() or page.evaluate(
            "() => document.querySelector('#sidebar').getBoundingClientRect().width < 10")
    else:  # each tab's settings in a closed card
        # the scene may switch tab after the load: wait for that tab's card to show
        assert wait_for(lambda: page.locator('text="Settings" >> visible=true').count() > 0,
                        timeout=30)
    toggle = page.get_by_role("button", name="Leave lecture mode")
    box = toggle.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280, box
    links = page.locator("#header a:visible, header a:visible")
    assert all(b["x"] + b["width"] <= 1280 for b in
               (links.nth(i).bounding_box() for i in range(links.count())) if b), "a link is cut"
    toggle.click()
    page.wait_for_selector("canvas", timeout=90_000)
    assert wait_for(lambda: "lecture" not in query_of(page))
    assert page.locator(".story-caption").count() == 0
    # out of lecture mode too (pages with a sidebar have its toggle in the header as well)
    box = page.get_by_role("button", name="Lecture mode").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280, box
    assert page.console_errors == []


def test_next_back_and_the_arrow_keys_step_the_story_and_space_plays(page, app_url):
    story = load_stories()["samplers"]
    open_lecture(page, f"{app_url}/explorer?lecture=1&story=samplers")
    assert caption(page) == story.scenes[0].caption
    page.get_by_role("button", name="Next ▶").click()
    assert wait_for(lambda: caption(page) == story.scenes[1].caption)
    assert wait_for(lambda: query_of(page).get("sampler") == "Langevin"
                    and query_of(page).get("scene") == "2")
    page.locator("body").click(position={"x": 5, "y": 300})  # focus on the page, not a field
    page.keyboard.press("ArrowRight")
    assert wait_for(lambda: caption(page) == story.scenes[2].caption)
    assert wait_for(lambda: query_of(page).get("sampler") == "HMC")
    page.keyboard.press("ArrowLeft")
    assert wait_for(lambda: caption(page) == story.scenes[1].caption)
    page.get_by_role("button", name="◀ Back").click()
    assert wait_for(lambda: caption(page) == story.scenes[0].caption)
    assert wait_for(lambda: query_of(page).get("sampler") == "GradientDescent")
    # Space pauses the playing scene, and plays it again
    page.locator("body").click(position={"x": 5, "y": 300})
    assert wait_for(lambda: step_count(page) > 0, timeout=30)
    page.keyboard.press(" ")
    assert wait_for(lambda: page.get_by_role("button", name="Play", exact=True).is_enabled())
    paused_at = stable_step_count(page)  # a frame already under way may still land
    page.wait_for_timeout(1500)
    assert step_count(page) == paused_at
    page.keyboard.press(" ")
    assert wait_for(lambda: step_count(page) > paused_at, timeout=30)
    assert page.console_errors == []


def test_a_link_to_a_sampler_that_needs_t_above_zero_plays_the_first_scene(page, app_url):
    """``?sampler=SVGD&lecture=1``: the link's sampler is kept, the first scene's T = 0 (for
    gradient descent) is refused by name, and the chains play at the suggested temperature.
    Before, T = 0 was taken: the page showed a bounds error and "Every chain has diverged ()"."""
    for method in ("SVGD", "NUTS"):
        open_lecture(page, f"{app_url}/explorer?lecture=1&sampler={method}")
        assert wait_for(lambda: step_count(page) > 0, timeout=30), method
        assert query_of(page).get("sampler") == method
        assert float(query_of(page)["temperature"]) > 0
        assert page.get_by_text("not valid here: temperature").count() > 0
        assert page.get_by_text("Every chain has diverged").count() == 0
        assert page.get_by_text("must be greater than").count() == 0
    assert page.console_errors == []


def test_next_goes_on_to_the_scene_on_another_page(page, app_url):
    """The memory story's last scene is on /dense-memory: Next opens that page there."""
    story = load_stories()["memory"]
    last = len(story.scenes)
    open_lecture(page, f"{app_url}/hopfield?lecture=1&story=memory&scene={last - 1}")
    assert caption(page) == story.scenes[last - 2].caption
    page.get_by_role("button", name="Next ▶").click()
    page.wait_for_url("**/dense-memory**", timeout=60_000)
    page.wait_for_selector(".story-caption", timeout=90_000)
    assert wait_for(lambda: caption(page) == story.scenes[-1].caption)
    assert wait_for(lambda: query_of(page).get("race.n_patterns") == "70"
                    and query_of(page).get("tab") == "1")
    page.get_by_role("button", name="◀ Back").click()
    page.wait_for_url("**/hopfield**", timeout=60_000)
    page.wait_for_selector(".story-caption", timeout=90_000)
    assert wait_for(lambda: caption(page) == story.scenes[last - 2].caption)


#: a prepared link per page: settings a lecturer changed by hand, not a scene's
PREPARED = {
    "explorer": {"landscape": "double_well", "sampler": "MALA", "n_chains": "7",
                 "speed": "3"},
    "compare": {"landscape": "banana", "temperature": "2.0", "n_chains": "9"},
    "hopfield": {"tab": "0", "source": "letters", "n_patterns": "5", "noise": "0.3"},
    "dense-memory": {"tab": "1", "race.n_patterns": "90", "race.degree": "4"},
    "control": {"tab": "0", "mu": "0.25", "K": "0.4", "u1": "0.5"},
    "synaptic-sampling": {"fair": "same c_g", "tau_g": "200.0", "n_networks": "120"},
    "saddles": {"rule": "printed", "temperature": "1.0", "n_inputs": "120"},
    "plasticity": {"start": "Hebb", "pairs": "8", "y_term": "xw"},
    "stiff": {"trace_s": "4.0", "start": "120.0", "sigma": "3.0"},
}


@pytest.mark.parametrize("slug", SLUGS)
def test_a_prepared_link_reopens_the_same_scene(chromium_browser, app_url, slug):
    """Open a link, read the full address the page writes, open that in a new tab: the
    same settings come back (in lecture mode too, where the scene must not override them)."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        first = context.new_page()
        link = f"{app_url}/{slug}?lecture=1&" + urllib.parse.urlencode(PREPARED[slug])
        open_lecture(first, link)
        assert wait_for(lambda: all(query_of(first).get(k) == v
                                    for k, v in PREPARED[slug].items()), timeout=30), \
            query_of(first)
        prepared = address(first)
        written = query_of(first)
        first.close()
        second = context.new_page()
        open_lecture(second, prepared)
        assert wait_for(lambda: query_of(second) == written, timeout=30), (
            {k: (v, query_of(second).get(k)) for k, v in written.items()
             if query_of(second).get(k) != v})
        second.close()
    finally:
        context.close()
