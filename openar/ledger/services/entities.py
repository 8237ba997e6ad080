"""Entities (company codes) and their functional currencies."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openar.core.audit import audit_record
from openar.core.errors import Conflict, ValidationError
from openar.core.money import minor_units
from openar.ledger.models import Entity


@transaction.atomic
def entity_add(*, code: str, name: str, currency: str, actor: Any) -> Entity:
    """Create an entity (company code) with its functional currency."""
    code = code.strip()
    currency = currency.strip().upper()
    if not code:
        raise ValidationError("an entity needs a code", field="code")
    if not name.strip():
        raise ValidationError("an entity needs a name", field="name")
    minor_units(currency)
    if Entity.objects.filter(code=code).exists():
        raise Conflict(f"entity {code!r} already exists", field="code")
    entity = Entity.objects.create(code=code, name=name.strip(), currency=currency)
    audit_record(
        actor=actor,
        action="entity.add",
        object_type="entity",
        object_id=code,
        after={"code": code, "name": entity.name, "currency": currency},
    )
    return entity
