"""API list paging: the ``limit``/``offset`` bounds every list endpoint shares."""

from __future__ import annotations

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
