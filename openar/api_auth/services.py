"""Creating, revoking and checking API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openar.api_auth.models import ApiToken
from openar.core.audit import audit_record
from openar.core.errors import Conflict, NotFound, ValidationError

TOKEN_PREFIX = "oar_"
# last_used_at is a hint for operators, not an audit trail: writing it at most once a minute keeps
# a busy integration from turning every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, username: str, name: str, actor: Any) -> tuple[ApiToken, str]:
    """Create a token acting as ``username``; returns the row and the token (shown only once)."""
    name = name.strip()
    if not name:
        raise ValidationError("a token needs a name", field="name")
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise NotFound(f"no user {username!r}", field="user") from None
    if not user.is_active:
        raise ValidationError(f"user {username!r} is not active", field="user")
    if ApiToken.objects.filter(name=name).exists():
        raise Conflict(f"a token named {name!r} already exists", field="name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        name=name,
        token_hash=token_hash(token),
        prefix=token[: len(TOKEN_PREFIX) + 4],
        user=user,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        object_type="api_token",
        object_id=name,
        after={"name": name, "user": username, "prefix": row.prefix},
    )
    return row, token


@transaction.atomic
def token_revoke(*, name: str, actor: Any) -> ApiToken:
    """Revoke a token by name; it stops working at once. Revoking twice is an error."""
    try:
        row = ApiToken.objects.select_for_update().get(name=name)
    except ApiToken.DoesNotExist:
        raise NotFound(f"no token named {name!r}", field="name") from None
    if row.revoked:
        raise Conflict(f"token {name!r} is already revoked", field="name")
    row.revoked = True
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked", "revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        object_type="api_token",
        object_id=name,
        before={"revoked": False},
        after={"revoked": True},
    )
    return row


def token_authenticate(token: str) -> Any | None:
    """The active user a valid, unrevoked token acts as, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked=False)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
