"""Limit reviews: raised by the daily cycle (periodically by risk class; on a dropped risk class,
broken promises or an exceeded limit) or asked for by a person, each with the recommendation
collection behaviour gives; decided by credit or a manager: keep, reduce, increase or hold. A
reduction or an increase sets the new limit, a hold places it; every decision is on the
account's timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openar.activity.choices import EventKind
from openar.activity.models import AccountEvent
from openar.core.audit import actor_label, audit_record
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.money import format_amount
from openar.core.reasons import part, reason_text_default
from openar.core.roles import Role, has_role
from openar.credit.choices import ReviewOutcome, ReviewStatus, ReviewTrigger
from openar.credit.domain import ReviewRules, review_recommendation
from openar.credit.models import CreditLimit, LimitReview
from openar.credit.selectors.reviews import review_facts
from openar.credit.services.holds import hold_place
from openar.credit.services.limits import LIMIT_ROLES, credit_limit_set, parse_amount
from openar.credit.services.trail import timeline_note
from openar.ledger.models import Customer
from openar.risk.selectors import latest_scores

REVIEW_REQUEST_ROLES = (Role.COLLECTOR, Role.CREDIT, Role.MANAGER)
EVENT_DAYS = 7  # events this recent open a review
DEFAULT_MONTHS = {"A": 12, "B": 12, "C": 6, "D": 3, "E": 3}


def review_months() -> dict[str, int]:
    """Months between periodic reviews by risk class (``OPENAR_CREDIT_REVIEW_MONTHS``)."""
    return {**DEFAULT_MONTHS, **getattr(settings, "OPENAR_CREDIT_REVIEW_MONTHS", {})}


def periodic_per_day() -> int:
    """Periodic reviews opened a day at most (``OPENAR_CREDIT_REVIEWS_PER_DAY``, default 200)."""
    return int(getattr(settings, "OPENAR_CREDIT_REVIEWS_PER_DAY", 200))


def _rules() -> ReviewRules:
    return ReviewRules(
        broken_promises=int(getattr(settings, "OPENAR_CREDIT_REVIEW_BROKEN_PROMISES", 2))
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _create(
    *,
    customer_id: int,
    trigger: str,
    trigger_ref: str,
    as_of: dt.date,
    facts: tuple[Any, Any, dict[str, Any]],
    trigger_part: dict[str, Any],
    requested_by: Any = None,
    extra: list[dict[str, Any]] | None = None,
) -> LimitReview:
    behaviour, exposure, stored = facts
    outcome, proposed, parts = review_recommendation(behaviour, _rules())
    parts = [trigger_part, *(extra or []), *parts]
    return LimitReview.objects.create(
        customer_id=customer_id,
        trigger=trigger,
        trigger_ref=trigger_ref,
        due_on=as_of,
        recommended=outcome,
        recommended_limit=proposed,
        currency=exposure.currency,
        reason=reason_text_default(parts)[:300],
        reason_parts=parts,
        facts=stored,
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
    )


def _limited_customers() -> set[int]:
    ids = set(Customer.objects.filter(credit_limit__isnull=False).values_list("id", flat=True))
    ids.update(CreditLimit.objects.values_list("customer_id", flat=True).distinct())
    return ids


@transaction.atomic
def limit_reviews_raise(*, as_of: dt.date, actor: Any) -> int:
    """The daily step: open a review for each account with a limit whose periodic review is due
    (months by risk class since its last review or first limit), whose risk class dropped or
    whose promises broke (``OPENAR_CREDIT_REVIEW_BROKEN_PROMISES`` in 90 days) this week, or
    whose exposure is over its limit (once a month); never two open at once, never twice for
    the same cause. Returns the reviews opened."""
    limited = _limited_customers()
    if not limited:
        return 0
    busy = set(
        LimitReview.objects.filter(status=ReviewStatus.OPEN).values_list("customer_id", flat=True)
    )
    done = set(LimitReview.objects.values_list("customer_id", "trigger_ref"))
    wanted: dict[int, tuple[str, str, dict[str, Any]]] = {}

    def want(cid: int, trigger: str, ref: str, why: dict[str, Any]) -> None:
        if cid in limited and cid not in busy and cid not in wanted and (cid, ref) not in done:
            wanted[cid] = (trigger, ref, why)

    # Exceeded limits first: the most urgent reason names the review.
    from openar.credit.selectors.exposure import customer_exposures

    month = f"{as_of:%Y-%m}"
    for cid, x in customer_exposures(limited, as_of=as_of).items():
        if x.over_limit:
            want(cid, ReviewTrigger.LIMIT_EXCEEDED, f"over:{month}", part("review_trigger_over"))
    since = as_of - dt.timedelta(days=EVENT_DAYS)
    broken_since = as_of - dt.timedelta(days=90)
    threshold = _rules().broken_promises
    broken: dict[int, list[int]] = {}
    for cid, pk, day in AccountEvent.objects.filter(
        kind=EventKind.PROMISE_BROKEN, occurred_on__gt=broken_since, occurred_on__lte=as_of
    ).values_list("customer_id", "id", "occurred_on"):
        broken.setdefault(cid, []).append(pk if day > since else -pk)
    for cid, events in broken.items():
        recent = [pk for pk in events if pk > 0]
        if recent and len(events) >= threshold:
            want(cid, ReviewTrigger.PROMISES_BROKEN, f"promises:{max(recent)}",
                 part("review_trigger_promises", count=len(events)))  # fmt: skip
    for cid, pk, details in AccountEvent.objects.filter(
        kind=EventKind.CLASS_DROPPED, occurred_on__gt=since, occurred_on__lte=as_of
    ).values_list("customer_id", "id", "details"):
        want(cid, ReviewTrigger.SCORE_DROPPED, f"event:{pk}", part(
            "review_trigger_class", before=str((details or {}).get("from", "")),
            after=str((details or {}).get("to", ""))))  # fmt: skip
    # Periodic: months by class since the last review, else since the first limit.
    last: dict[int, dt.date] = {}
    for cid, day in LimitReview.objects.values_list("customer_id", "due_on"):
        last[cid] = max(day, last.get(cid, day))
    for cid, at in CreditLimit.objects.values_list("customer_id", "set_at").order_by("set_at"):
        last.setdefault(cid, timezone.localdate(at))
    for cid, created in Customer.objects.values_list("id", "created_at").iterator(chunk_size=10000):
        if cid in limited:
            last.setdefault(cid, timezone.localdate(created))
    months = review_months()
    periodic: list[tuple[dt.date, int, int]] = []
    classes = latest_scores(as_of=as_of, customer_ids=limited if len(limited) <= 2000 else None)
    for cid in sorted(limited):
        score = classes.get(cid)
        every = months.get(score.risk_class if score else "C", 6)
        due = _add_months(last[cid], every)
        if due <= as_of and cid not in busy and (cid, f"periodic:{due.isoformat()}") not in done:
            periodic.append((due, cid, every))
    # A team reviews so many a day: the longest overdue first, the rest on later days.
    opened_today = LimitReview.objects.filter(trigger=ReviewTrigger.PERIODIC, due_on=as_of).count()
    for due, cid, every in sorted(periodic)[: max(0, periodic_per_day() - opened_today)]:
        want(cid, ReviewTrigger.PERIODIC, f"periodic:{due.isoformat()}",
             part("review_trigger_periodic", months=every))  # fmt: skip
    if not wanted:
        return 0
    facts = review_facts(sorted(wanted), as_of=as_of)
    for cid, (trigger, ref, why) in sorted(wanted.items()):
        _create(
            customer_id=cid, trigger=trigger, trigger_ref=ref, as_of=as_of,
            facts=facts[cid], trigger_part=why,
        )  # fmt: skip
    audit_record(
        actor=actor,
        action="limit_reviews.raise",
        object_type="limit_reviews",
        summary=f"{len(wanted)} limit reviews opened on {as_of}",
        after={"as_of": as_of.isoformat(), "opened": len(wanted)},
    )
    return len(wanted)


@transaction.atomic
def limit_review_request(
    *, customer: Customer, actor: Any, as_of: dt.date, note: str = ""
) -> LimitReview:
    """A person asks for a review of the account's limit now (collectors, credit, managers)."""
    if not has_role(actor, *REVIEW_REQUEST_ROLES):
        raise PermissionDenied(
            _("only collectors, credit and managers ask for limit reviews"), field="role"
        )
    text = (note or "").strip()[:300]
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if LimitReview.objects.filter(customer=customer, status=ReviewStatus.OPEN).exists():
        raise Conflict(
            _("a review of %(ref)s is already open") % {"ref": customer.customer_ref},
            field="customer_ref",
        )
    review = _create(
        customer_id=customer.pk,
        trigger=ReviewTrigger.MANUAL,
        trigger_ref=f"asked:{timezone.now():%Y%m%d%H%M%S%f}",
        as_of=as_of,
        facts=review_facts([customer.pk], as_of=as_of)[customer.pk],
        trigger_part=part("requested", user=actor_label(actor)),
        extra=[part("text", text=text)] if text else [],
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="limit_review.request",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"limit review of {customer.customer_ref} asked for",
        after={"review": review.pk, "note": text},
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Limit review asked for by %(actor)s") % {"actor": actor_label(actor)}
        if text:
            message += f": {text}"
    timeline_note(customer=customer, actor=actor, text=message)
    return review


@transaction.atomic
def limit_review_decide(
    *,
    review: LimitReview,
    outcome: str,
    actor: Any,
    as_of: dt.date,
    new_limit: Any = None,
    note: str = "",
) -> LimitReview:
    """Decide an open review (credit analysts and managers; not the person who asked for it):
    keep; reduce or increase to ``new_limit`` (set as the account's limit with the review as
    its reason); or hold (the account goes on credit hold)."""
    if not has_role(actor, *LIMIT_ROLES):
        raise PermissionDenied(
            _("only a credit analyst or a manager can decide a limit review"), field="role"
        )
    review = LimitReview.objects.select_for_update().select_related("customer").get(pk=review.pk)
    if review.status != ReviewStatus.OPEN:
        raise Conflict(_("the review is already decided"), field="status")
    if review.requested_by_id is not None and review.requested_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(
            _("you asked for this review: another analyst or a manager decides it"),
            field="decided_by",
        )
    if outcome not in ReviewOutcome.values:
        raise ValidationError(
            _("unknown outcome %(value)r (keep, reduce, increase or hold)") % {"value": outcome},
            field="outcome",
        )
    text = (note or "").strip()
    customer = review.customer
    from openar.credit.selectors.exposure import customer_exposure

    current = customer_exposure(customer, as_of=as_of).credit_limit
    with translation.override(settings.LANGUAGE_CODE):
        why = _("Limit review: %(reason)s") % {"reason": text or review.reason}
    why = why[:300]
    if outcome in (ReviewOutcome.REDUCE, ReviewOutcome.INCREASE):
        amount = parse_amount(new_limit, field="new_limit")
        if current is not None and outcome == ReviewOutcome.REDUCE and amount >= current:
            raise ValidationError(
                _("a reduction goes below the current limit of %(limit)s")
                % {"limit": format_amount(current, customer.currency)},
                field="new_limit",
            )
        if current is not None and outcome == ReviewOutcome.INCREASE and amount <= current:
            raise ValidationError(
                _("an increase goes above the current limit of %(limit)s")
                % {"limit": format_amount(current, customer.currency)},
                field="new_limit",
            )
        try:
            review.new_limit = credit_limit_set(
                customer=customer, amount=amount, currency=customer.currency, reason=why,
                actor=actor, as_of=as_of,
            )  # fmt: skip
        except ValidationError as exc:
            raise ValidationError(exc.message, field="new_limit") from None
    elif outcome == ReviewOutcome.HOLD:
        review.hold = hold_place(customer=customer, reason=why, actor=actor)
    before = {"status": review.status}
    review.status = ReviewStatus.DECIDED
    review.outcome = outcome
    review.note = text
    review.decided_by = actor if getattr(actor, "pk", None) else None
    review.decided_at = timezone.now()
    review.save()
    audit_record(
        actor=actor,
        action="limit_review.decide",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"limit review {review.pk} of {customer.customer_ref}: {outcome}",
        before=before,
        after={
            "review": review.pk,
            "outcome": outcome,
            "new_limit": str(review.new_limit.amount) if review.new_limit else None,
            "note": text,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Limit review decided by %(actor)s: %(outcome)s") % {
            "actor": actor_label(actor),
            "outcome": str(ReviewOutcome(outcome).label),
        }
        if review.new_limit is not None:
            message += " " + _("(new limit %(amount)s %(currency)s)") % {
                "amount": format_amount(review.new_limit.amount, customer.currency),
                "currency": customer.currency,
            }
        if text:
            message += f": {text}"
    timeline_note(customer=customer, actor=actor, text=message)
    return review
