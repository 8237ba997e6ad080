from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A request in Spanish leaves the language active in the thread; later tests (the CLI's
    # messages) expect the default.
    yield
    translation.deactivate()
