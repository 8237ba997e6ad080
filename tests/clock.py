"""The day the tests live on. A test whose code asks for today's date (a page or command defaulting
to today) runs on this day, frozen with time-machine; tests/conftest.py fails one that does not."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)

# Frozen: "now" does not move during the test.
ON_TODAY = pytest.mark.time_machine(TODAY, tick=False)
# From the same instant, with the clock running: a live server and a browser wait on time passing.
FROM_TODAY = pytest.mark.time_machine(TODAY, tick=True)
