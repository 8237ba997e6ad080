"""Who paid: the customers a line points at and the evidence that names each."""

from __future__ import annotations

from collections.abc import Sequence

from openar.cashapp.matching.index import MatchIndex
from openar.cashapp.matching.refs import (
    _OCR,
    RefToken,
    _split_ref,
    customer_tokens,
    norm_name,
    norm_ref,
)
from openar.cashapp.matching.rules import LineFacts


def _customer_candidates(
    index: MatchIndex, line: LineFacts, tokens: Sequence[RefToken]
) -> list[tuple[int, str]]:
    """(customer id, evidence) pairs, strongest evidence first; several for a shared name."""
    if line.customer_id is not None and line.customer_id in index.customers:
        return [(line.customer_id, "assigned")]
    found: list[tuple[int, str]] = []
    seen: set[int] = set()

    def add(cid: int, evidence: str) -> None:
        info = index.customers.get(cid)
        if info is None or info.entity_id != line.entity_id or cid in seen:
            return
        seen.add(cid)
        found.append((cid, evidence))

    account = norm_ref(line.counterparty_account)
    if account and account in index.payer_accounts:
        add(index.payer_accounts[account], "payer_account")
    for word in customer_tokens(line.remittance):
        # Formats without a counterparty field (BAI2) carry the payer's account in the text.
        if word in index.payer_accounts:
            add(index.payer_accounts[word], "payer_account")
        prefix, tail = _split_ref(word)
        cid = index.customer_by_ref.get(word) or index.customer_by_ref.get(
            prefix + tail.translate(_OCR)
        )
        if cid is not None:
            add(cid, "customer_number")
    key = norm_name(line.counterparty_name)
    if key:
        for cid in index.aliases.get(key, ()):
            add(cid, "alias")
        named = index.names.get(key, [])
        for cid in named:
            add(cid, "name" if len(named) == 1 else "name_shared")
        if not named and not index.aliases.get(key):
            close = index.fuzzy_name(key)
            if close is not None:
                for cid in index.aliases.get(close, []) + index.names.get(close, []):
                    add(cid, "name_fuzzy")
    return found
