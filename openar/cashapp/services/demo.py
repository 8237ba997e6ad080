"""Reset helper for ``demo-data --reset``: clears every cash-application row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openar.cashapp.models import (
    BankAccount,
    BankLayout,
    CashApplication,
    CustomerAlias,
    MatchProposal,
    PayerAccount,
    StatementFile,
    StatementLine,
)
from openar.core.audit import audit_record
from openar.disputes.services import disputes_data_reset


# --------------------------------------------------------------------------- demo
@transaction.atomic
def cashapp_data_reset(*, actor: Any) -> int:
    """Delete every cash-application row (deductions, applications' links, proposals, lines,
    statement files, learnt payers and aliases, layouts and bank accounts) so the ledger under
    them can be reset (``demo-data --reset``); returns the number of statement lines removed."""
    lines = StatementLine.objects.count()
    disputes_data_reset(actor=actor)
    CashApplication.objects.all().delete()
    MatchProposal.objects.all().delete()
    StatementLine.objects.all().delete()
    StatementFile.objects.all().delete()
    PayerAccount.objects.all().delete()
    CustomerAlias.objects.all().delete()
    BankLayout.objects.all().delete()
    BankAccount.objects.all().delete()
    audit_record(actor=actor, action="cashapp.reset", summary=f"{lines} statement lines removed")
    return lines
