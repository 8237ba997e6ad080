"""The Inbox's table: a row opens the message."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from openar.comms.choices_inbound import InboundKind, InboundStatus
from openar.comms.models import InboundMessage
from openar.core.tables import BadgeColumn

STATUS_BADGES = {
    InboundStatus.UNMATCHED: "badge-warn",
    InboundStatus.THREADED: "badge-ok",
}
KIND_BADGES = {
    InboundKind.PROMISE: "badge-ok",
    InboundKind.DISPUTE: "badge-danger",
    InboundKind.BOUNCE: "badge-danger",
    InboundKind.REMITTANCE: "badge-ok",
}


def _url(record: InboundMessage) -> str:
    return reverse("inbox:message", args=[record.pk])


class InboundTable(tables.Table):
    received_at = tables.DateTimeColumn(verbose_name=_("Received"), format="Y-m-d H:i")
    from_address = tables.Column(
        verbose_name=pgettext_lazy("email", "From"),
        attrs={"td": {"class": "wrap small"}},
        order_by=("from_address",),
    )
    subject = tables.Column(verbose_name=_("Subject"), attrs={"td": {"class": "wrap"}})
    kind = BadgeColumn(verbose_name=_("Kind"), classes=KIND_BADGES)
    customer = tables.Column(
        verbose_name=_("Customer"),
        order_by=("customer__customer_ref",),
        attrs={"td": {"class": "wrap"}},
        default="—",
    )
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_BADGES)

    class Meta:
        model = InboundMessage
        fields = ()
        sequence = ("received_at", "from_address", "subject", "kind", "customer", "status")
        attrs = {"class": "data-table", "id": "inbound-table"}
        row_attrs = {"class": "inbound-row", "data-href": _url}
        empty_text = _("No messages match.")

    def render_from_address(self, value: str, record: InboundMessage) -> str:
        return format_html(
            '<span class="sender">{}</span><br><span class="muted">{}</span>',
            record.from_name or value,
            value if record.from_name else "",
        )

    def render_subject(self, value: str, record: InboundMessage) -> str:
        shown = value[:80] + ("…" if len(value) > 80 else "")
        return format_html('<a href="{}">{}</a>', _url(record), shown or _("(no subject)"))

    def render_customer(self, value: Any) -> str:
        return format_html(
            '<span class="mono">{}</span> <span class="cust-name">{}</span>',
            value.customer_ref,
            value.name[:32],
        )
