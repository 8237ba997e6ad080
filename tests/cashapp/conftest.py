"""Shared helpers for the bank-statement tests: where the real bank files live.

CI checks out ``shared/`` beside the repository (``/work/main`` and ``/work/shared``), so the
files are found relative to this checkout, never by an absolute path."""

from __future__ import annotations

from pathlib import Path

import pytest

STATEMENTS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bank-statements"


@pytest.fixture
def shared_statements() -> Path:
    """The folder of real bank-statement files (camt-oca, bai2-moj, mt940-wolph, ofx-ofxtools)."""
    if not STATEMENTS.is_dir():
        pytest.fail(f"real bank files not found at {STATEMENTS} (check out shared/ beside it)")
    return STATEMENTS
