"""Writes for cash application: bank accounts, statement imports, matching and the review
actions people take on a line. Each service is one transaction and records audit events."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import io
import json
import os
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from openar.cashapp import matching
from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.domain import Statement, StatementError
from openar.cashapp.models import (
    BankAccount,
    BankLayout,
    CashApplication,
    CustomerAlias,
    MatchProposal,
    PayerAccount,
    StatementFile,
    StatementLine,
)
from openar.core.audit import actor_label, audit_record
from openar.core.errors import Conflict, NotFound, ValidationError
from openar.core.models import AuditEvent
from openar.core.money import ZERO, format_amount, is_currency, minor_units, quantize
from openar.ledger.models import Application, Customer, Document, Entity, Receipt

# Lines that still wait for matching or a person; the others are settled.
OPEN_STATUSES = (LineStatus.NEW, LineStatus.REVIEW, LineStatus.UNIDENTIFIED)
CHUNK = 2000


def norm_account(text: str) -> str:
    """Bank account numbers compare without spaces and case: 'de89 3704...' = 'DE893704...'."""
    return "".join(text.split()).upper()


# --------------------------------------------------------------------------- bank accounts
@transaction.atomic
def bank_account_add(
    *,
    entity: Entity | str,
    account_number: str,
    name: str,
    currency: str,
    actor: Any,
    bank_name: str = "",
    bic: str = "",
) -> BankAccount:
    """Register one of our own bank accounts so its statements can be imported."""
    if isinstance(entity, str):
        try:
            entity = Entity.objects.get(code=entity)
        except Entity.DoesNotExist:
            raise NotFound(f"no entity {entity!r}", field="entity") from None
    number = norm_account(account_number)
    if not number:
        raise ValidationError("a bank account needs an account number or IBAN", field="account")
    currency = currency.strip().upper()
    minor_units(currency)
    if BankAccount.objects.filter(account_number=number).exists():
        raise Conflict(f"bank account {number} is already registered", field="account")
    account = BankAccount.objects.create(
        entity=entity,
        account_number=number,
        name=name.strip() or number,
        currency=currency,
        bank_name=bank_name.strip(),
        bic=bic.strip().upper(),
    )
    audit_record(
        actor=actor,
        action="bank_account.add",
        object_type="bank_account",
        object_id=account.pk,
        summary=f"{entity.code} {number} {currency}",
        after={"entity": entity.code, "account": number, "currency": currency, "name": name},
    )
    return account


# --------------------------------------------------------------------------- statement import
@dataclass
class ImportSummary:
    file: str
    sha256: str
    status: str = "imported"
    statements: int = 0
    lines: int = 0
    credits: int = 0
    debits: int = 0
    receipts_created: int = 0
    bounced: int = 0
    credit_totals: dict[str, Decimal] = field(default_factory=dict)
    debit_totals: dict[str, Decimal] = field(default_factory=dict)
    statement_file_ids: list[int] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "statements": self.statements,
            "lines": self.lines,
            "credits": self.credits,
            "debits": self.debits,
            "receipts_created": self.receipts_created,
            "bounced": self.bounced,
            "credit_totals": {
                c: format_amount(v, c) for c, v in sorted(self.credit_totals.items())
            },
            "debit_totals": {c: format_amount(v, c) for c, v in sorted(self.debit_totals.items())},
            "accounts": self.accounts,
            "statement_file_ids": self.statement_file_ids,
        }


def _parse(data: bytes, *, name: str, fmt: str, layout: BankLayout | None) -> list[Statement]:
    from openar.cashapp import parsers

    kwargs: dict[str, Any] = {"layout": layout} if layout is not None else {}

    def one(blob: bytes, member: str) -> list[Statement]:
        try:
            return parsers.parse_bytes(blob, name=member, fmt=fmt, **kwargs)
        except TypeError as exc:
            if kwargs and "layout" in str(exc):
                raise ValidationError(
                    "this OpenAR version cannot read CSV/XLSX layouts yet", field="layout"
                ) from None
            raise

    if data[:4] == b"PK\x03\x04" and fmt != "csv":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if any(n.lower().endswith(".xlsx") for n in archive.namelist()) or (
                    "[Content_Types].xml" in archive.namelist()
                ):
                    return one(data, name)  # an XLSX workbook is a zip too
                statements: list[Statement] = []
                for member in sorted(archive.namelist()):
                    if not member.endswith("/"):
                        statements.extend(one(archive.read(member), f"{name}:{member}"))
                return statements
        except zipfile.BadZipFile as exc:
            raise StatementError(f"{name}: damaged zip archive: {exc}") from None
    return one(data, name)


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    """Parser extras hold Decimals and dates: store them as strings."""
    return json.loads(json.dumps(value, default=str)) if value else {}


def _layout(code: str | BankLayout | None) -> BankLayout | None:
    if code is None or isinstance(code, BankLayout):
        return code
    try:
        return BankLayout.objects.select_related("bank_account").get(code=code)
    except BankLayout.DoesNotExist:
        raise NotFound(f"no bank layout {code!r}", field="layout") from None


def _line_date(line: Any, statement: Statement) -> dt.date | None:
    return (
        line.booking_date
        or line.value_date
        or statement.closing_date
        or statement.opening_date
        or (statement.created_at.date() if statement.created_at else None)
    )


@transaction.atomic
def statement_import(
    *,
    actor: Any,
    path: str | Path | None = None,
    data: bytes | None = None,
    name: str | None = None,
    fmt: str = "auto",
    layout: str | BankLayout | None = None,
) -> ImportSummary:
    """Import a bank statement file: credits become receipts, every line is kept.

    All or nothing: a file that does not parse, balance, or belong to one of our registered
    bank accounts, or that was imported before (same bytes, whatever its name), changes nothing.
    """
    if data is None:
        if path is None:
            raise ValidationError("give a file path or its bytes", field="file")
        path = Path(path)
        if not path.is_file():
            raise NotFound(f"no such file: {path}", field="file")
        data = path.read_bytes()
        name = name or path.name
    name = name or "statement"
    sha = hashlib.sha256(data).hexdigest()
    summary = ImportSummary(file=name, sha256=sha)
    earlier = (
        StatementFile.objects.filter(file_sha256=sha).first()
        or StatementFile.objects.filter(sha256=sha).first()
    )
    if earlier is not None:
        raise Conflict(
            f"{name}: this file was already imported on {earlier.imported_at:%Y-%m-%d %H:%M} "
            f"as {earlier.filename!r} (same content, sha256 {sha[:12]}...); nothing imported",
            code="duplicate_file",
            field="file",
        )
    bank_layout = _layout(layout)
    statements = _parse(data, name=name, fmt=fmt, layout=bank_layout)
    if not statements:
        raise StatementError(f"{name}: no statement found in the file")
    accounts = {norm_account(a.account_number): a for a in BankAccount.objects.all()}
    resolved: list[BankAccount] = []
    for st in statements:
        for warning in st.unbalanced:  # parsers flag them; an import refuses them
            raise StatementError(f"{warning.message}; nothing imported", position=warning.position)
        if st.extra.get("fragment"):
            raise StatementError(
                f"{name}: statement {st.statement_id or '?'} is a fragment (no balances and no "
                "currency); only whole statements can be imported. Nothing imported",
                field="file",
            )
        for code in {st.currency, *(x.currency for x in st.lines)}:
            if not is_currency(code):
                raise StatementError(
                    f"{name}: statement {st.statement_id or '?'} is in unknown currency "
                    f"{code!r} (not an active ISO 4217 code); nothing imported",
                    field="currency",
                )
        number = norm_account(st.account)
        account = accounts.get(number)
        if account is None and not number and bank_layout and bank_layout.bank_account:
            account = bank_layout.bank_account
        if account is None:
            known = ", ".join(sorted(accounts)) or "none registered"
            raise ValidationError(
                f"{name}: statement {st.statement_id or '?'} is for bank account "
                f"{st.account or '(none given)'}, which is not one of our accounts ({known}); "
                "register it with `openar cashapp account add` first. Nothing imported",
                code="unknown_bank_account",
                field="account",
            )
        if not account.active:
            raise ValidationError(
                f"{name}: bank account {account.account_number} is inactive; nothing imported",
                code="inactive_bank_account",
                field="account",
            )
        if bank_layout and bank_layout.bank_account and bank_layout.bank_account != account:
            raise ValidationError(
                f"{name}: layout {bank_layout.code} belongs to account "
                f"{bank_layout.bank_account.account_number}, the file is for {number}",
                code="wrong_bank_account",
                field="account",
            )
        if st.currency != account.currency:
            raise ValidationError(
                f"{name}: statement {st.statement_id} is in {st.currency} but account "
                f"{account.account_number} is a {account.currency} account; nothing imported",
                code="wrong_currency",
                field="currency",
            )
        for i, line in enumerate(st.lines, start=1):
            minor_units(line.currency)
            if line.currency != account.currency:
                raise ValidationError(
                    f"{name}: statement {st.statement_id} line {i} is in {line.currency}, "
                    f"the account in {account.currency}; nothing imported",
                    code="wrong_currency",
                    field="currency",
                )
            if line.amount > 0 and _line_date(line, st) is None:
                raise StatementError(f"{name}: statement {st.statement_id} line {i} has no date")
        if st.statement_id and (
            StatementFile.objects.filter(
                bank_account=account,
                statement_id=st.statement_id,
                period_start=st.opening_date,
                period_end=st.closing_date,
                closing_balance=st.closing_balance,
            ).exists()
        ):
            raise Conflict(
                f"{name}: statement {st.statement_id} of account {account.account_number} "
                "was already imported from another file; nothing imported",
                code="duplicate_statement",
                field="file",
            )
        resolved.append(account)

    user = actor if hasattr(actor, "pk") else None
    for index, (st, account) in enumerate(zip(statements, resolved, strict=True)):
        own_sha = sha if index == 0 else hashlib.sha256(f"{sha}:{index}".encode()).hexdigest()
        dates = [d for d in (_line_date(x, st) for x in st.lines) if d is not None]
        sfile = StatementFile.objects.create(
            bank_account=account,
            sha256=own_sha,
            file_sha256=sha,
            statement_index=index,
            filename=name[:255],
            file_format=st.format[:10],
            statement_id=st.statement_id[:80],
            opening_balance=st.opening_balance,
            closing_balance=st.closing_balance,
            currency=st.currency,
            period_start=st.opening_date or (min(dates) if dates else None),
            period_end=st.closing_date or (max(dates) if dates else None),
            line_count=len(st.lines),
            imported_by=user,
        )
        summary.statement_file_ids.append(sfile.pk)
        summary.accounts.append(account.account_number)
        summary.statements += 1
        receipts: list[Receipt] = []
        rows: list[StatementLine] = []
        for line_no, line in enumerate(st.lines, start=1):
            row = StatementLine(
                statement=sfile,
                line_no=line_no,
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                currency=line.currency,
                bank_reference=line.bank_reference[:120],
                end_to_end_id=line.end_to_end_id[:120],
                counterparty_name=line.counterparty_name[:200],
                counterparty_account=norm_account(line.counterparty_account)[:64],
                remittance=line.remittance,
                creditor_reference=line.creditor_reference[:64],
                transaction_code=line.transaction_code[:40],
                extra=_json_safe(line.extra),
                status=LineStatus.NEW if line.amount > 0 else LineStatus.DEBIT,
            )
            rows.append(row)
            summary.lines += 1
            if line.amount > 0:
                summary.credits += 1
                summary.credit_totals[line.currency] = (
                    summary.credit_totals.get(line.currency, ZERO) + line.amount
                )
                ref = (line.bank_reference or line.end_to_end_id or "LINE").replace(" ", "")
                day = _line_date(line, st)
                assert day is not None  # checked above
                receipts.append(
                    Receipt(
                        entity_id=account.entity_id,
                        receipt_ref=f"{ref[:40]}-{sha[:8]}-{index}{line_no}"[:60],
                        customer=None,
                        receipt_date=day,
                        currency=line.currency,
                        amount=line.amount,
                        method=st.format[:30],
                        remittance=line.remittance,
                        attributes={
                            k: v
                            for k, v in {
                                "bank_reference": line.bank_reference,
                                "end_to_end_id": line.end_to_end_id,
                                "counterparty_name": line.counterparty_name,
                                "counterparty_account": line.counterparty_account,
                                "creditor_reference": line.creditor_reference,
                                "bank_account": account.account_number,
                            }.items()
                            if v
                        },
                        source="bank",
                        external_ref=f"{sha[:16]}:{index}:{line_no}",
                    )
                )
            elif line.amount < 0:
                summary.debits += 1
                summary.debit_totals[line.currency] = (
                    summary.debit_totals.get(line.currency, ZERO) - line.amount
                )
        created = Receipt.objects.bulk_create(receipts, batch_size=CHUNK)
        summary.receipts_created += len(created)
        credit_rows = iter(created)
        for row in rows:
            if row.amount > 0:
                row.receipt = next(credit_rows)
        StatementLine.objects.bulk_create(rows, batch_size=CHUNK)
        summary.bounced += _bounces(sfile, actor=actor)
        audit_record(
            actor=actor,
            action="statement.import",
            object_type="statement_file",
            object_id=sfile.pk,
            summary=(
                f"{name} {st.format} {st.statement_id} account {account.account_number}: "
                f"{len(rows)} lines, {len(created)} receipts"
            ),
            after={"sha256": own_sha, "lines": len(rows), "receipts": len(created)},
        )
    return summary


def _bounces(sfile: StatementFile, *, actor: Any) -> int:
    """Debits that return an earlier credit (same end-to-end id, or the credit's bank reference
    in the text, same amount): the receipt's customer gets a payment_bounced event."""
    debits = list(sfile.lines.filter(status=LineStatus.DEBIT))
    if not debits:
        return 0
    amounts = {-d.amount for d in debits}
    earlier = list(
        StatementLine.objects.filter(
            statement__bank_account_id=sfile.bank_account_id,
            amount__in=amounts,
            receipt__isnull=False,
        )
        .exclude(statement=sfile)
        .select_related("receipt")
    )
    found = 0
    for debit in debits:
        for credit in earlier:
            if credit.amount != -debit.amount:
                continue
            same_e2e = bool(debit.end_to_end_id) and debit.end_to_end_id == credit.end_to_end_id
            named = bool(credit.bank_reference) and credit.bank_reference in debit.remittance
            if not (same_e2e or named):
                continue
            debit.extra = {**debit.extra, "reverses_line": credit.pk}
            debit.save(update_fields=["extra"])
            found += 1
            receipt = credit.receipt
            if receipt is not None and receipt.customer_id is not None:
                _account_event(
                    customer_id=receipt.customer_id,
                    kind="payment_bounced",
                    occurred_on=debit.booking_date or debit.value_date or receipt.receipt_date,
                    ref=f"line:{debit.pk}",
                    details={
                        "receipt_ref": receipt.receipt_ref,
                        "amount": str(credit.amount),
                        "currency": credit.currency,
                    },
                )
            audit_record(
                actor=actor,
                action="statement_line.bounced",
                object_type="statement_line",
                object_id=debit.pk,
                summary=f"debit {debit.amount} reverses line {credit.pk}",
            )
            break
    return found


