"""django-tables2 tables of the ledger pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from openar.core.customer_flags import flags_shown
from openar.core.tables import MoneyColumn
from openar.core.templatetags.openar_ui import money
from openar.ledger.models import Customer


class CustomerTable(tables.Table):
    customer_ref = tables.Column(verbose_name=_("Customer"), attrs={"td": {"class": "mono"}})
    name = tables.Column(verbose_name=_("Name"))
    entity = tables.Column(
        verbose_name=_("Entity"), accessor="entity__code", order_by=("entity__code",)
    )
    collector = tables.Column(
        verbose_name=_("Collector"),
        accessor="collector__username",
        order_by=("collector__username",),
        default="—",
    )
    segment = tables.Column(verbose_name=_("Segment"), default="—")
    balance = MoneyColumn(
        verbose_name=_("Balance"),
        accessor="aging__balance",
        currency_accessor="aging__currency",
        default="—",
    )
    past_due = MoneyColumn(
        verbose_name=_("Past due"),
        accessor="aging__past_due",
        currency_accessor="aging__currency",
        default="—",
    )
    days_past_due = tables.Column(
        verbose_name=_("Days past due"),
        accessor="aging__days_past_due",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
        default="—",
    )
    credit_limit = MoneyColumn(
        verbose_name=_("Credit limit"), currency_accessor="currency", default="—"
    )

    class Meta:
        model = Customer
        fields = ()
        sequence = (
            "customer_ref", "name", "entity", "collector", "segment",
            "balance", "past_due", "days_past_due", "credit_limit",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "customer-table"}
        empty_text = _("No customers match these filters.")
        per_page = 50

    def render_name(self, value: str, record: Customer) -> str:
        badges = format_html_join(
            "",
            ' <span class="badge {}" data-flag="{}">{}</span>',
            ((flag.badge, flag.name, flag.label) for flag in flags_shown(record)),
        )
        return format_html("{}{}", value, badges)

    def render_customer_ref(self, value: str) -> str:
        url = reverse("ledger:customer_detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_balance(self, value: Any, record: Customer) -> str:
        text = self.columns["balance"].column.render(value=value, record=record)
        unconverted = getattr(record.aging, "unconverted", None) or {}
        if not unconverted:
            return text
        extra = ", ".join(f"{money(Decimal(v), c)} {c}" for c, v in sorted(unconverted.items()))
        return format_html(
            '{} <span class="unconverted" title="{}">+ {}</span>',
            text,
            _("No exchange rate: not included in the balance"),
            extra,
        )

    def render_collector(self, value: str, record: Customer) -> str:
        user = record.collector
        full = user.get_full_name() if user else ""
        return full or value

    def render_days_past_due(self, value: int) -> str:
        if value and value > 0:
            level = "high" if value > 90 else "mid" if value > 30 else "low"
            return format_html('<span class="dpd dpd-{}">{}</span>', level, value)
        return str(value)

    def render_credit_limit(self, value: Any, record: Customer) -> str:
        return format_html(
            '{} <span class="cur">{}</span>', money(value, record.currency), record.currency
        )
