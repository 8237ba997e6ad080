"""Tables of the statement, applied-cash and layout lists."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from openar.cashapp.choices import ApplicationMode
from openar.cashapp.models import BankLayout, StatementFile, StatementLine
from openar.core.tables import NUM, CustomerColumn, MoneyColumn

SHORT_DATE = "SHORT_DATE_FORMAT"


def _zero() -> str:
    return mark_safe('<span class="zero">0</span>')


class CountColumn(tables.Column):
    """A count of lines; ``badge`` colours it and ``link_to`` (a URL name) opens those lines."""

    def __init__(self, *args: Any, badge: str = "", link_to: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num wrap-head"}})
        super().__init__(*args, **kwargs)
        self.badge, self.link_to = badge, link_to

    def render(self, value: int, record: StatementFile) -> str:
        if not value:
            return _zero()
        if self.link_to:
            url = f"{reverse(self.link_to)}?statement={record.pk}"
            return format_html('<a class="badge {}" href="{}">{}</a>', self.badge, url, value)
        if self.badge:
            return format_html('<span class="badge {}">{}</span>', self.badge, value)
        return str(value)


class StatementTable(tables.Table):
    imported_at = tables.DateTimeColumn(
        verbose_name=_("Imported"), format="SHORT_DATETIME_FORMAT", attrs={"td": {"class": "wrap"}}
    )
    filename = tables.Column(verbose_name=_("File"), attrs={"td": {"class": "mono break"}})
    file_format = tables.Column(verbose_name=_("Format"))
    account = tables.Column(
        verbose_name=_("Account"),
        accessor="bank_account__account_number",
        order_by=("bank_account__account_number", "currency"),
    )
    period = tables.Column(
        verbose_name=_("Period"),
        accessor="period_start",
        order_by=("period_start", "period_end"),
        attrs={"td": {"class": "wrap"}},
    )
    n_lines = CountColumn(verbose_name=_("Lines"))
    n_review = CountColumn(
        verbose_name=_("To review"), badge="badge-warn", link_to="cashapp:review"
    )
    n_unidentified = CountColumn(
        verbose_name=_("Unidentified"), badge="badge-danger", link_to="cashapp:unidentified"
    )
    n_auto = CountColumn(verbose_name=_("Auto"), badge="badge-ok")
    n_applied = CountColumn(verbose_name=_("Manual"))
    n_on_account = CountColumn(verbose_name=_("On account"))
    n_debit = CountColumn(
        verbose_name=_("Debits"),
        attrs={"td": {"class": "num muted"}, "th": {"class": "num wrap-head"}},
    )

    class Meta:
        model = StatementFile
        fields = ()
        sequence = (
            "imported_at", "filename", "file_format", "account", "period", "n_lines",
            "n_review", "n_unidentified", "n_auto", "n_applied", "n_on_account", "n_debit",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "statement-table"}
        empty_text = _("No statements imported yet.")

    def render_filename(self, value: str) -> str:
        short = value if len(value) <= 36 else value[:35] + "…"
        return format_html('<span title="{}">{}</span>', value, short)

    def render_file_format(self, value: str, record: StatementFile) -> str:
        pill = format_html('<span class="pill">{}</span>', value)
        if not record.warnings:
            return pill
        return format_html(
            '{} <a class="badge badge-warn" href="{}?statement={}" title="{}">{}</a>',
            pill,
            reverse("cashapp:review"),
            record.pk,
            _("The statement does not balance"),
            _("Unbalanced"),
        )

    def render_account(self, value: str, record: StatementFile) -> str:
        others = [b.get("currency") for b in (record.balances or [])[1:] if b.get("currency")]
        currencies = [record.currency, *others]
        return format_html(
            '<span class="mono">{}</span> {}',
            value,
            format_html_join(" ", '<span class="cur">{}</span>', ((c,) for c in currencies)),
        )

    def render_period(self, value: Any, record: StatementFile) -> str:
        from django.utils.formats import date_format

        start = date_format(value, SHORT_DATE)
        end = record.period_end
        if end and end != value:
            return f"{start} \u2013 {date_format(end, SHORT_DATE)}"
        return start


def _applications(record: StatementLine) -> list[Any]:
    return list(record.applications.all())  # prefetched by applied_lines


class AppliedTable(tables.Table):
    booking_date = tables.DateColumn(verbose_name=_("Booked"), format=SHORT_DATE)
    payer = tables.Column(verbose_name=_("Payer"), accessor="counterparty_name", default="\u2013")
    customer = CustomerColumn(verbose_name=_("Customer"), accessor="receipt__customer", default="")
    amount = MoneyColumn(verbose_name=_("Amount"), currency_accessor="currency", show_currency=True)
    applied_to = tables.Column(
        verbose_name=_("Applied to"),
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "text"}},
    )
    status = tables.Column(verbose_name=_("Status"))
    mode = tables.Column(verbose_name=_("Mode"), accessor="pk", orderable=False)
    confidence = tables.Column(
        verbose_name=_("Confidence"), accessor="pk", orderable=False, attrs=NUM
    )
    matched_by = tables.Column(verbose_name=_("By"), accessor="matched_by__username", default="")

    class Meta:
        model = StatementLine
        fields = ()
        sequence = (
            "booking_date", "payer", "customer", "amount", "applied_to", "status", "mode",
            "confidence", "matched_by",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "applied-lines"}
        empty_text = _("Nothing applied yet.")

    def render_payer(self, value: str, record: StatementLine) -> str:
        short = value if len(value) <= 32 else value[:31] + "…"
        return format_html('<a href="{}">{}</a>', reverse("cashapp:line", args=[record.pk]), short)

    def render_applied_to(self, record: StatementLine) -> str:
        from openar.core.templatetags.openar_ui import money

        chips = [
            (ca.application.document.document_ref, money(ca.application.amount, record.currency))
            for ca in _applications(record)
        ]
        if not chips:
            return format_html('<span class="muted">{}</span>', _("on account"))
        return format_html_join(
            " ", '<span class="doc-chip"><span class="mono">{}</span> {}</span>', chips
        )

    def render_status(self, value: str, record: StatementLine) -> str:
        return format_html('<span class="badge status-{}">{}</span>', record.status, value)

    def render_mode(self, record: StatementLine) -> str:
        modes = sorted({ca.mode for ca in _applications(record)})
        if not modes:
            return ""
        mode = modes[0] if len(modes) == 1 else ApplicationMode.MANUAL
        label = _("auto") if mode == ApplicationMode.AUTO else _("manual")
        return format_html('<span class="badge mode-{}">{}</span>', mode, label)

    def render_confidence(self, record: StatementLine) -> str:
        found = [ca.confidence for ca in _applications(record) if ca.confidence is not None]
        return f"{round(float(max(found)) * 100)}%" if found else ""


class LayoutTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "mono"}})
    name = tables.Column(verbose_name=_("Name"), attrs={"td": {"class": "wrap"}})
    bank_account = tables.Column(
        verbose_name=_("Bank account"),
        accessor="bank_account__account_number",
        order_by=("bank_account__account_number", "code"),
        default="—",
        attrs={"td": {"class": "mono"}},
    )
    columns = tables.Column(verbose_name=_("Columns"), orderable=False, attrs=NUM)
    updated_at = tables.DateTimeColumn(verbose_name=_("Updated"), format="SHORT_DATETIME_FORMAT")

    class Meta:
        model = BankLayout
        fields = ()
        attrs = {"class": "data-table", "id": "layout-table"}
        empty_text = _("No layouts yet.")

    def render_code(self, value: str) -> str:
        url = reverse("cashapp:layout_edit", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_columns(self, value: dict[str, Any]) -> str:
        return str(len(value))
