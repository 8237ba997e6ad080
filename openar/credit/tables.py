"""The list pages' tables: recommendations (the decision column holds the approve/reject form)
and limit reviews."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from openar.core.reasons import reason_text
from openar.core.tables import BadgeColumn, CustomerColumn, IsoDateColumn
from openar.core.templatetags.openar_ui import money
from openar.credit.choices import (
    RecommendationStatus,
    ReviewOutcome,
    ReviewStatus,
    WriteOffStatus,
)
from openar.credit.models import LimitReview, Recommendation, WriteOff

STATUS_BADGES = {
    RecommendationStatus.PENDING: "badge-warn",
    RecommendationStatus.APPROVED: "badge-ok",
    RecommendationStatus.REJECTED: "badge-danger",
}


class RecommendationTable(tables.Table):
    select = tables.TemplateColumn(
        verbose_name="",
        template_name="credit/_select.html",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "select-cell"}, "th": {"class": "select-cell"}},
    )
    as_of = IsoDateColumn(verbose_name=_("Date"))
    customer = CustomerColumn(verbose_name=_("Customer"))
    kind = tables.Column(verbose_name=_("Kind"), attrs={"td": {"class": "wrap"}})
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "reason"}})
    status = BadgeColumn(verbose_name=_("Status"), classes=STATUS_BADGES)
    decision = tables.TemplateColumn(
        verbose_name=_("Decision"),
        template_name="credit/_decision.html",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "decision-cell"}},
    )

    class Meta:
        model = Recommendation
        fields = ()
        sequence = ("select", "as_of", "customer", "kind", "reason", "status", "decision")
        attrs = {"class": "data-table", "id": "recommendation-table"}
        row_attrs = {"id": lambda record: f"rec-{record.pk}"}
        empty_text = _("No recommendations for these filters.")

    def render_reason(self, value: str, record: Recommendation) -> str:
        # Stored as codes and values: shown in the reader's language.
        return reason_text(record.reason_parts, value)


REVIEW_BADGES = {ReviewStatus.OPEN: "badge-warn", ReviewStatus.DECIDED: "badge-ok"}
OUTCOME_BADGES = {
    ReviewOutcome.KEEP: "",
    ReviewOutcome.INCREASE: "badge-ok",
    ReviewOutcome.REDUCE: "badge-warn",
    ReviewOutcome.HOLD: "badge-danger",
}


class ReviewTable(tables.Table):
    due_on = IsoDateColumn(verbose_name=_("Due"))
    customer = CustomerColumn(verbose_name=_("Customer"))
    trigger = tables.Column(verbose_name=_("Why"), attrs={"td": {"class": "wrap"}})
    limit = tables.Column(
        verbose_name=_("Limit"), accessor="facts", orderable=False, attrs={"td": {"class": "num"}}
    )
    exposure = tables.Column(
        verbose_name=_("Exposure"),
        accessor="facts",
        orderable=False,
        attrs={"td": {"class": "num"}},
    )
    recommended = BadgeColumn(verbose_name=_("Recommended"), classes=OUTCOME_BADGES)
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "reason"}})
    status = BadgeColumn(verbose_name=_("Status"), classes=REVIEW_BADGES)
    open = tables.TemplateColumn(
        verbose_name="",
        template_name="credit/_review_open.html",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "decision-cell"}},
    )

    class Meta:
        model = LimitReview
        fields = ()
        sequence = (
            "due_on", "customer", "trigger", "limit", "exposure", "recommended", "reason",
            "status", "open",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "review-table"}
        row_attrs = {"id": lambda record: f"review-{record.pk}"}
        empty_text = _("No limit reviews for these filters.")

    def _money(self, facts: dict[str, Any], key: str) -> str:
        value = facts.get(key)
        if value is None:
            return "—"
        return f"{money(Decimal(value), facts.get('currency', ''))} {facts.get('currency', '')}"

    def render_limit(self, value: dict[str, Any]) -> str:
        return self._money(value, "credit_limit")

    def render_exposure(self, value: dict[str, Any]) -> str:
        return self._money(value, "exposure")

    def render_reason(self, value: str, record: LimitReview) -> str:
        return reason_text(record.reason_parts, value)


WRITE_OFF_BADGES = {
    WriteOffStatus.PENDING: "badge-warn",
    WriteOffStatus.APPROVED: "badge-ok",
    WriteOffStatus.REJECTED: "badge-danger",
}


class WriteOffTable(tables.Table):
    requested_at = tables.DateTimeColumn(verbose_name=_("Asked for"), format="Y-m-d")
    customer = CustomerColumn(verbose_name=_("Customer"), anchor="#write-offs")
    items = tables.Column(
        verbose_name=_("Items"), accessor="pk", orderable=False, attrs={"td": {"class": "wrap"}}
    )
    amount = tables.Column(verbose_name=_("Amount"), attrs={"td": {"class": "num"}})
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "reason"}})
    requested_by_label = tables.Column(verbose_name=_("Asked for by"))
    status = BadgeColumn(verbose_name=_("Status"), classes=WRITE_OFF_BADGES)
    decision = tables.TemplateColumn(
        verbose_name=_("Decision"),
        template_name="credit/_write_off_decision.html",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "decision-cell"}},
    )

    class Meta:
        model = WriteOff
        fields = ()
        sequence = (
            "requested_at", "customer", "items", "amount", "reason", "requested_by_label",
            "status", "decision",
        )  # fmt: skip
        attrs = {"class": "data-table", "id": "write-off-table"}
        row_attrs = {"id": lambda record: f"write-off-{record.pk}"}
        empty_text = _("No write-offs for these filters.")

    def render_items(self, record: WriteOff) -> str:
        return ", ".join(i.document.document_ref for i in record.items.all())

    def render_amount(self, value: Decimal, record: WriteOff) -> str:
        return f"{money(value, record.currency)} {record.currency}"

    def render_reason(self, value: str, record: WriteOff) -> str:
        return reason_text(record.reason_parts, value)
