"""The landing page at ``/``: every page with a picture and one line, and the stories a
lecturer can open (``?lecture=1``).

Plain HTML written by the server (no Bokeh document, no script): it appears at once, offline,
and every link is an ordinary link. The pictures are screenshots of the pages shipped in
``landscape_app/assets/gallery/`` (``python -m landscape_app.app.gallery_pictures`` makes
them again).
"""

from __future__ import annotations

import html
import urllib.parse
from pathlib import Path

#: the pages' pictures, served under /gallery/
GALLERY_FOLDER = Path(__file__).resolve().parents[2] / "assets" / "gallery"
ACCENT = "#2f6690"

STYLE = f"""
body {{ margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       background: #f4f6f8; color: #1d2b36; }}
header {{ background: {ACCENT}; color: white; padding: 18px 32px; }}
header h1 {{ margin: 0; font-weight: 400; font-size: 30px; }}
header p {{ margin: 6px 0 0; font-size: 17px; opacity: .9; }}
main {{ padding: 24px 32px; max-width: 1400px; }}
h2 {{ font-weight: 500; margin: 8px 0 14px; }}
.gallery {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
            gap: 20px; }}
.card {{ background: white; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15);
         overflow: hidden; display: flex; flex-direction: column; }}
.card a.open {{ color: inherit; text-decoration: none; }}
.card img {{ width: 100%; aspect-ratio: 16 / 10; object-fit: cover; object-position: top left;
             display: block; border-bottom: 1px solid #e3e6ea; background: #eef1f4; }}
.card h3 {{ margin: 12px 16px 4px; font-size: 21px; color: {ACCENT}; }}
.card p {{ margin: 0 16px 12px; font-size: 16px; line-height: 1.4; flex: 1; }}
.card .lecture {{ margin: 0 16px 14px; font-size: 15px; }}
.stories li {{ margin: 8px 0; font-size: 17px; }}
a {{ color: {ACCENT}; }}
"""


def _lecture_link(slug: str, story=None) -> str:
    query = {"lecture": 1}
    if story is not None:
        query["story"] = story.name
    return f"./{slug}?{urllib.parse.urlencode(query)}"


def landing_html(pages, stories: dict, pictures=None) -> str:
    """The landing page: ``pages`` (``app.shell.Page`` entries) as cards, then ``stories``.

    ``pictures``: the slugs that have a picture (default: those in ``GALLERY_FOLDER``).
    """
    if pictures is None:
        pictures = {p.stem for p in GALLERY_FOLDER.glob("*.png")}
    cards = []
    for page in pages:
        slug, title = html.escape(page.slug), html.escape(page.title)
        picture = (f'<img src="./gallery/{slug}.png" alt="the {title} page">'
                   if page.slug in pictures else "")
        told = [s for s in stories.values() if s.page == page.slug]
        lecture = (f'<a href="{html.escape(_lecture_link(page.slug, told[0]))}">Lecture: '
                   f"{html.escape(told[0].title)}</a>" if told else
                   f'<a href="{html.escape(_lecture_link(page.slug))}">Lecture mode</a>')
        cards.append(
            f'<article class="card" data-page="{slug}"><a class="open" href="./{slug}">'
            f"{picture}<h3>{title}</h3><p>{html.escape(page.description)}</p></a>"
            f'<div class="lecture">{lecture}</div></article>')
    items = "".join(
        f'<li><a href="{html.escape(_lecture_link(s.page, s))}">{html.escape(s.title)}</a>'
        f" — {html.escape(s.description)} ({len(s.scenes)} scenes)</li>"
        for s in stories.values())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>landscape_app</title><style>{STYLE}</style></head>
<body><header><h1>landscape_app</h1>
<p>Energy landscapes and the dynamics that move on them: samplers, Hopfield networks, dense
memories and optimal control, live.</p></header>
<main><h2>Pages</h2><section class="gallery">{''.join(cards)}</section>
<h2 style="margin-top:28px">Lectures</h2>
<p>A story steps through scenes with one sentence each: <b>Next</b>/<b>Back</b> or the arrow
keys, <b>Space</b> to play or pause. Any page opens for a projector with <code>?lecture=1</code>
or its <b>Lecture mode</b> button.</p>
<ul class="stories">{items}</ul></main></body></html>"""
