from __future__ import annotations

import datetime as dt

import pytest

from tests import browser as browsers

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


# What a test asks for when it uses the database; everything else (the pure ``domain`` tests) runs
# with pytest-django's block on, so a test that reads or writes rows without saying so fails.
DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The pure logic of ``openar/<app>/domain.py`` is tested without a database, in files named
    # ``test_*domain*.py``: one that asks for the database belongs in another file.
    for item in items:
        if "domain" in item.path.name and _item_uses_database(item):
            raise pytest.UsageError(
                f"{item.nodeid} asks for the database; domain tests run without one"
            )


def _item_uses_database(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def _roles(request):
    """The role groups every page checks, in each test database (a transactional test's flush
    removes them)."""
    if not _item_uses_database(request.node):
        return
    request.getfixturevalue("db")
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


@pytest.fixture(autouse=True)
def _today_is_frozen(monkeypatch):
    """Fails a test whose code asks for today's date (``openar.core.dates.today``, Django's
    ``timezone.localdate()``) while time runs free: such a test passes today and fails another day.
    Freeze it with ``@pytest.mark.time_machine(...)`` or pass an explicit date."""
    import time_machine
    from django.utils import timezone as dj_timezone

    real_localdate = dj_timezone.localdate
    readers: list[str] = []

    def localdate(value=None, timezone=None):
        if value is None and not time_machine.escape_hatch.is_travelling():
            readers.append(_first_project_frame())
        return real_localdate(value, timezone)

    monkeypatch.setattr(dj_timezone, "localdate", localdate)
    yield
    if readers:
        pytest.fail(
            "reads today's date with time running free (freeze it with time_machine): "
            + ", ".join(sorted(set(readers))),
            pytrace=False,
        )


def _first_project_frame() -> str:
    import traceback

    stack = traceback.extract_stack()[:-2]
    for marker in ("/openar/", "/tests/"):
        for frame in reversed(stack):
            if marker in frame.filename and not frame.filename.endswith("core/dates.py"):
                return f"{marker.strip('/')}/{frame.filename.split(marker, 1)[1]}:{frame.lineno}"
    return "outside the project"
