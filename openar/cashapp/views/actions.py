"""What a person does with a line from the workbench: each posts to one service and goes back."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openar.cashapp.models import (
    MatchProposal,
    StatementLine,
)
from openar.cashapp.views.common import cash_role_required
from openar.cashapp.views.workbench import _int, _shown
from openar.core.dates import today
from openar.core.errors import OpenARError
from openar.ledger.models import Customer

# -- line actions --------------------------------------------------------------------------------


def _back(request: HttpRequest, line: StatementLine, *, stay: bool = False) -> HttpResponse:
    """After an action: the next line of the queue, or the same line when it is still open
    (``stay``) or the action failed."""
    target = request.POST.get("after") or ""
    if stay or not target or not target.startswith("/cash/"):
        target = reverse("cashapp:line", args=[line.pk])
        customer = request.POST.get("customer_ref") or ""
        if customer:
            target += "?" + urlencode({"customer": customer})
    return redirect(target)


def _action_line(request: HttpRequest, pk: int) -> StatementLine:
    return get_object_or_404(StatementLine.objects.select_related("receipt"), pk=pk)


def _money(text: str) -> Decimal | None:
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    # the last of the two marks is the decimal one: "1.234,56" (Spanish) and "1,234.56" both
    # read 1234.56; a lone comma is a decimal comma
    if text.rfind(",") > text.rfind("."):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise OpenARError(_("%(value)s is not an amount") % {"value": text}) from None


@cash_role_required
@require_POST
def line_apply(request: HttpRequest, pk: int) -> HttpResponse:
    from openar.cashapp import services

    line = _action_line(request, pk)
    try:
        rank = _int(request.POST.get("proposal"))
        if rank is not None:
            proposal = get_object_or_404(MatchProposal, line=line, rank=rank)
            allocations = [
                (int(a["document_id"]), Decimal(str(a["amount"])))
                for a in proposal.allocations or []
                if a.get("document_id") is not None
            ]
            customer: Any = proposal.customer
        else:
            allocations = []
            for key in request.POST:
                if key.startswith("alloc-"):
                    amount = _money(request.POST.get(key, ""))
                    if amount:
                        allocations.append((int(key.removeprefix("alloc-")), amount))
            ref = request.POST.get("customer_ref") or ""
            customer = ref or None
        services.line_apply(
            line=line, allocations=allocations, actor=request.user, customer=customer
        )
    except OpenARError as exc:
        messages.error(request, exc.message)
        return _back(request, line, stay=True)
    line.refresh_from_db()
    messages.success(
        request,
        _("Line %(no)s applied: %(amount)s %(currency)s.")
        % {"no": line.pk, "amount": _shown(line.amount, line.currency), "currency": line.currency},
    )
    return _back(request, line)


def _customer_ref(text: str) -> str:
    """'C10001 — Acme Industrial' (a search suggestion) or 'C10001' to the customer ref."""
    return re.split(r"\s+[—-]\s+", (text or "").strip(), maxsplit=1)[0].strip()


@cash_role_required
@require_POST
def line_assign(request: HttpRequest, pk: int) -> HttpResponse:
    from openar.cashapp import services

    line = _action_line(request, pk)
    ref = _customer_ref(request.POST.get("customer", ""))
    if not ref:
        messages.error(request, _("Type the customer number or name of the payer."))
        return _back(request, line, stay=True)
    customer = Customer.objects.filter(customer_ref=ref).first()
    if customer is None:
        matches = list(Customer.objects.filter(name__iexact=ref)[:2])
        customer = matches[0] if len(matches) == 1 else None
    if customer is None:
        messages.error(request, _("No customer %(ref)s.") % {"ref": ref})
        return _back(request, line, stay=True)
    try:
        services.line_assign_customer(line=line, customer=customer, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
        return _back(request, line, stay=True)
    messages.success(
        request,
        _("Payer set to %(customer)s; the bank account and name are learnt for next time.")
        % {"customer": f"{customer.customer_ref} {customer.name}"},
    )
    return redirect(reverse("cashapp:line", args=[line.pk]) + "?" + urlencode({"customer": ref}))


@cash_role_required
@require_POST
def line_on_account(request: HttpRequest, pk: int) -> HttpResponse:
    from openar.cashapp import services

    line = _action_line(request, pk)
    ref = _customer_ref(request.POST.get("customer_ref", ""))
    if not ref:
        messages.error(request, _("Assign the customer first: the credit goes on their account."))
        return _back(request, line, stay=True)
    try:
        services.line_put_on_account(line=line, customer=ref, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
        return _back(request, line, stay=True)
    messages.success(request, _("Line %(no)s put on account of %(ref)s.") % {"no": pk, "ref": ref})
    return _back(request, line)


@cash_role_required
@require_POST
def line_unidentified(request: HttpRequest, pk: int) -> HttpResponse:
    from openar.cashapp import services

    line = _action_line(request, pk)
    try:
        services.line_mark_unidentified(line=line, actor=request.user)
    except OpenARError as exc:
        messages.error(request, exc.message)
        return _back(request, line, stay=True)
    messages.success(request, _("Line %(no)s moved to unidentified cash.") % {"no": pk})
    return _back(request, line)


@cash_role_required
@require_POST
def line_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Run matching for one line (a line imported without matching, or after new invoices)."""
    from openar.cashapp import services

    line = _action_line(request, pk)
    try:
        summary = services.lines_match(as_of=today(), actor=request.user, line_ids=[line.pk])
    except OpenARError as exc:
        messages.error(request, exc.message)
        return _back(request, line, stay=True)
    line.refresh_from_db()
    if summary.auto_applied:
        messages.success(request, _("Line %(no)s was applied automatically.") % {"no": pk})
        return _back(request, line)
    messages.info(request, _("Matching done: %(status)s.") % {"status": line.get_status_display()})
    return redirect(reverse("cashapp:line", args=[line.pk]))


@cash_role_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """Options for the payer search box (a datalist, refreshed by htmx as the user types)."""
    q = (request.GET.get("customer") or request.GET.get("q") or "").strip()
    customers: list[Customer] = []
    if len(q) >= 2:
        customers = list(
            Customer.objects.filter(Q(customer_ref__istartswith=q) | Q(name__icontains=q))
            .only("customer_ref", "name")
            .order_by("name")[:15]
        )
    return render(request, "cashapp/_customer_options.html", {"customers": customers})
