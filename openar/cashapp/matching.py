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

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

ZERO = Decimal(0)

# Named situations and their confidence (0..1). Kept in one table so docs and tests read it.
CONFIDENCE = {
    "ref_exact": Decimal("0.99"),
    "ref_fuzzy": Decimal("0.97"),
    "ref_typo": Decimal("0.95"),
    "ref_subset": Decimal("0.95"),
    "ref_discount": Decimal("0.95"),
    "ref_charges": Decimal("0.94"),
    "ref_overpaid": Decimal("0.93"),
    "ref_plus_amount": Decimal("0.94"),
    "ref_short": Decimal("0.93"),
    "ref_short_many": Decimal("0.85"),
    "ref_partial": Decimal("0.75"),
    "amount_all": Decimal("0.96"),
    "amount_single": Decimal("0.95"),
    "amount_oldest": Decimal("0.94"),
    "amount_subset": Decimal("0.93"),
    "amount_discount": Decimal("0.90"),
    "amount_charges": Decimal("0.90"),
    "amount_ambiguous": Decimal("0.70"),
    "customer_only": Decimal("0.60"),
}
# How sure we are of the payer, by the evidence that named it.
CUSTOMER_EVIDENCE = {
    "reference": Decimal("1.00"),
    "payer_account": Decimal("1.00"),
    "customer_number": Decimal("1.00"),
    "alias": Decimal("0.99"),
    "name": Decimal("0.98"),
    "name_shared": Decimal("0.97"),  # several accounts share the name; the amount picked one
    "name_fuzzy": Decimal("0.95"),
    "assigned": Decimal("1.00"),
}
MAX_SUBSET_ITEMS = 25  # open items a subset search looks at (oldest first)
MAX_SUBSET_SIZE = 5
SUBSET_BUDGET = 60_000  # search nodes per line: the bound that keeps matching linear
RANGE_SPAN = 60
FUZZY_NAME_CUTOFF = 90

# Words that say nothing about who a company is.
_LEGAL_WORDS = frozenset(
    """inc incorporated llc ltd limited corp corporation co company plc gmbh ag bv nv sa sas sl
    slu srl ltda sapi de cv s a c v r l the y and cia spa sarl oy ab as kg""".split()  # noqa: SIM905
)
_TOKEN = re.compile(r"[A-Z0-9]+(?:[-/.][A-Z0-9]+)*")
_AMOUNTISH = re.compile(r"^\d{1,3}(?:[.,]\d{3})*[.,]\d{1,2}$|^\d+[.,]\d{2}$")
_DATEISH = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_RF = re.compile(r"RF\d{2}[A-Z0-9]{1,21}")
_RANGE = re.compile(
    r"([A-Z]*[-/]?[0-9OIL]*\d)\s*(?:-|\u2013|TO|A|AL|THRU|THROUGH|HASTA)\s*([A-Z]*[-/]?\d+)\b"
)
_OCR = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8"})
_DIGITISH = frozenset("0123456789OQDILSB")


# --------------------------------------------------------------------------- references
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_CLEAN_REF = re.compile(r"[A-Z]*([0-9]+)")


def norm_ref(text: str) -> str:
    """Upper-case letters and digits only: 'inv-0012 34' -> 'INV001234'."""
    return _NOT_ALNUM.sub("", text.upper())


def _split_ref(ref: str) -> tuple[str, str]:
    """(prefix, numeric tail) of a normalized reference. The tail is the longest run of
    digit-like characters (O for 0, I/L for 1...) at the end, starting at a real digit; the
    look-alike letters before that real digit belong to the prefix (the S of 'INVUS')."""
    i = len(ref)
    while i > 0 and ref[i - 1] in _DIGITISH:
        i -= 1
    while i < len(ref) and not ref[i].isdigit():
        i += 1
    return ref[:i], ref[i:]


def ref_number(text: str) -> str:
    """The numeric core of a reference, read through OCR noise, without leading zeros:
    'INVUS00001234' -> '1234', 'INVUSO0O1234' -> '1234', '1234' -> '1234'."""
    return _split_ref(norm_ref(text))[1].translate(_OCR).lstrip("0")


