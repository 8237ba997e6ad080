"""The action list's table."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openar.core.roles import Role
from openar.core.tables import NUM, BadgeColumn, CustomerColumn, IsoDateColumn
from openar.strategy.choices import ActionStatus
from openar.strategy.models import Action

STATUS_BADGES = {ActionStatus.OPEN: "badge-warn", ActionStatus.DONE: "badge-ok"}


class ActionTable(tables.Table):
    as_of = IsoDateColumn(verbose_name=_("Date"))
    customer = CustomerColumn(verbose_name=_("Customer"))
    step = tables.Column(
        verbose_name=_("Step"),
        order_by=("step__name",),
        default="—",
        attrs={"td": {"class": "wrap"}},
    )
    kind = tables.Column(verbose_name=_("Kind"), attrs={"td": {"class": "wrap"}})
    owner = tables.Column(
        verbose_name=_("Owner"), accessor="owner_role", order_by=("owner_role", "assigned_to")
    )
    days_past_due = tables.Column(verbose_name=_("Days past due"), attrs=NUM, default="")
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "reason"}})
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_BADGES)

    class Meta:
        model = Action
        fields = ()
        sequence = (
            "as_of", "customer", "step", "kind", "owner", "days_past_due", "reason", "status",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "action-table"}
        empty_text = _("No actions for these filters.")

    def render_step(self, value: Any) -> str:
        return value.name

    def render_owner(self, value: str, record: Action) -> str:
        labels = dict(Role.choices)
        role = labels.get(value, value)
        if record.assigned_to_id is None:
            return str(role)
        return format_html("{} · {}", role, record.assigned_to.username)  # type: ignore[union-attr]
