"""Make the landing page's pictures again: ``python -m landscape_app.app.gallery_pictures``.

Opens every page of a running server (``--url``, http://localhost:5006 by default) in Debian's
Chromium through Playwright (the test dependencies), waits for it to draw, and writes a 640 ×
400 screenshot to ``landscape_app/assets/gallery/<page>.png``.
"""

import argparse
import io

from PIL import Image

from ..views.landing.page import GALLERY_FOLDER
from .shell import PAGES

#: what each picture shows: the page's tab, if not its first
TABS = {"dense-memory": "Beyond capacity"}
SIZE = (640, 400)


def main(argv=None) -> None:
    from playwright.sync_api import sync_playwright

    from . import pages  # noqa: F401  (registers the pages)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5006")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--pages", default="", help="comma-separated slugs (default: all)")
    args = parser.parse_args(argv)
    wanted = {s for s in args.pages.split(",") if s}
    GALLERY_FOLDER.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for entry in PAGES:
            if wanted and entry.slug not in wanted:
                continue
            page.goto(f"{args.url}/{entry.slug}")
            page.wait_for_selector(".bk-Canvas, canvas", timeout=60_000)
            if entry.slug in TABS:
                page.get_by_text(TABS[entry.slug], exact=True).first.click()
            page.wait_for_timeout(4000)
            picture = Image.open(io.BytesIO(page.screenshot()))
            picture = picture.convert("RGB").resize(SIZE, Image.LANCZOS)
            picture.save(GALLERY_FOLDER / f"{entry.slug}.png", optimize=True)
            print(f"{entry.slug}: {GALLERY_FOLDER / (entry.slug + '.png')}")
        browser.close()


if __name__ == "__main__":
    main()
