"""The strategy and action lists' tables."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from openar.core.reasons import reason_text
from openar.core.roles import Role
from openar.core.tables import NUM, BadgeColumn, CustomerColumn, IsoDateColumn
from openar.strategy.choices import ActionStatus
from openar.strategy.models import Action, Strategy

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

    def render_reason(self, value: str, record: Action) -> str:
        # Stored as codes and values: shown in the reader's language.
        return reason_text(record.reason_parts, value)

    def render_owner(self, value: str, record: Action) -> str:
        labels = dict(Role.choices)
        role = labels.get(value, value)
        if record.assigned_to_id is None:
            return str(role)
        return format_html("{} · {}", role, record.assigned_to.username)  # type: ignore[union-attr]


def criteria_items(criteria: dict[str, Any]) -> list[tuple[str, str]]:
    """A strategy's criteria as (key, text) pairs: lists joined, dicts as key=value."""
    items = []
    for key, value in criteria.items():
        if isinstance(value, dict):
            text = ", ".join(
                f"{k}={'|'.join(v) if isinstance(v, list) else v}" for k, v in value.items()
            )
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        items.append((key, text))
    return items


class StrategyTable(tables.Table):
    # Sorting by priority keeps the default strategy last, as the engine tries them.
    priority = tables.Column(
        verbose_name=_("Priority"), attrs=NUM, order_by=("is_default", "priority", "code")
    )
    code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "mono"}})
    name = tables.Column(verbose_name=_("Name"), attrs={"td": {"class": "wrap"}})
    criteria = tables.Column(
        verbose_name=_("Criteria"), orderable=False, attrs={"td": {"class": "criteria"}}
    )
    step_count = tables.Column(verbose_name=_("Steps"), attrs=NUM)
    active = tables.Column(verbose_name=_("Status"))
    buttons = tables.TemplateColumn(
        template_name="strategy/_strategy_buttons.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Strategy
        fields = ()
        attrs = {"class": "data-table", "id": "strategy-table"}
        empty_text = _("No strategies match.")

    def render_code(self, value: str) -> str:
        return format_html('<a href="{}">{}</a>', reverse("strategy:edit", args=[value]), value)

    def render_name(self, value: str, record: Strategy) -> str:
        if record.is_default:
            return format_html('{} <span class="badge">{}</span>', value, _("default"))
        return value

    def render_criteria(self, value: Any, record: Strategy) -> str:
        if record.is_default:
            return format_html('<span class="muted">{}</span>', _("every other account"))
        items = criteria_items(value or {})
        if not items:
            return format_html('<span class="muted">{}</span>', _("every account"))
        return format_html_join(" ", '<span class="pill">{}: {}</span>', items)

    def render_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge badge-ok">{}</span>', _("active"))
        return format_html('<span class="badge badge-warn">{}</span>', _("inactive"))
