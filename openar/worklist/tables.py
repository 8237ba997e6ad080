"""The "All queues" table: one row per collector with their queue's figures."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from openar.core.tables import NUM, MoneyColumn


class CollectorColumn(tables.Column):
    """The collector's name (a link to their queue) and user name."""

    def render(self, record: Any) -> str:
        url = reverse("worklist:queue") + "?" + urlencode({"collector": record.get_username()})
        return format_html(
            '<a href="{}">{}</a> <span class="muted mono">{}</span>',
            url,
            record.get_full_name() or record.get_username(),
            record.get_username(),
        )


class CallsColumn(tables.Column):
    """Calls in today's queue against the daily target, with a meter."""

    def render(self, record: Any) -> str:
        target = record.daily_target or 0
        percent = min(100, round(100 * record.calls_today / target)) if target else 0
        return format_html(
            '{} / {} <span class="meter" aria-hidden="true">'
            '<span style="width: {}%"></span></span>',
            record.calls_today,
            target,
            percent,
        )


class AwayColumn(tables.Column):
    def render(self, value: Any) -> str:
        text = gettext("away until %(date)s") % {"date": date_format(value, "SHORT_DATE_FORMAT")}
        return format_html('<span class="badge badge-warn">{}</span>', text)


class CollectorQueueTable(tables.Table):
    collector = CollectorColumn(
        verbose_name=_("Collector"), accessor="username", order_by=("username",)
    )
    today = tables.Column(verbose_name=_("Today"), attrs=NUM)
    calls_today = CallsColumn(verbose_name=_("Calls today / target"), attrs=NUM)
    waiting = tables.Column(verbose_name=_("Waiting"), attrs=NUM)
    top_priority = tables.Column(verbose_name=_("Top priority"), attrs=NUM, default="—")
    past_due = MoneyColumn(verbose_name=_("Portfolio past due"))
    away_until = AwayColumn(verbose_name=_("Away"), default="")

    class Meta:
        model = get_user_model()
        fields = ()
        attrs = {"class": "data-table", "id": "collectors-table"}
        empty_text = _("No collectors match.")
