"""The outbox's and the templates' filters: parsed here, applied by ``outbox_list`` and
``template_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.comms.choices import LineStatus, MessageChannel, MessageStatus, RunStatus
from openar.comms.models import MessageTemplate, OutboxMessage, StatementRun, StatementRunLine
from openar.comms.selectors import outbox_list, statement_run_lines, template_codes, template_list
from openar.core.filters import DateInputFilter, SelectorFilterSet, search_input


class OutboxFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MessageStatus.choices, empty_label=_("All statuses")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=MessageChannel.choices, empty_label=_("All channels")
    )
    template_code = django_filters.ChoiceFilter(
        label=_("Template"),
        choices=template_codes,
        empty_label=_("All templates"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=[("en", _("English")), ("es", _("Spanish"))],
        empty_label=_("All languages"),
    )
    as_of = DateInputFilter(label=_("Cycle date"))
    q = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Customer number or name"))
    )
    mine = django_filters.BooleanFilter(label=_("Only my portfolio"), widget=forms.CheckboxInput)

    def select(self, queryset: QuerySet[OutboxMessage], data: dict[str, Any]) -> QuerySet[Any]:
        return outbox_list(
            queryset=queryset,
            status=data.get("status", ""),
            channel=data.get("channel", ""),
            template_code=data.get("template_code", ""),
            language=data.get("language", ""),
            as_of=data.get("as_of"),
            q=data.get("q", ""),
            collector=self.request.user if data.get("mine") else None,
        )


class TemplateFilterSet(SelectorFilterSet):
    q = django_filters.CharFilter(label=_("Template"), widget=search_input(_("Code or name")))
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=MessageChannel.choices, empty_label=_("All channels")
    )

    def select(self, queryset: QuerySet[MessageTemplate], data: dict[str, Any]) -> QuerySet[Any]:
        return template_list(
            queryset=queryset, q=data.get("q", ""), channel=data.get("channel", "")
        )


class StatementRunFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RunStatus.choices, empty_label=_("All statuses")
    )

    def select(self, queryset: QuerySet[StatementRun], data: dict[str, Any]) -> QuerySet[Any]:
        qs = queryset.select_related("created_by")
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return qs.order_by("-created_at", "-id")


class StatementLineFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=LineStatus.choices, empty_label=_("All statuses")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Sent by"), choices=MessageChannel.choices, empty_label=_("Email or letter")
    )
    q = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Customer number or name"))
    )

    def select(self, queryset: QuerySet[StatementRunLine], data: dict[str, Any]) -> QuerySet[Any]:
        return statement_run_lines(
            queryset=queryset,
            status=data.get("status", ""),
            channel=data.get("channel", ""),
            q=data.get("q", ""),
        )
