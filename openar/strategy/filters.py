"""The action list's filters: parsed here, applied by ``action_list``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from openar.core.filters import DateRangeFilterSet, SelectorFilterSet, search_input
from openar.strategy.choices import ActionStatus, StepKind
from openar.strategy.models import Action, Strategy
from openar.strategy.selectors import action_list, strategy_list


def strategy_choices() -> list[tuple[str, str]]:
    return list(Strategy.objects.order_by("code").values_list("code", "name"))


class ActionFilterSet(DateRangeFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActionStatus.choices, empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=StepKind.choices, empty_label=_("Any")
    )
    # Choices come from the data: a callable, read per request.
    strategy = django_filters.ChoiceFilter(
        label=_("Strategy"), choices=strategy_choices, empty_label=_("Any")
    )
    customer = django_filters.CharFilter(
        label=_("Customer"), widget=search_input(_("Reference or name"))
    )

    def select(self, queryset: QuerySet[Action], data: dict[str, Any]) -> QuerySet[Any]:
        return action_list(
            queryset=queryset,
            status=data.get("status"),
            kind=data.get("kind"),
            strategy=data.get("strategy"),
            customer=(data.get("customer") or "").strip() or None,
            **self.date_range(data),
        )


class StrategyFilterSet(SelectorFilterSet):
    q = django_filters.CharFilter(label=_("Search"), widget=search_input(_("Code or name")))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("active", _("active")), ("inactive", _("inactive"))],
        empty_label=_("Any"),
    )

    def select(self, queryset: QuerySet[Strategy], data: dict[str, Any]) -> QuerySet[Any]:
        status = data.get("status")
        return strategy_list(
            queryset=queryset,
            search=(data.get("q") or "").strip(),
            active=None if status is None else status == "active",
        )
