"""Cash application pages: statement upload and list, the review workbench (one line, its
suggestions and the customer's open items, worked from the keyboard), the unidentified-cash
queue, applied lines, and the CSV/XLSX layout editor with a file preview.

Every write goes through ``openar.cashapp.services`` (import, match, apply, assign, on account,
unidentified) or ``openar.cashapp.layouts``; the views only read, call one service and redirect."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.forms import LayoutForm, StatementUploadForm
from openar.cashapp.models import (
    BankLayout,
    CashApplication,
    MatchProposal,
    StatementFile,
    StatementLine,
)
from openar.core.dates import today
from openar.core.errors import OpenARError
from openar.core.money import is_currency, minor_units, quantize
from openar.core.roles import Role, has_role
from openar.ledger.models import Customer, Document

CASH_ROLES = (Role.CASHAPP, Role.MANAGER, Role.ADMIN)
QUEUE_STATUSES = {
    "review": (LineStatus.REVIEW, LineStatus.NEW),
    "unidentified": (LineStatus.UNIDENTIFIED,),
}
SETTLED_STATUSES = (LineStatus.AUTO_APPLIED, LineStatus.APPLIED, LineStatus.ON_ACCOUNT)
QUEUE_LIST_SIZE = 200
OPEN_ITEMS_SHOWN = 100
SUGGESTIONS_SHOWN = 3


def _require_cash_role(request: HttpRequest) -> None:
    if not has_role(request.user, *CASH_ROLES):
        raise PermissionDenied(
            _("Cash application needs the cash application, manager or admin role.")
        )


# -- statements ----------------------------------------------------------------------------------


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    _require_cash_role(request)
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            response = _upload(request, form)
            if response is not None:
                return response
    else:
        form = StatementUploadForm()
    files = (
        StatementFile.objects.select_related("bank_account", "imported_by")
        .annotate(
            n_lines=Count("lines"),
            n_review=Count(
                "lines", filter=Q(lines__status__in=QUEUE_STATUSES["review"], lines__amount__gt=0)
            ),
            n_unidentified=Count("lines", filter=Q(lines__status=LineStatus.UNIDENTIFIED)),
            n_auto=Count("lines", filter=Q(lines__status=LineStatus.AUTO_APPLIED)),
            n_applied=Count("lines", filter=Q(lines__status=LineStatus.APPLIED)),
            n_on_account=Count("lines", filter=Q(lines__status=LineStatus.ON_ACCOUNT)),
            n_debit=Count("lines", filter=Q(lines__status=LineStatus.DEBIT)),
        )
        .order_by("-imported_at", "-id")
    )
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cashapp/statements.html",
        {"form": form, "page": page, "kpis": _queue_kpis(), "tab": "statements"},
    )


def _queue_kpis() -> dict[str, Any]:
    counts = dict(
        StatementLine.objects.filter(amount__gt=0)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    credits = sum(counts.values())
    auto = counts.get(LineStatus.AUTO_APPLIED, 0)
    return {
        "review": counts.get(LineStatus.REVIEW, 0) + counts.get(LineStatus.NEW, 0),
        "unidentified": counts.get(LineStatus.UNIDENTIFIED, 0),
        "auto": auto,
        "applied": counts.get(LineStatus.APPLIED, 0) + counts.get(LineStatus.ON_ACCOUNT, 0),
        "credits": credits,
        "auto_rate": round(100 * auto / credits, 1) if credits else None,
    }


def _upload(request: HttpRequest, form: StatementUploadForm) -> HttpResponse | None:
    from openar.cashapp.services import lines_match, statement_import

    upload = form.cleaned_data["file"]
    data = b"".join(upload.chunks())
    layout = form.cleaned_data.get("layout")
    fmt = form.cleaned_data["fmt"]
    if layout is not None and fmt == "auto":
        fmt = "csv"
    try:
        summary = statement_import(
            actor=request.user, data=data, name=Path(upload.name).name, fmt=fmt, layout=layout
        )
    except OpenARError as exc:
        form.add_error("file" if exc.field in (None, "file", "account") else None, exc.message)
        return None
    file_ids = list(summary.statement_file_ids)
    text = _("Imported %(file)s: %(lines)s lines, %(receipts)s receipts.") % {
        "file": upload.name,
        "lines": summary.lines,
        "receipts": summary.receipts_created,
    }
    if form.cleaned_data.get("match_now"):
        line_ids = list(
            StatementLine.objects.filter(
                statement_id__in=file_ids, status__in=(LineStatus.NEW, LineStatus.REVIEW)
            ).values_list("id", flat=True)
        )
        if line_ids:
            try:
                matched = lines_match(as_of=today(), actor=request.user, line_ids=line_ids)
            except OpenARError as exc:
                messages.error(request, exc.message)
            else:
                text += " " + _(
                    "Matched: %(auto)s applied automatically, %(review)s to review, "
                    "%(unidentified)s unidentified."
                ) % {
                    "auto": matched.auto_applied,
                    "review": matched.review,
                    "unidentified": matched.unidentified,
                }
    messages.success(request, text)
    target = reverse("cashapp:review")
    if len(file_ids) == 1:
        target += "?" + urlencode({"statement": file_ids[0]})
    return redirect(target)


# -- the review workbench ------------------------------------------------------------------------


def _queue(queue: str, statement_id: str | None, search: str) -> QuerySet[StatementLine]:
    """The engine's queue (oldest first), credits only, narrowed to one statement file."""
    from openar.cashapp import selectors

    select = selectors.unidentified_queue if queue == "unidentified" else selectors.review_queue
    qs = select(search=search).filter(amount__gt=0)
    if statement_id and statement_id.isdigit():
        qs = qs.filter(statement_id=int(statement_id))
    return qs


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    return _workbench(request, queue="review")


