"""What the free text adds to matching: its references (with the pieces a line break split
joined back), and the payer's own split of the amount when an X12 820 advice came with it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from openar.cashapp.matching.amounts import _refs_text
from openar.cashapp.matching.index import Item, MatchIndex, _get
from openar.cashapp.matching.refs import (
    _DIGITISH,
    _OCR,
    RefToken,
    extract_refs,
    norm_ref,
    ref_number,
    ref_prefix,
    ref_worth,
)
from openar.cashapp.matching.rules import CONFIDENCE, ZERO, Allocation, LineFacts, Proposal
from openar.cashapp.remittance import Reading, RemittanceLine


def line_tokens(line: LineFacts, reading: Reading) -> list[RefToken]:
    """Candidate references: the purpose text's (labels and bank plumbing left out), the X12
    RMR references, and every pair of neighbouring fragments joined (source 'joined': believed
    only when the whole joined reference is an open item)."""
    text = reading.purpose if reading.purpose or reading.x12 else line.remittance
    tokens = extract_refs(text, line.creditor_reference)
    seen = {t.text for t in tokens}
    if reading.x12 is not None:
        for rmr in reading.x12.lines:
            n = norm_ref(rmr.reference)
            if n and n not in seen and ref_worth(n):
                seen.add(n)
                tokens.append(RefToken(n, ref_number(n), ref_prefix(n), "structured"))
    for a, b in reading.joined:
        n = norm_ref(a + b)
        if n not in seen and ref_worth(n):
            seen.add(n)
            tokens.append(
                RefToken(n, ref_number(n), ref_prefix(n), f"joined:{norm_ref(a)}|{norm_ref(b)}")
            )
    return tokens


def drop_split_fragments(
    index: MatchIndex,
    tokens: list[RefToken],
    ok: Callable[[Item], bool],
    amount: Decimal | None = None,
) -> list[RefToken]:
    """A joined reference counts only when it is, whole, an open item's reference; its two
    fragments are then no references of their own. Unmatched joins are dropped."""
    fragments: set[str] = set()
    out: list[RefToken] = []
    whole = {t.text for t in tokens if not t.source.startswith("joined:")}
    named = {t for t in whole if any(ok(it) for it in _get(index.items_by_ref, t))}
    for tok in tokens:
        if tok.source.startswith("joined:"):
            if named & set(tok.source[7:].split("|")):
                continue  # a piece is a reference already ('INVUS00008697' of '... 2% DISC')
            hits = [it for it in _get(index.items_by_ref, tok.text) if ok(it)]
            if not hits and tok.prefix and len(tok.number) >= 4:
                # Split and garbled ('INVES0O33108 6'): its number under its prefix, or with
                # look-alike letters for its first digits ('INVESO0 O35082').
                hits = [
                    it
                    for it in _get(index.items_by_number, tok.number)
                    if ok(it) and ref_prefix(it.ref) == tok.prefix
                ] or ocr_prefix_items(index, tok, ok, exact_prefix=True)
            if not hits and len(tok.number) >= 4 and not tok.prefix and tok.text.isdigit():
                # A number without its prefix, split by a break: believed as a bare number
                # when long, or when the one item it names is what was paid.
                hits = [it for it in _get(index.items_by_number, tok.number) if ok(it)]
                if len(tok.number) < 6 and not (
                    len(hits) == 1 and amount is not None and hits[0].open == amount
                ):
                    hits = []
            if hits:
                fragments.update(tok.source[7:].split("|"))
                out.append(RefToken(tok.text, tok.number, tok.prefix, "text"))
        else:
            out.append(tok)
    return [t for t in out if t.text not in fragments or t.source != "text"] if fragments else out


def ocr_prefix_items(
    index: MatchIndex, tok: RefToken, ok: Callable[[Item], bool], *, exact_prefix: bool = False
) -> list[Item]:
    """Items a reference names when look-alike letters stand for its first digits
    ('INVUSOI416516' for INVUS01416516): the prefix read as ending earlier. ``exact_prefix``:
    the rest of the prefix must be the item's whole prefix (else its first two letters)."""
    for k in range(1, 4):
        head = tok.prefix[-k:]
        if len(tok.prefix) - k < 2 or not all(ch in _DIGITISH for ch in head):
            break
        number = (head.translate(_OCR) + tok.number).lstrip("0")
        rest = tok.prefix[:-k]
        found = [
            it
            for it in _get(index.items_by_number, number)
            if ok(it)
            and (ref_prefix(it.ref) == rest if exact_prefix else ref_prefix(it.ref)[:2] == rest[:2])
        ]
        if found:
            return found
    return []


