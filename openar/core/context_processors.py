from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from openar.core.nav import nav_items
from openar.core.roles import user_roles


def openar(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = user_roles(user)
    return {
        "OPENAR_DEMO_MODE": settings.OPENAR_DEMO_MODE,
        "OPENAR_REPORTING_CURRENCY": settings.OPENAR_REPORTING_CURRENCY,
        "user_roles": roles,
        "main_nav": nav_items(user, roles) if getattr(user, "is_authenticated", False) else [],
    }
