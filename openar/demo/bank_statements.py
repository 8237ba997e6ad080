"""Realistic bank statements for a loaded portfolio, with the truth of what each line pays.

``generate`` reads the open items in the database and writes payments the way customers really
send them: one or several invoices per payment, credit memos netted, OCR noise, missing
prefixes and leading zeros, typos, ISO 11649 RF references, no reference at all (the payer is
known by its bank account, its name or a customer number in the text), short payments,
early-payment discounts, bank charges, overpayments, payer names unlike the customer's, and
unknown payers. ``write_camt053``, ``write_mt940`` and ``write_bai2`` write the statements in
those formats (our own writers; the parsers read them back). ``truth`` maps each line's
end-to-end id to the customer and documents it pays, so benchmarks can measure the auto-match
rate and its precision. Everything derives from ``random.Random(seed)`` and ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openar.cashapp.matching import rf_make
from openar.core.money import ZERO, minor_units

# Scenario: share of lines.
SCENARIOS: dict[str, float] = {
    "exact": 0.30,
    "multi": 0.14,
    "cm_net": 0.03,
    "ocr": 0.05,
    "no_prefix": 0.06,
    "rf": 0.04,
    "typo": 0.02,
    "account_only": 0.10,
    "name_only": 0.04,
    "customer_number": 0.02,
    "short": 0.04,
    "discount": 0.03,
    "charges": 0.03,
    "over": 0.02,
    "unknown": 0.04,
}
# Typical bank charges per currency (fixed fees deducted by intermediary banks).
CHARGES = {
    "USD": (10, 35), "EUR": (5, 30), "GBP": (5, 25), "CHF": (5, 30), "MXN": (150, 600),
    "CRC": (5000, 18000), "PHP": (300, 1500),
}  # fmt: skip
_UNKNOWN_NAMES = (
    "J SMITH", "MARIA GARCIA LOPEZ", "GLOBAL TRADE SERVICES", "PAYPAL EUROPE", "STRIPE PAYMENTS",
    "WESTERN UNION", "R HERNANDEZ", "CONSOLIDATED HOLDINGS", "ESCROW ACCT 22", "ACME TITLE CO",
)  # fmt: skip
_OTHER_PAYERS = (
    "ACCOUNTS PAYABLE DEPT", "CAPITAL FACTORING SA", "TREASURY SERVICES", "SHARED SERVICE CENTER",
    "PAYROLL AND AP", "GRUPO FINANCIERO PAGOS",
)  # fmt: skip


@dataclass
class Truth:
    customer_ref: str | None  # None: an unknown payer nobody should match
    documents: dict[str, Decimal]  # document_ref -> amount it pays
    scenario: str
    amount: Decimal


@dataclass
class Line:
    amount: Decimal  # signed
    currency: str
    booking_date: dt.date
    value_date: dt.date
    bank_reference: str
    end_to_end_id: str
    counterparty_name: str = ""
    counterparty_account: str = ""
    remittance: str = ""
    creditor_reference: str = ""
    style: int = 0  # picks each format's layout and wording for this line (same every run)
    payer_id: str = ""  # our customer number, when the payer's bank carries it (IND ID, KREF)
    advice: tuple[tuple[str, Decimal, Decimal], ...] = ()  # (document, paid, open) for X12 820


@dataclass
class GeneratedStatement:
    account: str
    entity_code: str
    currency: str
    statement_id: str
    opening_balance: Decimal
    opening_date: dt.date
    closing_date: dt.date
    lines: list[Line] = field(default_factory=list)

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + sum((x.amount for x in self.lines), ZERO)


@dataclass
class Generated:
    statements: list[GeneratedStatement]
    truth: dict[str, Truth]  # end_to_end_id -> truth
    payer_accounts: dict[str, str]  # payer bank account -> customer_ref (learnt earlier)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for t in self.truth.values():
            out[t.scenario] += 1
        return dict(out)


@dataclass
class _Doc:
    id: int
    ref: str
    doc_type: str
    open: Decimal
    due: dt.date
    doc_date: dt.date


@dataclass
class _Cust:
    id: int
    ref: str
    name: str
    parent_name: str
    entity_code: str
    currency: str
    invoices: list[_Doc] = field(default_factory=list)
    credits: list[_Doc] = field(default_factory=list)


# --------------------------------------------------------------------------- bank accounts
def account_number(entity_code: str, currency: str) -> str:
    """Our (demo) bank account for an entity and currency: an IBAN for the Spanish entity."""
    if entity_code.startswith("ES"):
        return f"ES7621000418{sum(map(ord, currency)):03d}0005133{len(currency)}"
    return f"{entity_code}{currency}0001"


def ensure_bank_accounts(*, actor: Any) -> dict[tuple[str, str], str]:
    """Register a bank account per (entity, customer currency) in the ledger; returns them."""
    from openar.cashapp.models import BankAccount
    from openar.cashapp.services import bank_account_add
    from openar.ledger.models import Customer

    pairs = set(Customer.objects.values_list("entity__code", "currency").distinct())
    known = set(BankAccount.objects.values_list("account_number", flat=True))
    accounts = {}
    for code, currency in sorted(pairs):
        number = account_number(code, currency)
        if number not in known:
            bank_account_add(
                entity=code,
                account_number=number,
                name=f"{code} {currency} collections",
                currency=currency,
                bank_name="Demo Bank",
                actor=actor,
            )
        accounts[(code, currency)] = number
    return accounts


def payer_account(customer_id: int, entity_code: str) -> str:
    """The (made-up) bank account a customer pays from."""
    if entity_code.startswith("ES"):
        return f"ES{(customer_id * 7919) % 97 + 2:02d}0049{customer_id:014d}"
    return f"{(customer_id * 2654435761) % 10**12:012d}"


# --------------------------------------------------------------------------- reading the ledger
def _portfolio(rng: random.Random, lines: int, accounts: dict[tuple[str, str], str]) -> list[_Cust]:
    from openar.ledger.models import Customer, Document

    ids = list(
        Document.objects.filter(cleared_date__isnull=True, open_amount__gt=0)
        .values_list("customer_id", flat=True)
        .distinct()
        .order_by("customer_id")
    )
    rng.shuffle(ids)
    # Enough customers for the lines (most pay once, a few pay again).
    chosen = sorted(ids[: max(10, int(lines * 0.9))])
    parents = dict(Customer.objects.filter(parent__isnull=False).values_list("id", "parent__name"))
    customers: dict[int, _Cust] = {}
    for i in range(0, len(chosen), 5000):
        chunk = chosen[i : i + 5000]
        for cid, ref, name, code, currency in Customer.objects.filter(id__in=chunk).values_list(
            "id", "customer_ref", "name", "entity__code", "currency"
        ):
            if (code, currency) in accounts:
                customers[cid] = _Cust(cid, ref, name, parents.get(cid, ""), code, currency)
        for row in (
            Document.objects.filter(customer_id__in=chunk, cleared_date__isnull=True)
            .exclude(open_amount=0)
            .values_list(
                "customer_id",
                "id",
                "document_ref",
                "document_type",
                "open_amount",
                "due_date",
                "document_date",
                "currency",
            )
            .order_by("due_date", "id")
        ):
            cust = customers.get(row[0])
            if cust is None or row[7] != cust.currency:
                continue
            doc = _Doc(row[1], row[2], row[3], row[4], row[5], row[6])
            (cust.invoices if doc.open > 0 else cust.credits).append(doc)
    return [c for c in customers.values() if c.invoices]


# --------------------------------------------------------------------------- noise
def _ocr(ref: str, rng: random.Random) -> str:
    swaps = {"0": "O", "1": "I"}
    chars = list(ref)
    spots = [i for i, ch in enumerate(chars) if ch in swaps]
    for i in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
        chars[i] = swaps[chars[i]]
    if chars == list(ref):
        return ref.lower()
    return "".join(chars)


def _no_prefix(ref: str, rng: random.Random) -> str:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return digits.lstrip("0") if rng.random() < 0.5 else digits


def _typo(ref: str, rng: random.Random, taken: set[str] | None = None) -> str:
    digits = [i for i, ch in enumerate(ref) if ch.isdigit()]
    # Change a digit among the last four (the first ones are mostly zeros).
    for _ in range(10):
        i = rng.choice(digits[-4:])
        new = str((int(ref[i]) + rng.randint(1, 9)) % 10)
        wrong = ref[:i] + new + ref[i + 1 :]
        # Not another of the customer's own invoices: that would be a right reference.
        if not taken or wrong not in taken:
            return wrong
    return wrong


# How payers and their banks write a legal form (the ledger's form first).
_LEGAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "Inc.": ("Inc", "INC.", "Incorporated", ""),
    "LLC": ("L.L.C.", "LLC.", "Limited Liability Co", ""),
    "Corp.": ("Corp", "Corporation", "CORP.", ""),
    "Co.": ("Co", "Company", "CO", ""),
    "S.A. de C.V.": ("SA DE CV", "S.A. DE C.V", "SA de CV", ""),
    "S. de R.L. de C.V.": ("S DE RL DE CV", "S. DE R.L.", ""),
    "S.A.P.I. de C.V.": ("SAPI DE CV", "S.A.P.I.", ""),
    "S.L.": ("SL", "S.L", "Sociedad Limitada", ""),
    "S.A.": ("SA", "S.A", "Sociedad Anonima", ""),
    "S.L.U.": ("SLU", "S.L.", ""),
    "S.R.L.": ("SRL", "S.R.L", ""),
    "Ltda.": ("Ltda", "LIMITADA", ""),
}


def _legal_variant(name: str, rng: random.Random) -> str:
    """The name with its legal form written another way (or left out), 40% of the time."""
    for form in sorted(_LEGAL_VARIANTS, key=len, reverse=True):
        if name.endswith(" " + form):
            if rng.random() < 0.4:
                return (name[: -len(form)] + rng.choice(_LEGAL_VARIANTS[form])).strip()
            return name
    return name


def _payer_name(cust: _Cust, rng: random.Random, others: Sequence[str]) -> str:
    roll = rng.random()
    name = _legal_variant(cust.name, rng)
    if roll < 0.45:
        return name.upper()[:35]
    if roll < 0.65:
        return name
    if roll < 0.75:
        return " ".join(cust.name.split()[:2]).upper()
    if roll < 0.82 and cust.parent_name:
        return _legal_variant(cust.parent_name, rng).upper()[:35]
    return rng.choice(others)


# Words payers put before their references; the held-out pool is for a measure on text the
# matching was not tuned on.
_LEADS: dict[str, dict[str, tuple[str, ...]]] = {
    "tuned": {"es": ("PAGO FACTURAS", "PAGO", "FACT"), "en": ("INV", "PAYMENT", "INVOICES")},
    "holdout": {
        "es": ("ABONO FRAS", "LIQUIDACION DOCTOS", "CANCELA FACTURA NO", "SU FACTURA"),
        "en": ("RE INVOICE NO", "SETTLE INVS", "REMIT FOR", "BILL NO", "PMT OF INV#"),
    },
}
_HOLDOUT_OTHER_PAYERS = (
    "AP CLEARING ACCOUNT", "BANCO PAGADOR CORPORATIVO", "GROUP TREASURY CENTRE",
    "OUTSOURCED PAYABLES LTD", "INTERCOMPANY SETTLEMENTS",
)  # fmt: skip


def _refs_text(refs: Sequence[str], rng: random.Random, language: str, pool: str = "tuned") -> str:
    lead = rng.choice(_LEADS[pool][language])
    seps = (" ", ", ", "; ", " / ") if pool == "tuned" else (" & ", " + ", ",", " AND ")
    sep = rng.choice(seps)
    return f"{lead} {sep.join(refs)}" if rng.random() < 0.8 else sep.join(refs)


# --------------------------------------------------------------------------- generation
def generate(
    *,
    as_of: dt.date,
    lines: int,
    seed: int,
    accounts: dict[tuple[str, str], str],
    scenarios: dict[str, float] | None = None,
    wording: str = "tuned",
) -> Generated:
    """Statements with ``lines`` credit lines (plus one bank-fee debit each) for the open items
    in the database, and the truth of what each line pays. ``wording="holdout"`` words the
    payments with phrases and payer names the matching was not tuned on."""
    rng = random.Random(seed)
    # Layout and wording per format come from their own stream: the payments stay the same.
    styles = random.Random(f"{seed}-{wording}-style")
    others = _OTHER_PAYERS if wording == "tuned" else _HOLDOUT_OTHER_PAYERS
    weights = scenarios or SCENARIOS
    names, shares = list(weights), list(weights.values())
    customers = _portfolio(rng, lines, accounts)
    if not customers:
        raise ValueError("no open invoices to pay: load a portfolio first")
    statements: dict[tuple[str, str], GeneratedStatement] = {}
    truth: dict[str, Truth] = {}
    payers: dict[str, str] = {}
    used: set[int] = set()
    n = 0
    pool = list(customers)
    attempts = 0
    scenario = ""
    tries = 0
    while n < lines and attempts < lines * 400:
        attempts += 1
        # The scenario is drawn once per line and kept until a customer can pay that way: drawing
        # again after a failure would favour the scenarios that never fail (unknown payers) over
        # those that sometimes do (credit memos, discounts), and the mix would drift from the
        # declared shares.
        if not scenario:
            scenario = rng.choices(names, shares)[0]
            tries = 0
        tries += 1
        if tries > 200:
            scenario = ""  # no customer left can pay this way: draw again
            continue
        cust = rng.choice(pool)
        key = (cust.entity_code, cust.currency)
        invoices = [d for d in cust.invoices if d.id not in used]
        if not invoices and scenario != "unknown":
            continue
        places = Decimal(1).scaleb(-minor_units(cust.currency))
        day = as_of - dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 3)))
        e2e = f"E2E{seed:03d}{n:07d}"
        line = Line(
            amount=ZERO,
            currency=cust.currency,
            booking_date=day,
            value_date=day,
            bank_reference=f"BR{seed:03d}{n:08d}",
            end_to_end_id=e2e,
            counterparty_name=_payer_name(cust, rng, others),
            counterparty_account=payer_account(cust.id, cust.entity_code)
            if rng.random() < 0.9
            else f"{rng.randrange(10**11, 10**12)}",
        )
        language = "es" if cust.entity_code[:2] in ("MX", "ES", "CR") else "en"
        made = _scenario(
            scenario, cust, invoices, line, rng, places, language, as_of, wording, used
        )
        if made is None:
            continue
        docs, paid, customer_ref, known_account = made
        line.amount = paid
        if paid <= 0:
            continue
        for ref in docs:
            match = next((d for d in cust.invoices + cust.credits if d.ref == ref), None)
            if match is not None:
                used.add(match.id)
        if known_account and customer_ref:
            payers[line.counterparty_account] = customer_ref
        elif customer_ref and rng.random() < 0.5:
            # The payer's account may have been seen before; half the time it was.
            payers[line.counterparty_account] = customer_ref
        truth[e2e] = Truth(customer_ref, docs, scenario, paid)
        line.style = styles.getrandbits(48)
        if customer_ref and styles.random() < 0.3:
            line.payer_id = customer_ref
        opens = {d.ref: d.open for d in cust.invoices + cust.credits}
        if docs and scenario not in ("account_only", "name_only", "customer_number", "over"):
            # What a CTX payer's advice would say: each document and what it pays of it.
            line.advice = tuple((ref, amount, opens[ref]) for ref, amount in docs.items())
        statement = statements.get(key)
        if statement is None:
            number = accounts[key]
            statement = statements[key] = GeneratedStatement(
                account=number,
                entity_code=key[0],
                currency=key[1],
                statement_id=f"STMT{seed:03d}-{key[0]}{key[1]}-{as_of:%Y%m%d}",
                opening_balance=Decimal(rng.randrange(10_000, 5_000_000)),
                opening_date=as_of - dt.timedelta(days=4),
                closing_date=as_of,
            )
        statement.lines.append(line)
        n += 1
        scenario = ""
    for k, statement in enumerate(statements.values()):
        low, high = CHARGES.get(statement.currency, (5, 30))
        fee = Decimal(rng.randint(low, high))
        statement.lines.append(
            Line(
                amount=-fee,
                currency=statement.currency,
                booking_date=as_of,
                value_date=as_of,
                bank_reference=f"FEE{seed:03d}{k:04d}",
                end_to_end_id="",
                counterparty_name="DEMO BANK",
                remittance="ACCOUNT MAINTENANCE FEE",
            )
        )
        statement.lines.sort(key=lambda x: (x.booking_date, x.bank_reference))
    # Payers of unknown lines must stay unknown.
    unknown_accounts = {
        x.counterparty_account
        for s in statements.values()
        for x in s.lines
        if x.end_to_end_id in truth and truth[x.end_to_end_id].customer_ref is None
    }
    payers = {a: c for a, c in payers.items() if a not in unknown_accounts}
    return Generated(list(statements.values()), truth, payers)


def _scenario(
    scenario: str,
    cust: _Cust,
    invoices: list[_Doc],
    line: Line,
    rng: random.Random,
    places: Decimal,
    language: str,
    as_of: dt.date,
    wording: str = "tuned",
    used: set[int] | None = None,
) -> tuple[dict[str, Decimal], Decimal, str | None, bool] | None:
    """Fill the line's text for a scenario: (documents paid, amount, customer_ref, payer's
    account already known)."""
    if scenario == "unknown":
        line.counterparty_name = rng.choice(_UNKNOWN_NAMES)
        line.counterparty_account = f"{rng.randrange(10**11, 10**12)}"
        line.remittance = rng.choice(("", "PAYMENT", "TRANSFER", f"INVOICE {rng.randint(1, 99)}"))
        return (
            {},
            Decimal(rng.randint(50, 5000)) + Decimal(rng.randint(0, 99)) * places,
            None,
            False,
        )
    one = rng.choice(invoices[: rng.randint(1, 3)])
    if scenario == "exact":
        line.remittance = _refs_text([one.ref], rng, language, wording)
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "multi":
        k = min(len(invoices), rng.randint(2, 5))
        picked = invoices[:k] if rng.random() < 0.6 else rng.sample(invoices, k)
        if len(picked) < 2:
            return None
        line.remittance = _refs_text([d.ref for d in picked], rng, language, wording)
        return {d.ref: d.open for d in picked}, sum((d.open for d in picked), ZERO), cust.ref, False
    if scenario == "cm_net":
        # A credit memo another payment already netted is not netted again.
        credits = [c for c in cust.credits if one.open + c.open > 0 and c.id not in (used or ())]
        if not credits:
            return None
        cm = credits[0]
        line.remittance = _refs_text([one.ref, cm.ref], rng, language, wording)
        return {one.ref: one.open, cm.ref: cm.open}, one.open + cm.open, cust.ref, False
    if scenario == "ocr":
        line.remittance = _refs_text([_ocr(one.ref, rng)], rng, language, wording)
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "no_prefix":
        line.remittance = _refs_text([_no_prefix(one.ref, rng)], rng, language, wording)
        return {one.ref: one.open}, one.open, cust.ref, rng.random() < 0.5
    if scenario == "rf":
        line.creditor_reference = rf_make(one.ref)
        line.remittance = ""
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "typo":
        taken = {d.ref for d in cust.invoices + cust.credits}
        line.remittance = _refs_text([_typo(one.ref, rng, taken)], rng, language, wording)
        line.counterparty_account = payer_account(cust.id, cust.entity_code)
        return {one.ref: one.open}, one.open, cust.ref, True
    if scenario == "account_only":
        line.counterparty_account = payer_account(cust.id, cust.entity_code)
        line.remittance = rng.choice(("", "PAYMENT", "SUPPLIER PAYMENT", "PAGO PROVEEDORES"))
        k = rng.choice((1, 1, 1, 2, 3))
        picked = invoices[:k]
        return {d.ref: d.open for d in picked}, sum((d.open for d in picked), ZERO), cust.ref, True
    if scenario == "name_only":
        line.counterparty_name = rng.choice((cust.name.upper()[:35], cust.name))
        line.counterparty_account = f"{rng.randrange(10**11, 10**12)}"
        line.remittance = rng.choice(("", "PAYMENT", "TRANSFER"))
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "customer_number":
        line.counterparty_account = f"{rng.randrange(10**11, 10**12)}"
        line.remittance = rng.choice(("ACCT {}", "CUSTOMER {}", "CLIENTE {}", "{}")).format(
            cust.ref
        )
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "short":
        cut = (one.open * Decimal(rng.randint(2, 15)) / 100).quantize(places)
        if cut <= 0 or cut >= one.open:
            return None
        line.remittance = _refs_text([one.ref], rng, language, wording) + rng.choice(
            ("", " LESS DAMAGED GOODS", " DEDUCCION PROMOCION", " SHORTAGE")
        )
        return {one.ref: one.open - cut}, one.open - cut, cust.ref, False
    if scenario == "discount":
        recent = [d for d in invoices if (as_of - d.doc_date).days <= 12]
        if not recent:
            return None
        doc = rng.choice(recent)
        paid = (doc.open * Decimal("0.98")).quantize(places)
        line.remittance = _refs_text([doc.ref], rng, language, wording) + rng.choice(
            ("", " 2% DISC")
        )
        return {doc.ref: paid}, paid, cust.ref, False
    if scenario == "charges":
        low, high = CHARGES.get(cust.currency, (5, 30))
        fee = Decimal(rng.randint(low, high))
        k = min(len(invoices), rng.randint(1, 3))
        picked = invoices[:k]
        due = sum((d.open for d in picked), ZERO)
        if fee >= due * Decimal("0.1") or fee >= picked[-1].open:
            return None
        line.remittance = _refs_text([d.ref for d in picked], rng, language, wording)
        docs = {d.ref: d.open for d in picked}
        docs[picked[-1].ref] -= fee
        return docs, due - fee, cust.ref, False
    if scenario == "over":
        extra = (one.open * Decimal(rng.randint(3, 25)) / 100).quantize(places)
        line.remittance = _refs_text([one.ref], rng, language, wording)
        return {one.ref: one.open}, one.open + extra, cust.ref, False
    raise ValueError(scenario)


def seed_payer_accounts(result: Generated) -> int:
    """Store the payer accounts the generator says were learnt from earlier applications."""
    from openar.cashapp.models import PayerAccount
    from openar.ledger.models import Customer

    ids = dict(
        Customer.objects.filter(customer_ref__in=set(result.payer_accounts.values())).values_list(
            "customer_ref", "id"
        )
    )
    from openar.demo.bank_formats import orig_id

    # Learnt from earlier applications: the account, and the ACH company id it sends under.
    rows = [
        PayerAccount(account=key, customer_id=ids[c], learnt_from="application")
        for a, c in result.payer_accounts.items()
        if c in ids
        for key in (a, orig_id(a))
    ]
    PayerAccount.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def evaluate(result: Generated) -> dict[str, Any]:
    """Auto-match rate and precision of what matching did, against the truth.

    A line auto-applied is correct when it went to the true customer's documents, the same set
    of documents, for the same total; an unknown payer applied anywhere is wrong."""
    from openar.cashapp.choices import LineStatus
    from openar.cashapp.models import CashApplication, StatementLine

    lines = {
        e2e: (pk, status)
        for e2e, pk, status in StatementLine.objects.filter(
            end_to_end_id__in=list(result.truth)
        ).values_list("end_to_end_id", "id", "status")
    }
    applied: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for line_id, ref, amount in CashApplication.objects.filter(
        line_id__in=[pk for pk, _ in lines.values()], mode="auto"
    ).values_list("line_id", "application__document__document_ref", "application__amount"):
        applied[line_id][ref] = applied[line_id].get(ref, ZERO) + amount
    auto = correct = 0
    wrong: list[dict[str, Any]] = []
    by_scenario: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # lines, auto, correct
    missed: dict[int, dict[str, Any]] = {}  # payable lines left to people, with why
    for e2e, t in result.truth.items():
        pk, status = lines.get(e2e, (None, None))
        stats = by_scenario[t.scenario]
        stats[0] += 1
        if status != LineStatus.AUTO_APPLIED or pk is None:
            if t.customer_ref is not None and pk is not None and len(missed) < 50:
                missed[pk] = {"line": e2e, "scenario": t.scenario, "status": status}
            continue
        auto += 1
        stats[1] += 1
        got = applied.get(pk, {})
        ok = (
            t.customer_ref is not None
            and set(got) == set(t.documents)
            and sum(got.values(), ZERO) == sum(t.documents.values(), ZERO)
        )
        if ok:
            correct += 1
            stats[2] += 1
        elif len(wrong) < 20:
            wrong.append(
                {
                    "line": e2e,
                    "scenario": t.scenario,
                    "truth": str(t.documents),
                    "applied": str(got),
                }
            )
    total = len(result.truth)
    payable = sum(1 for t in result.truth.values() if t.customer_ref is not None)
    return {
        "lines": total,
        "auto_applied": auto,
        "correct": correct,
        "auto_rate": auto / total if total else 0.0,
        # Unknown payers (a share of the lines by design) can never be applied: the rate over
        # the lines a person could apply.
        "payable_lines": payable,
        "auto_rate_payable": auto / payable if payable else 0.0,
        "precision": correct / auto if auto else 1.0,
        "by_scenario": {
            k: {"lines": v[0], "auto": v[1], "correct": v[2]}
            for k, v in sorted(by_scenario.items())
        },
        "wrong": wrong,
        # Payable lines (at most 50) left for a person, with the best proposal they got.
        "missed": _with_best_proposal(missed),
    }


def _with_best_proposal(missed: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    from openar.cashapp.models import MatchProposal

    best = {
        line_id: f"{method} {confidence}: {explanation}"
        for line_id, method, confidence, explanation in MatchProposal.objects.filter(
            line_id__in=list(missed), rank=1
        ).values_list("line_id", "method", "confidence", "explanation")
    }
    return [row | {"best": best.get(pk, "")} for pk, row in missed.items()]


# --------------------------------------------------------------------------- the demo hook
def demo_statements_load(
    *, as_of: dt.date, actor: Any, lines: int = 400, seed: int = 7
) -> dict[str, Any]:
    """For ``make demo``: register a bank account per entity and currency, write a camt.053
    statement of payments against the loaded portfolio, import it and match it."""
    from django.conf import settings

    from openar.cashapp.models import StatementFile
    from openar.cashapp.services import lines_match, statement_import
    from openar.core.errors import Conflict
    from openar.demo import bank_formats

    accounts = ensure_bank_accounts(actor=actor)
    if StatementFile.objects.filter(
        statement_id__startswith=f"STMT{seed:03d}-", statement_id__endswith=f"{as_of:%Y%m%d}"
    ).exists():
        # Loaded by an earlier run for this date: only match what is still open.
        return {"files": [], "match": lines_match(as_of=as_of, actor=actor).as_dict()}
    result = generate(as_of=as_of, lines=lines, seed=seed, accounts=accounts)
    out = Path(settings.VAR_DIR) / "demo" / "statements"
    out.mkdir(parents=True, exist_ok=True)
    imported = []
    for written in bank_formats.write_files(result, out, formats=("camt",)):
        try:
            imported.append(statement_import(path=written, actor=actor).as_dict())
        except Conflict:
            continue  # loaded by an earlier demo run
    summary = lines_match(as_of=as_of, actor=actor)
    return {"files": imported, "match": summary.as_dict()}
