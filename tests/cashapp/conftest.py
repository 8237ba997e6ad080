"""Shared helpers for the bank-statement tests: where the real bank files live.

They are kept in ``tests/data/bank-statements/<source>/`` with their licences (see the README
there), so a clone of the project alone has them."""

from __future__ import annotations

from pathlib import Path

import pytest

STATEMENTS = Path(__file__).resolve().parents[1] / "data" / "bank-statements"


@pytest.fixture
def bank_files() -> Path:
    """The folder of real bank-statement files (camt-oca, bai2-moj, mt940-wolph, ofx-ofxtools)."""
    if not STATEMENTS.is_dir():
        pytest.fail(f"real bank files not found at {STATEMENTS} (they ship with the repository)")
    return STATEMENTS
