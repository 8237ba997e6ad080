"""The dashboards' filters: as-of date, period, entity, collector, segment."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from openar.core.dates import today
from openar.ledger.models import Customer, Entity
from openar.worklist.selectors import collector_users

WEEKS = [(13, _("13 weeks")), (26, _("26 weeks")), (52, _("52 weeks"))]


class DashboardFilterForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.TypedChoiceField(
        label=_("Period"), choices=WEEKS, coerce=int, required=False, initial=13
    )
    entity = forms.ChoiceField(label=_("Entity"), required=False)
    collector = forms.ChoiceField(label=_("Collector"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)

    def __init__(self, *args: Any, with_collector: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["entity"]).choices = everyone + [
            (e.code, f"{e.code} · {e.name}") for e in Entity.objects.order_by("code")
        ]
        segments = (
            Customer.objects.exclude(segment="")
            .order_by("segment")
            .values_list("segment", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["segment"]).choices = everyone + [
            (s, s) for s in segments
        ]
        if with_collector:
            cast(forms.ChoiceField, self.fields["collector"]).choices = (
                everyone
                + [(u.username, u.get_full_name() or u.username) for u in collector_users()]
                + [("unassigned", _("Unassigned"))]
            )
        else:
            del self.fields["collector"]

    def clean_as_of(self) -> dt.date | None:
        day = self.cleaned_data.get("as_of")
        if day and day > today():
            raise forms.ValidationError(_("Choose a date up to today."))
        return day

    def values(self) -> dict[str, Any]:
        """The filters to apply: defaults where a field is empty or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "as_of": data.get("as_of") or today(),
            "weeks": data.get("weeks") or 13,
            "entity": data.get("entity") or None,
            "collector": data.get("collector") or None,
            "segment": data.get("segment") or None,
        }
