"""The approval trail every credit decision leaves on the account's timeline: a note in the
contact log, in the default language like every stored text."""

from __future__ import annotations

from typing import Any

from openar.activity.choices import ContactChannel, ContactOutcome
from openar.activity.services import contact_record
from openar.ledger.models import Customer


def timeline_note(*, customer: Customer, actor: Any, text: str) -> None:
    contact_record(
        customer=customer,
        user=actor,
        channel=ContactChannel.NOTE,
        outcome=ContactOutcome.NOTE,
        note=text,
        actor=actor,
    )