def _account_event(
    *, customer_id: int, kind: str, occurred_on: dt.date, ref: str, details: dict[str, Any]
) -> None:
    """Record an account event (idempotent by kind and ref) through the activity service when
    it exists, else straight into its model."""
    try:
        from openar.activity import services as activity
    except ImportError:  # pragma: no cover - the activity app always ships its models
        activity = None  # type: ignore[assignment]
    record = getattr(activity, "account_event_record", None) if activity else None
    if record is not None:
        record(
            customer=Customer.objects.get(pk=customer_id),
            kind=kind,
            occurred_on=occurred_on,
            ref=ref,
            details=details,
            source="cashapp",
        )
        return
    from openar.activity.models import AccountEvent

    AccountEvent.objects.get_or_create(
        kind=kind,
        ref=ref,
        defaults={
            "customer_id": customer_id,
            "occurred_on": occurred_on,
            "details": details,
            "source": "cashapp",
        },
    )


# --------------------------------------------------------------------------- settings
def match_settings() -> matching.Settings:
    """Matching settings: OPENAR_CASHAPP_AUTO_THRESHOLD (setting or environment, default 0.92)
    and OPENAR_CASHAPP_DISCOUNT_RATES (comma-separated fractions)."""
    cfg = matching.Settings()
    threshold = getattr(settings, "OPENAR_CASHAPP_AUTO_THRESHOLD", None) or os.environ.get(
        "OPENAR_CASHAPP_AUTO_THRESHOLD"
    )
    if threshold:
        cfg.threshold = Decimal(str(threshold))
    rates = getattr(settings, "OPENAR_CASHAPP_DISCOUNT_RATES", None) or os.environ.get(
        "OPENAR_CASHAPP_DISCOUNT_RATES"
    )
    if rates:
        values = rates.split(",") if isinstance(rates, str) else rates
        cfg.discount_rates = tuple(Decimal(str(r).strip()) for r in values if str(r).strip())
    return cfg


