"""One case: its items, research (item history, receipts and remittance, the customer's
earlier cases), the notes thread, attachments, and the actions of its owner."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.roles import Role, check_role, role_required
from openar.disputes.choices import InfoParty, Outcome, OwnerTeam, RequestStatus
from openar.disputes.models import CaseAttachment, DisputeCase
from openar.disputes.selectors import case_detail, case_notes, case_research
from openar.disputes.services import (
    case_assign,
    case_attachment_add,
    case_info_receive,
    case_info_request,
    case_note_add,
    case_start,
    credit_request_cancel,
    dispute_resolve,
)
from openar.disputes.services.cases import attachment_max_bytes
from openar.disputes.views.common import (
    READ_MESSAGE,
    READERS,
    RESOLVE_MESSAGE,
    RESOLVERS,
    can_resolve,
    reason_label,
)


def _case_or_404(pk: int) -> DisputeCase:
    case = case_detail(pk)
    if case is None:
        raise Http404
    return case


def _people() -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.RESEARCH, Role.MANAGER])
        .distinct()
        .order_by("first_name", "username")
    )


def _page(
    request: HttpRequest, case: DisputeCase, *, error: tuple[str, OpenARError] | None = None
) -> HttpResponse:
    today = dates.today()
    research = case_research(case)
    worked = case.status in ("open", "research", "waiting")
    requests = list(case.credit_requests.select_related("document", "cancelled_by"))
    context = {
        "case": case,
        "reason": reason_label(case.reason),
        "items": list(case.items.all()),
        "research": research,
        "notes": list(case_notes(case)),
        "attachments": list(case.attachments.defer("content").all()),
        "requests": requests,
        "pending_requests": [r for r in requests if r.status == RequestStatus.REQUESTED],
        "worked": worked,
        "overdue_days": (today - case.due_on).days if worked and case.due_on < today else 0,
        "can_resolve": can_resolve(request.user),
        "outcomes": Outcome.choices,
        "teams": OwnerTeam.choices,
        "parties": InfoParty.choices,
        "people": _people(),
        "max_mb": attachment_max_bytes() // (1024 * 1024),
        "error_form": error[0] if error else "",
        "error": error[1] if error else None,
        "post": request.POST if request.method == "POST" else {},
    }
    return render(request, "disputes/case.html", context, status=400 if error else 200)


@role_required(*READERS, message=READ_MESSAGE)
def case_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _case_or_404(pk))


def _amount(text: str) -> Decimal | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise OpenARError(_("Enter an amount such as 120.00."), field="credit_amount") from None


@require_POST
@role_required(*READERS, message=READ_MESSAGE)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action on a case (the form names it); a refusal shows the case again with the
    message beside the form, and nothing changed."""
    case = _case_or_404(pk)
    user, post = request.user, request.POST
    if action not in ("note", "attach"):
        check_role(user, *RESOLVERS, message=RESOLVE_MESSAGE)
    try:
        if action == "note":
            case_note_add(case=case, text=post.get("text", ""), actor=user)
        elif action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise OpenARError(_("Choose a file to attach."), field="file")
            content = upload.read(attachment_max_bytes() + 1)
            case_attachment_add(case=case, filename=upload.name or "", content=content, actor=user)
        elif action == "start":
            case_start(case=case, actor=user)
        elif action == "assign":
            owner = None
            if post.get("owner"):
                owner = get_user_model().objects.filter(pk=post["owner"]).first()
            case_assign(case=case, owner_team=post.get("owner_team", ""), owner=owner, actor=user)
        elif action == "ask":
            case_info_request(
                case=case,
                party=post.get("party", ""),
                text=post.get("text", ""),
                on=dates.today(),
                actor=user,
            )
        elif action == "cancel_request":
            found = case.credit_requests.filter(pk=post.get("request") or 0).first()
            if found is None:
                raise OpenARError(_("Choose the request to cancel."), field="request")
            credit_request_cancel(
                request=found, reason=post.get("reason", ""), actor=user, on=dates.today()
            )
            messages.success(
                request,
                _("%(request)s cancelled: it leaves the ERP export.")
                % {"request": found.request_ref},
            )
        elif action == "answer":
            case_info_receive(case=case, text=post.get("text", ""), actor=user)
        elif action == "resolve":
            dispute_resolve(
                case=case,
                outcome=post.get("outcome", ""),
                credit_amount=_amount(post.get("credit_amount", "")),
                note=post.get("note", ""),
                on=dates.today(),
                actor=user,
            )
            messages.success(
                request,
                _("Case D-%(id)d resolved: the customer's letter is in the outbox.")
                % {"id": case.pk},
            )
        else:
            raise Http404
    except OpenARError as exc:
        return _page(request, _case_or_404(pk), error=(action, exc))
    return redirect("disputes:case", pk=case.pk)


@role_required(*READERS, message=READ_MESSAGE)
def attachment_view(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = CaseAttachment.objects.filter(pk=attachment_id, case_id=pk).first()
    if attachment is None:
        raise Http404
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    return response
