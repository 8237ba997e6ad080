"""Credit limits: set by credit analysts and managers on an account or on a group (shared by
every account below it), permanent or temporary until an end date; each decision is a row of
the limit history with who set it and why, an audit event and a note on the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openar.core.audit import actor_label, audit_record
from openar.core.errors import PermissionDenied, ValidationError
from openar.core.money import check_scale, format_amount, quantize
from openar.core.roles import Role, has_role
from openar.credit.choices import LimitKind, LimitScope
from openar.credit.models import CreditLimit
from openar.credit.selectors.exposure import customer_exposure
from openar.credit.services.trail import timeline_note
from openar.ledger.models import Customer

LIMIT_ROLES = (Role.CREDIT, Role.MANAGER)  # set limits (admin holds every role)


def parse_amount(raw: Any, *, field: str = "amount") -> Decimal:
    """An amount from a form, the API or a file: a clear error naming ``field`` otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(_("give the amount"), field=field)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("%(value)r is not an amount") % {"value": raw}, field=field
        ) from None
    if not value.is_finite():
        raise ValidationError(_("%(value)r is not an amount") % {"value": raw}, field=field)
    return value


def _current_amount(customer: Customer, scope: str, as_of: dt.date) -> Decimal | None:
    if scope == LimitScope.CUSTOMER:
        return customer_exposure(customer, as_of=as_of).credit_limit
    for group in customer_exposure(customer, as_of=as_of).groups:
        if group.head_id == customer.pk:
            return group.limit.amount
    return None


@transaction.atomic
def credit_limit_set(
    *,
    customer: Customer,
    amount: Any,
    currency: str,
    reason: str,
    actor: Any,
    as_of: dt.date,
    scope: str = LimitScope.CUSTOMER,
    ends_on: dt.date | None = None,
    reason_parts: list[dict[str, Any]] | None = None,
) -> CreditLimit:
    """Set the account's (or, ``scope="group"``, its group's) credit limit from ``as_of``; with
    ``ends_on`` a temporary limit that gives the permanent one back after that day. Refused,
    changing nothing, below zero, in another currency than the account's, or without a
    reason."""
    if not has_role(actor, *LIMIT_ROLES):
        raise PermissionDenied(
            _("only a credit analyst or a manager can set a credit limit"), field="role"
        )
    if scope not in LimitScope.values:
        raise ValidationError(
            _("unknown scope %(value)r (customer or group)") % {"value": scope}, field="scope"
        )
    value = parse_amount(amount)
    code = (currency or "").strip().upper()
    if code != customer.currency:
        raise ValidationError(
            _("the limit is set in the account's currency, %(currency)s, not %(given)r")
            % {"currency": customer.currency, "given": currency},
            field="currency",
        )
    if value < 0:
        raise ValidationError(_("a credit limit cannot be below zero"), field="amount")
    try:
        check_scale(value, code)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="amount") from None
    text = (reason or "").strip()
    if not text:
        raise ValidationError(_("say why the limit changes"), field="reason")
    if len(text) > 300:
        raise ValidationError(_("the reason is longer than 300 characters"), field="reason")
    if ends_on is not None and ends_on < as_of:
        raise ValidationError(
            _("a temporary limit ends on or after %(date)s") % {"date": as_of.isoformat()},
            field="ends_on",
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if scope == LimitScope.GROUP and not customer.children.exists():
        raise ValidationError(
            _("%(ref)s has no accounts below it: set the account's own limit")
            % {"ref": customer.customer_ref},
            field="scope",
        )
    previous = _current_amount(customer, scope, as_of)
    value = quantize(value, code)
    now = timezone.now()
    row = CreditLimit.objects.create(
        customer=customer,
        scope=scope,
        kind=LimitKind.TEMPORARY if ends_on else LimitKind.PERMANENT,
        amount=value,
        currency=code,
        starts_on=as_of,
        ends_on=ends_on,
        previous_amount=previous,
        reason=text,
        reason_parts=list(reason_parts or []),
        set_by=actor if getattr(actor, "pk", None) else None,
        set_by_label=actor_label(actor),
        set_at=now,
    )
    shown = format_amount(value, code)
    before = format_amount(previous, code) if previous is not None else None
    audit_record(
        actor=actor,
        action="credit_limit.set",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"{scope} credit limit of {customer.customer_ref}: {before or 'none'} -> "
        f"{shown} {code}{f' until {ends_on}' if ends_on else ''} ({text})",
        before={"amount": before},
        after={
            "limit": row.pk,
            "scope": scope,
            "amount": shown,
            "currency": code,
            "ends_on": ends_on.isoformat() if ends_on else None,
            "reason": text,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "actor": actor_label(actor),
            "amount": f"{shown} {code}",
            "before": f"{before} {code}" if before is not None else _("none"),
            "reason": text,
        }
        if scope == LimitScope.GROUP:
            note = _(
                "Group credit limit set to %(amount)s (was %(before)s) by %(actor)s: %(reason)s"
            )
        else:
            note = _("Credit limit set to %(amount)s (was %(before)s) by %(actor)s: %(reason)s")
        note = note % values
        if ends_on:
            note += " " + _("(temporary, until %(date)s)") % {"date": ends_on.isoformat()}
    timeline_note(customer=customer, actor=actor, text=note)
    return row
