"""``propose``: the ranked proposals for one bank line."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from openar.cashapp.matching.advice import (
    advice_proposal,
    drop_split_fragments,
    line_tokens,
    ocr_prefix_items,
)
from openar.cashapp.matching.amounts import (
    _by_amount,
    _explain_excess,
    _fits,
    _full,
    _money,
    _refs_text,
    _settle,
    _typo_proposal,
    subset_sums,
)
from openar.cashapp.matching.customers import _customer_candidates
from openar.cashapp.matching.index import Item, MatchIndex, _get
from openar.cashapp.matching.refs import RefToken, norm_ref, ref_prefix
from openar.cashapp.matching.rules import (
    CONFIDENCE,
    CUSTOMER_EVIDENCE,
    ZERO,
    Allocation,
    LineFacts,
    Proposal,
    Settings,
)
from openar.cashapp.remittance import read
from openar.core.money import fx_within, minor_units, quantize

# Evidence that may name several accounts: believed only when one account's items fit.
WEAK_EVIDENCE = frozenset(
    {
        "name_shared",
        "name_fuzzy",
        "name_prefix",
        "name_in_text",
        "name_near_form",
        "name_other_form",
    }
)
SIMPLE_EXACT = ("amount_single", "amount_all", "amount_oldest")
# Accounts sharing a name whose items get the full search (subsets, discounts); more get the
# cheap one (one item, all, the oldest), as do subsidiaries named through their parent.
MAX_FULL_SEARCH = 8
# A combination of more items than this, found for an account known only by its name, is for a
# person: 53,130 ways to pick 5 of 25 items make a chance hit to the cent likely.
MAX_NAMED_SUBSET = 3


def _ok(index: MatchIndex, it: Item, line: LineFacts) -> bool:
    return _fits(it, line) and index.customers[it.customer_id].entity_id == line.entity_id


def _find_ref_items(
    index: MatchIndex, tokens: Iterable[RefToken], line: LineFacts
) -> tuple[list[Item], dict[int, str]]:
    """Open items named in the text and how each was named: 'exact' (the whole reference),
    'fuzzy' (same number and prefix through OCR noise, leading zeros, a range) or 'bare' (a
    number without its prefix). A looser reading of an item already named exactly (the number
    of 'INVPH 00019575' a record break split) does not lower its level."""
    hits: dict[int, Item] = {}
    levels: dict[int, str] = {}
    loose: list[tuple[RefToken, list[Item], str]] = []

    def ok(it: Item) -> bool:
        return _ok(index, it, line)

    for tok in tokens:
        exact = [it for it in _get(index.items_by_ref, tok.text) if ok(it)]
        if exact and tok.source != "range":
            for it in exact:
                hits[it.id] = it
                levels[it.id] = "exact"
            continue
        if exact:
            loose.append((tok, exact, "fuzzy"))
            continue
        # A short number counts only zero-padded as the ledger writes it ('00000065').
        short = len(tok.number) < 3
        if short and tok.prefix:
            continue
        found = [
            it
            for it in _get(index.items_by_number, tok.number)
            if ok(it)
            and (not tok.prefix or ref_prefix(it.ref)[:2] == tok.prefix[:2])
            and (not short or norm_ref(it.ref).endswith(tok.text))
        ]
        if not found and tok.prefix:
            found = ocr_prefix_items(index, tok, ok)
        if found:
            loose.append((tok, found, "fuzzy" if tok.prefix else "bare"))
    named_groups = {index.group_top(it.customer_id) for it in hits.values()}
    for tok, found, how in loose:
        new = [it for it in found if it.id not in hits]
        if not new:
            continue
        if named_groups and _cut_short(index, tok, named_groups, line):
            continue
        for it in new:
            hits[it.id] = it
            if RANK[how] > RANK[levels.get(it.id, "exact")]:
                levels[it.id] = how
    return list(hits.values()), levels


RANK = {"exact": 0, "fuzzy": 1, "bare": 2}


def _level(items: Iterable[Item], levels: dict[int, str]) -> str:
    """The weakest way any of ``items`` was named."""
    return max((levels.get(it.id, "exact") for it in items), key=RANK.__getitem__, default="exact")


def _cut_short(index: MatchIndex, tok: RefToken, groups: set[int], line: LineFacts) -> bool:
    """Whether ``tok`` is the start of a reference of the payer the text already names, cut
    short where the bank's field or record ended ('INVUS000509' for INVUS00050935), rather than
    a short number of some other customer's."""
    if not tok.prefix:
        return False
    for top in groups:
        for cid in index.group_of(top):
            for it in index.items_by_customer.get(cid, ()):
                ref = norm_ref(it.ref)
                if ref != tok.text and ref.startswith(tok.text) and _ok(index, it, line):
                    return True
    return False


