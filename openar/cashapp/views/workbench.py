"""The review workbench: the queue, one line, its suggestions and the customer's open items."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openar.cashapp.choices import LineStatus
from openar.cashapp.models import (
    CashApplication,
    MatchProposal,
    StatementFile,
    StatementLine,
)
from openar.cashapp.views.common import (
    OPEN_ITEMS_SHOWN,
    QUEUE_LIST_SIZE,
    QUEUE_STATUSES,
    SETTLED_STATUSES,
    SUGGESTIONS_SHOWN,
    cash_role_required,
)
from openar.core.dates import today
from openar.core.money import FX_TOLERANCE, is_currency, minor_units, quantize
from openar.ledger.models import Customer, Document

RATE_PLACES = Decimal("1E-10")  # the ledger's rate columns
OPEN_LINE_STATUSES = (
    *QUEUE_STATUSES["review"],
    *QUEUE_STATUSES["unidentified"],
    LineStatus.ON_ACCOUNT,
)

# -- the review workbench ------------------------------------------------------------------------


def _queue(queue: str, statement_id: str | None, search: str) -> QuerySet[StatementLine]:
    """The engine's queue (oldest first), credits only, narrowed to one statement file."""
    from openar.cashapp import selectors

    select = selectors.unidentified_queue if queue == "unidentified" else selectors.review_queue
    qs = select(search=search).filter(amount__gt=0)
    if statement_id and statement_id.isdigit():
        qs = qs.filter(statement_id=int(statement_id))
    return qs


@cash_role_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    return _workbench(request, queue="review")


@cash_role_required
@require_GET
def unidentified(request: HttpRequest) -> HttpResponse:
    return _workbench(request, queue="unidentified")


