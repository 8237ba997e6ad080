"""Resolving cases: an outcome (valid, invalid, partial, written off), the credit-memo requests
the ERP export carries, their credit memos applied to the items when the ERP sends them back,
and the daily escalation of cases past their SLA date to the owner's manager."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openar.activity.choices import EventKind
from openar.activity.services import account_event_record
from openar.core.audit import audit_record
from openar.core.errors import Conflict, PermissionDenied, ValidationError
from openar.core.hooks import run_hooks
from openar.core.money import check_scale, format_amount
from openar.core.reasons import part
from openar.core.roles import Role, has_role
from openar.disputes.choices import (
    CaseStatus,
    DeductionStatus,
    NoteKind,
    Outcome,
    RequestStatus,
)
from openar.disputes.domain import resolution_credit, spread
from openar.disputes.models import CreditMemoRequest, Deduction, DisputeCase, Team
from openar.disputes.selectors import disputed_by_document
from openar.disputes.services.cases import note_add
from openar.ledger.choices import DocumentType
from openar.ledger.models import Document
from openar.ledger.services import (
    credit_memo_apply,
    document_write_off,
    documents_dispute_flag,
)

RESOLVERS = (Role.RESEARCH, Role.MANAGER)


def write_off_limit(actor: Any) -> Decimal | None:
    """The most this person may write off on one case (None: no limit, an administrator)."""
    limits: dict[str, str] = getattr(
        settings, "OPENAR_DISPUTE_WRITE_OFF_LIMITS", {"research": "250", "manager": "5000"}
    )
    if getattr(actor, "is_superuser", False) or has_role(actor, Role.ADMIN):
        return None
    held = [Decimal(v) for role, v in limits.items() if has_role(actor, role)]
    return max(held) if held else Decimal(0)


def _credit_amount(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{raw!r} is not an amount", field="credit_amount") from None
    if not value.is_finite():
        raise ValidationError("not an amount", field="credit_amount")
    return value


def _release_documents(case: DisputeCase, actor: Any) -> None:
    """Items no active case disputes any more leave dispute (statements, ERP exports)."""
    ids = [i.document_id for i in case.items.all()]
    still = disputed_by_document(document_ids=ids)
    free = [i for i in ids if not still.get(i)]
    if free:
        documents_dispute_flag(document_ids=free, disputed=False, actor=actor)


@transaction.atomic
def dispute_resolve(
    *,
    case: DisputeCase,
    outcome: str,
    note: str,
    on: dt.date,
    actor: Any,
    credit_amount: Any = None,
) -> DisputeCase:
    """Decide a case. ``valid``: a credit-memo request for the disputed amount (or the amount
    given), exported to the ERP; ``partial``: a request for part, the rest is collectible
    again; ``invalid``: nothing credited, collection resumes and the customer is told;
    ``write_off``: the amount is written off the items at once, within the person's approval
    limit. Refused, writing nothing, without an outcome or a note, or for a credit above what is
    disputed."""
    if not has_role(actor, *RESOLVERS):
        raise PermissionDenied(
            "resolving a dispute needs a research specialist or manager", field="outcome"
        )
    if case.status not in (CaseStatus.OPEN, CaseStatus.RESEARCH, CaseStatus.WAITING):
        raise Conflict(
            f"case {case.pk} is {case.get_status_display()}: it is already resolved",
            field="status",
        )
    if not outcome:
        raise ValidationError(
            "a case is closed with a resolution: give the outcome", field="outcome"
        )
    if outcome not in Outcome.values:
        raise ValidationError(
            f"unknown outcome {outcome!r} (valid, invalid, partial or write_off)", field="outcome"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError("say why in a note: the customer's letter quotes it", field="note")
    requested = _credit_amount(credit_amount)
    if requested is not None and requested > 0:
        try:
            check_scale(requested, case.currency)
        except ValidationError as exc:
            raise ValidationError(exc.message, field="credit_amount") from None
    try:
        credit = resolution_credit(outcome, case.amount, requested)
    except ValueError as exc:
        raise ValidationError(str(exc), field="credit_amount") from None
    if outcome == Outcome.WRITE_OFF:
        limit = write_off_limit(actor)
        if limit is not None and credit > limit:
            raise PermissionDenied(
                f"{format_amount(credit, case.currency)} {case.currency} is above your write-off "
                f"limit of {format_amount(limit, case.currency)}: a manager approves it",
                code="above_limit",
                field="credit_amount",
            )
    items = list(case.items.select_related("document").order_by("id"))
    shares = spread(credit, [i.amount for i in items])
    user = actor if hasattr(actor, "pk") else None
    now = timezone.now()
    if outcome in (Outcome.VALID, Outcome.PARTIAL):
        if not items:
            raise ValidationError(
                "this deduction names no item: write it off or find the item first",
                field="outcome",
            )
        CreditMemoRequest.objects.bulk_create(
            [
                CreditMemoRequest(
                    case=case,
                    document=i.document,
                    amount=share,
                    currency=case.currency,
                    requested_at=now,
                    requested_by=user,
                )
                for i, share in zip(items, shares, strict=True)
                if share > 0
            ]
        )
        status = CaseStatus.CREDIT_PENDING
    else:
        if outcome == Outcome.WRITE_OFF:
            for item, share in zip(items, shares, strict=True):
                if share > 0:
                    document_write_off(
                        document=item.document,
                        amount=min(share, item.document.open_amount),
                        on=on,
                        reason=f"dispute {case.pk} ({case.reason.code})",
                        actor=actor,
                    )
        status = CaseStatus.CLOSED
    before = {"status": case.status, "outcome": case.outcome}
    case.status = status
    case.outcome = outcome
    case.credit_amount = credit
    case.resolution_note = note
    case.resolved_on = on
    case.resolved_by = user
    case.closed_on = on if status == CaseStatus.CLOSED else None
    case.waiting_on = ""
    case.save()
    Deduction.objects.filter(case=case).update(status=DeductionStatus.RESOLVED)
    note_add(case, NoteKind.RESOLVED, note, actor)
    _release_documents(case, actor)
    if outcome == Outcome.INVALID:
        account_event_record(
            customer=case.customer_id,
            kind=EventKind.DISPUTE_LOST,
            occurred_on=on,
            ref=f"dispute:{case.pk}",
            details={
                "amount": format_amount(case.amount, case.currency),
                "currency": case.currency,
            },
            source="disputes",
        )
    audit_record(
        actor=actor,
        action="dispute.resolve",
        object_type="dispute",
        object_id=case.pk,
        summary=f"case {case.pk} {outcome}: {format_amount(credit, case.currency)} "
        f"{case.currency} credited",
        before=before,
        after={
            "status": status,
            "outcome": outcome,
            "credit_amount": format_amount(credit, case.currency),
            "note": note,
        },
    )
    run_hooks("dispute_resolved", case=case, actor=actor)
    return case


def _matching_memo(request: CreditMemoRequest, taken: set[int]) -> Document | None:
    """The ERP's credit memo for a request: an open credit memo of the customer in the
    currency, for the requested amount, whose reference names the request (CMR-000012) or
    the credited item."""
    refs = [request.request_ref, request.document.document_ref]
    return (
        Document.objects.filter(
            customer_id=request.case.customer_id,
            currency=request.currency,
            document_type=DocumentType.CREDIT_MEMO,
            cleared_date__isnull=True,
            open_amount=-request.amount,
        )
        .filter(Q(reference__in=refs) | Q(document_ref__in=refs) | Q(po_number__in=refs))
        .exclude(id__in=taken)
        .order_by("document_date", "id")
        .first()
    )


@transaction.atomic
def credit_memos_apply(*, as_of: dt.date, actor: Any) -> int:
    """Apply the credit memos the ERP sent for open requests to their items (ledger's service)
    and close the cases whose requests are all applied; returns how many were applied."""
    applied = 0
    taken: set[int] = set()
    pending = (
        CreditMemoRequest.objects.filter(
            status=RequestStatus.REQUESTED, case__status=CaseStatus.CREDIT_PENDING
        )
        .select_related("case", "document")
        .order_by("document_id", "id")
    )
    touched: dict[int, DisputeCase] = {}
    for request in pending:
        memo = _matching_memo(request, taken)
        if memo is None:
            continue
        amount = min(request.amount, request.document.open_amount)
        if amount > 0:
            credit_memo_apply(
                credit_memo=memo, document=request.document, amount=amount, on=as_of, actor=actor
            )
        taken.add(memo.pk)
        request.status = RequestStatus.APPLIED
        request.credit_memo = memo
        request.applied_on = as_of
        request.save(update_fields=["status", "credit_memo", "applied_on"])
        note_add(
            request.case,
            NoteKind.NOTE,
            "",
            actor,
            parts=[
                part(
                    "credit_memo_applied",
                    memo=memo.document_ref,
                    amount=format_amount(amount, request.currency),
                    currency=request.currency,
                    document=request.document.document_ref,
                )
            ],
        )
        touched[request.case_id] = request.case
        applied += 1
    for case in touched.values():
        if not case.credit_requests.filter(status=RequestStatus.REQUESTED).exists():
            case.status = CaseStatus.CLOSED
            case.closed_on = as_of
            case.save(update_fields=["status", "closed_on", "updated_at"])
            _release_documents(case, actor)
    if applied:
        audit_record(
            actor=actor,
            action="dispute.credit_memos_applied",
            object_type="dispute",
            object_id=as_of.isoformat(),
            summary=f"{applied} credit memos applied, {len(touched)} cases",
            after={"applied": applied, "cases": sorted(touched)},
        )
    return applied


def _manager_of(case: DisputeCase, teams: dict[str, Team]) -> Any:
    """The owner's manager: the manager of the case's team, else of a team the owner is in,
    else the first collections manager."""
    team = teams.get(case.owner_team)
    if team is not None and team.manager_id and team.manager_id != case.owner_id:
        return team.manager
    if case.owner_id:
        for other in teams.values():
            if (
                other.manager_id
                and other.manager_id != case.owner_id
                and any(m.pk == case.owner_id for m in other.members.all())
            ):
                return other.manager
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.MANAGER)
        .exclude(pk=case.owner_id or 0)
        .order_by("id")
        .first()
    )


@transaction.atomic
def disputes_escalate(*, as_of: dt.date, actor: Any) -> int:
    """Escalate every worked case past its SLA date on ``as_of`` to its owner's manager, once;
    returns how many were escalated (a rerun of the same date escalates nothing new)."""
    overdue = list(
        DisputeCase.objects.filter(
            status__in=(CaseStatus.OPEN, CaseStatus.RESEARCH, CaseStatus.WAITING),
            due_on__lt=as_of,
            escalated_on__isnull=True,
        )
        .select_related("owner")
        .order_by("id")
    )
    if not overdue:
        return 0
    teams = {t.code: t for t in Team.objects.select_related("manager").prefetch_related("members")}
    for case in overdue:
        manager = _manager_of(case, teams)
        case.escalated_on = as_of
        case.escalated_to = manager
        case.save(update_fields=["escalated_on", "escalated_to", "updated_at"])
        days = (as_of - case.due_on).days
        who = manager.get_full_name() or manager.get_username() if manager else "-"
        note_add(
            case, NoteKind.ESCALATED, "", actor, parts=[part("case_escalated", days=days, to=who)]
        )
    audit_record(
        actor=actor,
        action="dispute.escalate",
        object_type="dispute",
        object_id=as_of.isoformat(),
        summary=f"{len(overdue)} cases past their SLA date escalated",
        after={"cases": [c.pk for c in overdue]},
    )
    return len(overdue)


@transaction.atomic
def credit_request_cancel(
    *, request: CreditMemoRequest, reason: str, actor: Any, on: dt.date
) -> CreditMemoRequest:
    """Cancel a credit-memo request the ERP has not answered (raised in error, or the customer
    withdrew): it leaves the ERP export and no credit memo is applied for it. When its case has
    no request left waiting, the case goes back to research for a new decision (nothing was
    credited) or closes (the rest was applied). Research specialists and managers only; a
    reason is required."""
    if not has_role(actor, *RESOLVERS):
        raise PermissionDenied(
            "cancelling a credit-memo request needs a research specialist or manager",
            field="request",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("say why the request is cancelled", field="reason")
    if len(reason) > 500:
        raise ValidationError("the reason is longer than 500 characters", field="reason")
    request = (
        CreditMemoRequest.objects.select_for_update()
        .select_related("case", "document")
        .get(pk=request.pk)
    )
    if request.status != RequestStatus.REQUESTED:
        raise Conflict(
            f"{request.request_ref} is {request.get_status_display()}: only a request waiting "
            "for its credit memo can be cancelled",
            field="request",
        )
    case = DisputeCase.objects.select_for_update().get(pk=request.case_id)
    request.status = RequestStatus.CANCELLED
    request.cancelled_at = timezone.now()
    request.cancelled_by = actor if hasattr(actor, "pk") else None
    request.cancel_reason = reason
    request.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    note_add(
        case,
        NoteKind.NOTE,
        "",
        actor,
        parts=[
            part(
                "credit_request_cancelled",
                request=request.request_ref,
                amount=format_amount(request.amount, request.currency),
                currency=request.currency,
                document=request.document.document_ref,
                why=reason,
            )
        ],
    )
    before = {"status": case.status, "credit_amount": str(case.credit_amount)}
    left = case.credit_requests.exclude(status=RequestStatus.CANCELLED)
    waiting = left.filter(status=RequestStatus.REQUESTED).exists()
    applied = sum((r.amount for r in left.filter(status=RequestStatus.APPLIED)), Decimal(0))
    if case.status == CaseStatus.CREDIT_PENDING and not waiting:
        if applied > 0:  # the rest of the credit came back: the case is done
            case.status, case.closed_on, case.credit_amount = CaseStatus.CLOSED, on, applied
        else:  # nothing credited: research decides again
            case.status, case.outcome, case.credit_amount = CaseStatus.RESEARCH, "", None
            case.resolved_on, case.resolved_by, case.resolution_note = None, None, ""
        case.save()
        if case.status == CaseStatus.CLOSED:
            _release_documents(case, actor)
    elif case.credit_amount is not None:
        case.credit_amount = max(case.credit_amount - request.amount, Decimal(0))
        case.save(update_fields=["credit_amount", "updated_at"])
    audit_record(
        actor=actor,
        action="dispute.credit_request_cancel",
        object_type="credit_memo_request",
        object_id=request.pk,
        summary=f"{request.request_ref} {format_amount(request.amount, request.currency)} "
        f"{request.currency} on {request.document.document_ref} cancelled: {reason}"[:500],
        before={"status": RequestStatus.REQUESTED.value, "case": before},
        after={
            "status": request.status,
            "reason": reason,
            "case": {"status": case.status, "credit_amount": str(case.credit_amount)},
        },
    )
    return request
