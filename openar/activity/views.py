"""Promise pages and the customer page's activity panel (open promises, recent contacts, forms
to record a promise and log a contact)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openar.activity.filters import PromiseFilterSet
from openar.activity.forms import ContactForm, PromiseForm
from openar.activity.models import ContactAttachment, PromiseToPay
from openar.activity.selectors import (
    customer_contacts,
    customer_promises,
    promise_stats,
)
from openar.activity.services import contact_record, promise_cancel, promise_record
from openar.activity.tables import PromiseTable
from openar.activity.timeline import timeline_panel
from openar.core import dates
from openar.core.errors import OpenARError
from openar.core.lists import ObjectListView
from openar.core.roles import Role, has_role, role_required
from openar.ledger.models import Customer

WRITE_ROLES = (Role.COLLECTOR, Role.MANAGER, Role.CREDIT)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _can_write(user: Any) -> bool:
    return has_role(user, *WRITE_ROLES)


class PromiseListView(ObjectListView):
    """Promises to pay, filtered, sorted and paged, with the promise-kept figures on top."""

    filterset_class = PromiseFilterSet
    table_class = PromiseTable
    template_name = "activity/promise_list.html"

    def get_queryset(self) -> QuerySet[PromiseToPay]:
        return PromiseToPay.objects.all()

    def get_extra_context(self) -> dict[str, Any]:
        mine = self.request.GET.get("mine") in ("on", "true", "1")
        collector = self.request.user if mine else None
        return {"stats": promise_stats(as_of=dates.today(), collector=collector)}


promise_list_view = PromiseListView.as_view()


def customer_panel(
    request: HttpRequest,
    customer: Customer,
    as_of: Any,
    *,
    promise_form: PromiseForm | None = None,
    contact_form: ContactForm | None = None,
) -> str:
    """The customer page's 'Promises and contacts' section."""
    can_write = _can_write(request.user)
    return render_to_string(
        "activity/_customer_panel.html",
        {
            "customer": customer,
            "promises": customer_promises(customer=customer),
            "contacts": customer_contacts(customer=customer),
            "can_write": can_write,
            "promise_form": promise_form
            or PromiseForm(
                initial={
                    "currency": customer.currency,
                    "promised_date": dates.today() + dt.timedelta(days=7),
                    "channel": "call",
                }
            ),
            "contact_form": contact_form or ContactForm(),
            "today": dates.today(),
        },
        request=request,
    )


def _back_to_customer(customer: Customer) -> HttpResponse:
    return redirect(reverse("ledger:customer_detail", args=[customer.customer_ref]) + "#activity")


def _panel_response(request: HttpRequest, customer: Customer, **forms: Any) -> HttpResponse:
    return HttpResponse(customer_panel(request, customer, dates.today(), **forms))


def _panel_form_submit(
    request: HttpRequest,
    customer: Customer,
    form: PromiseForm | ContactForm,
    form_key: str,
    write: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Run ``write`` with the form's data; answer htmx with the re-rendered panel (the form with
    its errors under ``form_key``), a plain post with a redirect and messages."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except OpenARError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if _is_htmx(request):
                return _panel_response(request, customer)
            messages.success(request, done)
            return _back_to_customer(customer)
    if _is_htmx(request):
        return _panel_response(request, customer, **{form_key: form})
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return _back_to_customer(customer)


@role_required(*WRITE_ROLES)
@require_POST
def promise_record_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    customer = get_object_or_404(Customer, customer_ref=customer_ref)
    return _panel_form_submit(
        request,
        customer,
        PromiseForm(request.POST),
        "promise_form",
        lambda data: promise_record(
            customer=customer,
            amount=data["amount"],
            currency=data["currency"],
            promised_date=data["promised_date"],
            taken_on=dates.today(),
            note=data["note"],
            channel=data["channel"] or None,
            # The open items ticked on the account page (their checkboxes join this form).
            documents=[int(d) for d in request.POST.getlist("documents") if d.isdigit()],
            strict=True,
            actor=request.user,
        ),
        _("Promise recorded."),
    )


@role_required(*WRITE_ROLES)
@require_POST
def contact_record_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    customer = get_object_or_404(Customer, customer_ref=customer_ref)
    return _panel_form_submit(
        request,
        customer,
        ContactForm(request.POST),
        "contact_form",
        lambda data: contact_record(
            customer=customer,
            user=request.user,
            channel=data["channel"],
            outcome=data["outcome"],
            note=data["note"],
            actor=request.user,
        ),
        _("Contact logged."),
    )


@role_required(*WRITE_ROLES)
@require_POST
def promise_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    promise = get_object_or_404(PromiseToPay.objects.select_related("customer"), pk=pk)
    try:
        promise_cancel(promise=promise, actor=request.user, reason=request.POST.get("reason", ""))
    except OpenARError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Promise cancelled."))
    if _is_htmx(request):
        return _panel_response(request, promise.customer)
    return _back_to_customer(promise.customer)


@role_required(Role.COLLECTOR, Role.MANAGER, Role.CREDIT)
def attachment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A file kept with a contact (the PDF of a letter, an email's attachment)."""
    attachment = get_object_or_404(ContactAttachment, pk=pk)
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.filename}"'
    return response


@login_required
def timeline_view(request: HttpRequest, customer_ref: str) -> HttpResponse:
    """The account timeline alone, filtered by kind (the panel's filters reload it)."""
    customer = get_object_or_404(Customer, customer_ref=customer_ref)
    html = timeline_panel(request, customer, dates.today())
    if _is_htmx(request):
        return HttpResponse(html)
    url = reverse("ledger:customer_detail", args=[customer.customer_ref])
    return redirect(f"{url}?{request.GET.urlencode()}#timeline")