# --------------------------------------------------------------------------- applying cash
@dataclass
class _Plan:
    """What to write for one line: its new status, customer, applications and shortfall."""

    line: StatementLine
    status: str
    mode: str = ApplicationMode.AUTO
    customer_id: int | None = None
    allocations: list[tuple[int, Decimal]] = field(default_factory=list)  # document id, amount
    confidence: Decimal | None = None
    deduction: tuple[int | None, Decimal, str] | None = None  # document id, amount, reason
    summary: str = ""


def _functional_open(row: dict[str, Any], open_amount: Decimal) -> Decimal | None:
    if row["currency"] == row["functional_currency"]:
        return open_amount
    if row["fx_rate"] is not None:
        return quantize(open_amount * row["fx_rate"], row["functional_currency"])
    if row["functional_amount"] is not None and row["amount"]:
        return quantize(
            open_amount * row["functional_amount"] / row["amount"], row["functional_currency"]
        )
    return None


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _write_plans(
    plans: list[_Plan], *, as_of: dt.date, actor: Any, timings: dict[str, float] | None = None
) -> dict[str, int]:
    """Write the plans in bulk: applications, open amounts, receipts, lines, deductions,
    events, learnt payer accounts and one audit event per line. Documents are locked in id
    order and re-checked, so cash is never applied beyond what is open."""
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[f"write_{name}"] = now - clock[0]
        clock[0] = now

    from openar.activity.models import AccountEvent
    from openar.disputes.models import Deduction
    from openar.ingest.bulk import Stage, execute

    now = timezone.now()
    user = actor if hasattr(actor, "pk") else None
    label = actor_label(actor)
    doc_ids = sorted({doc_id for p in plans for doc_id, _ in p.allocations})
    docs: dict[int, dict[str, Any]] = {}
    fields = (
        "id",
        "amount",
        "open_amount",
        "currency",
        "functional_currency",
        "fx_rate",
        "functional_amount",
        "cleared_date",
        "document_date",
        "customer_id",
        "document_ref",
    )
    for chunk in _chunks(doc_ids):
        qs = Document.objects.filter(id__in=chunk).order_by("id")
        if connection.features.has_select_for_update:
            qs = qs.select_for_update()
        for row in qs.values(*fields):
            docs[row["id"]] = row
    changed: dict[int, tuple[Decimal, dt.date | None]] = {}
    applications: list[Application] = []
    owners: list[_Plan] = []
    for plan in plans:
        receipt = plan.line.receipt
        assert receipt is not None
        applied_on = min(receipt.receipt_date, as_of)
        for doc_id, amount in plan.allocations:
            row = docs.get(doc_id)
            if row is None:
                raise NotFound(f"document {doc_id} no longer exists", field="allocations")
            current = changed.get(doc_id, (row["open_amount"], row["cleared_date"]))[0]
            fits = ZERO < amount <= current if current > 0 else current <= amount < ZERO
            if not fits:
                raise Conflict(
                    f"{row['document_ref']}: only {format_amount(current, row['currency'])} "
                    f"{row['currency']} is open, cannot apply "
                    f"{format_amount(amount, row['currency'])}",
                    code="over_application",
                    field="allocations",
                )
            left = current - amount
            cleared = max(applied_on, row["document_date"]) if left == 0 else None
            changed[doc_id] = (left, cleared)
            applications.append(
                Application(
                    receipt_id=receipt.pk,
                    document_id=doc_id,
                    amount=amount,
                    applied_date=applied_on,
                    source="cashapp",
                )
            )
            owners.append(plan)
    lap("lock_documents")
    created = Application.objects.bulk_create(applications, batch_size=CHUNK)
    CashApplication.objects.bulk_create(
        [
            CashApplication(
                line=plan.line,
                application=app,
                mode=plan.mode,
                confidence=plan.confidence,
                created_by=user,
            )
            for app, plan in zip(created, owners, strict=True)
        ],
        batch_size=CHUNK,
    )
    lap("applications")
    if changed:
        stage = Stage(
            "openar_stage_cash_docs",
            [
                ("id", "int"),
                ("open_amount", "num"),
                ("functional_open", "num"),
                ("cleared", "date"),
            ],
        )
        stage.create()
        with stage.writer() as write:
            for doc_id, (left, cleared) in changed.items():
                write((doc_id, left, _functional_open(docs[doc_id], left), cleared))
        stage.index("id")
        execute(
            "UPDATE ledger_document AS t SET open_amount = s.open_amount, "
            "functional_open_amount = s.functional_open, cleared_date = s.cleared, "
            "updated_at = %s FROM openar_stage_cash_docs s WHERE t.id = s.id",
            [now],
        )
        stage.drop()
    lap("documents")
    # Receipts learn their customer (through a staged UPDATE: bulk_update's CASE is slow).
    receipts = []
    for plan in plans:
        receipt = plan.line.receipt
        if receipt is not None and plan.customer_id != receipt.customer_id:
            receipt.customer_id = plan.customer_id
            receipts.append((receipt.pk, plan.customer_id))
    if receipts:
        stage = Stage("openar_stage_cash_receipts", [("id", "int"), ("customer_id", "int")])
        stage.create()
        with stage.writer() as write:
            for row in receipts:
                write(row)
        stage.index("id")
        execute(
            "UPDATE ledger_receipt AS t SET customer_id = s.customer_id, updated_at = %s "
            "FROM openar_stage_cash_receipts s WHERE t.id = s.id",
            [now],
        )
        stage.drop()
    lap("receipts")
    by_status: dict[str, list[int]] = defaultdict(list)
    for plan in plans:
        by_status[plan.status].append(plan.line.pk)
        plan.line.status = plan.status
    for status, ids in by_status.items():
        settled = status not in OPEN_STATUSES
        for chunk in _chunks(ids):
            StatementLine.objects.filter(id__in=chunk).update(
                status=status,
                matched_at=now if settled else None,
                matched_by=user if settled else None,
            )
    lap("lines")
    deductions = []
    events = []
    for plan in plans:
        if plan.deduction is None or plan.customer_id is None:
            continue
        short_doc, amount, reason = plan.deduction
        receipt = plan.line.receipt
        assert receipt is not None
        deductions.append(
            Deduction(
                customer_id=plan.customer_id,
                document_id=short_doc,
                receipt=receipt,
                amount=amount,
                currency=receipt.currency,
                opened_on=as_of,
                reason=reason,
            )
        )
        if reason.startswith("short payment"):
            events.append(
                AccountEvent(
                    customer_id=plan.customer_id,
                    kind="short_payment",
                    occurred_on=receipt.receipt_date,
                    ref=f"line:{plan.line.pk}",
                    details={
                        "receipt_ref": receipt.receipt_ref,
                        "document_id": short_doc,
                        "amount": str(amount),
                        "currency": receipt.currency,
                    },
                    source="cashapp",
                )
            )
    Deduction.objects.bulk_create(deductions, batch_size=CHUNK)
    AccountEvent.objects.bulk_create(events, batch_size=CHUNK, ignore_conflicts=True)
    lap("deductions")
    _learn_payers(plans, as_of=as_of)
    lap("payers")
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                actor=user,
                actor_label=label,
                action=f"statement_line.{plan.status}",
                object_type="statement_line",
                object_id=str(plan.line.pk),
                summary=plan.summary[:500],
                after={
                    "status": plan.status,
                    "customer_id": plan.customer_id,
                    "allocations": [[d, str(a)] for d, a in plan.allocations],
                    "mode": plan.mode if plan.allocations else None,
                },
            )
            for plan in plans
        ],
        batch_size=CHUNK,
    )
    lap("audit")
    return {"applications": len(created), "deductions": len(deductions)}


