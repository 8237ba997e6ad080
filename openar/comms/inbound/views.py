"""The Inbox: what came in by email, opening on the messages no account matched; a person
assigns one to a customer, dismisses it, or confirms the promise read from it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.comms.choices_inbound import InboundKind, InboundStatus
from openar.comms.copy_views import copies_sent_message
from openar.comms.inbound.filters import InboundFilterSet
from openar.comms.inbound.selectors import inbound_counts, inbound_detail, mailbox_states
from openar.comms.inbound.tables import InboundTable
from openar.comms.models import InboundAttachment, InboundMessage
from openar.comms.services.inbound import (
    inbound_assign,
    inbound_copies_send,
    inbound_dismiss,
    inbound_promise_confirm,
    inbound_requested_documents,
)
from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, role_required
from openar.disputes.choices import DEFAULT_REASONS
from openar.ledger.models import Customer

ROLES = (Role.COLLECTOR, Role.MANAGER)


class InboxView(ObjectListView):
    roles = ROLES
    filterset_class = InboundFilterSet
    table_class = InboundTable
    template_name = "comms/inbox.html"
    filter_defaults = {"status": InboundStatus.UNMATCHED}

    def get_queryset(self) -> QuerySet[InboundMessage]:
        return InboundMessage.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        return {"counts": inbound_counts(), "mailboxes": mailbox_states()}


inbox_view = InboxView.as_view()


@role_required(*ROLES)
def message_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        message = inbound_detail(pk)
    except InboundMessage.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "comms/inbound_detail.html",
        {
            "message": message,
            "attachments": list(message.attachments.defer("content")),
            "case_reason": _case_reason(message),
            "is_promise": message.kind == InboundKind.PROMISE,
            "is_copy_request": message.kind == InboundKind.INVOICE_COPY,
            "requested": (
                inbound_requested_documents(message)
                if message.kind == InboundKind.INVOICE_COPY
                else []
            ),
        },
    )


def _case_reason(message: InboundMessage) -> str:
    """The reason of the dispute case the email opened, in the reader's language when it is
    one of the default reasons (a manager's own reason as written)."""
    case = message.dispute_case
    if case is None:
        return ""
    default = DEFAULT_REASONS.get(case.reason.code)
    return str(default[0]) if default else case.reason.label


@role_required(*ROLES)
def attachment_view(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = get_object_or_404(InboundAttachment, pk=attachment_id, message_id=pk)
    response = HttpResponse(bytes(attachment.content), content_type="application/octet-stream")
    name = attachment.filename.replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _customer(text: str) -> Customer:
    """The customer a person typed: its number, or a name that only one customer has."""
    text = text.strip()
    if not text:
        raise OpenARError(_("Enter a customer number or name."), field="customer")
    found = Customer.objects.filter(customer_ref__iexact=text).first()
    if found is not None:
        return found
    named = list(Customer.objects.filter(Q(name__icontains=text)).order_by("customer_ref")[:2])
    if len(named) == 1:
        return named[0]
    if not named:
        raise OpenARError(_("No customer %(text)s.") % {"text": text}, field="customer")
    raise OpenARError(
        _("Several customers are called %(text)s: enter the customer number.") % {"text": text},
        field="customer",
    )


@role_required(*ROLES)
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    try:
        customer = _customer(request.POST.get("customer", ""))
        inbound_assign(message=message, customer=customer, actor=request.user, as_of=dates.today())
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Filed on %(ref)s %(name)s: it is on the account and in the collector's queue.")
            % {"ref": customer.customer_ref, "name": customer.name},
        )
    return redirect("inbox:message", pk=pk)


@role_required(*ROLES)
@require_POST
def dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    try:
        inbound_dismiss(message=message, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
        return redirect("inbox:message", pk=pk)
    messages.success(request, _("Message dismissed."))
    return redirect("inbox:list")


@role_required(*ROLES)
@require_POST
def confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    try:
        try:
            amount = Decimal(request.POST.get("amount", "").strip())
        except InvalidOperation:
            raise OpenARError(_("Enter the amount promised."), field="amount") from None
        promised = dates.parse_iso_date(request.POST.get("promised_date", ""), "promised_date")
        inbound_promise_confirm(
            message=message,
            amount=amount,
            promised_date=promised,
            actor=request.user,
            taken_on=dates.today(),
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Promise recorded; the task is done."))
    return redirect("inbox:message", pk=pk)


@role_required(*ROLES)
@require_POST
def copies_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(InboundMessage, pk=pk)
    refs = request.POST.getlist("documents")
    refs += [r for r in request.POST.get("other", "").replace(",", " ").split() if r]
    try:
        result = inbound_copies_send(message=message, documents=refs, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
        return redirect("inbox:message", pk=pk)
    copies_sent_message(request, result)
    return redirect("inbox:message", pk=pk)
