"""Writes to the ledger. Each service is one transaction and records an audit event.

``entities`` (company codes), ``applications`` (posting cash to documents: the one service
that changes what a document has open), ``aging`` (the aging snapshot) and ``fx`` (documents
converted once their rate exists). Every public name is importable from here."""

from openar.ledger.services.aging import aging_refresh
from openar.ledger.services.applications import (
    Posting,
    PostingError,
    PostingRefused,
    PostingResult,
    applications_check,
    applications_post,
    postings_stage,
    receipts_add_bulk,
    receipts_identify,
)
from openar.ledger.services.entities import entity_add
from openar.ledger.services.fx import documents_convert
from openar.ledger.services.offsets import (
    credit_memo_apply,
    document_write_off,
    documents_dispute_flag,
)

__all__ = [
    "Posting",
    "PostingError",
    "PostingRefused",
    "PostingResult",
    "aging_refresh",
    "applications_check",
    "applications_post",
    "credit_memo_apply",
    "document_write_off",
    "documents_convert",
    "documents_dispute_flag",
    "entity_add",
    "postings_stage",
    "receipts_add_bulk",
    "receipts_identify",
]