def _digit_off_elsewhere(index: MatchIndex, line: LineFacts, named: list[Item]) -> bool:
    """Whether an open item whose number is one digit off a named item's pays the line."""
    taken = {it.id for it in named}
    for it in named:
        number = it.number
        for i, ch in enumerate(number):
            for digit in "0123456789":
                if digit == ch:
                    continue
                near = (number[:i] + digit + number[i + 1 :]).lstrip("0")
                for other in _get(index.items_by_number, near):
                    if (
                        other.id not in taken
                        and other.open == line.amount
                        and _ok(index, other, line)
                    ):
                        return True
    return False


def _one_digit_off(number: str) -> Iterable[str]:
    """Numbers one mistyped digit (or two swapped neighbours) away, without leading zeros."""
    for i, ch in enumerate(number):
        for digit in "0123456789":
            if digit != ch:
                yield (number[:i] + digit + number[i + 1 :]).lstrip("0")
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            yield swapped.lstrip("0")


def _typo_anywhere(
    index: MatchIndex,
    line: LineFacts,
    tokens: Iterable[RefToken],
    candidates: list[tuple[int, str]],
) -> Proposal | None:
    """A reference that names no open item, one digit away from exactly one open item that
    pays the amount to the cent (as a person searching by amount and number would find it).
    Not believed against a payer known by its account or number."""
    found: dict[int, Item] = {}
    for tok in tokens:
        if len(tok.number) < (4 if tok.prefix else 5) or not tok.number.isdigit():
            continue
        for near in _one_digit_off(tok.number):
            for it in _get(index.items_by_number, near):
                if (
                    it.open == line.amount
                    and _ok(index, it, line)
                    and (not tok.prefix or ref_prefix(it.ref)[:2] == tok.prefix[:2])
                ):
                    found[it.id] = it
    if len(found) != 1:
        return None
    (it,) = found.values()
    strong = {index.group_top(c) for c, e in candidates if e not in WEAK_EVIDENCE}
    if line.customer_id is not None:
        strong.add(index.group_top(line.customer_id))
    if strong and index.group_top(it.customer_id) not in strong:
        return None
    return Proposal(
        it.customer_id,
        _full([it]),
        CONFIDENCE["ref_typo_amount"],
        "ref_typo",
        f"the reference is one digit off {it.ref}, the only open item of "
        f"{_money(line.amount)} that close",
    )


_DISCOUNT_WORDS = re.compile(
    r"\b(?:DISC|DISCOUNT|DSCT|DTO|DESCUENTO|DESC PP|PRONTO PAGO|SKONTO|ESCOMPTE|DESCONTO)\b"
)

RATE_PLACES = Decimal("1E-10")  # rates as the ledger records them

# What the payer named by reference, paid in full at the converted amount give or take the FX
# tolerance: cleared through FX by the machine.
FX_BY_REFERENCE = frozenset({"ref", "ref_charges", "ref_overpaid", "ref_subset", "ref_plus_amount"})


