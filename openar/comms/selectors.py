"""Reads for the outbox and the message templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from openar.cashapp.models import BankAccount
from openar.comms.choices import TEMPLATE_LABELS
from openar.comms.domain import AccountItems, Item, TemplateText
from openar.comms.models import (
    Letterhead,
    MessageTemplate,
    OutboxMessage,
    StatementRun,
    StatementRunLine,
    TemplateVersion,
)
from openar.comms.template_defaults import DEFAULTS
from openar.core.bulk import fetch_values
from openar.disputes.selectors import disputed_by_document
from openar.ledger.models import Customer, Document
from openar.ledger.selectors import unapplied_cash
from openar.strategy.models import StrategyStep


def outbox_list(
    *,
    queryset: QuerySet[OutboxMessage] | None = None,
    status: str = "",
    channel: str = "",
    template_code: str = "",
    language: str = "",
    as_of: dt.date | None = None,
    q: str = "",
    collector: Any = None,
) -> QuerySet[OutboxMessage]:
    """Messages, newest first, filtered."""
    qs = (queryset if queryset is not None else OutboxMessage.objects.all()).select_related(
        "customer"
    )
    qs = qs.defer("body", "html")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if template_code:
        qs = qs.filter(template_code=template_code)
    if language:
        qs = qs.filter(language=language)
    if as_of is not None:
        qs = qs.filter(as_of=as_of)
    if collector is not None:
        qs = qs.filter(customer__collector=collector)
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(customer__customer_ref__iexact=term) | Q(customer__name__icontains=term))
    return qs.order_by("-as_of", "-id")


def outbox_counts() -> dict[str, int]:
    """Messages per status."""
    return dict(
        OutboxMessage.objects.values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def account_items(customer_ids: list[int], as_of: dt.date) -> dict[int, AccountItems]:
    """Open items (current open amounts, disputed flag) and unapplied cash per currency of each
    customer, for messages and statements."""
    items: dict[int, list[Item]] = {cid: [] for cid in customer_ids}
    docs = (
        Document.objects.filter(customer_id__any_of=customer_ids)
        .exclude(open_amount=0)
        .order_by("customer_id", "due_date", "document_ref")
        .values_list(
            "customer_id",
            "document_ref",
            "document_type",
            "document_date",
            "due_date",
            "currency",
            "amount",
            "open_amount",
            "disputed",
            "reference",
            "id",
        )
    )
    flagged: list[tuple[int, int, int]] = []  # (customer, index in its items, document id)
    for (
        cid,
        ref,
        dtype,
        ddate,
        due,
        cur,
        amount,
        open_amount,
        disputed,
        reference,
        pk,
    ) in fetch_values(docs):
        if disputed:
            flagged.append((cid, len(items[cid]), pk))
        # Positional, in the order of Item's fields: tens of thousands of items a daily run.
        items[cid].append(
            Item(ref, dtype, ddate, due, cur, amount, open_amount, (as_of - due).days, disputed,
                 reference)
        )  # fmt: skip
    # A case may contest part of an item: the statement shows that part apart from the rest.
    parts = disputed_by_document(document_ids=[pk for *_, pk in flagged]) if flagged else {}
    for cid, index, pk in flagged:
        if parts.get(pk, 0) > 0:
            items[cid][index] = replace(items[cid][index], disputed_amount=parts[pk])
    unapplied = unapplied_cash(customer_ids, as_of)
    return {
        cid: AccountItems(
            as_of=as_of,
            items=tuple(items[cid]),
            unapplied={c: v for c, v in unapplied[cid].items() if v > 0},
        )
        for cid in customer_ids
    }


@dataclass(frozen=True)
class PaymentAccount:
    bank_name: str
    name: str
    account_number: str
    bic: str
    currencies: tuple[str, ...]


def payment_accounts(entity_ids: list[int]) -> dict[int, list[PaymentAccount]]:
    """The active bank accounts of each entity, for payment instructions."""
    out: dict[int, list[PaymentAccount]] = {eid: [] for eid in entity_ids}
    for account in BankAccount.objects.filter(entity_id__in=entity_ids, active=True).order_by(
        "entity_id", "currency", "id"
    ):
        out[account.entity_id].append(
            PaymentAccount(
                bank_name=account.bank_name,
                name=account.name,
                account_number=account.account_number,
                bic=account.bic,
                currencies=tuple(account.allowed_currencies),
            )
        )
    return out


def letterheads(entity_ids: list[int]) -> dict[int, Letterhead]:
    return {lh.entity_id: lh for lh in Letterhead.objects.filter(entity_id__in=entity_ids)}


# --- message templates ----------------------------------------------------------------------


def template_list(
    *, queryset: QuerySet[MessageTemplate] | None = None, q: str = "", channel: str = ""
) -> QuerySet[MessageTemplate]:
    """Templates by code, each with its active versions (``active``, newest language first)."""
    qs = queryset if queryset is not None else MessageTemplate.objects.all()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if channel:
        qs = qs.filter(channel=channel)
    active = TemplateVersion.objects.filter(is_active=True).select_related("created_by")
    steps = (
        StrategyStep.objects.filter(template=OuterRef("code"))
        .values("template")
        .annotate(n=Count("id"))
        .values("n")
    )
    latest = TemplateVersion.objects.filter(template=OuterRef("pk")).order_by("-created_at")
    return (
        qs.annotate(
            steps_using=Coalesce(Subquery(steps), 0),
            changed_at=Subquery(latest.values("created_at")[:1]),
        )
        .prefetch_related(
            Prefetch("versions", queryset=active.order_by("language"), to_attr="active")
        )
        .order_by("code")
    )


def template_steps(template: MessageTemplate) -> QuerySet[StrategyStep]:
    """The strategy steps that name ``template``."""
    return (
        StrategyStep.objects.filter(template=template.code)
        .select_related("strategy")
        .order_by("strategy__priority", "strategy__code", "days_from", "code")
    )


def customers_matching(q: str, *, limit: int = 8) -> list[Customer]:
    """Customers whose number or name holds ``q`` (numbers first), for a picker."""
    q = q.strip()
    if not q:
        return []
    qs = Customer.objects.filter(Q(customer_ref__icontains=q) | Q(name__icontains=q))
    return list(qs.order_by("customer_ref").only("customer_ref", "name", "language")[:limit])


def template_versions(template: MessageTemplate, language: str) -> QuerySet[TemplateVersion]:
    """Every version of one template's text in ``language``, newest first, with who saved it."""
    return (
        TemplateVersion.objects.filter(template=template, language=language)
        .select_related("created_by")
        .order_by("-number")
    )


