"""An entity's letterhead: what its letters, statements and emails carry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openar.comms.erp import pattern_errors
from openar.comms.models import Letterhead
from openar.core.audit import audit_record
from openar.core.errors import ValidationError
from openar.ledger.models import Entity

_FIELDS = (
    "address", "phone", "email", "website", "tax_id", "logo_svg", "footer", "invoice_pdf_pattern",
)  # fmt: skip


@transaction.atomic
def letterhead_save(*, entity: Entity, actor: Any, **values: str) -> Letterhead:
    """Create or change the letterhead of ``entity`` (fields: address, phone, email, website,
    tax_id, logo_svg, footer, and invoice_pdf_pattern: where the ERP keeps invoice PDFs)."""
    unknown = sorted(set(values) - set(_FIELDS))
    if unknown:
        raise ValidationError(f"unknown letterhead field {unknown[0]!r}", field=unknown[0])
    logo = values.get("logo_svg", "").strip()
    if logo and not logo.startswith("<svg"):
        raise ValidationError("the logo must be inline SVG (<svg ...>)", field="logo_svg")
    problem = pattern_errors(values.get("invoice_pdf_pattern", ""))
    if problem:
        raise ValidationError(f"invoice PDF location: {problem}", field="invoice_pdf_pattern")
    letterhead, created = Letterhead.objects.select_for_update().get_or_create(entity=entity)
    before = {f: getattr(letterhead, f) for f in _FIELDS}
    for name, value in values.items():
        setattr(letterhead, name, (value or "").strip())
    letterhead.save()
    audit_record(
        actor=actor,
        action="letterhead.save",
        object_type="entity",
        object_id=entity.code,
        before=None if created else before,
        after={f: getattr(letterhead, f) for f in _FIELDS if f != "logo_svg"},
    )
    return letterhead
