"""``openar export credit-memo-requests FILE``: one CSV row per credit-memo request for the ERP."""

from __future__ import annotations

from django.utils import timezone

from openar.core.money import format_amount
from openar.core.spreadsheets import csv_writer
from openar.disputes.choices import RequestStatus
from openar.disputes.selectors import credit_memo_requests

COLUMNS = (
    "entity",
    "customer_ref",
    "document_ref",
    "amount",
    "currency",
    "reason_code",
    "case_id",
    "requested_at",
)


def export_credit_memo_requests(path: str) -> int:
    """Write every credit-memo request that stands, requested or applied (oldest first), to
    ``path``; a cancelled request is left out. Returns the row count."""
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(COLUMNS)
        standing = credit_memo_requests().exclude(status=RequestStatus.CANCELLED)
        for r in standing.iterator(chunk_size=2000):
            writer.writerow(
                [
                    r.document.entity.code,
                    r.case.customer.customer_ref,
                    r.document.document_ref,
                    format_amount(r.amount, r.currency),
                    r.currency,
                    r.case.reason.code,
                    r.case_id,
                    timezone.localtime(r.requested_at).isoformat(timespec="seconds"),
                ]
            )
            rows += 1
    return rows
