"""The ERP's order block: ``openar export holds FILE`` writes every hold and release, oldest
first, as ``entity,customer_ref,action,reason,decided_by,decided_at`` (docs/erp-exports.md)."""

from __future__ import annotations

from pathlib import Path

from openar.core.spreadsheets import csv_writer
from openar.credit.selectors import hold_events

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