def _through_fx(index: MatchIndex, line: LineFacts, cfg: Settings) -> list[Proposal]:
    """The line matched in each other currency at the stored rate: what pays items there to the
    cent, or within the tolerance for bank charges and FX differences (either way), names the
    payer and the items. Items named by reference whose open amounts are within the FX
    tolerance of the converted amount clear in full (``fx_ref``, applied above the threshold);
    the rest is for a person (``CONFIDENCE["fx"]``)."""
    out: list[Proposal] = []
    for currency, (rate, day) in sorted(line.fx.items()):
        if currency == line.currency or rate <= 0:
            continue
        converted = quantize(line.amount * rate, currency)
        there = replace(line, amount=converted, currency=currency, fx={})
        places = Decimal(1).scaleb(-minor_units(currency))
        for p in propose(index, there, cfg, places=places):
            if not p.allocations or p.customer_id is None:
                continue
            if abs(p.difference) > cfg.charges_tolerance(converted, currency):
                continue  # a short or partial payment in another currency: a person's call
            head = (
                f"paid {_money(line.amount)} {line.currency} = {_money(converted)} {currency} "
                f"at the rate of {day.isoformat()} ({rate.quantize(RATE_PLACES).normalize():f})"
            )
            cleared = sum((a.item.open for a in p.allocations), ZERO)
            if (
                p.method in FX_BY_REFERENCE
                and p.confidence >= cfg.threshold
                and all(a.item.open > 0 for a in p.allocations)
                and fx_within(cleared - converted, converted, currency)
            ):
                refs = _refs_text([a.item for a in p.allocations])
                p = Proposal(
                    p.customer_id,
                    [Allocation(a.item, a.item.open) for a in p.allocations],
                    min(p.confidence, CONFIDENCE["fx_ref"]),
                    f"fx_{p.method}"[:40],
                    f"{head}; {p.explanation.split(';')[0]}; {refs} clear in full, "
                    f"FX difference {_money(cleared - converted)} {currency}",
                )
            else:
                p.explanation = f"{head}; {p.explanation}"
                p.confidence = min(p.confidence, CONFIDENCE["fx"])
                p.method = f"fx_{p.method}"[:40]
            out.append(p)
    return out


def _by_shared_name(
    index: MatchIndex,
    line: LineFacts,
    cfg: Settings,
    weak: list[tuple[int, str]],
    tokens: list[RefToken],
    ref_ids: set[int],
    places: Decimal,
) -> list[Proposal]:
    """Many accounts may share a name: the amount against each, believed only when exactly one
    account's items fit it (or only one to the cent). Accounts of another legal form than the
    payer wrote are looked at only when none of the form written fits."""
    same = [(c, e) for c, e in weak if e not in ("name_near_form", "name_other_form")]
    near = [(c, e) for c, e in weak if e == "name_near_form"]
    other = [(c, e) for c, e in weak if e == "name_other_form"]
    found: list[Proposal] = []
    for group in (same, near, other):
        if not group:
            continue
        listed = {c for c, _ in group}
        # Subsidiaries named through their parent get the cheap search, as do accounts past
        # the first MAX_FULL_SEARCH.
        full = [c for c, _ in group if index.group_top(c) == c or index.group_top(c) not in listed]
        full_ids = set(full[:MAX_FULL_SEARCH])
        for cid, evidence in group[:200]:
            light = cid not in full_ids
            if not light:
                typo = _typo_proposal(index, line, cfg, cid, evidence, tokens, ref_ids, places)
                if typo is not None:
                    found.append(typo)
                    continue
            for p in _by_amount(index, line, cfg, cid, evidence, places, light=light):
                if not p.allocations:
                    continue
                if p.method == "amount_subset" and len(p.allocations) > MAX_NAMED_SUBSET:
                    # Among 25 open items, some 4 or 5 add up to almost any amount: without a
                    # payer known for sure that is a coincidence more often than a payment.
                    p.confidence = min(p.confidence, CONFIDENCE["amount_ambiguous"])
                    p.explanation += "; too many items to believe on a name alone"
                found.append(p)
        if found:
            break
    fitting = {p.customer_id for p in found}
    if len(fitting) > 1:
        # Of the accounts with this name, the only one whose open items pay the amount to the
        # cent (the others only within a tolerance) is the payer. An account with several items
        # of the amount pays it to the cent too: then nobody is sure.
        # Stronger fits first: a reference one character off an item paid to the cent, then
        # one item (or all, or the oldest) of the amount, then any combination of items. The
        # first kind that only one account has names it; two accounts with it: nobody is sure.
        exact: set[int | None] = set()
        for kind in (("ref",), SIMPLE_EXACT, None):
            exact = {
                p.customer_id
                for p in found
                if p.difference == 0 and (kind is None or p.method in kind)
            }
            if exact:
                break
        for p in found:
            if len(exact) == 1 and p.customer_id in exact and p.difference == 0:
                if p.confidence > CONFIDENCE["amount_ambiguous"]:
                    p.confidence = min(p.confidence, CONFIDENCE["name_exact_amount"])
                p.explanation += (
                    f"; {len(fitting)} accounts with this name fit, only this one to the cent"
                )
                continue
            p.confidence = min(p.confidence, CONFIDENCE["amount_ambiguous"])
            p.explanation += f"; {len(fitting)} accounts with this name fit"
    return found


