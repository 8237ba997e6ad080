"""The promise list's filters: parsed here, applied by ``promise_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.activity.choices import PromiseStatus
from openar.activity.models import PromiseToPay
from openar.activity.selectors import promise_list
from openar.core.filters import DateInputFilter, SelectorFilterSet, search_input


class PromiseFilterSet(SelectorFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PromiseStatus.choices, empty_label=_("All statuses")
    )
    q = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Customer number or name"))
    )
    due_by = DateInputFilter(label=_("Promised by"))
    mine = django_filters.BooleanFilter(label=_("Only my portfolio"), widget=forms.CheckboxInput)

    def select(self, queryset: QuerySet[PromiseToPay], data: dict[str, Any]) -> QuerySet[Any]:
        return promise_list(
            queryset=queryset,
            status=data.get("status", ""),
            collector=self.request.user if data.get("mine") else None,
            q=data.get("q", ""),
            due_by=data.get("due_by"),
        )