def _learn_payers(plans: Sequence[_Plan], *, as_of: dt.date) -> None:
    """Remember which customer pays from which bank account (only when applied)."""
    seen: dict[str, int] = {}
    for plan in plans:
        account = plan.line.counterparty_account
        if (
            account
            and plan.customer_id
            and plan.status
            in (
                LineStatus.AUTO_APPLIED,
                LineStatus.APPLIED,
                LineStatus.ON_ACCOUNT,
            )
        ):
            seen[account] = plan.customer_id
    if not seen:
        return
    known = dict(
        PayerAccount.objects.filter(account__in=list(seen)).values_list("account", "customer_id")
    )
    same = [a for a, c in seen.items() if known.get(a) == c]
    for chunk in _chunks(same):
        PayerAccount.objects.filter(account__in=chunk).update(
            times_seen=F("times_seen") + 1, last_seen=as_of
        )
    PayerAccount.objects.bulk_create(
        [
            PayerAccount(account=a, customer_id=c, last_seen=as_of, learnt_from="application")
            for a, c in seen.items()
            if a not in known
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )


# --------------------------------------------------------------------------- matching
@dataclass
class MatchSummary:
    as_of: dt.date
    lines: int = 0
    auto_applied: int = 0
    review: int = 0
    unidentified: int = 0
    skipped: int = 0  # dated after as_of
    applications: int = 0
    deductions: int = 0
    amounts: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # status -> currency
    on_account: dict[str, Decimal] = field(default_factory=dict)
    threshold: Decimal = Decimal("0.92")
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process only (the database works on its own cores)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    customer_ids: list[int] = field(default_factory=list)

    def add(self, status: str, currency: str, amount: Decimal) -> None:
        bucket = self.amounts.setdefault(status, {})
        bucket[currency] = bucket.get(currency, ZERO) + amount

    @property
    def auto_rate(self) -> float:
        return self.auto_applied / self.lines if self.lines else 0.0

    def as_dict(self) -> dict[str, Any]:
        def fmt(values: dict[str, Decimal]) -> dict[str, str]:
            return {c: format_amount(v, c) for c, v in sorted(values.items())}

        return {
            "as_of": self.as_of.isoformat(),
            "lines": self.lines,
            "auto_applied": self.auto_applied,
            "review": self.review,
            "unidentified": self.unidentified,
            "skipped": self.skipped,
            "auto_rate": round(self.auto_rate, 4),
            "applications": self.applications,
            "deductions": self.deductions,
            "threshold": str(self.threshold),
            "amounts": {
                "auto_applied": fmt(self.amounts.get(LineStatus.AUTO_APPLIED, {})),
                "review": fmt(self.amounts.get(LineStatus.REVIEW, {})),
                "unidentified": fmt(self.amounts.get(LineStatus.UNIDENTIFIED, {})),
                "on_account": fmt(self.on_account),
            },
            "seconds": round(self.seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


def match_index(*, entity_ids: Iterable[int], currencies: Iterable[str]) -> matching.MatchIndex:
    """Load every candidate for matching in a few bulk queries (never one per line)."""
    index = matching.MatchIndex()
    entity_ids = list(entity_ids)
    for cid, ref, name, parent_id, entity_id, currency in (
        Customer.objects.filter(entity_id__in=entity_ids)
        .values_list("id", "customer_ref", "name", "parent_id", "entity_id", "currency")
        .iterator(chunk_size=20000)
    ):
        index.add_customer(matching.CustomerInfo(cid, ref, name, parent_id, entity_id, currency))
    items = (
        Document.objects.filter(
            entity_id__in=entity_ids, currency__in=list(currencies), cleared_date__isnull=True
        )
        .exclude(open_amount=0)
        .values_list(
            "id",
            "customer_id",
            "document_ref",
            "document_type",
            "currency",
            "open_amount",
            "due_date",
            "document_date",
        )
        .order_by()
    )
    index.add_rows(items.iterator(chunk_size=20000))
    for account, cid in PayerAccount.objects.values_list("account", "customer_id"):
        index.payer_accounts[norm_account(account)] = cid
    for alias, cid in CustomerAlias.objects.values_list("alias", "customer_id"):
        index.add_alias(alias, cid)
    index.finish()
    return index


def _places(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def _proposal_rows(line: StatementLine, proposals: Sequence[matching.Proposal]) -> list[Any]:
    return [
        MatchProposal(
            line=line,
            rank=rank,
            customer_id=p.customer_id,
            allocations=[
                {
                    "document_id": a.item.id,
                    "document_ref": a.item.ref,
                    "amount": format_amount(a.amount, line.currency),
                }
                for a in p.allocations
            ],
            confidence=p.confidence,
            method=p.method[:40],
            explanation=p.explanation,
            # Paid minus the open amount of the items: < 0 short (what stays open), > 0 over.
            difference_amount=p.difference if p.allocations else line.amount,
        )
        for rank, p in enumerate(proposals[:5], start=1)
    ]


@transaction.atomic
def lines_match(
    *,
    as_of: dt.date,
    actor: Any,
    line_ids: Sequence[int] | None = None,
    threshold: Decimal | None = None,
) -> MatchSummary:
    """Match unapplied bank lines (new, review, unidentified; or ``line_ids``) dated up to
    ``as_of``: apply the confident ones, queue the rest with their best proposals."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    mark = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        summary.timings[name] = now - mark[0]
        mark[0] = now

    cfg = match_settings()
    if threshold is not None:
        cfg.threshold = threshold
    summary = MatchSummary(as_of=as_of, threshold=cfg.threshold)
    qs = StatementLine.objects.filter(
        receipt__isnull=False, amount__gt=0, status__in=OPEN_STATUSES
    ).select_related("receipt", "statement__bank_account")
    if line_ids is not None:
        qs = qs.filter(id__in=list(line_ids))
    lines = list(qs.order_by("booking_date", "id"))
    todo = []
    for line in lines:
        assert line.receipt is not None
        if line.receipt.receipt_date > as_of:
            summary.skipped += 1
        else:
            todo.append(line)
    lap("load_lines")
    if not todo:
        summary.seconds = time.perf_counter() - started
        return summary
    entity_ids = {line.statement.bank_account.entity_id for line in todo}
    # A million small objects with no cycles: the cyclic collector would only rescan them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        index = match_index(entity_ids=entity_ids, currencies={line.currency for line in todo})
    finally:
        if gc_was_enabled:
            gc.enable()
    lap("load_candidates")
    plans: list[_Plan] = []
    proposal_rows: list[MatchProposal] = []
    places_cache: dict[str, Decimal] = {}
    for line in todo:
        receipt = line.receipt
        assert receipt is not None
        places = places_cache.get(line.currency) or places_cache.setdefault(
            line.currency, _places(line.currency)
        )
        facts = matching.LineFacts(
            id=line.pk,
            amount=line.amount,
            currency=line.currency,
            entity_id=line.statement.bank_account.entity_id,
            date=receipt.receipt_date,
            counterparty_name=line.counterparty_name,
            counterparty_account=line.counterparty_account,
            remittance=line.remittance,
            creditor_reference=line.creditor_reference,
            end_to_end_id=line.end_to_end_id,
            customer_id=receipt.customer_id,
        )
        proposals = matching.propose(index, facts, cfg, places=places)
        top = proposals[0] if proposals else None
        summary.lines += 1
        if top is not None and top.allocations and top.confidence >= cfg.threshold:
            plan = _Plan(
                line=line,
                status=LineStatus.AUTO_APPLIED,
                mode=ApplicationMode.AUTO,
                customer_id=top.customer_id,
                allocations=[(a.item.id, a.amount) for a in top.allocations if a.amount != 0],
                confidence=top.confidence,
                summary=f"auto {top.confidence}: {top.explanation}",
            )
            if top.difference < 0 and top.shortfall_item is not None:
                reason = {
                    "short_payment": "short payment",
                    "bank_charges": "bank charges / FX difference",
                    "discount": "early-payment discount taken",
                }[top.shortfall_reason]
                plan.deduction = (top.shortfall_item.id, -top.difference, reason)
            if top.difference > 0:
                summary.on_account[line.currency] = (
                    summary.on_account.get(line.currency, ZERO) + top.difference
                )
            for a in top.allocations:
                a.item.open -= a.amount  # later lines see what is left
            summary.auto_applied += 1
            summary.add(LineStatus.AUTO_APPLIED, line.currency, line.amount)
            if top.customer_id is not None:
                summary.customer_ids.append(top.customer_id)
            proposal_rows.extend(_proposal_rows(line, proposals[:1]))
        elif top is not None:
            plan = _Plan(line=line, status=LineStatus.REVIEW, summary=top.explanation)
            summary.review += 1
            summary.add(LineStatus.REVIEW, line.currency, line.amount)
            proposal_rows.extend(_proposal_rows(line, proposals))
        else:
            plan = _Plan(
                line=line, status=LineStatus.UNIDENTIFIED, summary="no customer or item found"
            )
            summary.unidentified += 1
            summary.add(LineStatus.UNIDENTIFIED, line.currency, line.amount)
        plans.append(plan)
    lap("propose")
    todo_ids = [line.pk for line in todo]
    for chunk in _chunks(todo_ids):
        MatchProposal.objects.filter(line_id__in=chunk).delete()
    MatchProposal.objects.bulk_create(proposal_rows, batch_size=CHUNK)
    lap("proposals")
    written = _write_plans(plans, as_of=as_of, actor=actor, timings=summary.timings)
    summary.applications = written["applications"]
    summary.deductions = written["deductions"]
    lap("write")
    audit_record(
        actor=actor,
        action="cashapp.match",
        object_type="cashapp",
        object_id=as_of.isoformat(),
        summary=(
            f"{summary.lines} lines: {summary.auto_applied} applied automatically, "
            f"{summary.review} for review, {summary.unidentified} unidentified"
        ),
    )
    customer_ids = sorted(set(summary.customer_ids))
    if customer_ids:
        _promises_check(as_of=as_of, actor=actor, customer_ids=customer_ids)
    lap("promises")
    summary.seconds = time.perf_counter() - started
    summary.cpu_seconds = time.process_time() - cpu_started
    return summary


def _promises_check(*, as_of: dt.date, actor: Any, customer_ids: list[int]) -> None:
    """Let promises to pay see the new cash (when the activity service is built)."""
    try:
        from openar.activity import services as activity
    except ImportError:
        return
    check = getattr(activity, "promises_check", None)
    if check is not None:
        check(as_of=as_of, actor=actor, customer_ids=customer_ids)


# --------------------------------------------------------------------------- review actions
def _locked_line(line: StatementLine | int) -> StatementLine:
    line_id = line if isinstance(line, int) else line.pk
    qs = StatementLine.objects.select_related("receipt", "statement__bank_account")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=line_id)
    except StatementLine.DoesNotExist:
        raise NotFound(f"no statement line {line_id}", field="line") from None


def _customer(customer: Customer | int | str) -> Customer:
    if isinstance(customer, Customer):
        return customer
    try:
        if isinstance(customer, int):
            return Customer.objects.get(pk=customer)
        return Customer.objects.get(customer_ref=customer)
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {customer!r}", field="customer") from None


def _group_ids(customer: Customer) -> set[int]:
    top = customer
    seen = {top.pk}
    while top.parent_id is not None and top.parent_id not in seen:
        top = Customer.objects.get(pk=top.parent_id)
        seen.add(top.pk)
    members, stack = set(), [top.pk]
    while stack:
        node = stack.pop()
        if node in members:
            continue
        members.add(node)
        stack.extend(Customer.objects.filter(parent_id=node).values_list("id", flat=True))
    return members


def _open_line(line: StatementLine, *, allow_on_account: bool = False) -> None:
    allowed = set(OPEN_STATUSES) | ({LineStatus.ON_ACCOUNT} if allow_on_account else set())
    if line.status == LineStatus.DEBIT or line.receipt is None:
        raise ValidationError(
            f"line {line.pk} is a debit, not a receipt: nothing to apply", field="line"
        )
    if line.status not in allowed:
        raise Conflict(
            f"line {line.pk} is already {line.get_status_display().lower()}",
            code="line_settled",
            field="line",
        )


def _unapplied(receipt: Receipt) -> Decimal:
    applied = sum(
        (
            a.amount
            for a in receipt.applications.select_related("document")
            if a.document.currency == receipt.currency
        ),
        ZERO,
    )
    return receipt.amount - applied


@transaction.atomic
def line_apply(
    *,
    line: StatementLine | int,
    allocations: Sequence[tuple[Document | int, Decimal]] | dict[Any, Decimal],
    actor: Any,
    on_account: Decimal | None = None,
    customer: Customer | int | str | None = None,
    as_of: dt.date | None = None,
) -> StatementLine:
    """Apply a line by hand, split over documents (``[(document, amount), ...]``); whatever is
    left stays on the receipt as a credit on account (``on_account`` states it and is checked).

    Refuses over-application (of the receipt or a document), another currency and documents of
    customers outside the payer's group."""
    row = _locked_line(line)
    _open_line(row, allow_on_account=True)
    receipt = row.receipt
    assert receipt is not None
    pairs = list(allocations.items()) if isinstance(allocations, dict) else list(allocations)
    if not pairs:
        raise ValidationError("choose at least one document to apply to", field="allocations")
    doc_ids = [d.pk if isinstance(d, Document) else int(d) for d, _ in pairs]
    documents = {
        d.pk: d for d in Document.objects.select_related("customer").filter(id__in=doc_ids)
    }
    if len(set(doc_ids)) != len(doc_ids):
        raise ValidationError("a document appears twice in the split", field="allocations")
    payer = _customer(customer) if customer is not None else None
    if payer is None:
        payer = receipt.customer or (
            documents[doc_ids[0]].customer if doc_ids[0] in documents else None
        )
    if payer is None:
        raise ValidationError("name the customer who paid", field="customer")
    entity_id = row.statement.bank_account.entity_id
    group = _group_ids(payer)
    plan_allocations: list[tuple[int, Decimal]] = []
    total = ZERO
    for doc_id, (_, raw_amount) in zip(doc_ids, pairs, strict=True):
        doc = documents.get(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id}", field="allocations")
        amount = Decimal(str(raw_amount))
        if doc.currency != receipt.currency:
            raise ValidationError(
                f"{doc.document_ref} is in {doc.currency}, the payment in {receipt.currency}",
                code="currency_mismatch",
                field="allocations",
            )
        if doc.entity_id != entity_id:
            raise ValidationError(
                f"{doc.document_ref} belongs to another entity than the bank account",
                code="foreign_entity",
                field="allocations",
            )
        if doc.customer_id not in group:
            raise ValidationError(
                f"{doc.document_ref} belongs to {doc.customer.customer_ref}, outside the "
                f"payer {payer.customer_ref}'s group",
                code="foreign_customer",
                field="allocations",
            )
        if amount == 0:
            continue
        if quantize(amount, doc.currency) != amount:
            raise ValidationError(
                f"{amount} has more decimals than {doc.currency} allows", field="allocations"
            )
        plan_allocations.append((doc_id, amount))
        total += amount
    already = set(
        receipt.applications.filter(document_id__in=[d for d, _ in plan_allocations]).values_list(
            "document__document_ref", flat=True
        )
    )
    if already:
        raise Conflict(
            f"this payment is already applied to {', '.join(sorted(already))}",
            code="already_applied",
            field="allocations",
        )
    left = _unapplied(receipt)
    if total > left:
        raise ValidationError(
            f"the split applies {format_amount(total, receipt.currency)} but only "
            f"{format_amount(left, receipt.currency)} {receipt.currency} of the payment is "
            "unapplied",
            code="over_application",
            field="allocations",
        )
    if on_account is not None and on_account != left - total:
        raise ValidationError(
            f"on account should be {format_amount(left - total, receipt.currency)}: the rest "
            "of the payment",
            field="on_account",
        )
    status = LineStatus.APPLIED if total == left else LineStatus.ON_ACCOUNT
    plan = _Plan(
        line=row,
        status=status,
        mode=ApplicationMode.MANUAL,
        customer_id=payer.pk,
        allocations=plan_allocations,
        summary=(
            f"applied by hand to {len(plan_allocations)} document(s), "
            f"{format_amount(left - total, receipt.currency)} {receipt.currency} on account"
        ),
    )
    plan.deduction = _accepted_shortfall(row, plan_allocations)
    _write_plans([plan], as_of=as_of or receipt.receipt_date, actor=actor)
    MatchProposal.objects.filter(line=row).exclude(rank=1).delete()
    row.refresh_from_db()
    _promises_check(as_of=as_of or receipt.receipt_date, actor=actor, customer_ids=[payer.pk])
    return row


_SHORTFALL_REASONS = {
    "short": "short payment",
    "charges": "bank charges / FX difference",
    "discount": "early-payment discount taken",
}


def _accepted_shortfall(
    line: StatementLine, allocations: Sequence[tuple[int, Decimal]]
) -> tuple[int | None, Decimal, str] | None:
    """When a person applies a stored proposal that pays short (a short payment, charges or a
    discount), the shortfall becomes a deduction just as when it is applied automatically."""
    wanted = sorted((d, a) for d, a in allocations)
    for proposal in line.proposals.all():
        kind = proposal.method.rsplit("_", 1)[-1]
        if proposal.difference_amount >= 0 or kind not in _SHORTFALL_REASONS:
            continue
        offered = sorted(
            (int(a["document_id"]), Decimal(str(a["amount"]))) for a in proposal.allocations
        )
        if offered != wanted:
            continue
        # The shortfall sits on the first item not paid in full.
        open_amounts = dict(
            Document.objects.filter(id__in=[d for d, _ in wanted]).values_list("id", "open_amount")
        )
        short_doc = next((d for d, a in wanted if a != open_amounts.get(d)), wanted[-1][0])
        return short_doc, -proposal.difference_amount, _SHORTFALL_REASONS[kind]
    return None


@transaction.atomic
def line_assign_customer(
    *, line: StatementLine | int, customer: Customer | int | str, actor: Any
) -> StatementLine:
    """Say who paid a line; learn the payer's bank account and name for next time, and look
    for its items again."""
    row = _locked_line(line)
    _open_line(row)
    payer = _customer(customer)
    receipt = row.receipt
    assert receipt is not None
    if payer.entity_id != row.statement.bank_account.entity_id:
        raise ValidationError(
            f"{payer.customer_ref} belongs to another entity than the bank account",
            code="foreign_customer",
            field="customer",
        )
    before = receipt.customer_id
    receipt.customer = payer
    receipt.save(update_fields=["customer", "updated_at"])
    if row.counterparty_account:
        PayerAccount.objects.update_or_create(
            account=row.counterparty_account,
            defaults={
                "customer": payer,
                "learnt_from": "assigned",
                "last_seen": receipt.receipt_date,
            },
        )
    normalized = matching.norm_name(row.counterparty_name)
    if normalized and normalized != matching.norm_name(payer.name):
        CustomerAlias.objects.get_or_create(
            normalized=normalized[:200],
            customer=payer,
            defaults={"alias": row.counterparty_name[:200]},
        )
    row.status = LineStatus.REVIEW
    row.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="statement_line.assign_customer",
        object_type="statement_line",
        object_id=row.pk,
        summary=f"payer {payer.customer_ref} (account {row.counterparty_account or '-'})",
        before={"customer_id": before},
        after={"customer_id": payer.pk},
    )
    # Proposals for this customer only: what the reviewer sees next.
    _reproposals(row, payer)
    return row


def _reproposals(row: StatementLine, payer: Customer) -> None:
    receipt = row.receipt
    assert receipt is not None
    index = match_index(entity_ids=[payer.entity_id], currencies=[row.currency])
    facts = matching.LineFacts(
        id=row.pk,
        amount=row.amount,
        currency=row.currency,
        entity_id=payer.entity_id,
        date=receipt.receipt_date,
        counterparty_name=row.counterparty_name,
        counterparty_account=row.counterparty_account,
        remittance=row.remittance,
        creditor_reference=row.creditor_reference,
    )
    proposals = [
        p
        for p in matching.propose(index, facts, match_settings(), places=_places(row.currency))
        if p.customer_id in _group_ids(payer)
    ]
    MatchProposal.objects.filter(line=row).delete()
    MatchProposal.objects.bulk_create(_proposal_rows(row, proposals))


@transaction.atomic
def line_put_on_account(
    *, line: StatementLine | int, customer: Customer | int | str, actor: Any
) -> StatementLine:
    """Keep the whole payment as a credit on the customer's account (applied later)."""
    row = _locked_line(line)
    _open_line(row)
    payer = _customer(customer)
    if payer.entity_id != row.statement.bank_account.entity_id:
        raise ValidationError(
            f"{payer.customer_ref} belongs to another entity than the bank account",
            code="foreign_customer",
            field="customer",
        )
    receipt = row.receipt
    assert receipt is not None
    plan = _Plan(
        line=row,
        status=LineStatus.ON_ACCOUNT,
        mode=ApplicationMode.MANUAL,
        customer_id=payer.pk,
        summary=f"on account of {payer.customer_ref}",
    )
    _write_plans([plan], as_of=receipt.receipt_date, actor=actor)
    row.refresh_from_db()
    return row


@transaction.atomic
def line_mark_unidentified(*, line: StatementLine | int, actor: Any) -> StatementLine:
    """Send a line to the unidentified-cash queue (nobody knows who paid)."""
    row = _locked_line(line)
    _open_line(row)
    before = row.status
    row.status = LineStatus.UNIDENTIFIED
    row.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="statement_line.unidentified",
        object_type="statement_line",
        object_id=row.pk,
        before={"status": before},
        after={"status": row.status},
    )
    return row


@transaction.atomic
def cashapp_data_reset(*, actor: Any) -> int:
    """Delete every cash-application row (deductions, applications' links, proposals, lines,
    statement files, learnt payers and aliases, layouts and bank accounts) so the ledger under
    them can be reset (``demo-data --reset``); returns the number of statement lines removed."""
    from openar.disputes.models import Deduction

    lines = StatementLine.objects.count()
    Deduction.objects.all().delete()
    CashApplication.objects.all().delete()
    MatchProposal.objects.all().delete()
    StatementLine.objects.all().delete()
    StatementFile.objects.all().delete()
    PayerAccount.objects.all().delete()
    CustomerAlias.objects.all().delete()
    BankLayout.objects.all().delete()
    BankAccount.objects.all().delete()
    audit_record(actor=actor, action="cashapp.reset", summary=f"{lines} statement lines removed")
    return lines