@cash_role_required
@require_GET
def line_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Any line (an applied one too) in the workbench, outside the queues."""
    line = get_object_or_404(StatementLine, pk=pk)
    queue = "unidentified" if line.status == LineStatus.UNIDENTIFIED else "review"
    return _workbench(request, queue=queue, line_id=pk)


def _workbench(request: HttpRequest, *, queue: str, line_id: int | None = None) -> HttpResponse:
    statement_id = request.GET.get("statement") or None
    search = (request.GET.get("q") or "").strip()[:100]
    qs = _queue(queue, statement_id, search)
    total = qs.count()
    amounts = list(qs.values("currency").annotate(total=Sum("amount")).order_by("currency")[:6])
    listed = list(qs.prefetch_related(None)[:QUEUE_LIST_SIZE])
    ids = [line.pk for line in listed]
    wanted = line_id or _int(request.GET.get("line"))
    selected_id = wanted if wanted else (ids[0] if ids else None)
    detail = None
    if selected_id is not None:
        line = (
            StatementLine.objects.select_related(
                "receipt__customer", "statement__bank_account__entity"
            )
            .filter(pk=selected_id)
            .first()
        )
        if line is None:
            raise Http404(_("No such statement line."))
        detail = _detail(request, line)
    position = ids.index(selected_id) if selected_id in ids else None
    base = reverse(f"cashapp:{queue}")

    def url(pk: int | None) -> str:
        if pk is None:
            return ""
        params: dict[str, Any] = {"line": pk}
        if statement_id:
            params["statement"] = statement_id
        if search:
            params["q"] = search
        return f"{base}?{urlencode(params)}"

    prev_id = ids[position - 1] if position is not None and position > 0 else None
    next_id = ids[position + 1] if position is not None and position + 1 < len(ids) else None
    if position is None and ids and selected_id != ids[0]:
        next_id = ids[0]
    settled = detail is not None and detail["line"].status in SETTLED_STATUSES
    return render(
        request,
        "cashapp/workbench.html",
        {
            "tab": "applied" if settled and line_id else queue,
            "queue": queue,
            "lines": listed,
            "total": total,
            "amounts": amounts,
            "selected_id": selected_id,
            "position": (position + 1) if position is not None else None,
            "detail": detail,
            "prev_url": url(prev_id),
            "next_url": url(next_id),
            # where the line actions send the user: the next line of the queue (or the first)
            "after_url": url(next_id) or url(prev_id) or base,
            "statement_id": statement_id,
            "statement": _statement(statement_id),
            "search": search,
        },
    )


def _statement(statement_id: str | None) -> StatementFile | None:
    pk = _int(statement_id)
    return StatementFile.objects.filter(pk=pk).first() if pk is not None else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _detail(request: HttpRequest, line: StatementLine) -> dict[str, Any]:
    from openar.cashapp.selectors import applicable_documents, line_detail, proposals_fx_terms

    receipt = line.receipt
    found = line_detail(line, limit=OPEN_ITEMS_SHOWN)
    proposals = found.proposals
    shown = proposals[:SUGGESTIONS_SHOWN]
    # Suggestions clearing documents in another currency: the rate, what is taken from the
    # payment and the FX difference the ledger would post.
    fx = proposals_fx_terms(line, shown) if line.status in OPEN_LINE_STATUSES else {}
    suggestions = [_suggestion(proposal, line, fx) for proposal in shown]
    customer = found.customer
    documents: list[Document] = list(found.open_items)
    chosen = (request.GET.get("customer") or "").strip()
    if chosen and (customer is None or customer.customer_ref != chosen):
        other = Customer.objects.filter(customer_ref=chosen).first()
        if other is not None:  # the reviewer looks at another customer's items
            customer = other
            documents = applicable_documents(line, other, limit=OPEN_ITEMS_SHOWN)
    applied = list(
        CashApplication.objects.filter(line=line)
        .select_related("application__document__customer", "created_by")
        .order_by("id")
    )
    applied_total = sum((ca.application.amount for ca in applied), Decimal(0))
    unapplied = (receipt.amount - applied_total) if receipt is not None else Decimal(0)
    items: list[dict[str, Any]] = []
    if customer is not None:
        prefill: dict[int, Decimal] = {}
        top = proposals[0] if proposals else None
        if top is not None and top.customer_id == customer.pk:
            for allocation in top.allocations or []:
                doc_id = _int(allocation.get("document_id"))
                if doc_id is not None:
                    prefill[doc_id] = Decimal(str(allocation.get("amount") or 0))
        as_of = line.booking_date or today()
        for doc in documents:
            items.append(
                {
                    "doc": doc,
                    "open": _q(doc.open_amount, line.currency),
                    "days": (as_of - doc.due_date).days if doc.due_date else None,
                    "prefill": _q(prefill[doc.pk], line.currency) if doc.pk in prefill else None,
                    "in_text": bool(_ref_pattern(doc.document_ref).search(line.remittance))
                    if doc.document_ref
                    else False,
                }
            )
    refs = {item["doc"].document_ref for item in items}
    for suggestion in suggestions:
        refs.update(a["document_ref"] for a in suggestion["allocations"] if a["document_ref"])
    return {
        "line": line,
        "receipt": receipt,
        "suggestions": suggestions,
        "customer": customer,
        "items": items,
        "items_total": sum((i["doc"].open_amount for i in items), Decimal(0)),
        "applied": applied,
        "unapplied": _q(unapplied, line.currency),
        "places": minor_units(line.currency) if is_currency(line.currency) else 2,
        "remittance_html": highlight(line.remittance, refs),
        "is_open": line.status in (*QUEUE_STATUSES["review"], *QUEUE_STATUSES["unidentified"]),
        "can_apply_more": line.status == LineStatus.ON_ACCOUNT and unapplied > 0,
        "modes": sorted({ca.mode for ca in applied}),
        "fx_tolerance": _rate_shown(FX_TOLERANCE * 100),
    }


def _shown(amount: Decimal, currency: str) -> str:
    """An amount for a message, with the currency's decimals and the user's grouping."""
    from django.utils.formats import number_format

    places = minor_units(currency) if is_currency(currency) else 2
    return number_format(_q(amount, currency), places, use_l10n=True, force_grouping=True)


def _q(amount: Decimal, currency: str) -> Decimal:
    return quantize(amount, currency) if is_currency(currency) else amount


def _suggestion(
    proposal: MatchProposal, line: StatementLine, fx: dict[int, Any] | None = None
) -> dict[str, Any]:
    allocations = []
    for allocation in proposal.allocations or []:
        allocations.append(
            {
                "document_id": allocation.get("document_id"),
                "document_ref": str(allocation.get("document_ref") or ""),
                "amount": Decimal(str(allocation.get("amount") or 0)),
            }
        )
    confidence = round(float(proposal.confidence) * 100)
    return {
        "proposal": proposal,
        "rank": proposal.rank,
        "customer": proposal.customer,
        "allocations": allocations,
        "allocated": sum((a["amount"] for a in allocations), Decimal(0)),
        "confidence": confidence,
        "level": "high" if confidence >= 90 else "mid" if confidence >= 70 else "low",
        "difference": proposal.difference_amount,
        "is_fx": proposal.method.startswith("fx_"),
        "fx": (terms := (fx or {}).get(proposal.rank)),
        "fx_rate": _rate_shown(terms.rate) if terms is not None else "",
    }


def _rate_shown(rate: Decimal) -> str:
    """A rate as the ledger records it (10 decimals), without trailing zeros, in the user's
    decimal mark (0.0875, 0,0875)."""
    from django.utils.formats import number_format

    return number_format(rate.quantize(RATE_PLACES).normalize(), use_l10n=True)


def _ref_pattern(ref: str) -> re.Pattern[str]:
    """A reference as payers write it: any case, separators dropped or changed ("INV-1001",
    "inv 1001", "INV1001"), and its number alone when that has four digits or more."""
    parts = [re.escape(part) for part in re.split(r"[^0-9A-Za-z]+", ref) if part]
    alternatives = [r"[\s\-_/.]?".join(parts)] if parts else []
    digits = re.sub(r"\D", "", ref).lstrip("0")
    if len(digits) >= 4:
        alternatives.append(r"0*" + re.escape(digits))
    if not alternatives:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![0-9A-Za-z])(?:" + "|".join(alternatives) + r")(?![0-9A-Za-z])", re.I)


def highlight(text: str, refs: Iterable[str]) -> SafeString:
    """The remittance text, escaped, with the references found in it wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for ref in sorted({r for r in refs if r}, key=len, reverse=True):
        for match in _ref_pattern(ref).finditer(text or ""):
            if not any(start < match.end() and match.start() < end for start, end in spans):
                spans.append((match.start(), match.end()))
    out: list[str] = []
    last = 0
    for start, end in sorted(spans):
        out.append(escape(text[last:start]))
        out.append(f'<mark class="ref-hit">{escape(text[start:end])}</mark>')
        last = end
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out))  # every piece is escaped above
