"""Forms of the queue and portfolio pages; they parse input, services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from openar.activity.choices import ContactOutcome
from openar.ledger.forms import entity_choices
from openar.worklist.models import RankingWeights

CALL_OUTCOMES = [
    (value, label)
    for value, label in ContactOutcome.choices
    if value not in (ContactOutcome.SENT, ContactOutcome.NOTE)
]


def _collector_choices(blank: Any = None) -> list[tuple[str, Any]]:
    from openar.worklist.selectors import collector_users

    choices: list[tuple[str, Any]] = [("", blank)] if blank is not None else []
    for username, first, last in collector_users().values_list(
        "username", "first_name", "last_name"
    ):
        full = f"{first} {last}".strip()
        choices.append((username, f"{full} ({username})" if full else username))
    return choices


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


class LogCallForm(_Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CALL_OUTCOMES)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.TextInput()
    )
    # With the outcome "promise taken": what was promised, in the customer's currency.
    promise_amount = forms.DecimalField(label=_("Amount promised"), required=False, min_value=0)
    promise_date = forms.DateField(
        label=_("Promised date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ContactOutcome.PROMISE_TAKEN:
            if not data.get("promise_amount"):
                self.add_error("promise_amount", _("A promise needs an amount."))
            if not data.get("promise_date"):
                self.add_error("promise_date", _("A promise needs a date."))
        return data


class WeightsForm(forms.ModelForm):
    class Meta:
        model = RankingWeights
        fields = ["past_due", "risk", "days_past_due", "promise", "urgency", "last_contact"]
        labels = {
            "past_due": _("Amount past due"),
            "risk": _("Risk score"),
            "days_past_due": _("Days past due"),
            "promise": _("Promise due or broken"),
            "urgency": _("Step urgency"),
            "last_contact": _("Time since last contact"),
        }
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": 100})
            for name in ["past_due", "risk", "days_past_due", "promise", "urgency", "last_contact"]
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TargetForm(_Form):
    collector = forms.ChoiceField(label=_("Collector"))
    daily_target = forms.IntegerField(label=_("Daily call target"), min_value=0, max_value=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = _collector_choices()  # type: ignore[attr-defined]

    def clean_collector(self) -> Any:
        return _user(self.cleaned_data["collector"])


class AbsenceForm(_Form):
    collector = forms.ChoiceField(label=_("Collector away"))
    cover = forms.ChoiceField(label=_("Covered by"))
    start_date = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _collector_choices()
        self.fields["collector"].choices = choices  # type: ignore[attr-defined]
        self.fields["cover"].choices = choices  # type: ignore[attr-defined]

    def clean_collector(self) -> Any:
        return _user(self.cleaned_data["collector"])

    def clean_cover(self) -> Any:
        return _user(self.cleaned_data["cover"])


class AssignForm(_Form):
    customer_ref = forms.CharField(label=_("Customer number"), max_length=40)
    collector = forms.ChoiceField(label=_("Collector"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"].choices = _collector_choices(  # type: ignore[attr-defined]
            blank=_("Nobody (unassign)")
        )


class RuleForm(_Form):
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=100)
    entity = forms.ChoiceField(label=_("Entity"), required=False)
    segment = forms.CharField(label=_("Segment"), required=False, max_length=40)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    language = forms.CharField(label=_("Language"), required=False, max_length=10)
    collector = forms.ChoiceField(label=_("Collector"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = entity_choices()  # type: ignore[attr-defined]
        self.fields["collector"].choices = _collector_choices()  # type: ignore[attr-defined]


class BalanceForm(_Form):
    collectors = forms.MultipleChoiceField(
        label=_("Collectors"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    entity = forms.ChoiceField(label=_("Entity"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collectors"].choices = _collector_choices()  # type: ignore[attr-defined]
        self.fields["entity"].choices = entity_choices()  # type: ignore[attr-defined]


class DayForm(_Form):
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