def ref_prefix(text: str) -> str:
    """The letters before the numeric core: 'INVUS00001234' -> 'INVUS'."""
    return _split_ref(norm_ref(text))[0]


def customer_tokens(remittance: str) -> list[str]:
    """Words that may be customer numbers: letters and digits with at least one digit."""
    return [
        n
        for raw in _TOKEN.findall(remittance.upper())
        if len(n := norm_ref(raw)) >= 3 and any(ch.isdigit() for ch in n)
    ]


def rf_valid(reference: str) -> bool:
    """ISO 11649 creditor reference check: 'RF18539007547034' is valid."""
    ref = norm_ref(reference)
    if not re.fullmatch(r"RF\d{2}[A-Z0-9]{1,21}", ref):
        return False
    moved = ref[4:] + ref[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def rf_make(payload: str) -> str:
    """Build an ISO 11649 reference for ``payload`` (used by the generator and tests)."""
    body = norm_ref(payload)
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{body}"


@dataclass(frozen=True, slots=True)
class RefToken:
    text: str  # as normalized: letters and digits
    number: str  # numeric core, no leading zeros
    prefix: str
    source: str  # "text", "rf", "range", "structured"


def extract_refs(remittance: str, creditor_reference: str = "") -> list[RefToken]:
    """Candidate document references in a line's remittance, structured reference and ranges."""
    found: dict[str, RefToken] = {}
    text = remittance.upper()

    def add(raw: str, source: str) -> None:
        n = norm_ref(raw)
        if len(n) < 3 or n in found:
            return
        number = ref_number(n)
        if len(number) < 3:
            return
        found[n] = RefToken(n, number, ref_prefix(n), source)

    for structured in filter(None, [creditor_reference.upper()]):
        if rf_valid(structured):
            add(norm_ref(structured)[4:], "rf")
        else:
            add(structured, "structured")
    for rf in _RF.findall(text.replace(" ", "")):
        if rf_valid(rf):
            add(rf[4:], "rf")
    for m in _RANGE.finditer(text):
        first, last = m.group(1), m.group(2)
        a, b = ref_number(first), ref_number(last)
        if not a or not b or not b.isdigit():
            continue
        lo, hi = int(a), int(b)
        if hi < lo and len(b) < len(a):  # 'INV-1098 to 02' means 1098..1102
            hi = int(a[: len(a) - len(b)] + b)
        if lo < hi <= lo + RANGE_SPAN:
            prefix = ref_prefix(first)
            width = len(norm_ref(first)) - len(prefix)
            for k in range(lo, hi + 1):
                add(f"{prefix}{str(k).zfill(width)}", "range")
    tokens = _TOKEN.findall(text)
    for i, raw in enumerate(tokens):
        if _AMOUNTISH.match(raw) or _DATEISH.match(raw):
            continue
        if raw.isalpha():
            # 'INV 1234': a bare prefix followed by a number is one reference.
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if following[:1].isdigit() and not (
                _AMOUNTISH.match(following) or _DATEISH.match(following)
            ):
                add(raw + tokens[i + 1], "text")
            continue
        add(raw, "text")
        if "/" in raw or "." in raw:
            for part in re.split(r"[/.]", raw):
                add(part, "text")
    return list(found.values())


# --------------------------------------------------------------------------- names
def norm_name(name: str) -> str:
    """Lower-case ASCII words without legal forms: 'Águila Foods S.A. de C.V.' -> 'aguila foods'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    words = re.split(r"[^a-z0-9]+", text)
    return " ".join(w for w in words if w and w not in _LEGAL_WORDS)


# --------------------------------------------------------------------------- the index
@dataclass(slots=True)
class Item:
    id: int
    customer_id: int
    ref: str
    doc_type: str
    currency: str
    open: Decimal  # current open amount; lowered in memory as lines apply to it
    due: dt.date
    doc_date: dt.date
    number: str = ""  # numeric core of the reference (set by the index)


def _put(table: dict[str, Item | tuple[Item, ...]], key: str, item: Item) -> None:
    found = table.get(key)
    if found is None:
        table[key] = item
    elif isinstance(found, Item):
        table[key] = (found, item)
    else:
        table[key] = (*found, item)


def _get(table: dict[str, Item | tuple[Item, ...]], key: str) -> tuple[Item, ...]:
    found = table.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, Item) else found


@dataclass(slots=True)
class CustomerInfo:
    id: int
    ref: str
    name: str
    parent_id: int | None
    entity_id: int
    currency: str


@dataclass
class MatchIndex:
    """Everything matching needs, loaded once per run (no query per line)."""

    # One item per key almost always: stored bare, a tuple only when keys collide (a million
    # open items must fit in memory).
    items_by_ref: dict[str, Item | tuple[Item, ...]] = field(default_factory=dict)
    items_by_number: dict[str, Item | tuple[Item, ...]] = field(default_factory=dict)
    items_by_customer: dict[int, list[Item]] = field(default_factory=lambda: defaultdict(list))
    customers: dict[int, CustomerInfo] = field(default_factory=dict)
    customer_by_ref: dict[str, int] = field(default_factory=dict)
    payer_accounts: dict[str, int] = field(default_factory=dict)
    names: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    aliases: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _name_choices: list[str] | None = None
    _fuzzy_cache: dict[str, str | None] = field(default_factory=dict)
    _tops: dict[int, int] = field(default_factory=dict)

    def add_item(self, item: Item) -> None:
        ref = item.ref
        clean = _CLEAN_REF.fullmatch(ref)  # 'INVUS00001234': the common case, one regex
        if clean is not None:
            key, number = ref, clean.group(1).lstrip("0")
        else:
            key = norm_ref(ref)
            number = ref_number(key)
        item.number = number
        _put(self.items_by_ref, key, item)
        if number:
            _put(self.items_by_number, number, item)
        self.items_by_customer[item.customer_id].append(item)

    def add_rows(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """``add_item`` for many (id, customer_id, ref, doc_type, currency, open, due, issued)
        rows, inlined: a million open items load in seconds. Dates and codes are shared."""
        by_ref, by_number, by_customer = (
            self.items_by_ref,
            self.items_by_number,
            self.items_by_customer,
        )
        clean = _CLEAN_REF.fullmatch
        shared: dict[Any, Any] = {}
        keep = shared.setdefault
        new = Item
        n = 0
        for pk, cid, ref, doc_type, currency, open_amount, due, issued in rows:
            m = clean(ref)
            if m is not None:
                key, number = ref, m.group(1).lstrip("0")
            else:
                key = norm_ref(ref)
                number = ref_number(key)
            it = new(
                pk,
                cid,
                ref,
                keep(doc_type, doc_type),
                keep(currency, currency),
                open_amount,
                keep(due, due),
                keep(issued, issued),
                number,
            )
            if key in by_ref:
                _put(by_ref, key, it)
            else:
                by_ref[key] = it
            if number:
                if number in by_number:
                    _put(by_number, number, it)
                else:
                    by_number[number] = it
            listed = by_customer.get(cid)
            if listed is None:
                by_customer[cid] = [it]
            else:
                listed.append(it)
            n += 1
        return n

    def add_customer(self, info: CustomerInfo) -> None:
        self.customers[info.id] = info
        self.customer_by_ref[norm_ref(info.ref)] = info.id
        key = norm_name(info.name)
        if key:
            self.names[key].append(info.id)
        if info.parent_id is not None:
            self.children[info.parent_id].append(info.id)

    def add_alias(self, alias: str, customer_id: int) -> None:
        key = norm_name(alias)
        if key and customer_id not in self.aliases[key]:
            self.aliases[key].append(customer_id)

    def finish(self) -> None:
        """Order each customer's items oldest due first (the order people apply cash in)."""
        for items in self.items_by_customer.values():
            items.sort(key=lambda it: (it.due, it.id))
        # A parent's name also names its subsidiaries (a group pays from one account).
        for parent_id, kids in self.children.items():
            parent = self.customers.get(parent_id)
            if parent is not None:
                key = norm_name(parent.name)
                for kid in kids:
                    if kid not in self.names[key]:
                        self.names[key].append(kid)

    def group_of(self, customer_id: int) -> set[int]:
        """The customer, its parent chain's top and every account below that top."""
        members: set[int] = set()
        stack = [self.group_top(customer_id)]
        while stack:
            node = stack.pop()
            if node in members:
                continue
            members.add(node)
            stack.extend(self.children.get(node, ()))
        return members

    def group_top(self, customer_id: int) -> int:
        """The top of the customer's parent chain (cached)."""
        top = self._tops.get(customer_id)
        if top is None:
            top = customer_id
            seen = {top}
            while (info := self.customers.get(top)) is not None and info.parent_id is not None:
                if info.parent_id in seen:
                    break
                top = info.parent_id
                seen.add(top)
            self._tops[customer_id] = top
        return top

    def fuzzy_name(self, key: str) -> str | None:
        if key in self._fuzzy_cache:
            return self._fuzzy_cache[key]
        if self._name_choices is None:
            self._name_choices = sorted(set(self.names) | set(self.aliases))
        best = process.extractOne(
            key, self._name_choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_NAME_CUTOFF
        )
        result = best[0] if best else None
        self._fuzzy_cache[key] = result
        return result


# --------------------------------------------------------------------------- proposals
@dataclass
class LineFacts:
    """What matching reads from a statement line."""

    id: int
    amount: Decimal  # positive
    currency: str
    entity_id: int
    date: dt.date
    counterparty_name: str = ""
    counterparty_account: str = ""
    remittance: str = ""
    creditor_reference: str = ""
    end_to_end_id: str = ""
    customer_id: int | None = None  # a payer a person already named: only its group counts


@dataclass
class Allocation:
    item: Item
    amount: Decimal


@dataclass
class Proposal:
    customer_id: int | None
    allocations: list[Allocation]
    confidence: Decimal
    method: str
    explanation: str
    difference: Decimal = ZERO  # paid minus allocated: < 0 short, > 0 over
    shortfall_reason: str = ""  # "short_payment", "bank_charges", "discount" when difference<0
    shortfall_item: Item | None = None

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)


