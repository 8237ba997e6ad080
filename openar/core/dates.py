"""Business dates. Anything that depends on 'today' takes an explicit ``as_of``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openar.core.errors import ValidationError


def today() -> dt.date:
    """The business date in the configured time zone (only at the edges: CLI, views)."""
    return timezone.localdate()


def parse_iso_date(text: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a date in YYYY-MM-DD form", code="invalid_date", field=field
        ) from None
