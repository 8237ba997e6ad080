"""Credit holds: placed and released by credit (or a collector under the threshold), each with a
hold event for the ERP's order block and an entry on the account's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openar.activity.choices import ContactChannel, ContactOutcome
from openar.activity.services import contact_record
from openar.core.audit import actor_label, audit_record
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.reasons import part, reason_text_default
from openar.core.roles import Role, has_role
from openar.credit.choices import (
    HoldAction,
    HoldStatus,
    RecommendationKind,
    ReleaseCondition,
)
from openar.credit.models import CreditHold, HoldEvent, Recommendation
from openar.ledger.models import Customer, CustomerAging

HOLD_ROLES = (Role.CREDIT, Role.MANAGER)  # place and release any hold (admin holds them all)
REQUEST_ROLES = (Role.COLLECTOR, *HOLD_ROLES)


def collector_hold_limit() -> Decimal:
    """Balance (reporting currency) under which a collector places a hold without approval."""
    return Decimal(str(settings.OPENAR_CREDIT_HOLD_COLLECTOR_LIMIT))


@dataclass(frozen=True)
class HoldRequest:
    """What a hold request did: placed the hold, or raised a recommendation for credit."""

    hold: CreditHold | None = None
    recommendation: Recommendation | None = None


def _timeline(*, customer: Customer, actor: Any, text: str) -> None:
    # The approval trail on the account's timeline (a note in the contact log), in the default
    # language like every stored text.
    contact_record(
        customer=customer,
        user=actor,
        channel=ContactChannel.NOTE,
        outcome=ContactOutcome.NOTE,
        note=text,
        actor=actor,
    )


def _check_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError(_("give the reason for the hold"), field="reason")
    if len(text) > 300:
        raise ValidationError(_("the reason is longer than 300 characters"), field="reason")
    return text


def _check_condition(condition: str) -> str:
    if condition not in ReleaseCondition.values:
        raise ValidationError(
            _("unknown release condition %(value)r (expected one of %(choices)s)")
            % {"value": condition, "choices": ", ".join(ReleaseCondition.values)},
            field="release_condition",
        )
    return condition


def _active_hold(customer: Customer) -> CreditHold | None:
    return CreditHold.objects.filter(customer=customer, status=HoldStatus.ACTIVE).first()


def _place(
    *,
    customer: Customer,
    reason: str,
    release_condition: str,
    actor: Any,
    requested_by: Any = None,
    recommendation: Recommendation | None = None,
) -> CreditHold:
    now = timezone.now()
    parts = []
    if recommendation is not None and reason == recommendation.reason:
        parts = list(recommendation.reason_parts)
    hold = CreditHold.objects.create(
        customer=customer,
        reason=reason,
        reason_parts=parts,
        release_condition=release_condition,
        recommendation=recommendation,
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        placed_by=actor if getattr(actor, "pk", None) else None,
        placed_at=now,
    )
    HoldEvent.objects.create(
        hold=hold,
        customer=customer,
        action=HoldAction.HOLD,
        reason=reason,
        decided_by=actor_label(actor),
        decided_at=now,
    )
    audit_record(
        actor=actor,
        action="credit_hold.place",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"credit hold on {customer.customer_ref}: {reason}",
        after={"hold": hold.pk, "reason": reason, "release_condition": release_condition},
    )
    with translation.override(settings.LANGUAGE_CODE):
        condition = str(ReleaseCondition(release_condition).label)
        if requested_by is not None and requested_by != actor:
            text = _(
                "Credit hold placed by %(actor)s, requested by %(requester)s: %(reason)s "
                "(released when: %(condition)s)"
            ) % {
                "actor": actor_label(actor),
                "requester": actor_label(requested_by),
                "reason": reason,
                "condition": condition,
            }
        else:
            text = _(
                "Credit hold placed by %(actor)s: %(reason)s (released when: %(condition)s)"
            ) % {
                "actor": actor_label(actor),
                "reason": reason,
                "condition": condition,
            }
    _timeline(customer=customer, actor=actor, text=text)
    return hold


@transaction.atomic
def hold_place(
    *,
    customer: Customer,
    reason: str,
    actor: Any,
    release_condition: str = ReleaseCondition.PAST_DUE_PAID,
    recommendation: Recommendation | None = None,
    requested_by: Any = None,
) -> CreditHold:
    """Put the customer on credit hold (credit analysts and managers): the ERP blocks new orders
    from the hold event. Refused when the customer is already on hold."""
    if not has_role(actor, *HOLD_ROLES):
        raise PermissionDenied(
            _("only a credit analyst or a manager can put a customer on hold"), field="role"
        )
    reason = _check_reason(reason)
    release_condition = _check_condition(release_condition)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if _active_hold(customer) is not None:
        raise Conflict(
            _("customer %(ref)s is already on hold") % {"ref": customer.customer_ref},
            field="customer_ref",
        )
    return _place(
        customer=customer,
        reason=reason,
        release_condition=release_condition,
        actor=actor,
        requested_by=requested_by,
        recommendation=recommendation,
    )


@transaction.atomic
def hold_request(
    *,
    customer: Customer,
    reason: str,
    actor: Any,
    as_of: dt.date,
    release_condition: str = ReleaseCondition.PAST_DUE_PAID,
) -> HoldRequest:
    """A person asks for a hold: credit and managers place it; a collector places it while the
    account's balance is under ``OPENAR_CREDIT_HOLD_COLLECTOR_LIMIT`` and otherwise raises a
    recommendation that a credit analyst or a manager approves."""
    if not has_role(actor, *REQUEST_ROLES):
        raise PermissionDenied(
            _("only collectors, credit and managers ask for holds"), field="role"
        )
    reason = _check_reason(reason)
    release_condition = _check_condition(release_condition)
    if has_role(actor, *HOLD_ROLES):
        return HoldRequest(
            hold=hold_place(
                customer=customer, reason=reason, actor=actor, release_condition=release_condition
            )
        )
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if _active_hold(customer) is not None:
        raise Conflict(
            _("customer %(ref)s is already on hold") % {"ref": customer.customer_ref},
            field="customer_ref",
        )
    balance = (
        CustomerAging.objects.filter(customer=customer).values_list("balance", flat=True).first()
    ) or Decimal(0)
    if balance < collector_hold_limit():
        return HoldRequest(
            hold=_place(
                customer=customer,
                reason=reason,
                release_condition=release_condition,
                actor=actor,
                requested_by=actor,
            )
        )
    pending = Recommendation.objects.filter(
        customer=customer, kind=RecommendationKind.CREDIT_HOLD, status="pending"
    ).first()
    if pending is not None:
        raise Conflict(
            _("a hold for %(ref)s is already waiting for credit") % {"ref": customer.customer_ref},
            field="customer_ref",
        )
    parts = [part("requested", user=actor_label(actor)), part("text", text=reason)]
    rec = Recommendation.objects.create(
        customer=customer,
        kind=RecommendationKind.CREDIT_HOLD,
        as_of=as_of,
        reason=reason_text_default(parts)[:300],
        reason_parts=parts,
        requested_by=actor,
        release_condition=release_condition,
    )
    audit_record(
        actor=actor,
        action="credit_hold.request",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"credit hold on {customer.customer_ref} asked for: {reason}",
        after={"recommendation": rec.pk, "reason": reason, "balance": str(balance)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Credit hold asked for by %(actor)s, waiting for credit: %(reason)s") % {
            "actor": actor_label(actor),
            "reason": reason,
        }
    _timeline(customer=customer, actor=actor, text=text)
    return HoldRequest(recommendation=rec)


@transaction.atomic
def hold_release(
    *, hold: CreditHold, actor: Any, reason: str = "", recommendation: Recommendation | None = None
) -> CreditHold:
    """Release an active hold (credit analysts and managers); the ERP lifts the order block from
    the release event."""
    if not has_role(actor, *HOLD_ROLES):
        raise PermissionDenied(
            _("only a credit analyst or a manager can release a hold"), field="role"
        )
    text = (reason or "").strip()
    if len(text) > 300:
        raise ValidationError(_("the reason is longer than 300 characters"), field="reason")
    hold = CreditHold.objects.select_for_update().select_related("customer").get(pk=hold.pk)
    if hold.status != HoldStatus.ACTIVE:
        raise Conflict(_("the hold is already released"), field="status")
    now = timezone.now()
    hold.status = HoldStatus.RELEASED
    hold.released_by = actor if getattr(actor, "pk", None) else None
    hold.released_at = now
    hold.release_reason = text
    hold.save(update_fields=["status", "released_by", "released_at", "release_reason"])
    HoldEvent.objects.create(
        hold=hold,
        customer=hold.customer,
        action=HoldAction.RELEASE,
        reason=text,
        decided_by=actor_label(actor),
        decided_at=now,
    )
    audit_record(
        actor=actor,
        action="credit_hold.release",
        object_type="customer",
        object_id=hold.customer.customer_ref,
        summary=f"credit hold on {hold.customer.customer_ref} released",
        before={"status": HoldStatus.ACTIVE},
        after={"hold": hold.pk, "status": hold.status, "reason": text},
    )
    with translation.override(settings.LANGUAGE_CODE):
        if text:
            note = _("Credit hold released by %(actor)s: %(reason)s") % {
                "actor": actor_label(actor),
                "reason": text,
            }
        else:
            note = _("Credit hold released by %(actor)s") % {"actor": actor_label(actor)}
    _timeline(customer=hold.customer, actor=actor, text=note)
    return hold


def _condition_met(condition: str, balance: Decimal, past_due: Decimal) -> bool:
    if condition == ReleaseCondition.PAST_DUE_PAID:
        return past_due <= 0
    if condition == ReleaseCondition.BALANCE_PAID:
        return balance <= 0
    return False


@transaction.atomic
def holds_review(*, as_of: dt.date, actor: Any) -> int:
    """The daily step: for each active hold whose release condition the latest aging snapshot
    meets, recommend the release to credit (once). Returns the releases recommended."""
    holds = list(
        CreditHold.objects.select_for_update()
        .filter(status=HoldStatus.ACTIVE, release_recommendation__isnull=True)
        .exclude(release_condition=ReleaseCondition.DECISION)
        .order_by("id")
    )
    if not holds:
        return 0
    figures = dict(
        (cid, (balance, past_due))
        for cid, balance, past_due in CustomerAging.objects.filter(
            customer_id__in=[h.customer_id for h in holds]
        ).values_list("customer_id", "balance", "past_due")
    )
    raised = 0
    for hold in holds:
        balance, past_due = figures.get(hold.customer_id, (Decimal(0), Decimal(0)))
        if not _condition_met(hold.release_condition, balance, past_due):
            continue
        parts = [part("release_condition_met", condition=hold.release_condition)]
        rec = Recommendation.objects.create(
            customer_id=hold.customer_id,
            kind=RecommendationKind.CREDIT_RELEASE,
            as_of=as_of,
            reason=reason_text_default(parts)[:300],
            reason_parts=parts,
            release_condition=hold.release_condition,
        )
        hold.release_recommendation = rec
        hold.save(update_fields=["release_recommendation"])
        raised += 1
    if raised:
        audit_record(
            actor=actor,
            action="credit_holds.review",
            object_type="credit_holds",
            summary=f"{raised} hold releases recommended on {as_of}",
            after={"as_of": as_of.isoformat(), "recommended": raised},
        )
    return raised
