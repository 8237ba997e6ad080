"""The recommendation list's table: the decision column holds the approve/reject form."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from openar.core.reasons import reason_text
from openar.core.tables import BadgeColumn, CustomerColumn, IsoDateColumn
from openar.credit.choices import RecommendationStatus
from openar.credit.models import Recommendation

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
