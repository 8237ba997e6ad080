"""Roles are Django groups with fixed names; a user may hold several."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    RESEARCH = "research", _("Research specialist")
    CASHAPP = "cashapp", _("Cash application specialist")
    CREDIT = "credit", _("Credit analyst")
    MANAGER = "manager", _("Collections manager")
    ADMIN = "admin", _("Administrator")


def ensure_role_groups() -> None:
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_openar_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMIN.value)
        user._openar_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    held = user_roles(user)
    return bool(held & set(roles)) or Role.ADMIN.value in held
