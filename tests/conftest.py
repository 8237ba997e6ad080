from __future__ import annotations

import datetime as dt

import pytest

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
