"""Roles are Django groups with fixed names; a user may hold several.

Pages check them one way: ``@role_required(...)`` on a function view, ``RoleRequiredMixin`` on a
class-based one, ``check_role`` inside a view that checks only some requests (a POST). A visitor
who is not signed in goes to the login page; a signed-in user without one of the roles gets 403
(``403.html``, with the message when one is given). API operations call ``api_check_role``: the
same rule, answered as the API's 403 ``{"code", "message", "field"}``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


class Role(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    RESEARCH = "research", _("Research specialist")
    CASHAPP = "cashapp", _("Cash application specialist")
    CREDIT = "credit", _("Credit analyst")
    MANAGER = "manager", _("Collections manager")
    ADMIN = "admin", _("Administrator")


def ensure_role_groups(*, using: str = "default") -> None:
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)


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


def check_role(user: Any, *roles: str, message: StrOrPromise | None = None) -> None:
    """Raise 403 unless ``user`` holds one of ``roles`` (admin holds them all); no roles: anyone
    signed in."""
    if roles and not has_role(user, *roles):
        raise PermissionDenied(message) if message else PermissionDenied


def api_check_role(request: HttpRequest, *roles: str, message: str) -> Any:
    """The API's caller (``request.auth``) when it holds one of ``roles``; otherwise the API's
    403 with ``message``."""
    from openar.core.errors import PermissionDenied as ApiPermissionDenied

    user = request.auth  # type: ignore[attr-defined]
    if not has_role(user, *roles):
        raise ApiPermissionDenied(message)
    return user


def role_required(
    *roles: str, message: StrOrPromise | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: login first (redirect), then one of ``roles`` (403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            check_role(request.user, *roles, message=message)
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: ``roles`` as for ``role_required`` (empty: anyone signed in)."""

    roles: tuple[str, ...] = ()
    role_message: StrOrPromise | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check_role(request.user, *self.roles, message=self.role_message)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
