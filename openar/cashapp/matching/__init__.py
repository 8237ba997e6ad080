"""Matching bank lines to customers and open items: pure functions, no ORM, no I/O.

The service loads every candidate once into a ``MatchIndex`` (open items by normalized reference,
by customer; customers by number, payer account, name and alias) and calls ``propose`` per line.
A proposal says which customer paid, how the amount splits over open items, what is left over
(short payment, charges, discount, overpayment), how sure we are (0..1) and why, in words.

Confidence is a ladder of named situations rather than a learned score, so every figure can be
explained to a cash specialist: exact invoice numbers whose open amounts add up to the payment
are 0.99, the same with OCR noise or a missing prefix 0.97, an amount-only match on a customer
known by its bank account 0.95, and so on (see ``CONFIDENCE``). The service applies proposals at
or above the threshold (0.92 by default) and queues the rest for people.
"""

from __future__ import annotations

from openar.cashapp.matching.amounts import subset_sums
from openar.cashapp.matching.index import CustomerInfo, Item, MatchIndex
from openar.cashapp.matching.propose import propose
from openar.cashapp.matching.refs import (
    RefToken,
    customer_tokens,
    extract_refs,
    norm_name,
    norm_ref,
    ref_number,
    ref_prefix,
    rf_make,
    rf_valid,
)
from openar.cashapp.matching.rules import (
    CONFIDENCE,
    CUSTOMER_EVIDENCE,
    Allocation,
    LineFacts,
    Proposal,
    Settings,
)

__all__ = [
    "CONFIDENCE",
    "CUSTOMER_EVIDENCE",
    "Allocation",
    "CustomerInfo",
    "Item",
    "LineFacts",
    "MatchIndex",
    "Proposal",
    "RefToken",
    "Settings",
    "customer_tokens",
    "extract_refs",
    "norm_name",
    "norm_ref",
    "propose",
    "ref_number",
    "ref_prefix",
    "rf_make",
    "rf_valid",
    "subset_sums",
]
