"""Outbox filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from openar.comms.choices import TEMPLATE_LABELS, MessageChannel, MessageStatus
from openar.comms.domain import TEMPLATES


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *MessageStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *MessageChannel.choices],
    )
    template_code = forms.ChoiceField(
        label=_("Template"),
        required=False,
        choices=[
            ("", _("All templates")),
            *((code, TEMPLATE_LABELS.get(code, code)) for code in TEMPLATES),
        ],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), ("en", _("English")), ("es", _("Spanish"))],
    )
    as_of = forms.DateField(
        label=_("Cycle date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Customer"), required=False)
    mine = forms.BooleanField(label=_("Only my portfolio"), required=False)
