from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from openar.core.roles import user_roles


def openar(request: HttpRequest) -> dict[str, Any]:
    return {
        "OPENAR_DEMO_MODE": settings.OPENAR_DEMO_MODE,
        "OPENAR_REPORTING_CURRENCY": settings.OPENAR_REPORTING_CURRENCY,
        "user_roles": user_roles(getattr(request, "user", None)),
    }
