"""The outbox page: messages waiting to be sent, with filters and a preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.comms.forms import OutboxFilterForm
from openar.comms.models import OutboxMessage
from openar.comms.selectors import outbox_counts, outbox_list
from openar.comms.services import outbox_cancel
from openar.core.errors import OpenARError
from openar.core.roles import Role, role_required

MESSAGES_PER_PAGE = 50
ROLES = (Role.COLLECTOR, Role.MANAGER)


@role_required(*ROLES)
def outbox_view(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = outbox_list(
        status=data.get("status", ""),
        channel=data.get("channel", ""),
        template_code=data.get("template_code", ""),
        language=data.get("language", ""),
        as_of=data.get("as_of"),
        q=data.get("q", ""),
        collector=request.user if data.get("mine") else None,
    )
    page = Paginator(qs, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comms/outbox.html",
        {"form": form, "page": page, "counts": outbox_counts(), "query": query.urlencode()},
    )


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
@require_POST
def message_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        outbox_cancel(message=message, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message cancelled: it will not be sent."))
    return redirect("comms:message_preview", pk=pk)
