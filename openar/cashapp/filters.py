"""Filters of the statement, applied-cash and layout lists: parsed here, applied by selectors."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.cashapp.choices import ApplicationMode, LineStatus
from openar.cashapp.models import BankAccount, BankLayout, StatementFile, StatementLine
from openar.cashapp.selectors import (
    SETTLED_STATUSES,
    applied_lines,
    bank_layout_list,
    statement_list,
)
from openar.core.filters import DateInputFilter, DateRangeFilterSet, SelectorFilterSet, search_input


def account_choices() -> list[tuple[str, str]]:
    return [
        (str(pk), f"{number} · {name}" if name else number)
        for pk, number, name in BankAccount.objects.order_by("account_number").values_list(
            "pk", "account_number", "name"
        )
    ]


class StatementFilterSet(DateRangeFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), widget=search_input(_("File name or statement id"))
    )
    # Choices come from the data: a callable, read per request.
    account = django_filters.ChoiceFilter(
        label=_("Account"), choices=account_choices, empty_label=_("All accounts")
    )
    open = django_filters.BooleanFilter(
        label=_("Only with lines to work"), widget=forms.CheckboxInput
    )

    def select(self, queryset: QuerySet[StatementFile], data: dict[str, Any]) -> QuerySet[Any]:
        return statement_list(
            queryset=queryset,
            bank_account=int(data["account"]) if "account" in data else None,
            search=(data.get("q") or "").strip(),
            **self.date_range(data),
            open_only=bool(data.get("open")),
        )


class AppliedFilterSet(DateRangeFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), widget=search_input(_("Payer, customer or reference"))
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode"), choices=ApplicationMode.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in LineStatus if s in SETTLED_STATUSES],
        empty_label=_("All"),
    )
    date_from = DateInputFilter(label=_("Booked from"))
    date_to = DateInputFilter(label=_("Booked to"))

    def select(self, queryset: QuerySet[StatementLine], data: dict[str, Any]) -> QuerySet[Any]:
        return applied_lines(
            queryset=queryset,
            mode=data.get("mode", ""),
            status=data.get("status", ""),
            search=(data.get("q") or "").strip(),
            **self.date_range(data),
        )


class LayoutFilterSet(SelectorFilterSet):
    q = django_filters.CharFilter(label=_("Search"), widget=search_input(_("Code or name")))
    account = django_filters.ChoiceFilter(
        label=_("Bank account"), choices=account_choices, empty_label=_("All accounts")
    )

    def select(self, queryset: QuerySet[BankLayout], data: dict[str, Any]) -> QuerySet[Any]:
        return bank_layout_list(
            queryset=queryset,
            search=(data.get("q") or "").strip(),
            bank_account=int(data["account"]) if "account" in data else None,
        )