def active_texts() -> dict[tuple[str, str], TemplateText]:
    """The active text of every template in every language, by ``(code, language)``; the
    shipped text stands in for a shipped template that has no version in any language."""
    texts = {
        (code, lang): TemplateText(code, lang, subject, body, version_id, number)
        for code, lang, subject, body, version_id, number in TemplateVersion.objects.filter(
            is_active=True
        ).values_list("template__code", "language", "subject", "body", "id", "number")
    }
    have = {code for code, _lang in texts}
    for code, default in DEFAULTS.items():
        if code not in have:
            for lang in default.body:
                texts[(code, lang)] = TemplateText(
                    code, lang, default.subject[lang], default.body[lang]
                )
    return texts


def template_codes() -> list[tuple[str, str]]:
    """(code, label) of every template, for pickers and filters."""
    names = dict(MessageTemplate.objects.values_list("code", "name"))
    for code, default in DEFAULTS.items():
        names.setdefault(code, default.name)
    return sorted(
        ((code, str(TEMPLATE_LABELS.get(code, name))) for code, name in names.items()),
        key=lambda pair: pair[1].lower(),
    )


def statement_run_customers(*, scope: str, scope_value: str) -> QuerySet[Customer]:
    """The customers a statement run covers: those of the scope (all, an entity's code, a
    collector's username, a region's country codes) with an open item, by customer number."""
    qs = Customer.objects.filter(
        id__in=Document.objects.exclude(open_amount=0).values("customer_id")
    )
    if scope == "entity":
        qs = qs.filter(entity__code=scope_value)
    elif scope == "collector":
        qs = qs.filter(collector__username=scope_value)
    elif scope == "region":
        qs = qs.filter(country__in=[c for c in scope_value.split(",") if c])
    return qs.order_by("customer_ref")


def statement_run_lines(
    *,
    run: StatementRun | None = None,
    queryset: QuerySet[StatementRunLine] | None = None,
    status: str = "",
    channel: str = "",
    q: str = "",
) -> QuerySet[StatementRunLine]:
    """The statements of a run, by customer number, without their PDFs."""
    qs = queryset if queryset is not None else StatementRunLine.objects.all()
    if run is not None:
        qs = qs.filter(run=run)
    qs = qs.select_related("customer", "run").defer("pdf")
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(customer__customer_ref__iexact=term) | Q(customer__name__icontains=term))
    return qs.order_by("customer__customer_ref")


def statement_run_counts(run: StatementRun) -> dict[str, int]:
    """Statements of a run per status."""
    return dict(
        StatementRunLine.objects.filter(run=run)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
