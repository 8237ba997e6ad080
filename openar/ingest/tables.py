"""The import batch list's columns (django-tables2)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openar.core.tables import NUM, BadgeColumn
from openar.ingest.models import ImportBatch


class RejectedColumn(tables.Column):
    """Rejected rows, red when there are any."""

    def render(self, value: int) -> str:
        return format_html('<span class="neg">{}</span>', value) if value else str(value)


class ImportBatchTable(tables.Table):
    started_at = tables.DateTimeColumn(verbose_name=_("Started"), format="SHORT_DATETIME_FORMAT")
    kind = tables.Column(verbose_name=_("Kind"))
    format = tables.Column(verbose_name=_("Format"), attrs={"td": {"class": "wrap"}})
    file_name = tables.Column(verbose_name=_("File"), attrs={"td": {"class": "mono break"}})
    status = BadgeColumn(
        verbose_name=_("Status"),
        classes={"loaded": "badge-ok", "rejected": "badge-danger", "partial": "badge-warn"},
    )
    rows = tables.Column(verbose_name=_("Rows"), attrs=NUM)
    created = tables.Column(verbose_name=_("Created"), attrs=NUM)
    updated = tables.Column(verbose_name=_("Updated"), attrs=NUM)
    unchanged = tables.Column(verbose_name=_("Unchanged"), attrs=NUM)
    rejected = RejectedColumn(verbose_name=_("Rejected"), attrs=NUM)
    actor_label = tables.Column(verbose_name=_("By"))

    class Meta:
        model = ImportBatch
        fields = ()
        attrs = {"class": "data-table", "id": "batch-table"}
        empty_text = _("No imports yet.")

    def render_file_name(self, value: str) -> Any:
        return format_html('<span title="{}">{}</span>', value, truncatechars(value, 40))
