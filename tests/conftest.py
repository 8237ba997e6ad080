from __future__ import annotations

import datetime as dt

import pytest

from tests import browser as browsers

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


@pytest.fixture(autouse=True)
def _roles(db):
    from openar.core.roles import ensure_role_groups

    ensure_role_groups()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashing costs about a second per user; tests are about behaviour, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_executable() -> str | None:
    """The Chromium found by tests/browser.py, looked for once per run."""
    return browsers.find_browser()


@pytest.fixture
def browser(browser_executable, monkeypatch):
    """A headless Chromium driven by Playwright; skipped (or failed, with OPENAR_REQUIRE_BROWSER=1)
    where the machine has none."""
    executable = browsers.browser_or_skip(browser_executable)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's ORM calls and the
    # fixtures' teardown are plain synchronous code, so Django's async guard protects nothing here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    browsers.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=browsers.CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
