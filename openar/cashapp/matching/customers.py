"""Who paid: the customers a line points at and the evidence that names each.

The payer may be named by its bank account, a customer number, a name in a field of its own
(camt ``Dbtr/Nm``) or only inside free text (BAI2 88 records, MT940 ``:86:``, ACH addenda):
``remittance.read`` finds the labelled names, ids and phrases, and each is checked here against
the index (exact name, an alias, the start of a name cut short, a close spelling)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from openar.cashapp.matching.index import MatchIndex
from openar.cashapp.matching.refs import (
    _OCR,
    RefToken,
    _split_ref,
    customer_tokens,
    legal_form,
    norm_name,
    norm_ref,
)
from openar.cashapp.matching.rules import LineFacts
from openar.cashapp.remittance import Reading

# A cut-short name is believed from this many characters (normalized, legal forms dropped).
MIN_PREFIX = 9
MAX_PHRASE_WORDS = 6


def _phrase_keys(phrase: str) -> list[str]:
    """Normalized runs of 1..MAX_PHRASE_WORDS words of a phrase, longest first."""
    words = norm_name(phrase).split()
    keys: list[str] = []
    for size in range(min(len(words), MAX_PHRASE_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            key = " ".join(words[start : start + size])
            if size > 1 or len(key) >= 6:
                keys.append(key)
    return keys


def _customer_candidates(
    index: MatchIndex,
    line: LineFacts,
    tokens: Sequence[RefToken],
    reading: Reading | None = None,
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

    accounts = [line.counterparty_account, *(reading.accounts if reading else ())]
    for raw in accounts:
        account = norm_ref(raw)
        if account and account in index.payer_accounts:
            add(index.payer_accounts[account], "payer_account")
    if reading is not None:
        # An account number a record break split in two.
        for a, b in reading.joined:
            joined = norm_ref(a + b)
            if joined in index.payer_accounts:
                add(index.payer_accounts[joined], "payer_account")
    numbers = [norm_ref(x) for x in (reading.customer_numbers if reading else ())]
    for word in [*numbers, *customer_tokens(line.remittance)]:
        # Formats without a counterparty field (BAI2) carry the payer's account in the text.
        if word in index.payer_accounts:
            add(index.payer_accounts[word], "payer_account")
        prefix, tail = _split_ref(word)
        cid = index.customer_by_ref.get(word) or index.customer_by_ref.get(
            prefix + tail.translate(_OCR)
        )
        if cid is not None:
            add(cid, "customer_number")
    names = [line.counterparty_name, *(reading.names if reading else ())]
    for name in dict.fromkeys(n for n in names if n):
        _by_name(index, norm_name(name), add, written=name)
    if reading is not None and not any(e.startswith(("name", "alias")) for _, e in found):
        # Unlabelled text: a run of its words that is exactly a customer's name.
        for phrase in reading.phrases:
            for key in _phrase_keys(phrase):
                named = index.names.get(key, []) + index.aliases.get(key, [])
                named = _by_form(index, key, named, phrase) or named
                for cid in named:
                    add(cid, "name_in_text")
                if named:
                    break
    return found


def _by_form(index: MatchIndex, key: str, named: list[int], written: str) -> list[int]:
    """Of accounts that share a name apart from their legal form ("Apex Supply Inc." and
    "Apex Supply LLC"), the one whose form the payer wrote, in any spelling; else none."""
    form = legal_form(written) if len(named) > 1 else ""
    if not form:
        return []
    same = [
        cid
        for cid in dict.fromkeys(named)
        if (info := index.customers.get(cid)) is not None
        and norm_name(info.name) == key
        and legal_form(info.name) == form
    ]
    return same if len(same) == 1 else []


def _by_name(
    index: MatchIndex, key: str, add: Callable[[int, str], None], *, written: str = ""
) -> None:
    if not key:
        return
    for cid in index.aliases.get(key, ()):
        add(cid, "alias")
    named = index.names.get(key, [])
    for cid in _by_form(index, key, named, written):
        add(cid, "name")
    for cid in named:
        add(cid, "name" if len(named) == 1 else "name_shared")
    if named or index.aliases.get(key):
        return
    words = key.split()
    if len(words) > 2:
        # Cut inside its legal form or last word ("GOLDEN STEEL COR"): the words before it.
        shorter = " ".join(words[:-1])
        named = index.names.get(shorter, [])
        for cid in named:
            add(cid, "name_prefix")
        if named:
            return
    close = index.fuzzy_name(key)
    if close is not None:
        for cid in index.aliases.get(close, []) + index.names.get(close, []):
            add(cid, "name_fuzzy")
        return
    if len(key) >= MIN_PREFIX:
        for start in index.names_starting(key):
            for cid in index.aliases.get(start, []) + index.names.get(start, []):
                add(cid, "name_prefix")
