"""The Outbox page (on the list kit): messages with filters and a preview; a person sends one
now, holds, releases or cancels it, and opens a letter as PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from openar.comms.choices import MessageChannel, MessageStatus
from openar.comms.documents import Rendered, letter_page, pdf
from openar.comms.filters import OutboxFilterSet
from openar.comms.models import OutboxMessage
from openar.comms.parties import parties_for
from openar.comms.previews import message_docx
from openar.comms.selectors import account_items, outbox_counts
from openar.comms.services import (
    outbox_cancel,
    outbox_hold,
    outbox_release,
    outbox_resend_unconfirmed,
    outbox_send,
)
from openar.comms.tables import OutboxTable
from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, role_required

ROLES = (Role.COLLECTOR, Role.MANAGER)


class OutboxView(ObjectListView):
    roles = ROLES
    filterset_class = OutboxFilterSet
    table_class = OutboxTable
    template_name = "comms/outbox.html"
    results_template_name = "comms/_outbox_results.html"

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        return OutboxMessage.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        counts = outbox_counts()
        problems = counts.get(MessageStatus.FAILED, 0) + counts.get(MessageStatus.BOUNCED, 0)
        return {"counts": counts, "problems": problems}


outbox_view = OutboxView.as_view()


@role_required(*ROLES)
def message_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage.objects.select_related("customer"), pk=pk)
    template = (
        "comms/_preview.html"
        if request.headers.get("HX-Request") == "true"
        else "comms/message_detail.html"
    )
    return render(request, template, {"message": message})


@role_required(*ROLES)
def message_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter as it will be (or was) printed."""
    message = get_object_or_404(OutboxMessage, pk=pk, channel=MessageChannel.LETTER)
    party = parties_for([message.customer_id])[message.customer_id]
    account = account_items([message.customer_id], message.as_of)[message.customer_id]
    page = letter_page(
        rendered=Rendered(message.subject, message.body, message.html),
        language=message.language,
        party=party,
        account=account,
        kind=message.template_code,
    )
    response = HttpResponse(pdf(page), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{party.customer_ref}-{message.pk}.pdf"'
    return response


@role_required(*ROLES)
def message_docx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter as a Word document, to edit by hand before it is printed."""
    message = get_object_or_404(
        OutboxMessage.objects.select_related("customer"), pk=pk, channel=MessageChannel.LETTER
    )
    response = HttpResponse(
        message_docx(message),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{message.customer.customer_ref}-{message.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _act(
    request: HttpRequest, pk: int, do: Callable[[OutboxMessage], Any], done: str
) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        outcome = do(message)
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        if isinstance(outcome, str) and outcome:
            messages.warning(request, outcome)
        else:
            messages.success(request, done)
    return redirect("comms:message_preview", pk=pk)


@role_required(*ROLES)
@require_POST
def message_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    def send(message: OutboxMessage) -> str:
        if message.status != MessageStatus.QUEUED:
            raise OpenARError(_("Only a queued message can be sent."))
        result = outbox_send(
            as_of=dates.today(), actor=request.user, ignore_window=True, message_ids=[message.pk]
        )
        if (result.sent or result.letters) and not result.failed:
            return ""
        message.refresh_from_db()
        return _("The message did not go out: %(why)s") % {"why": message.error or "—"}

    return _act(request, pk, send, _("Message sent."))


def _status_view(
    service: Callable[..., OutboxMessage], done: str | Promise
) -> Callable[..., HttpResponse]:
    """A POST view that moves one message with ``service`` and says ``done``."""

    @role_required(*ROLES)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _act(request, pk, lambda m: service(message=m, actor=request.user), str(done))

    return view


message_hold_view = _status_view(
    outbox_hold, gettext_lazy("Message held: it will not be sent until released.")
)
message_release_view = _status_view(
    outbox_release, gettext_lazy("Message released: it goes with the next sending run.")
)
message_resend_view = _status_view(
    outbox_resend_unconfirmed,
    gettext_lazy("Message queued again: it goes with the next sending run."),
)
message_cancel_view = _status_view(
    outbox_cancel, gettext_lazy("Message cancelled: it will not be sent.")
)