def propose(
    index: MatchIndex, line: LineFacts, cfg: Settings, *, places: Decimal
) -> list[Proposal]:
    """Ranked proposals for one credit line (best first); empty when nothing points anywhere."""
    reading = read(line.remittance)
    tokens = line_tokens(line, reading)
    proposals: list[Proposal] = []
    candidates = _customer_candidates(index, line, tokens, reading)
    joined: list[RefToken] = []
    if any(t.source.startswith("joined:") for t in tokens):
        joined = [t for t in tokens if t.source.startswith("joined:")]
        tokens = drop_split_fragments(index, tokens, lambda it: _ok(index, it, line), line.amount)
    ref_items, levels = _find_ref_items(index, tokens, line) if tokens else ([], {})
    # A payer that says it took a discount: its exact reference paid net of one is believed
    # over a typo hypothesis.
    says_discount = _DISCOUNT_WORDS.search(line.remittance.upper()) is not None
    typo_suspected = False
    advice = advice_proposal(index, line, reading)
    if advice is not None:
        proposals.append(advice)

    if ref_items:
        by_customer: dict[int, list[Item]] = defaultdict(list)
        for it in ref_items:
            by_customer[it.customer_id].append(it)
        # A group pays for its subsidiaries: merge referenced items within one group.
        groups: dict[int, list[Item]] = defaultdict(list)
        for cid, its in by_customer.items():
            groups[index.group_top(cid)].extend(its)
        named = {c for c, e in candidates if e not in WEAK_EVIDENCE}
        guessed = {c for c, e in candidates if e in WEAK_EVIDENCE}
        if line.customer_id is not None:
            groups = {t: its for t, its in groups.items() if t == index.group_top(line.customer_id)}
        for top, its in groups.items():
            payer = max(
                {it.customer_id for it in its},
                key=lambda c: sum((it.open for it in its if it.customer_id == c), ZERO),
            )
            agree = any(index.group_top(c) == top for c in named | guessed)
            # A name read loosely (a fuzzy spelling, the start of a cut name, words of the
            # text) that points elsewhere contradicts only a payment that does not add up.
            conflict = not agree and bool(named)
            loose_conflict = not agree and not named and bool(guessed)
            suspect = False
            # How sure the references are: the weakest reading of this group's own items (a
            # bare number elsewhere in the text says nothing about them).
            level = _level(its, levels)
            conf = CONFIDENCE["ref_exact" if level == "exact" else "ref_fuzzy"]
            why = f"{len(its)} reference(s) found in the remittance ({level})"
            if agree:
                why += ", payer confirmed by bank account, customer number or name"
            if conflict or loose_conflict:
                why += ", but the payer's bank account or name points at another customer"
            its.sort(key=lambda it: (it.due, it.id))
            prop = _settle(
                its,
                line,
                cfg,
                base="ref",
                confidence=conf,
                customer_id=payer,
                why=why,
                places=places,
            )
            if prop is not None and prop.method == "ref_partial":
                # Fewer items than named: maybe only some were paid.
                solutions = subset_sums(its, line.amount, limit=2)
                if len(solutions) == 1:
                    chosen = solutions[0]
                    prop = Proposal(
                        payer,
                        _full(chosen),
                        min(CONFIDENCE["ref_subset"], conf),
                        "ref_subset",
                        f"{why}; of those, {_refs_text(chosen)} add up to the amount paid",
                    )
            if prop is not None and prop.difference > 0:
                prop = _explain_excess(index, line, prop, its)
            if prop is None:
                continue
            # A number without its prefix, or a payer named otherwise, is believed only when
            # the amounts agree to the cent; a difference then needs a person.
            if conflict or (loose_conflict and prop.difference != 0):
                prop.confidence = min(prop.confidence, Decimal("0.80"))
            elif loose_conflict:
                prop.confidence = min(prop.confidence, CONFIDENCE["ref_typo_amount"])
            elif level == "bare" and not agree:
                cap = Decimal("0.93") if prop.difference == 0 else Decimal("0.75")
                prop.confidence = min(prop.confidence, cap)
            elif (
                prop.difference != 0
                and not agree
                and not (says_discount and prop.method == "ref_discount")
                and _digit_off_elsewhere(index, line, its)
            ):
                # Nobody confirms the payer, the amount does not agree, and an item one digit
                # away pays it to the cent: most likely a typo of that one.
                prop.confidence = min(prop.confidence, CONFIDENCE["ref_partial"])
                prop.explanation += "; an item one digit away matches the amount exactly"
                suspect = prop.method != "ref_discount"
            proposals.append(prop)
            if prop.method == "ref_discount" and says_discount:
                continue  # the payer said so: no typo to look for
            if suspect:
                # Looked for below among every customer's items, not only this one's.
                typo_suspected = True
                continue
            if prop.difference != 0 and prop.customer_id is not None:
                # A named item that does not add up, beside one a digit away that does to the
                # cent: the text most likely mistyped the reference.
                typo = _typo_proposal(
                    index,
                    line,
                    cfg,
                    prop.customer_id,
                    "reference",
                    tokens,
                    {it.id for it in ref_items},
                    places,
                )
                if typo is not None and prop.method == "ref_discount":
                    # Paid net of a discount to the cent, or a digit mistyped: either may be.
                    typo.confidence = min(typo.confidence, CONFIDENCE["ref_partial"])
                    typo.explanation += "; or the named item paid net of a discount"
                if typo is not None:
                    proposals.append(typo)
    if not proposals or proposals[0].confidence < cfg.threshold:
        strong = [(c, e) for c, e in candidates if e not in WEAK_EVIDENCE]
        weak = [(c, e) for c, e in candidates if e in WEAK_EVIDENCE]
        ref_ids = {it.id for it in ref_items}
        by_payer: list[Proposal] = []
        for cid, evidence in strong[:10]:
            typo = _typo_proposal(index, line, cfg, cid, evidence, tokens, ref_ids, places)
            if typo is not None:
                by_payer.append(typo)
                continue
            by_payer.extend(_by_amount(index, line, cfg, cid, evidence, places))
        proposals.extend(by_payer)
        # A payer known by its account or number whose items fit the amount, even in more
        # than one way, is the payer: another account of the same name is not looked for.
        if (
            weak
            and not any(p.allocations for p in by_payer)
            and not any(p.confidence >= cfg.threshold for p in proposals)
        ):
            proposals.extend(_by_shared_name(index, line, cfg, weak, tokens, ref_ids, places))
    if (not ref_items or typo_suspected) and not any(
        p.confidence >= cfg.threshold for p in proposals
    ):
        # A reference that names nothing (or an item that does not add up while one a digit
        # away does), whole or as a record break split it.
        typo = _typo_anywhere(index, line, tokens if ref_items else [*tokens, *joined], candidates)
        # A payer the text names whose own items pay the amount to the cent explains the line
        # better than some other customer's item a digit away.
        if typo is not None and not any(
            p.allocations
            and p.difference == 0
            and p.customer_id is not None
            and index.group_top(p.customer_id) != index.group_top(typo.customer_id or 0)
            for p in proposals
        ):
            proposals.append(typo)
    if line.fx and not any(p.confidence >= cfg.threshold for p in proposals):
        proposals.extend(_through_fx(index, line, cfg))
    if not proposals:
        for cid, evidence in candidates[:3]:
            info = index.customers[cid]
            proposals.append(
                Proposal(
                    cid,
                    [],
                    CONFIDENCE["customer_only"] * CUSTOMER_EVIDENCE[evidence],
                    "customer_only",
                    f"payer {info.name} ({info.ref}) by {evidence.replace('_', ' ')}; "
                    "no open item or combination matches the amount",
                )
            )
    proposals.sort(key=lambda p: (-p.confidence, -len(p.allocations)))
    unique: list[Proposal] = []
    seen: set[tuple[int | None, tuple[int, ...]]] = set()
    for p in proposals:
        key = (p.customer_id, tuple(sorted(a.item.id for a in p.allocations)))
        if key not in seen:
            seen.add(key)
            unique.append(p)
    # Two different answers with the same top confidence: nobody should apply that blindly.
    if len(unique) > 1 and unique[1].confidence == unique[0].confidence and unique[0].allocations:
        for p in unique[:2]:
            p.confidence = min(p.confidence, CONFIDENCE["amount_ambiguous"])
    return unique[:5]