@dataclass
class Settings:
    threshold: Decimal = Decimal("0.92")
    discount_rates: tuple[Decimal, ...] = (
        Decimal("0.02"),
        Decimal("0.01"),
        Decimal("0.03"),
        Decimal("0.025"),
        Decimal("0.015"),
    )
    discount_days: int = 20  # a discount is believable if paid this soon after the invoice date
    charges_fraction: Decimal = Decimal("0.01")
    charges_cap: dict[str, Decimal] = field(
        default_factory=lambda: {
            "USD": Decimal(40),
            "EUR": Decimal(40),
            "GBP": Decimal(35),
            "CHF": Decimal(40),
            "MXN": Decimal(800),
            "CRC": Decimal(25000),
            "PHP": Decimal(2500),
            "CAD": Decimal(50),
            "PLN": Decimal(150),
            "HUF": Decimal(15000),
        }
    )
    short_fraction: Decimal = Decimal("0.30")  # larger shortfalls are partial payments

    def charges_tolerance(self, amount: Decimal, currency: str) -> Decimal:
        return max(abs(amount) * self.charges_fraction, self.charges_cap.get(currency, ZERO))


def _money(value: Decimal) -> str:
    return f"{value:,.2f}" if value == value.quantize(Decimal("0.01")) else f"{value:,}"


