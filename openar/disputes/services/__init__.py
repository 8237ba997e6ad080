"""Writes to disputes. ``cases`` (open, route, work, notes, attachments), ``resolution``
(outcomes, credit-memo requests and their application, escalation), ``config`` (reason codes,
routing rules, teams) and ``deductions`` (short payments cash application finds). Every public
name is importable from here."""

from openar.disputes.services.cases import (
    case_assign,
    case_attachment_add,
    case_info_receive,
    case_info_request,
    case_note_add,
    case_start,
    dispute_open,
)
from openar.disputes.services.config import (
    reason_save,
    reasons_ensure,
    rule_delete,
    rule_save,
    team_save,
)
from openar.disputes.services.deductions import (
    deduction_open,
    deductions_open_bulk,
    disputes_data_reset,
)
from openar.disputes.services.resolution import (
    credit_memos_apply,
    credit_request_cancel,
    dispute_resolve,
    disputes_escalate,
)

__all__ = [
    "case_assign",
    "case_attachment_add",
    "case_info_receive",
    "case_info_request",
    "case_note_add",
    "case_start",
    "credit_memos_apply",
    "credit_request_cancel",
    "deduction_open",
    "deductions_open_bulk",
    "dispute_open",
    "dispute_resolve",
    "disputes_data_reset",
    "disputes_escalate",
    "reason_save",
    "reasons_ensure",
    "rule_delete",
    "rule_save",
    "team_save",
]