def _resolve(index: MatchIndex, rmr: RemittanceLine, line: LineFacts) -> Item | None:
    """The one open item an RMR reference names (whole reference, or number and prefix)."""
    n = norm_ref(rmr.reference)

    def ok(it: Item) -> bool:
        info = index.customers.get(it.customer_id)
        return (
            it.currency == line.currency
            and it.open != 0
            and info is not None
            and info.entity_id == line.entity_id
        )

    found = [it for it in _get(index.items_by_ref, n) if ok(it)]
    if not found and len(ref_number(n)) >= 3:
        prefix = ref_prefix(n)
        found = [
            it
            for it in _get(index.items_by_number, ref_number(n))
            if ok(it) and (not prefix or ref_prefix(it.ref)[:2] == prefix[:2])
        ]
    return found[0] if len(found) == 1 else None


def advice_proposal(index: MatchIndex, line: LineFacts, reading: Reading) -> Proposal | None:
    """The payer's X12 820 remittance applied as written: each RMR's paid amount on the item it
    names. Believed when every receivable RMR names one open item of one customer group, the
    paid amounts add up to the line, and no item gets more than it has open."""
    x12 = reading.x12
    if x12 is None:
        return None
    rmrs = [r for r in x12.lines if r.names_a_receivable and r.paid is not None]
    if not rmrs:
        return None
    paid_by_item: dict[int, Decimal] = {}
    items: dict[int, Item] = {}
    for rmr in rmrs:
        it = _resolve(index, rmr, line)
        if it is None or rmr.paid is None:
            return None
        items[it.id] = it
        paid_by_item[it.id] = paid_by_item.get(it.id, ZERO) + rmr.paid
    if sum(paid_by_item.values(), ZERO) != line.amount:
        return None
    tops = {index.group_top(it.customer_id) for it in items.values()}
    if len(tops) != 1:
        return None
    if line.customer_id is not None and index.group_top(line.customer_id) not in tops:
        return None
    for pk, paid in paid_by_item.items():
        it = items[pk]
        if (it.open > 0 and not ZERO < paid <= it.open) or (it.open < 0 and paid != it.open):
            return None
    ordered = sorted(items.values(), key=lambda it: (it.due, it.id))
    allocations = [Allocation(it, paid_by_item[it.id]) for it in ordered]
    due = sum((it.open for it in ordered), ZERO)
    short = due - line.amount
    payer = max(
        {it.customer_id for it in ordered},
        key=lambda c: sum((it.open for it in ordered if it.customer_id == c), ZERO),
    )
    why = f"remittance advice (X12 820) names {_refs_text(ordered)} with the amount paid on each"
    if short == 0:
        return Proposal(
            payer, allocations, CONFIDENCE["remittance_advice"], "remittance_advice", why
        )
    discounts = sum((r.discount or ZERO for r in rmrs), ZERO)
    adjustments = [reason for r in rmrs for reason, _ in r.adjustments]
    reason = "discount" if discounts == short else "short_payment"
    where = max(ordered, key=lambda it: it.open - paid_by_item[it.id])
    detail = f"discount taken {discounts}" if reason == "discount" else "short paid"
    if adjustments:
        detail += f" (adjustment reason {', '.join(adjustments)})"
    return Proposal(
        payer,
        allocations,
        CONFIDENCE["remittance_advice"],
        "remittance_advice",
        f"{why}; {detail}: {short} stays open on {where.ref}",
        difference=-short,
        shortfall_reason=reason,
        shortfall_item=where,
    )