@login_required
@require_GET
def unidentified(request: HttpRequest) -> HttpResponse:
    return _workbench(request, queue="unidentified")


@login_required
@require_GET
def line_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Any line (an applied one too) in the workbench, outside the queues."""
    line = get_object_or_404(StatementLine, pk=pk)
    queue = "unidentified" if line.status == LineStatus.UNIDENTIFIED else "review"
    return _workbench(request, queue=queue, line_id=pk)


def _workbench(request: HttpRequest, *, queue: str, line_id: int | None = None) -> HttpResponse:
    _require_cash_role(request)
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


def _group_ids(customer: Customer) -> list[int]:
    """The customer and the accounts below it (a parent pays for its children)."""
    members = [customer.pk]
    frontier = [customer.pk]
    while frontier and len(members) < 500:
        frontier = [
            pk
            for pk in Customer.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
            if pk not in members
        ]
        members.extend(frontier)
    return members


def _detail(request: HttpRequest, line: StatementLine) -> dict[str, Any]:
    from openar.cashapp.selectors import line_detail

    receipt = line.receipt
    found = line_detail(line, limit=OPEN_ITEMS_SHOWN)
    proposals = found.proposals
    suggestions = [_suggestion(proposal, line) for proposal in proposals[:SUGGESTIONS_SHOWN]]
    customer = found.customer
    documents: list[Document] = list(found.open_items)
    chosen = (request.GET.get("customer") or "").strip()
    if chosen and (customer is None or customer.customer_ref != chosen):
        other = Customer.objects.filter(customer_ref=chosen).first()
        if other is not None:  # the reviewer looks at another customer's items
            customer = other
            documents = list(
                Document.objects.filter(
                    customer_id__in=_group_ids(other),
                    currency=line.currency,
                    entity_id=line.statement.bank_account.entity_id,
                )
                .exclude(open_amount=0)
                .select_related("customer")
                .order_by("due_date", "document_ref")[:OPEN_ITEMS_SHOWN]
            )
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
    }


def _shown(amount: Decimal, currency: str) -> str:
    """An amount for a message, with the currency's decimals and the user's grouping."""
    from django.utils.formats import number_format

    places = minor_units(currency) if is_currency(currency) else 2
    return number_format(_q(amount, currency), places, use_l10n=True, force_grouping=True)


def _q(amount: Decimal, currency: str) -> Decimal:
    return quantize(amount, currency) if is_currency(currency) else amount


def _suggestion(proposal: MatchProposal, line: StatementLine) -> dict[str, Any]:
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
    }


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
    _require_cash_role(request)
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


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """Options for the payer search box (a datalist, refreshed by htmx as the user types)."""
    _require_cash_role(request)
    q = (request.GET.get("customer") or request.GET.get("q") or "").strip()
    customers: list[Customer] = []
    if len(q) >= 2:
        customers = list(
            Customer.objects.filter(Q(customer_ref__istartswith=q) | Q(name__icontains=q))
            .only("customer_ref", "name")
            .order_by("name")[:15]
        )
    return render(request, "cashapp/_customer_options.html", {"customers": customers})


# -- applied lines -------------------------------------------------------------------------------


@login_required
@require_GET
def applied(request: HttpRequest) -> HttpResponse:
    _require_cash_role(request)
    mode = request.GET.get("mode") or ""
    qs = (
        StatementLine.objects.filter(status__in=SETTLED_STATUSES)
        .select_related("receipt__customer", "matched_by")
        .order_by("-matched_at", "-id")
    )
    if mode in ApplicationMode.values:
        qs = qs.filter(applications__mode=mode).distinct()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    by_line: dict[int, list[CashApplication]] = {}
    for ca in (
        CashApplication.objects.filter(line_id__in=[row.pk for row in rows])
        .select_related("application__document")
        .order_by("id")
    ):
        by_line.setdefault(ca.line_id, []).append(ca)
    entries = []
    for row in rows:
        cas = by_line.get(row.pk, [])
        modes = sorted({ca.mode for ca in cas})
        confidences = [ca.confidence for ca in cas if ca.confidence is not None]
        entries.append(
            {
                "line": row,
                "applications": cas,
                "mode": modes[0] if len(modes) == 1 else ("manual" if cas else ""),
                "confidence": round(float(max(confidences)) * 100) if confidences else None,
            }
        )
    return render(
        request,
        "cashapp/applied.html",
        {"page": page, "entries": entries, "mode": mode, "tab": "applied"},
    )


# -- layouts -------------------------------------------------------------------------------------


@login_required
@require_GET
def layout_list(request: HttpRequest) -> HttpResponse:
    _require_cash_role(request)
    from openar.cashapp.layouts import layout_list as layouts

    return render(request, "cashapp/layouts.html", {"layouts": layouts(), "tab": "layouts"})


def _sample_folder() -> Path:
    return Path(settings.OPENAR_UPLOAD_DIR) / "layout-samples"


def _stash_sample(upload: Any) -> str:
    """Keep an uploaded sample for the next previews of the form (samples older than a day are
    removed on the way)."""
    import shutil
    import time

    root = _sample_folder()
    if root.is_dir():
        for old in root.iterdir():
            if old.is_dir() and time.time() - old.stat().st_mtime > 86400:
                shutil.rmtree(old, ignore_errors=True)
    token = uuid.uuid4().hex
    folder = root / token
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(upload.name).name)[:120] or "sample"
    with (folder / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _sample(token: str) -> tuple[str, bytes] | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    folder = _sample_folder() / token
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    if not files:
        return None
    return files[0].name, files[0].read_bytes()[: 20 * 1024 * 1024]


@login_required
def layout_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    _require_cash_role(request)
    from openar.cashapp.layouts import layout_save
    from openar.cashapp.parsers.csvbank import preview

    layout = get_object_or_404(BankLayout, code=code) if code else None
    preview_result = None
    sample_name = ""
    if request.method == "POST":
        form = LayoutForm(request.POST, request.FILES)
        valid = form.is_valid()
        token = request.POST.get("sample_token", "")
        if request.FILES.get("sample"):
            token = _stash_sample(request.FILES["sample"])
        sample = _sample(token)
        if sample is not None:
            sample_name = sample[0]
            preview_result = preview(sample[1], name=sample[0], layout=form.layout_json(), rows=10)
        data = request.POST.copy()
        data["sample_token"] = token if sample is not None else ""
        form.data = data
        if valid and "save" in request.POST:
            payload = form.layout_json()
            try:
                saved = layout_save(
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    columns=payload["columns"],
                    options=payload["options"],
                    bank_account=form.cleaned_data.get("bank_account"),
                    actor=request.user,
                )
            except OpenARError as exc:
                target = (exc.field or "").replace("columns.", "col_").replace("options.", "")
                form.add_error(target if target in form.fields else None, exc.message)
            else:
                messages.success(request, _("Layout %(code)s saved.") % {"code": saved.code})
                return redirect("cashapp:layout_edit", code=saved.code)
    else:
        form = LayoutForm(initial=LayoutForm.initial_for(layout) if layout else None)
    return render(
        request,
        "cashapp/layout_form.html",
        {
            "form": form,
            "layout": layout,
            "preview": preview_result,
            "sample_name": sample_name,
            "tab": "layouts",
        },
    )
