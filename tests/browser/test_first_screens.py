"""The first pages a new user opens, the demo blog page and the console, ask for nothing that
isn't there: the browser takes the icon they declare and never asks for /favicon.ico."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.support.local_stack import LocalStackProcess

pytestmark = pytest.mark.browser

ICON = "/static/favicon.svg"


@pytest.mark.parametrize("path", ["/", "/console"], ids=["demo", "console"])
def test_the_page_shows_its_own_icon_and_never_asks_for_favicon_ico(
    page: Page, stack: LocalStackProcess, path: str
) -> None:
    # WHEN a new user opens the page
    with page.expect_request_finished(lambda request: request.url == stack.base_url + ICON) as fetched:
        page.goto(stack.base_url + path)

    # THEN the browser got the icon the page declares, served as an image
    response = fetched.value.response()
    assert response is not None
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    # AND it never asked the stack for the icon it would otherwise guess at (404 in the log)
    assert "GET /favicon.ico" not in stack.log
