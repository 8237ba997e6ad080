"""Write-offs: requested by a collector (or credit, a manager, a strategy step) with a reason;
approved by someone else whose approval limit covers the amount (``OPENAR_WRITE_OFF_APPROVAL_
LIMITS`` in the reporting currency: a collector under 500, a manager under 10,000, above that an
administrator, the controller); on approval each item's open amount falls through the ledger's
write-off (an adjustment the as-of aging rolls back) and the journal lines go to the ERP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openar.core.audit import actor_label, audit_record
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.money import check_scale, format_amount, quantize
from openar.core.reasons import part, reason_text_default
from openar.core.roles import Role, has_role
from openar.credit.choices import WriteOffSource, WriteOffStatus
from openar.credit.models import WriteOff, WriteOffItem
from openar.credit.services.limits import parse_amount
from openar.credit.services.trail import timeline_note
from openar.ledger.models import Customer, Document
from openar.ledger.selectors import fx_rate
from openar.ledger.services import document_write_off

WRITE_OFF_REQUEST_ROLES = (Role.COLLECTOR, Role.CREDIT, Role.MANAGER)
DEFAULT_APPROVAL_LIMITS = {"collector": "500", "credit": "2500", "manager": "10000"}


def approval_limits() -> dict[str, Decimal]:
    """Each role's approval limit (reporting currency; an amount under it): administrators, the
    controller, approve any amount."""
    raw = {**DEFAULT_APPROVAL_LIMITS, **getattr(settings, "OPENAR_WRITE_OFF_APPROVAL_LIMITS", {})}
    return {role: Decimal(str(value)) for role, value in raw.items()}


def approver_limit(actor: Any) -> Decimal | None:
    """The most ``actor`` may approve (exclusive; None: no limit, an administrator)."""
    if Role.ADMIN.value in _roles(actor):
        return None
    held = [limit for role, limit in approval_limits().items() if role in _roles(actor)]
    return max(held) if held else Decimal(0)


def _roles(actor: Any) -> set[str]:
    from openar.core.roles import user_roles

    return user_roles(actor)


def approver_role(reporting_amount: Decimal) -> str:
    """The least role whose limit covers the amount ("admin": the controller)."""
    fitting = [
        (limit, role) for role, limit in approval_limits().items() if reporting_amount < limit
    ]
    return min(fitting)[1] if fitting else Role.ADMIN.value


def _items(
    customer: Customer, items: Iterable[Mapping[str, Any]]
) -> list[tuple[Document, Decimal]]:
    rows = list(items)
    if not rows:
        raise ValidationError(_("name the items to write off"), field="items")
    found: list[tuple[Document, Decimal]] = []
    seen: set[int] = set()
    for i, row in enumerate(rows):
        where = f"items[{i}]"
        entity, ref = (
            str(row.get("entity") or "").strip(),
            str(row.get("document_ref") or "").strip(),
        )
        doc = (
            Document.objects.select_related("entity")
            .filter(entity__code=entity, document_ref=ref)
            .first()
        )
        if doc is None:
            raise ValidationError(
                _("no item %(entity)s/%(ref)s") % {"entity": entity, "ref": ref},
                field=f"{where}.document_ref",
            )
        if doc.customer_id != customer.pk:
            raise ValidationError(
                _("%(ref)s is not an item of %(customer)s")
                % {"ref": ref, "customer": customer.customer_ref},
                field=f"{where}.document_ref",
            )
        if doc.pk in seen:
            raise ValidationError(
                _("%(ref)s is named twice") % {"ref": ref}, field=f"{where}.document_ref"
            )
        seen.add(doc.pk)
        amount = parse_amount(row.get("amount"), field=f"{where}.amount")
        if amount <= 0:
            raise ValidationError(_("the amount must be positive"), field=f"{where}.amount")
        try:
            check_scale(amount, doc.currency)
        except ValidationError as exc:
            raise ValidationError(exc.message, field=f"{where}.amount") from None
        if doc.amount < 0 or amount > doc.open_amount:
            raise ValidationError(
                _("%(amount)s is more than %(ref)s has open (%(open)s)")
                % {
                    "amount": format_amount(amount, doc.currency),
                    "ref": ref,
                    "open": format_amount(doc.open_amount, doc.currency),
                },
                field=f"{where}.amount",
            )
        if found and doc.currency != found[0][0].currency:
            raise ValidationError(
                _("one write-off is in one currency: %(ref)s is in %(currency)s")
                % {"ref": ref, "currency": doc.currency},
                field=f"{where}.document_ref",
            )
        found.append((doc, quantize(amount, doc.currency)))
    return found


@transaction.atomic
def write_off_request(
    *,
    customer: Customer,
    items: Iterable[Mapping[str, Any]],
    reason: str,
    actor: Any,
    as_of: dt.date,
    source: str = WriteOffSource.PERSON,
) -> WriteOff:
    """Ask for items (``{entity, document_ref, amount}``) of one customer to be written off.
    Refused, changing nothing, with the field named: no reason, an unknown item or another
    customer's, an amount above what the item has open, items in two currencies."""
    if source == WriteOffSource.PERSON and not has_role(actor, *WRITE_OFF_REQUEST_ROLES):
        raise PermissionDenied(
            _("only collectors, credit and managers ask for write-offs"), field="role"
        )
    text = (reason or "").strip()
    if not text:
        raise ValidationError(_("say why the items are written off"), field="reason")
    if len(text) > 300:
        raise ValidationError(_("the reason is longer than 300 characters"), field="reason")
    lines = _items(customer, items)
    currency = lines[0][0].currency
    total = sum((amount for _doc, amount in lines), Decimal(0))
    reporting = settings.OPENAR_REPORTING_CURRENCY
    rate = fx_rate(currency, reporting, as_of)
    if rate is None:
        raise ValidationError(
            _("no exchange rate from %(currency)s to %(reporting)s to weigh the approval")
            % {"currency": currency, "reporting": reporting},
            field="items",
        )
    parts = [part("text", text=text)]
    write_off = WriteOff.objects.create(
        customer=customer,
        source=source,
        currency=currency,
        amount=total,
        reporting_amount=quantize(total * rate.rate, reporting),
        reporting_currency=reporting,
        reason=reason_text_default(parts)[:300],
        reason_parts=parts,
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_by_label=actor_label(actor),
        requested_at=timezone.now(),
    )
    WriteOffItem.objects.bulk_create(
        [WriteOffItem(write_off=write_off, document=doc, amount=amount) for doc, amount in lines]
    )
    shown = f"{format_amount(total, currency)} {currency}"
    audit_record(
        actor=actor,
        action="write_off.request",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"write-off {write_off.pk} of {shown} on {customer.customer_ref} asked for: {text}",
        after={
            "write_off": write_off.pk,
            "amount": format_amount(total, currency),
            "currency": currency,
            "items": [d.document_ref for d, _a in lines],
            "reason": text,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Write-off of %(amount)s asked for by %(actor)s (%(items)s): %(reason)s") % {
            "amount": shown,
            "actor": actor_label(actor),
            "items": ", ".join(d.document_ref for d, _a in lines),
            "reason": text,
        }
    timeline_note(customer=customer, actor=actor, text=note)
    return write_off


@transaction.atomic
def write_off_decide(
    *, write_off: WriteOff, approve: bool, actor: Any, as_of: dt.date, note: str = ""
) -> WriteOff:
    """Approve (the items' open amounts fall, journal lines for the ERP) or reject a pending
    write-off. Nobody decides their own request; an approval above the approver's limit is
    refused, naming who approves it."""
    if not has_role(actor, *WRITE_OFF_REQUEST_ROLES):
        raise PermissionDenied(
            _("only collectors, credit and managers decide write-offs"), field="role"
        )
    write_off = WriteOff.objects.select_for_update().select_related("customer").get(pk=write_off.pk)
    if write_off.status != WriteOffStatus.PENDING:
        raise Conflict(_("the write-off is already decided"), field="status")
    if write_off.requested_by_id is not None and write_off.requested_by_id == getattr(
        actor, "pk", None
    ):
        raise PermissionDenied(
            _("you asked for this write-off: someone else approves it"), field="decided_by"
        )
    if approve:
        limit = approver_limit(actor)
        if limit is not None and write_off.reporting_amount >= limit:
            raise PermissionDenied(
                _(
                    "%(amount)s %(currency)s is at or above your approval limit of %(limit)s: "
                    "%(role)s approves it"
                )
                % {
                    "amount": format_amount(
                        write_off.reporting_amount, write_off.reporting_currency
                    ),
                    "currency": write_off.reporting_currency,
                    "limit": format_amount(limit, write_off.reporting_currency),
                    "role": str(Role(approver_role(write_off.reporting_amount)).label),
                },
                code="above_limit",
                field="amount",
            )
        for i, item in enumerate(
            write_off.items.select_related("document").order_by("document_id")
        ):
            try:
                document_write_off(
                    document=item.document, amount=item.amount, on=as_of,
                    reason=write_off.reason, actor=actor, source="credit",
                    ref=f"write_off:{write_off.pk}",
                )  # fmt: skip
            except (Conflict, ValidationError) as exc:
                raise Conflict(exc.message, field=f"items[{i}].amount") from None
        write_off.posted_on = as_of
    write_off.status = WriteOffStatus.APPROVED if approve else WriteOffStatus.REJECTED
    write_off.decided_by = actor if getattr(actor, "pk", None) else None
    write_off.decided_at = timezone.now()
    write_off.note = (note or "").strip()
    write_off.save()
    audit_record(
        actor=actor,
        action="write_off.approve" if approve else "write_off.reject",
        object_type="customer",
        object_id=write_off.customer.customer_ref,
        summary=f"write-off {write_off.pk} {write_off.status}",
        before={"status": WriteOffStatus.PENDING},
        after={"write_off": write_off.pk, "status": write_off.status, "note": write_off.note},
    )
    shown = f"{format_amount(write_off.amount, write_off.currency)} {write_off.currency}"
    with translation.override(settings.LANGUAGE_CODE):
        if approve:
            text = _("Write-off of %(amount)s approved by %(actor)s") % {
                "amount": shown, "actor": actor_label(actor),
            }  # fmt: skip
        else:
            text = _("Write-off of %(amount)s not approved by %(actor)s") % {
                "amount": shown, "actor": actor_label(actor),
            }  # fmt: skip
        if write_off.note:
            text += f": {write_off.note}"
    timeline_note(customer=write_off.customer, actor=actor, text=text)
    return write_off
