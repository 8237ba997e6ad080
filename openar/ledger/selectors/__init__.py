"""Reads of the ledger. Everything that depends on 'today' takes ``as_of``.

The package splits along the seams: ``rates`` (stored FX rates as of a date), ``aging`` (the aging
report and the open items behind it) and ``customers`` (the account summary and the customer
list). The names other apps read are importable from here.
"""

from openar.ledger.selectors.aging import (
    UNASSIGNED,
    AgingFilters,
    AgingReport,
    AgingRow,
    OpenItem,
    UnconvertedLine,
    aging_report,
    group_member_ids,
    open_balances,
    open_documents_as_of,
    open_items_as_of,
)
from openar.ledger.selectors.customers import (
    CustomerSummary,
    customer_aging_rows,
    customer_children,
    customer_list,
    customer_summary,
    customer_time_zone,
    customer_unapplied_cash,
    unapplied_cash,
)
from openar.ledger.selectors.rates import RateBook, fx_rate, latest_rates

__all__ = [
    "UNASSIGNED",
    "AgingFilters",
    "AgingReport",
    "AgingRow",
    "CustomerSummary",
    "OpenItem",
    "RateBook",
    "UnconvertedLine",
    "aging_report",
    "customer_aging_rows",
    "customer_children",
    "customer_list",
    "customer_summary",
    "customer_time_zone",
    "customer_unapplied_cash",
    "fx_rate",
    "group_member_ids",
    "latest_rates",
    "open_balances",
    "open_documents_as_of",
    "open_items_as_of",
    "unapplied_cash",
]