def _refs_text(items: Sequence[Item]) -> str:
    refs = [it.ref for it in items]
    return ", ".join(refs[:6]) + (f" and {len(refs) - 6} more" if len(refs) > 6 else "")


def _fits(item: Item, line: LineFacts) -> bool:
    return item.currency == line.currency and item.open != 0


def _find_ref_items(
    index: MatchIndex, tokens: Iterable[RefToken], line: LineFacts
) -> tuple[list[Item], str]:
    """Open items named in the text and the weakest match level used: 'exact' (the whole
    reference), 'fuzzy' (same number and prefix through OCR noise, leading zeros, a range) or
    'bare' (a number without its prefix)."""
    hits: dict[int, Item] = {}
    rank = {"exact": 0, "fuzzy": 1, "bare": 2}
    level = "exact"

    def ok(it: Item) -> bool:
        return _fits(it, line) and index.customers[it.customer_id].entity_id == line.entity_id

    for tok in tokens:
        exact = [it for it in _get(index.items_by_ref, tok.text) if ok(it)]
        if exact:
            found = "fuzzy" if tok.source == "range" else "exact"
        else:
            exact = [
                it
                for it in _get(index.items_by_number, tok.number)
                if ok(it) and (not tok.prefix or ref_prefix(it.ref)[:2] == tok.prefix[:2])
            ]
            found = "fuzzy" if tok.prefix else "bare"
        if exact:
            for it in exact:
                hits[it.id] = it
            if rank[found] > rank[level]:
                level = found
    return list(hits.values()), level


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


