"""How the browser tests find their Chromium (tests/browser.py), on a made-up PATH: no real browser
is needed, each "browser" is a small executable script."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.browser import HOW_TO_GET_ONE, browser_or_skip, browser_required, find_browser

NO_MANAGED = lambda: None  # noqa: E731 - no Playwright-managed browser on this made-up machine


def _executable(directory: Path, name: str) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def _env(*dirs: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.pathsep.join(str(d) for d in dirs), **extra}


def test_chromium_on_path(tmp_path):
    found = _executable(tmp_path / "bin", "chromium")
    assert find_browser(_env(tmp_path / "bin"), managed=NO_MANAGED) == found


@pytest.mark.parametrize("name", ["chromium-browser", "google-chrome"])
def test_the_other_names_on_path(tmp_path, name):
    found = _executable(tmp_path / "bin", name)
    assert find_browser(_env(tmp_path / "bin"), managed=NO_MANAGED) == found


def test_names_are_tried_in_order_whatever_the_path_order(tmp_path):
    chrome = tmp_path / "chrome"
    _executable(chrome, "google-chrome")
    _executable(tmp_path / "debian", "chromium-browser")
    wanted = _executable(tmp_path / "local", "chromium")
    env = _env(chrome, tmp_path / "debian", tmp_path / "local")
    assert find_browser(env, managed=NO_MANAGED) == wanted


def test_first_directory_on_path_wins_for_one_name(tmp_path):
    first = _executable(tmp_path / "a", "chromium")
    _executable(tmp_path / "b", "chromium")
    assert find_browser(_env(tmp_path / "a", tmp_path / "b"), managed=NO_MANAGED) == first


def test_a_file_that_is_not_executable_is_not_a_browser(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "chromium").write_text("not a program")
    assert find_browser(_env(tmp_path / "bin"), managed=NO_MANAGED) is None


def test_openar_browser_comes_first(tmp_path):
    _executable(tmp_path / "bin", "chromium")
    mine = _executable(tmp_path / "opt", "my-chrome")
    env = _env(tmp_path / "bin", OPENAR_BROWSER=mine)
    assert find_browser(env, managed=NO_MANAGED) == mine


def test_openar_browser_may_be_a_command_name(tmp_path):
    mine = _executable(tmp_path / "bin", "chrome-beta")
    env = _env(tmp_path / "bin", OPENAR_BROWSER="chrome-beta")
    assert find_browser(env, managed=NO_MANAGED) == mine


def test_openar_browser_pointing_nowhere_finds_nothing_else(tmp_path):
    # The one asked for or none: a silent fallback would run the tests on another browser.
    _executable(tmp_path / "bin", "chromium")
    env = _env(tmp_path / "bin", OPENAR_BROWSER=str(tmp_path / "missing"))
    assert find_browser(env, managed=lambda: "/managed/chrome") is None


def test_playwright_managed_browser_last(tmp_path):
    managed = _executable(tmp_path / "ms-playwright", "chrome")
    (tmp_path / "empty").mkdir()
    assert find_browser(_env(tmp_path / "empty"), managed=lambda: managed) == managed


def test_managed_browser_not_asked_for_when_path_has_one(tmp_path):
    found = _executable(tmp_path / "bin", "chromium")

    def managed():
        raise AssertionError("Playwright should not be started when PATH has a browser")

    assert find_browser(_env(tmp_path / "bin"), managed=managed) == found


def test_nothing_anywhere(tmp_path):
    (tmp_path / "empty").mkdir()
    assert find_browser(_env(tmp_path / "empty"), managed=NO_MANAGED) is None


@pytest.mark.parametrize(
    ("value", "required"),
    [(None, False), ("", False), ("0", False), ("1", True), ("yes", True)],
)
def test_require_browser_flag(value, required):
    env = {} if value is None else {"OPENAR_REQUIRE_BROWSER": value}
    assert browser_required(env) is required


def test_a_browser_is_launched_when_found():
    assert browser_or_skip("/opt/chrome", {}) == "/opt/chrome"


def test_no_browser_skips_with_one_line_saying_how_to_get_one():
    with pytest.raises(pytest.skip.Exception) as skipped:
        browser_or_skip(None, {})
    message = str(skipped.value)
    assert message == HOW_TO_GET_ONE
    assert "\n" not in message
    assert "apt-get install chromium" in message
    assert "OPENAR_BROWSER" in message


def test_a_wrong_openar_browser_is_named_in_the_skip():
    with pytest.raises(pytest.skip.Exception) as skipped:
        browser_or_skip(None, {"OPENAR_BROWSER": "/nowhere/chrome"})
    assert "OPENAR_BROWSER=/nowhere/chrome is not an executable" in str(skipped.value)
    assert "\n" not in str(skipped.value)


def test_required_browser_turns_the_skip_into_a_failure():
    with pytest.raises(pytest.fail.Exception) as failed:
        browser_or_skip(None, {"OPENAR_REQUIRE_BROWSER": "1"})
    assert "OPENAR_REQUIRE_BROWSER" in str(failed.value)
    assert "apt-get install chromium" in str(failed.value)


def test_playwright_managed_browser_is_used_only_where_installed(tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    from tests.browser import playwright_browser

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    with sync_playwright() as p:
        expected = Path(p.chromium.executable_path)
    assert expected.is_relative_to(tmp_path)
    assert playwright_browser() is None
    _executable(expected.parent, expected.name)
    assert playwright_browser() == str(expected)
