"""Headless Chromium for the browser tests (the one `make browser-deps` found or installed), a
local stack per test module, and a fresh page per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from scripts.machine_setup import Machine, NotFound, find_chromium
from tests.support.local_stack import LocalStackProcess, local_stack

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # CHROMIUM=/path overrides the search.
    try:
        chromium = find_chromium(Machine.this_one())
    except NotFound as wrong:
        pytest.fail(str(wrong))
    if chromium is None:
        # Never skip: a page nobody tested is not done.
        pytest.fail("no Chromium found: run `make browser-deps`, or set CHROMIUM=/path/to/chrome")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStackProcess]:
    with local_stack() as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    yield opened
    context.close()
