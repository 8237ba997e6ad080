"""Writes for cash application: bank accounts, statement imports, matching and the review
actions people take on a line. Each service is one transaction and records audit events.

The package splits along the seams: ``statements`` (bank accounts, imports, bounces),
``matching`` (settings, candidate index, matching runs), ``plans`` (writing what was decided),
``review`` (what people do with a line) and ``demo`` (the reset helper). Every public name
is importable from here.
"""

from openar.cashapp.services.common import CHUNK, OPEN_STATUSES, norm_account
from openar.cashapp.services.demo import cashapp_data_reset
from openar.cashapp.services.matching import (
    MatchSummary,
    lines_match,
    match_index,
    match_settings,
)
from openar.cashapp.services.review import (
    line_apply,
    line_assign_customer,
    line_mark_unidentified,
    line_put_on_account,
)
from openar.cashapp.services.statements import (
    ImportSummary,
    bank_account_add,
    bank_account_update,
    statement_import,
)

__all__ = [
    "CHUNK",
    "OPEN_STATUSES",
    "ImportSummary",
    "MatchSummary",
    "bank_account_add",
    "bank_account_update",
    "cashapp_data_reset",
    "line_apply",
    "line_assign_customer",
    "line_mark_unidentified",
    "line_put_on_account",
    "lines_match",
    "match_index",
    "match_settings",
    "norm_account",
    "statement_import",
]