def propose(
    index: MatchIndex, line: LineFacts, cfg: Settings, *, places: Decimal
) -> list[Proposal]:
    """Ranked proposals for one credit line (best first); empty when nothing points anywhere."""
    tokens = extract_refs(line.remittance, line.creditor_reference)
    proposals: list[Proposal] = []
    candidates = _customer_candidates(index, line, tokens)
    ref_items, level = _find_ref_items(index, tokens, line) if tokens else ([], "exact")

    if ref_items:
        by_customer: dict[int, list[Item]] = defaultdict(list)
        for it in ref_items:
            by_customer[it.customer_id].append(it)
        # A group pays for its subsidiaries: merge referenced items within one group.
        groups: dict[int, list[Item]] = defaultdict(list)
        for cid, its in by_customer.items():
            groups[index.group_top(cid)].extend(its)
        named = {c for c, _ in candidates}
        if line.customer_id is not None:
            groups = {t: its for t, its in groups.items() if t == index.group_top(line.customer_id)}
        for top, its in groups.items():
            payer = max(
                {it.customer_id for it in its},
                key=lambda c: sum((it.open for it in its if it.customer_id == c), ZERO),
            )
            agree = bool(named) and any(index.group_top(c) == top for c in named)
            conflict = bool(named) and not agree
            conf = CONFIDENCE["ref_exact" if level == "exact" else "ref_fuzzy"]
            why = f"{len(its)} reference(s) found in the remittance ({level})"
            if agree:
                why += ", payer confirmed by bank account, customer number or name"
            if conflict:
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
            if conflict:
                prop.confidence = min(prop.confidence, Decimal("0.80"))
            elif level == "bare" and not agree:
                cap = Decimal("0.93") if prop.difference == 0 else Decimal("0.75")
                prop.confidence = min(prop.confidence, cap)
            proposals.append(prop)
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
                if typo is not None:
                    proposals.append(typo)
    if not proposals or proposals[0].confidence < cfg.threshold:
        strong = [(c, e) for c, e in candidates if e not in ("name_shared", "name_fuzzy")]
        weak = [(c, e) for c, e in candidates if e in ("name_shared", "name_fuzzy")]
        ref_ids = {it.id for it in ref_items}
        for cid, evidence in strong[:10]:
            typo = _typo_proposal(index, line, cfg, cid, evidence, tokens, ref_ids, places)
            if typo is not None:
                proposals.append(typo)
                continue
            proposals.extend(_by_amount(index, line, cfg, cid, evidence, places))
        if weak and not any(p.confidence >= cfg.threshold for p in proposals):
            # Many accounts may share a name: look at them all, cheaply (no subset search),
            # and believe the name only when exactly one account's items fit the amount.
            light = len(weak) > 5
            found: list[Proposal] = []
            for cid, evidence in weak[:200]:
                if not light:
                    typo = _typo_proposal(index, line, cfg, cid, evidence, tokens, ref_ids, places)
                    if typo is not None:
                        found.append(typo)
                        continue
                found.extend(
                    p
                    for p in _by_amount(index, line, cfg, cid, evidence, places, light=light)
                    if p.allocations
                )
            fitting = {p.customer_id for p in found}
            if len(fitting) > 1:
                for p in found:
                    p.confidence = min(p.confidence, CONFIDENCE["amount_ambiguous"])
                    p.explanation += f"; {len(fitting)} accounts with this name fit"
            proposals.extend(found)
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
