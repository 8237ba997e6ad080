"""Which Chromium the browser tests drive, found the same way for every one of them.

In order: ``OPENAR_BROWSER`` (a path or a command name), then ``chromium``, ``chromium-browser`` and
``google-chrome`` on ``PATH``, then the browser Playwright manages, if one was installed. The tests
never download a browser. Where none is found the browser tests are skipped with ``HOW_TO_GET_ONE``;
``OPENAR_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns that skip into a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

COMMANDS = ("chromium", "chromium-browser", "google-chrome")
HOW_TO_GET_ONE = (
    "no Chromium for the browser tests: apt-get install chromium "
    "(or set OPENAR_BROWSER to a Chromium or Chrome executable)"
)
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
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


def playwright_browser() -> str | None:
    """The Chromium Playwright would launch, where `playwright install` has put one."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:  # no driver, or a driver that cannot start: no managed browser then
        return None
    return path if _is_executable(path) else None


def find_browser(
    environ: Mapping[str, str] | None = None,
    managed: Callable[[], str | None] = playwright_browser,
) -> str | None:
    """The path of the browser to drive, or None where there is none."""
    env = os.environ if environ is None else environ
    search_path = env.get("PATH", os.defpath)
    chosen = env.get("OPENAR_BROWSER", "").strip()
    if chosen:
        # Asked for by name: that one or none, never another one behind the caller's back.
        return shutil.which(chosen, path=search_path)
    for command in COMMANDS:
        found = shutil.which(command, path=search_path)
        if found:
            return found
    return managed()


def browser_required(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("OPENAR_REQUIRE_BROWSER", "").strip() not in ("", "0")


def missing_message(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    chosen = env.get("OPENAR_BROWSER", "").strip()
    if chosen:
        return (
            f"no Chromium for the browser tests: OPENAR_BROWSER={chosen} is not an executable "
            "(point it at a Chromium or Chrome, or unset it and apt-get install chromium)"
        )
    return HOW_TO_GET_ONE


def browser_or_skip(executable: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The executable to launch; where there is none, skip the test with one line saying how to get
    one, or fail it when OPENAR_REQUIRE_BROWSER asks for the browser tests to run."""
    if executable:
        return executable
    message = missing_message(environ)
    if browser_required(environ):
        pytest.fail(f"OPENAR_REQUIRE_BROWSER is set and {message}", pytrace=False)
    pytest.skip(message)


def _is_executable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)  # type: ignore[arg-type]
