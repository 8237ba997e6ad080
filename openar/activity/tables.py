"""The promise list's table."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from openar.activity.choices import PromiseStatus
from openar.activity.models import PromiseToPay
from openar.core import dates
from openar.core.tables import BadgeColumn, CustomerColumn, IsoDateColumn, MoneyColumn

STATUS_BADGES = {
    PromiseStatus.OPEN: "badge-warn",
    PromiseStatus.KEPT: "badge-ok",
    PromiseStatus.BROKEN: "badge-danger",
}


def _row_class(record: PromiseToPay) -> str:
    # An open promise whose date has passed: the daily cycle has not judged it yet.
    late = record.status == PromiseStatus.OPEN and record.promised_date < dates.today()
    return "status-open" if late else ""


class PromiseTable(tables.Table):
    customer = CustomerColumn(verbose_name=_("Customer"), anchor="#activity")
    promised_date = IsoDateColumn(verbose_name=_("Promised date"))
    amount = MoneyColumn(verbose_name=_("Amount"), currency_accessor="currency", show_currency=True)
    received_amount = MoneyColumn(verbose_name=_("Received"), currency_accessor="currency")
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_BADGES)
    taken_on = IsoDateColumn(verbose_name=_("Taken on"))
    taken_by = tables.Column(
        verbose_name=_("Taken by"), order_by=("taken_by__username",), default="—"
    )
    resolved_on = IsoDateColumn(verbose_name=_("Resolved"))
    note = tables.Column(verbose_name=_("Note"), orderable=False, attrs={"td": {"class": "text"}})

    class Meta:
        model = PromiseToPay
        fields = ()
        sequence = (
            "customer", "promised_date", "amount", "received_amount", "status",
            "taken_on", "taken_by", "resolved_on", "note",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "promise-table"}
        row_attrs = {"class": _row_class}
        empty_text = _("No promises match.")

    def render_taken_by(self, value: Any) -> str:
        return value.get_full_name() or value.username

    def render_note(self, value: str) -> str:
        return value if len(value) <= 60 else value[:59] + "…"
