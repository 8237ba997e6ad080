"""Bank accounts and statement imports: credits become receipts, debits that return an
earlier credit are bounces."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from openar.activity.services import account_event_record
from openar.cashapp.choices import LineStatus
from openar.cashapp.domain import Statement, StatementError
from openar.cashapp.models import BankAccount, BankLayout, StatementFile, StatementLine
from openar.cashapp.services.common import CHUNK, norm_account
from openar.core.audit import audit_record
from openar.core.errors import Conflict, NotFound, ValidationError
from openar.core.money import ZERO, format_amount, is_currency, minor_units, quantize
from openar.ledger.models import Entity, Receipt
from openar.ledger.services import receipts_add_bulk


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
    currencies: Sequence[str] = (),
    accept_unbalanced: bool = False,
) -> BankAccount:
    """Register one of our own bank accounts so its statements can be imported.

    ``currencies``: the other currencies of a multi-currency account; ``accept_unbalanced``:
    import its statements even when their balances do not add up (with a warning)."""
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
    others = _other_currencies(currencies, main=currency)
    if BankAccount.objects.filter(account_number=number).exists():
        raise Conflict(f"bank account {number} is already registered", field="account")
    account = BankAccount.objects.create(
        entity=entity,
        account_number=number,
        name=name.strip() or number,
        currency=currency,
        currencies=others,
        accept_unbalanced=accept_unbalanced,
        bank_name=bank_name.strip(),
        bic=bic.strip().upper(),
    )
    audit_record(
        actor=actor,
        action="bank_account.add",
        object_type="bank_account",
        object_id=account.pk,
        summary=f"{entity.code} {number} {currency}",
        after={
            "entity": entity.code,
            "account": number,
            "currency": currency,
            "currencies": others,
            "accept_unbalanced": accept_unbalanced,
            "name": name,
        },
    )
    return account


def _other_currencies(codes: Iterable[str], *, main: str) -> list[str]:
    """The other currencies of a multi-currency account: ISO 4217, upper case, once each."""
    found: list[str] = []
    for raw in codes:
        code = raw.strip().upper()
        if not is_currency(code):
            raise ValidationError(
                f"unknown currency {raw!r} (expected an ISO 4217 code such as SEK)",
                code="unknown_currency",
                field="currencies",
            )
        if code != main and code not in found:
            found.append(code)
    return sorted(found)


@transaction.atomic
def bank_account_update(
    *,
    account: BankAccount | str,
    actor: Any,
    currencies: Sequence[str] | None = None,
    accept_unbalanced: bool | None = None,
) -> BankAccount:
    """Change the other currencies of a bank account and whether its unbalanced statements are
    imported; ``None`` leaves a setting as it is."""
    if isinstance(account, str):
        number = norm_account(account)
        found = BankAccount.objects.select_for_update().filter(account_number=number).first()
        if found is None:
            raise NotFound(f"no bank account {number}", field="account")
        account = found
    before = {
        "currencies": list(account.currencies),
        "accept_unbalanced": account.accept_unbalanced,
    }
    if currencies is not None:
        account.currencies = _other_currencies(currencies, main=account.currency)
    if accept_unbalanced is not None:
        account.accept_unbalanced = accept_unbalanced
    after = {
        "currencies": list(account.currencies),
        "accept_unbalanced": account.accept_unbalanced,
    }
    if after != before:
        account.save(update_fields=["currencies", "accept_unbalanced"])
        audit_record(
            actor=actor,
            action="bank_account.update",
            object_type="bank_account",
            object_id=account.pk,
            summary=f"{account.account_number}: {after}",
            before=before,
            after=after,
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
    warnings: list[dict[str, str]] = field(default_factory=list)  # accepted, stored with the file

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
            "warnings": self.warnings,
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
        except zipfile.BadZipFile as exc:
            raise StatementError(f"{name}: damaged zip archive: {exc}") from None
        # Unzipped within the OPENAR_STATEMENT_ZIP_* limits (zip bombs are refused).
        statements: list[Statement] = []
        for member, blob in parsers.zip_members(data, name=name):
            statements.extend(one(blob, f"{name}:{member}"))
        return statements
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
    accept_unbalanced: bool = False,
) -> ImportSummary:
    """Import a bank statement file: credits become receipts (in the line's currency, rounded
    half-up to its minor units), every line is kept exactly.

    All or nothing: a file that does not parse, balance (unless ``accept_unbalanced`` or the
    bank account accepts unbalanced statements: then the warning is stored), or belong to one of
    our registered bank accounts in the currencies it holds, or that was imported before (same
    bytes, whatever its name), changes nothing.
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
        # where the statement starts in the file, for the formats that say (MT940)
        where = f"line {st.extra['line']}" if st.extra.get("line") else ""
        if st.extra.get("fragment"):
            raise StatementError(
                f"{name}: statement {st.statement_id or '?'} is a fragment (no balances and no "
                "currency); only whole statements can be imported. Nothing imported",
                position=where,
                field="file",
            )
        for code in {st.currency, *(x.currency for x in st.lines)}:
            if not is_currency(code):
                raise StatementError(
                    f"{name}: statement {st.statement_id or '?'} is in unknown currency "
                    f"{code!r} (not an active ISO 4217 code); nothing imported",
                    position=where,
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
        allowed = account.allowed_currencies
        held = ", ".join(allowed)
        if st.currency not in allowed:
            raise ValidationError(
                f"{name}: statement {st.statement_id} is in {st.currency} but account "
                f"{account.account_number} holds {held}; nothing imported",
                code="wrong_currency",
                field="currency",
            )
        for balance in st.balances:
            if balance.currency not in allowed:
                raise ValidationError(
                    f"{name}: statement {st.statement_id} has a balance in {balance.currency}, "
                    f"account {account.account_number} holds {held} (a multi-currency account: "
                    f"`openar cashapp account set {account.account_number} --currencies ...`); "
                    "nothing imported",
                    code="wrong_currency",
                    field="currency",
                )
        for i, line in enumerate(st.lines, start=1):
            minor_units(line.currency)
            if line.currency not in allowed:
                raise ValidationError(
                    f"{name}: statement {st.statement_id} line {i} is in {line.currency}, "
                    f"account {account.account_number} holds {held} (a multi-currency account: "
                    f"`openar cashapp account set {account.account_number} --currencies ...`); "
                    "nothing imported",
                    code="wrong_currency",
                    field="currency",
                )
            if line.amount > 0 and _line_date(line, st) is None:
                raise StatementError(f"{name}: statement {st.statement_id} line {i} has no date")
        if st.unbalanced and not (accept_unbalanced or account.accept_unbalanced):
            warning = st.unbalanced[0]
            raise StatementError(
                f"{warning.message}; nothing imported (to import it as the bank sent it, use "
                "--accept-unbalanced, or set the bank account to accept unbalanced statements)",
                position=warning.position,
                field="closing_balance",
            )
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
            balances=[b.as_dict() for b in st.balances] if len(st.balances) > 1 else [],
            warnings=[w.as_dict() for w in st.warnings],
            period_start=st.opening_date or (min(dates) if dates else None),
            period_end=st.closing_date or (max(dates) if dates else None),
            line_count=len(st.lines),
            imported_by=user,
        )
        summary.statement_file_ids.append(sfile.pk)
        summary.accounts.append(account.account_number)
        summary.warnings.extend(w.as_dict() for w in st.warnings)
        summary.statements += 1
        receipts: list[Receipt] = []
        rows: list[StatementLine] = []
        needs_receipt: list[StatementLine] = []
        for line_no, line in enumerate(st.lines, start=1):
            # The line keeps the bank's exact amount (up to 5 decimals); the receipt is in the
            # currency's minor units, rounded half-up (docs/cash-application.md).
            received = quantize(line.amount, line.currency) if line.amount > 0 else ZERO
            extra = _json_safe(line.extra)
            if line.amount > 0 and received != line.amount:
                extra["receipt_amount"] = str(received)
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
                extra=extra,
                # a credit below the currency's smallest unit (0.004 EUR) makes no receipt
                status=LineStatus.NEW if received > 0 else LineStatus.DEBIT,
            )
            rows.append(row)
            summary.lines += 1
            if received > 0:
                needs_receipt.append(row)
                summary.credits += 1
                summary.credit_totals[line.currency] = (
                    summary.credit_totals.get(line.currency, ZERO) + received
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
                        amount=received,
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
        created = receipts_add_bulk(receipts=receipts, actor=actor, batch_size=CHUNK)
        summary.receipts_created += len(created)
        for row, receipt in zip(needs_receipt, created, strict=True):
            row.receipt = receipt
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
    """Record an account event (idempotent by kind and ref) through the activity service."""
    account_event_record(
        customer=customer_id,
        kind=kind,
        occurred_on=occurred_on,
        ref=ref,
        details=details,
        source="cashapp",
    )
