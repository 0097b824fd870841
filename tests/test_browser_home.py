"""The served app in a real Chromium: it loads without JavaScript errors and renders a plot."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_loads_and_renders(page, app_url):
    page.goto(app_url + "/")
    page.wait_for_selector("text=landscape_app", timeout=60_000)
    page.wait_for_selector("canvas", timeout=60_000)
    assert page.console_errors == []
