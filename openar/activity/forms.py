"""Forms of the promise and contact pages: they parse input; services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openar.activity.choices import ContactChannel, ContactOutcome


class PromiseForm(forms.Form):
    amount = forms.CharField(label=_("Amount"), max_length=30)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    promised_date = forms.DateField(
        label=_("Promised date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    channel = forms.ChoiceField(
        label=_("Taken via"),
        required=False,
        choices=[("", _("(not logged as a contact)")), *ContactChannel.choices],
        initial=ContactChannel.CALL,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class ContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=ContactChannel.choices, initial=ContactChannel.CALL
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
