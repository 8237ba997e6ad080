"""Invoice copies from the account view: a panel on the customer page lists the open invoices to
tick (and takes other numbers), and one button sends the copies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.comms.services import InvoiceCopyResult, invoice_copy_send
from openar.core.errors import OpenARError
from openar.core.roles import Role, has_role, role_required
from openar.ledger.models import Customer, Document

ROLES = (Role.COLLECTOR, Role.MANAGER, Role.RESEARCH)
SHOWN = 25


def invoice_copy_panel(request: HttpRequest, customer: Customer, as_of: Any) -> str:
    """The customer page's 'Invoice copies' section (for those who may send them)."""
    if not has_role(request.user, *ROLES):
        return ""
    invoices = list(
        Document.objects.filter(customer=customer, document_type="invoice")
        .exclude(open_amount=0)
        .order_by("-document_date", "-document_ref")
        .values("document_ref", "document_date", "due_date", "currency", "open_amount")[:SHOWN]
    )
    return render_to_string(
        "comms/_invoice_copy_panel.html",
        {"customer": customer, "invoices": invoices, "shown": SHOWN},
        request=request,
    )


@role_required(*ROLES)
@require_POST
def invoice_copy_view(request: HttpRequest, ref: str) -> HttpResponse:
    customer = get_object_or_404(Customer, customer_ref=ref)
    refs = request.POST.getlist("documents")
    refs += [r for r in request.POST.get("other", "").replace(",", " ").split() if r]
    back = reverse("ledger:customer_detail", args=[customer.customer_ref]) + "#invoice-copies"
    try:
        result = invoice_copy_send(
            customer=customer,
            documents=list(dict.fromkeys(refs)),
            to_address=request.POST.get("to_address", ""),
            actor=request.user,
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    copies_sent_message(request, result)
    return redirect(back)


def copies_sent_message(request: HttpRequest, result: InvoiceCopyResult) -> None:
    """Tell the person where the copies went (or why they did not go out yet)."""
    names = ", ".join(c.document_ref for c in result.copies)
    if result.sent and result.message.channel == "email":
        messages.success(
            request,
            _("Copies of %(refs)s sent to %(to)s.")
            % {"refs": names, "to": result.message.to_address},
        )
    elif result.sent:
        messages.success(request, _("Copies of %(refs)s printed as a letter.") % {"refs": names})
    else:
        messages.warning(
            request,
            _("The copies did not go out yet: %(why)s") % {"why": result.message.error or "—"},
        )
