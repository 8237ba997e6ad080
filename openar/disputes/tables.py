"""Case and credit-memo request tables (django-tables2)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openar.core import dates
from openar.core.tables import BadgeColumn, CustomerColumn, IsoDateColumn, MoneyColumn
from openar.disputes.models import CreditMemoRequest, DisputeCase

STATUS_CLASSES = {
    "open": "badge-warn",
    "research": "",
    "waiting": "badge-warn",
    "credit_pending": "badge-ok",
    "closed": "badge-ok",
}


class CaseTable(tables.Table):
    id = tables.Column(verbose_name=_("Case"), attrs={"td": {"class": "mono"}})
    customer = CustomerColumn(verbose_name=_("Customer"))
    kind = tables.Column(verbose_name=_("Kind"))
    reason = tables.Column(verbose_name=_("Reason"), order_by=("reason__code",))
    amount = MoneyColumn(verbose_name=_("Amount"), currency_accessor="currency", show_currency=True)
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_CLASSES)
    owner_team = tables.Column(verbose_name=_("Owner"))
    opened_on = IsoDateColumn(verbose_name=_("Opened"))
    due_on = tables.Column(verbose_name=_("SLA date"))

    class Meta:
        model = DisputeCase
        fields = ()
        sequence = (
            "id", "customer", "kind", "reason", "amount", "status", "owner_team", "opened_on",
            "due_on",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "case-table"}
        empty_text = _("No cases match.")

    def render_id(self, record: DisputeCase) -> str:
        url = reverse("disputes:case", args=[record.pk])
        return format_html('<a href="{}">D-{}</a>', url, record.pk)

    def render_kind(self, record: DisputeCase) -> str:
        return str(record.get_kind_display())

    def render_reason(self, record: DisputeCase) -> str:
        from openar.disputes.views.common import reason_label

        return reason_label(record.reason)

    def render_owner_team(self, record: DisputeCase) -> str:
        team = record.get_owner_team_display()
        if record.owner is not None:
            return format_html(
                '{} <span class="muted">· {}</span>',
                record.owner.get_full_name() or record.owner.get_username(),
                team,
            )
        return str(team)

    def render_due_on(self, record: DisputeCase) -> Any:
        day = record.due_on.isoformat()
        worked = record.status in ("open", "research", "waiting")
        if worked and record.due_on < dates.today():
            late = (dates.today() - record.due_on).days
            return format_html(
                '{} <span class="badge badge-danger">{}</span>',
                day,
                _("%(days)d days late") % {"days": late},
            )
        return day


class CreditRequestTable(tables.Table):
    request_ref = tables.Column(
        verbose_name=_("Request"), accessor="pk", attrs={"td": {"class": "mono"}}
    )
    entity = tables.Column(verbose_name=_("Entity"), accessor="document__entity__code")
    customer = CustomerColumn(verbose_name=_("Customer"), accessor="case__customer")
    document = tables.Column(verbose_name=_("Item"), accessor="document__document_ref")
    amount = MoneyColumn(verbose_name=_("Amount"), currency_accessor="currency", show_currency=True)
    case = tables.Column(verbose_name=_("Case"), accessor="case_id")
    requested_at = tables.DateTimeColumn(verbose_name=_("Requested"), format="Y-m-d H:i")
    status = BadgeColumn(
        verbose_name=_("Status"),
        classes={"requested": "badge-warn", "applied": "badge-ok", "cancelled": ""},
    )
    credit_memo = tables.Column(
        verbose_name=_("Credit memo"), accessor="credit_memo__document_ref", default="—"
    )

    class Meta:
        model = CreditMemoRequest
        fields = ()
        sequence = (
            "request_ref", "entity", "customer", "document", "amount", "case", "requested_at",
            "status", "credit_memo",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "credit-request-table"}
        empty_text = _("No credit-memo requests yet.")

    def render_request_ref(self, record: CreditMemoRequest) -> str:
        return record.request_ref

    def render_case(self, record: CreditMemoRequest) -> str:
        url = reverse("disputes:case", args=[record.case_id])
        return format_html('<a href="{}">D-{}</a>', url, record.case_id)
