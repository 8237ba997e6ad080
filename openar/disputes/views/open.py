"""Opening a dispute from the customer page: pick the items (whole or part of each), the
reason, what the customer says, a contact and an attachment."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from openar.core import dates
from openar.core.errors import OpenARError, ValidationError
from openar.core.roles import role_required
from openar.disputes.models import ReasonCode
from openar.disputes.selectors import open_items_for_dispute
from openar.disputes.services import case_attachment_add, dispute_open
from openar.disputes.services.cases import attachment_max_bytes
from openar.disputes.views.common import OPENERS, READ_MESSAGE, reason_label
from openar.ledger.models import Customer


def _parse_date(text: str) -> Any:
    import datetime as dt

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."), field="expected_on") from None


@role_required(*OPENERS, message=READ_MESSAGE)
def dispute_new(request: HttpRequest, customer_ref: str) -> HttpResponse:
    customer = Customer.objects.select_related("entity").filter(customer_ref=customer_ref).first()
    if customer is None:
        raise Http404
    rows = open_items_for_dispute(customer)
    reasons = [(r.code, reason_label(r)) for r in ReasonCode.objects.filter(active=True)]
    error = None
    post = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            picked = []
            for doc, _free in rows:
                if post.get(f"pick_{doc.pk}"):
                    raw = (post.get(f"amount_{doc.pk}") or "").strip().replace(",", "")
                    try:
                        amount = Decimal(raw)
                    except InvalidOperation:
                        raise ValidationError(
                            _("%(doc)s: enter an amount such as 120.00.")
                            % {"doc": doc.document_ref},
                            field=f"amount_{doc.pk}",
                        ) from None
                    picked.append((doc, amount))
            if not picked:
                raise ValidationError(_("Tick at least one item."), field="items")
            upload = request.FILES.get("file")
            with transaction.atomic():
                case = dispute_open(
                    customer=customer,
                    items=picked,
                    reason_code=post.get("reason_code", ""),
                    description=post.get("description", ""),
                    contact_name=post.get("contact_name", ""),
                    contact_email=post.get("contact_email", ""),
                    contact_phone=post.get("contact_phone", ""),
                    expected_on=_parse_date(post.get("expected_on", "")),
                    opened_on=dates.today(),
                    actor=request.user,
                )
                if upload is not None:
                    case_attachment_add(
                        case=case,
                        filename=upload.name or "",
                        content=upload.read(attachment_max_bytes() + 1),
                        actor=request.user,
                    )
        except OpenARError as exc:
            error = exc
        else:
            owner = case.owner.get_full_name() if case.owner else case.get_owner_team_display()
            messages.success(
                request,
                _("Dispute D-%(id)d opened and routed to %(owner)s.")
                % {"id": case.pk, "owner": owner},
            )
            return redirect("disputes:case", pk=case.pk)
    return render(
        request,
        "disputes/open.html",
        {
            "customer": customer,
            "rows": rows,
            "reasons": reasons,
            "error": error,
            "post": post,
            "picked_ids": {doc.pk for doc, _free in rows if post.get(f"pick_{doc.pk}")},
            "max_mb": attachment_max_bytes() // (1024 * 1024),
            "today": dates.today(),
        },
        status=400 if error else 200,
    )
