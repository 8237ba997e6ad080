"""Sign-in throttling: after too many wrong passwords for one username, or from one address,
sign-in is refused for a while, at /login/ and at /admin/login/ alike.

Failures are audit events (``login.failed``, with the address), so the audit log is both the
record and the counter: every process and every machine sharing the database sees the same
count. A lock-out is recorded once, as ``login.locked``. A successful sign-in starts the
username's count again (failures before ``last_login`` no longer count).

Settings: ``OPENAR_LOGIN_MAX_FAILURES`` per username (default 5),
``OPENAR_LOGIN_MAX_FAILURES_ADDRESS`` per address (default 20), ``OPENAR_LOGIN_LOCKOUT_MINUTES``
(default 15): the window counted and the time a lock lasts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openar.core.audit import audit_record
from openar.core.models import AuditEvent

FAILED = "login.failed"
LOCKED = "login.locked"


def _limits() -> tuple[int, int, dt.timedelta]:
    return (
        int(getattr(settings, "OPENAR_LOGIN_MAX_FAILURES", 5)),
        int(getattr(settings, "OPENAR_LOGIN_MAX_FAILURES_ADDRESS", 20)),
        dt.timedelta(minutes=int(getattr(settings, "OPENAR_LOGIN_LOCKOUT_MINUTES", 15))),
    )


def client_address(request: HttpRequest | None) -> str:
    """The address a request came from (REMOTE_ADDR: behind a proxy, the proxy must pass the
    client's address on, see docs/security.md)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _username_key(username: str) -> str:
    return username.strip().lower()[:80]


def _failures_for_user(username: str, since: dt.datetime) -> int:
    key = _username_key(username)
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is not None and user.last_login and user.last_login > since:
        since = user.last_login
    return AuditEvent.objects.filter(
        action=FAILED, object_type="login", object_id=key, at__gt=since
    ).count()


def _failures_from_address(address: str, since: dt.datetime) -> int:
    if not address:
        return 0
    return AuditEvent.objects.filter(
        action=FAILED, object_type="login", at__gt=since, after__address=address
    ).count()


def locked_out(username: str, address: str) -> bool:
    """Whether a sign-in for ``username`` from ``address`` is refused right now."""
    per_user, per_address, window = _limits()
    since = timezone.now() - window
    return bool(
        (username and _failures_for_user(username, since) >= per_user)
        or (address and _failures_from_address(address, since) >= per_address)
    )


def _record_failure(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    address = client_address(request)
    was_locked = locked_out(username, address)
    audit_record(
        actor=None if request is None else "login",
        action=FAILED,
        object_type="login",
        object_id=_username_key(username),
        summary=f"wrong password for {username[:60]!r} from {address or 'unknown address'}",
        after={"address": address},
    )
    if not was_locked and locked_out(username, address):
        per_user, per_address, window = _limits()
        audit_record(
            actor="login",
            action=LOCKED,
            object_type="login",
            object_id=_username_key(username),
            summary=(
                f"sign-in locked for {int(window.total_seconds() // 60)} minutes: "
                f"{username[:60]!r} from {address or 'unknown address'}"
            ),
            after={"address": address, "max_failures": per_user, "max_address": per_address},
        )


def connect() -> None:
    user_login_failed.connect(_record_failure, dispatch_uid="openar-login-throttle")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing while the username or the address is locked out (the
    right password included: that is the point of a lock-out)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if locked_out(username, client_address(self.request)):
            window = _limits()[2]
            # A refused attempt counts too: guessing on during a lock-out keeps it locked.
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=self.request
            )
            raise forms.ValidationError(
                _("Too many failed sign-ins. Try again in %(minutes)s minutes."),
                code="locked_out",
                params={"minutes": int(window.total_seconds() // 60)},
            )
        return super().clean()


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin site's sign-in form (staff only), throttled the same way."""
