"""Splitting a paid amount over open items: subset sums, short payments, discounts, bank
charges, overpayments, and the proposals from the amount alone for one customer."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rapidfuzz.distance import Levenshtein

from openar.cashapp.matching.index import Item, MatchIndex
from openar.cashapp.matching.refs import RefToken
from openar.cashapp.matching.rules import (
    CONFIDENCE,
    CUSTOMER_EVIDENCE,
    MAX_SUBSET_ITEMS,
    MAX_SUBSET_SIZE,
    SUBSET_BUDGET,
    ZERO,
    Allocation,
    LineFacts,
    Proposal,
    Settings,
)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}" if value == value.quantize(Decimal("0.01")) else f"{value:,}"


def _refs_text(items: Sequence[Item]) -> str:
    refs = [it.ref for it in items]
    return ", ".join(refs[:6]) + (f" and {len(refs) - 6} more" if len(refs) > 6 else "")


def _fits(item: Item, line: LineFacts) -> bool:
    return item.currency == line.currency and item.open != 0


def _typo_items(candidates: Sequence[Item], tokens: Sequence[RefToken]) -> list[Item]:
    """Items whose numeric core is one edit from a number in the text (a mistyped digit)."""
    out: dict[int, Item] = {}
    for tok in tokens:
        if len(tok.number) < 5:
            continue
        for it in candidates:
            number = it.number
            if abs(len(number) - len(tok.number)) <= 1 and (
                Levenshtein.distance(number, tok.number, score_cutoff=1) <= 1
            ):
                out[it.id] = it
    return list(out.values())


def subset_sums(
    items: Sequence[Item], target: Decimal, *, max_size: int = MAX_SUBSET_SIZE, limit: int = 3
) -> list[list[Item]]:
    """Subsets of ``items`` (at most ``max_size``) whose open amounts add up to ``target``.

    Depth-first in due-date order with a node budget, so a customer with hundreds of open items
    costs the same bounded time; stops after ``limit`` solutions (more means ambiguous)."""
    pool = list(items[:MAX_SUBSET_ITEMS])
    n = len(pool)
    amounts = [it.open for it in pool]
    # Bounds on what the remaining items can still add (credit memos are negative).
    pos_suffix = [ZERO] * (n + 1)
    neg_suffix = [ZERO] * (n + 1)
    for i in range(n - 1, -1, -1):
        pos_suffix[i] = pos_suffix[i + 1] + max(amounts[i], ZERO)
        neg_suffix[i] = neg_suffix[i + 1] + min(amounts[i], ZERO)
    solutions: list[list[Item]] = []
    budget = [SUBSET_BUDGET]
    chosen: list[int] = []

    def walk(start: int, total: Decimal) -> None:
        if budget[0] <= 0 or len(solutions) >= limit:
            return
        for i in range(start, n):
            budget[0] -= 1
            new = total + amounts[i]
            chosen.append(i)
            if new == target:
                solutions.append([pool[j] for j in chosen])
                if len(solutions) >= limit:
                    chosen.pop()
                    return
            rest = target - new
            if (
                len(chosen) < max_size
                and neg_suffix[i + 1] <= rest <= pos_suffix[i + 1]
                and budget[0] > 0
            ):
                walk(i + 1, new)
            chosen.pop()
            if len(solutions) >= limit or budget[0] <= 0:
                return

    walk(0, ZERO)
    return solutions


def _full(items: Sequence[Item]) -> list[Allocation]:
    return [Allocation(it, it.open) for it in items]


def _short_allocations(items: Sequence[Item], paid: Decimal) -> tuple[list[Allocation], Item]:
    """Credit memos first, then invoices in full oldest first while the money lasts; returns the
    allocations and the first item left partly open (where the shortfall sits)."""
    ordered = sorted(items, key=lambda it: (it.open >= 0, it.due, it.id))
    allocations: list[Allocation] = []
    left = paid
    short: Item | None = None
    for it in ordered:
        take = it.open if it.open < 0 else min(it.open, left)
        if take != 0:
            allocations.append(Allocation(it, take))
        if take != it.open and short is None:
            short = it
        left -= take
    return allocations, short or ordered[-1]


def _discount_allocations(
    items: Sequence[Item], paid: Decimal, rate: Decimal, places: Decimal
) -> list[Allocation]:
    """Each item paid net of the discount; rounding lands on the last item."""
    allocations = [
        Allocation(it, (it.open * (1 - rate)).quantize(places) if it.open > 0 else it.open)
        for it in items
    ]
    drift = paid - sum((a.amount for a in allocations), ZERO)
    allocations[-1].amount += drift
    return allocations


def _settle(
    items: list[Item],
    line: LineFacts,
    cfg: Settings,
    *,
    base: str,
    confidence: Decimal,
    customer_id: int,
    why: str,
    places: Decimal,
) -> Proposal | None:
    """Reconcile the paid amount with the open amount of ``items`` (exact, discount, charges,
    overpayment, short payment)."""
    paid = line.amount
    due = sum((it.open for it in items), ZERO)
    refs = _refs_text(items)
    if due <= 0:
        return None
    if paid == due:
        return Proposal(
            customer_id,
            _full(items),
            confidence,
            base,
            f"{why}; open amount of {refs} is {_money(due)}, exactly the amount paid",
        )
    if paid > due:
        over = paid - due
        conf = min(confidence, CONFIDENCE["ref_overpaid"] if base == "ref" else confidence)
        if over > due:
            # More left over than applied: the reference more likely names the wrong item.
            conf = min(conf, CONFIDENCE["ref_partial"])
        return Proposal(
            customer_id,
            _full(items),
            conf,
            f"{base}_overpaid",
            f"{why}; {refs} open {_money(due)}, paid {_money(paid)}: "
            f"{_money(over)} left on account",
            difference=over,
        )
    short = due - paid
    # Early-payment discount: paid = due less a standard rate, soon after the invoice date.
    recent = all((line.date - it.doc_date).days <= cfg.discount_days for it in items if it.open > 0)
    if recent:
        for rate in cfg.discount_rates:
            net = sum(
                ((it.open * (1 - rate)).quantize(places) if it.open > 0 else it.open)
                for it in items
            )
            if abs(net - paid) <= places * len(items):
                conf = CONFIDENCE[f"{base}_discount"]
                allocations = _discount_allocations(items, paid, rate, places)
                return Proposal(
                    customer_id,
                    allocations,
                    min(conf, confidence),
                    f"{base}_discount",
                    f"{why}; {refs} open {_money(due)}, paid {_money(paid)}: "
                    f"early-payment discount of {rate * 100:g}% ({_money(short)}) taken",
                    difference=-short,
                    shortfall_reason="discount",
                    shortfall_item=max(items, key=lambda it: it.open),
                )
    if short <= cfg.charges_tolerance(due, line.currency) and short <= due * Decimal("0.1"):
        allocations, last = _short_allocations(items, paid)
        conf = CONFIDENCE[f"{base}_charges"]
        return Proposal(
            customer_id,
            allocations,
            min(conf, confidence),
            f"{base}_charges",
            f"{why}; {refs} open {_money(due)}, paid {_money(paid)}: {_money(short)} short, "
            "within the tolerance for bank charges or FX difference",
            difference=-short,
            shortfall_reason="bank_charges",
            shortfall_item=last,
        )
    if base != "ref":
        return None
    if short <= due * cfg.short_fraction:
        allocations, last = _short_allocations(items, paid)
        key = "ref_short" if len([it for it in items if it.open > 0]) == 1 else "ref_short_many"
        return Proposal(
            customer_id,
            allocations,
            min(CONFIDENCE[key], confidence),
            "ref_short",
            f"{why}; {refs} open {_money(due)}, paid {_money(paid)}: short payment of "
            f"{_money(short)} left open on {last.ref} as a deduction",
            difference=-short,
            shortfall_reason="short_payment",
            shortfall_item=last,
        )
    allocations, last = _short_allocations(items, paid)
    return Proposal(
        customer_id,
        allocations,
        min(CONFIDENCE["ref_partial"], confidence),
        "ref_partial",
        f"{why}; {refs} open {_money(due)}, paid only {_money(paid)}: a partial payment?",
    )


def _by_amount(
    index: MatchIndex,
    line: LineFacts,
    cfg: Settings,
    customer_id: int,
    evidence: str,
    places: Decimal,
    *,
    light: bool = False,
) -> list[Proposal]:
    """Proposals from the amount alone for one customer: one item, all items, the oldest
    items, a unique combination, or (not ``light``) discount and charges variants."""
    paid = line.amount
    trust = CUSTOMER_EVIDENCE[evidence]
    info = index.customers[customer_id]
    why = f"payer {info.name} ({info.ref}) by {evidence.replace('_', ' ')}"
    items = [it for it in index.items_by_customer.get(customer_id, ()) if _fits(it, line)]
    if not items:
        return []
    out: list[Proposal] = []
    total = sum((it.open for it in items), ZERO)
    if total == paid and len(items) > 1:
        out.append(
            Proposal(
                customer_id,
                _full(items),
                min(CONFIDENCE["amount_all"], trust),
                "amount_all",
                f"{why}; the amount equals all {len(items)} open items ({_money(total)})",
            )
        )
        return out
    singles = [it for it in items if it.open == paid]
    if len(singles) == 1:
        it = singles[0]
        out.append(
            Proposal(
                customer_id,
                _full(singles),
                min(CONFIDENCE["amount_single"], trust),
                "amount_single",
                f"{why}; {it.ref} is the only open item of {_money(paid)}",
            )
        )
        return out
    if len(singles) > 1:
        for it in singles[:3]:
            out.append(
                Proposal(
                    customer_id,
                    _full([it]),
                    min(CONFIDENCE["amount_ambiguous"], trust),
                    "amount_single",
                    f"{why}; {len(singles)} open items of {_money(paid)}: {it.ref} is the oldest",
                )
            )
        return out
    # Oldest first, as a customer clearing its backlog pays.
    running = ZERO
    for k, it in enumerate(items):
        running += it.open
        if running == paid and k > 0:
            chosen = items[: k + 1]
            out.append(
                Proposal(
                    customer_id,
                    _full(chosen),
                    min(CONFIDENCE["amount_oldest"], trust),
                    "amount_oldest",
                    f"{why}; the {k + 1} oldest open items ({_refs_text(chosen)}) add up to "
                    f"{_money(paid)}",
                )
            )
            return out
    if light:
        return out
    solutions = subset_sums(items, paid)
    if len(solutions) == 1:
        chosen = solutions[0]
        out.append(
            Proposal(
                customer_id,
                _full(chosen),
                min(CONFIDENCE["amount_subset"], trust),
                "amount_subset",
                f"{why}; {_refs_text(chosen)} add up to {_money(paid)} (the only combination)",
            )
        )
        return out
    for chosen in solutions:
        out.append(
            Proposal(
                customer_id,
                _full(chosen),
                min(CONFIDENCE["amount_ambiguous"], trust),
                "amount_subset",
                f"{why}; {_refs_text(chosen)} add up to {_money(paid)} "
                f"(one of {len(solutions)}+ combinations)",
            )
        )
    if out:
        return out
    # Discount or charges on one item or on everything open.
    for group in [[it] for it in items if it.open > 0] + [items]:
        prop = _settle(
            group,
            line,
            cfg,
            base="amount",
            confidence=trust,
            customer_id=customer_id,
            why=why,
            places=places,
        )
        if prop is not None and prop.method in ("amount_discount", "amount_charges"):
            out.append(prop)
            break
    return out


def _explain_excess(
    index: MatchIndex, line: LineFacts, prop: Proposal, named: Sequence[Item]
) -> Proposal:
    """An overpayment whose excess equals other open items of the payer most likely pays them
    too (a reference lost or garbled): add them; if several combinations fit, ask a person."""
    taken = {it.id for it in named}
    others = [
        it
        for it in index.items_by_customer.get(prop.customer_id or 0, ())
        if it.id not in taken and _fits(it, line)
    ]
    solutions = subset_sums(others, prop.difference, limit=2) if others else []
    if len(solutions) == 1:
        extra = solutions[0]
        return Proposal(
            prop.customer_id,
            prop.allocations + _full(extra),
            min(prop.confidence, CONFIDENCE["ref_plus_amount"]),
            "ref_plus_amount",
            f"{prop.explanation.split(':')[0]}: the rest, {_money(prop.difference)}, is exactly "
            f"the open amount of {_refs_text(extra)}",
        )
    if solutions:
        prop.confidence = min(prop.confidence, CONFIDENCE["ref_partial"])
        prop.explanation += "; the excess also matches several other open items"
    return prop


def _typo_proposal(
    index: MatchIndex,
    line: LineFacts,
    cfg: Settings,
    cid: int,
    evidence: str,
    tokens: Sequence[RefToken],
    ref_ids: set[int],
    places: Decimal,
) -> Proposal | None:
    """A mistyped reference: the text's numbers against this customer's own items."""
    if not tokens:
        return None
    candidates = [i for i in index.items_by_customer.get(cid, ()) if _fits(i, line)]
    near = [it for it in _typo_items(candidates, tokens) if it.id not in ref_ids]
    if not near:
        return None
    # A customer's invoices often carry consecutive numbers, so several are a digit away:
    # keep the one combination of them that pays the amount exactly.
    solutions = subset_sums(near, line.amount, limit=2)
    if len(solutions) != 1:
        return None
    typo = solutions[0]
    why = f"a reference one character off {_refs_text(typo)} for a known payer"
    prop = _settle(
        typo,
        line,
        cfg,
        base="ref",
        customer_id=cid,
        places=places,
        why=why,
        confidence=min(CONFIDENCE["ref_typo"], CUSTOMER_EVIDENCE[evidence]),
    )
    return prop if prop is not None and prop.difference == 0 else None
