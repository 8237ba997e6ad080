"""Writing audit events. Every service calls ``audit_record`` inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from openar.core.bulk import insert_models
from openar.core.models import AuditEvent


def actor_label(actor: Any, default: str = "system") -> str:
    if actor is None:
        return default
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", None) or default


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    summary: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; ``actor`` is a user, a job label, or None for the system."""
    user = actor if hasattr(actor, "pk") else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:500],
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )


def audit_record_many(
    *, actor: Any, events: Iterable[Mapping[str, Any]], batch_size: int = 2000
) -> int:
    """Append many audit events in one bulk insert (a run that decides thousands of rows: one
    COPY on PostgreSQL, ``batch_size`` rows an INSERT elsewhere); each mapping has ``action``
    and optionally ``object_type``, ``object_id``, ``summary``, ``before`` and ``after``.
    Returns how many were written."""
    now = timezone.now()
    user = actor if hasattr(actor, "pk") else None
    label = actor_label(actor)
    rows = [
        AuditEvent(
            at=now,
            actor=user,
            actor_label=label,
            action=event["action"],
            object_type=event.get("object_type", ""),
            object_id=str(event.get("object_id", "")),
            summary=str(event.get("summary", ""))[:500],
            before=dict(event["before"]) if event.get("before") is not None else None,
            after=dict(event["after"]) if event.get("after") is not None else None,
        )
        for event in events
    ]
    insert_models(rows, batch_size=batch_size)
    return len(rows)
