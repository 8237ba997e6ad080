"""Files for the ERP (docs/erp-exports.md): the order block, ``openar export holds FILE`` (every
hold and release, oldest first, as ``entity,customer_ref,action,reason,decided_by,decided_at``),
and the write-off postings, ``openar export write-offs FILE`` (journal lines)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from openar.core.money import format_amount
from openar.core.spreadsheets import csv_writer
from openar.credit.selectors import approved_write_off_items, hold_events

HOLD_COLUMNS = ("entity", "customer_ref", "action", "reason", "decided_by", "decided_at")


def export_holds(path: str | Path) -> int:
    """Write the hold events to ``path`` (UTF-8 CSV with a header); returns the rows written."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(HOLD_COLUMNS)
        for event in hold_events().iterator(chunk_size=2000):
            writer.writerow(
                (
                    event.customer.entity.code,
                    event.customer.customer_ref,
                    event.action,
                    event.reason,
                    event.decided_by,
                    event.decided_at.isoformat(timespec="seconds"),
                )
            )
            count += 1
    return count


POSTING_COLUMNS = (
    "entity", "posting_date", "write_off_id", "customer_ref", "document_ref", "account",
    "debit", "credit", "currency", "reason",
)  # fmt: skip


def write_off_accounts() -> tuple[str, str]:
    """(bad-debt expense, receivables) account codes of the journal lines
    (``OPENAR_WRITE_OFF_ACCOUNTS``)."""
    accounts = getattr(settings, "OPENAR_WRITE_OFF_ACCOUNTS", {})
    return (
        str(accounts.get("expense", "BAD_DEBT_EXPENSE")),
        str(accounts.get("receivable", "ACCOUNTS_RECEIVABLE")),
    )


def posting_lines() -> Iterator[tuple[str, ...]]:
    """Two journal lines per approved write-off item, oldest write-off first: debit bad-debt
    expense, credit receivables, in the item's currency."""
    expense, receivable = write_off_accounts()
    for item in approved_write_off_items().iterator(chunk_size=2000):
        w = item.write_off
        amount = format_amount(item.amount, w.currency)
        common = (item.document.entity.code, w.posted_on.isoformat() if w.posted_on else "")
        for account, debit, credit in ((expense, amount, ""), (receivable, "", amount)):
            yield (
                *common, str(w.pk), w.customer.customer_ref, item.document.document_ref,
                account, debit, credit, w.currency, w.reason,
            )  # fmt: skip


def export_write_offs(path: str | Path) -> int:
    """Write the journal lines of approved write-offs to ``path`` (UTF-8 CSV, a header)."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(POSTING_COLUMNS)
        for line in posting_lines():
            writer.writerow(line)
            count += 1
    return count
