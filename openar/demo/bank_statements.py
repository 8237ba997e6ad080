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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openar.cashapp.matching import rf_make
from openar.core.money import ZERO, format_amount, minor_units

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


def _payer_name(cust: _Cust, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        return cust.name.upper()[:35]
    if roll < 0.65:
        return cust.name
    if roll < 0.75:
        return " ".join(cust.name.split()[:2]).upper()
    if roll < 0.82 and cust.parent_name:
        return cust.parent_name.upper()[:35]
    return rng.choice(_OTHER_PAYERS)


def _refs_text(refs: Sequence[str], rng: random.Random, language: str) -> str:
    lead = rng.choice(
        ("PAGO FACTURAS", "PAGO", "FACT") if language == "es" else ("INV", "PAYMENT", "INVOICES")
    )
    sep = rng.choice((" ", ", ", "; ", " / "))
    return f"{lead} {sep.join(refs)}" if rng.random() < 0.8 else sep.join(refs)


# --------------------------------------------------------------------------- generation
def generate(
    *,
    as_of: dt.date,
    lines: int,
    seed: int,
    accounts: dict[tuple[str, str], str],
    scenarios: dict[str, float] | None = None,
) -> Generated:
    """Statements with ``lines`` credit lines (plus one bank-fee debit each) for the open items
    in the database, and the truth of what each line pays."""
    rng = random.Random(seed)
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
    while n < lines and attempts < lines * 20:
        attempts += 1
        scenario = rng.choices(names, shares)[0]
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
            counterparty_name=_payer_name(cust, rng),
            counterparty_account=payer_account(cust.id, cust.entity_code)
            if rng.random() < 0.9
            else f"{rng.randrange(10**11, 10**12)}",
        )
        language = "es" if cust.entity_code[:2] in ("MX", "ES", "CR") else "en"
        made = _scenario(scenario, cust, invoices, line, rng, places, language, as_of)
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
        line.remittance = _refs_text([one.ref], rng, language)
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "multi":
        k = min(len(invoices), rng.randint(2, 5))
        picked = invoices[:k] if rng.random() < 0.6 else rng.sample(invoices, k)
        if len(picked) < 2:
            return None
        line.remittance = _refs_text([d.ref for d in picked], rng, language)
        return {d.ref: d.open for d in picked}, sum((d.open for d in picked), ZERO), cust.ref, False
    if scenario == "cm_net":
        credits = [c for c in cust.credits if one.open + c.open > 0]
        if not credits:
            return None
        cm = credits[0]
        line.remittance = _refs_text([one.ref, cm.ref], rng, language)
        return {one.ref: one.open, cm.ref: cm.open}, one.open + cm.open, cust.ref, False
    if scenario == "ocr":
        line.remittance = _refs_text([_ocr(one.ref, rng)], rng, language)
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "no_prefix":
        line.remittance = _refs_text([_no_prefix(one.ref, rng)], rng, language)
        return {one.ref: one.open}, one.open, cust.ref, rng.random() < 0.5
    if scenario == "rf":
        line.creditor_reference = rf_make(one.ref)
        line.remittance = ""
        return {one.ref: one.open}, one.open, cust.ref, False
    if scenario == "typo":
        taken = {d.ref for d in cust.invoices + cust.credits}
        line.remittance = _refs_text([_typo(one.ref, rng, taken)], rng, language)
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
        line.remittance = _refs_text([one.ref], rng, language) + rng.choice(
            ("", " LESS DAMAGED GOODS", " DEDUCCION PROMOCION", " SHORTAGE")
        )
        return {one.ref: one.open - cut}, one.open - cut, cust.ref, False
    if scenario == "discount":
        recent = [d for d in invoices if (as_of - d.doc_date).days <= 12]
        if not recent:
            return None
        doc = rng.choice(recent)
        paid = (doc.open * Decimal("0.98")).quantize(places)
        line.remittance = _refs_text([doc.ref], rng, language) + rng.choice(("", " 2% DISC"))
        return {doc.ref: paid}, paid, cust.ref, False
    if scenario == "charges":
        low, high = CHARGES.get(cust.currency, (5, 30))
        fee = Decimal(rng.randint(low, high))
        k = min(len(invoices), rng.randint(1, 3))
        picked = invoices[:k]
        due = sum((d.open for d in picked), ZERO)
        if fee >= due * Decimal("0.1") or fee >= picked[-1].open:
            return None
        line.remittance = _refs_text([d.ref for d in picked], rng, language)
        docs = {d.ref: d.open for d in picked}
        docs[picked[-1].ref] -= fee
        return docs, due - fee, cust.ref, False
    if scenario == "over":
        extra = (one.open * Decimal(rng.randint(3, 25)) / 100).quantize(places)
        line.remittance = _refs_text([one.ref], rng, language)
        return {one.ref: one.open}, one.open + extra, cust.ref, False
    raise ValueError(scenario)


# --------------------------------------------------------------------------- writers
def _amt(value: Decimal, currency: str) -> str:
    return format_amount(abs(value), currency)


def write_camt053(statement: GeneratedStatement) -> bytes:
    """ISO 20022 camt.053.001.02 with one entry (and one TxDtls) per line."""
    cur = statement.currency
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        "<BkToCstmrStmt>",
        f"<GrpHdr><MsgId>{escape(statement.statement_id)}</MsgId>"
        f"<CreDtTm>{statement.closing_date.isoformat()}T20:00:00</CreDtTm></GrpHdr>",
        f"<Stmt><Id>{escape(statement.statement_id)}</Id>"
        f"<CreDtTm>{statement.closing_date.isoformat()}T20:00:00</CreDtTm>",
        f"<Acct><Id>{_account_xml(statement.account)}</Id><Ccy>{cur}</Ccy></Acct>",
    ]
    for code, value, day in (
        ("OPBD", statement.opening_balance, statement.opening_date),
        ("CLBD", statement.closing_balance, statement.closing_date),
    ):
        out.append(
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="{cur}">{_amt(value, cur)}</Amt>'
            f"<CdtDbtInd>{'CRDT' if value >= 0 else 'DBIT'}</CdtDbtInd>"
            f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )
    for line in statement.lines:
        credit = line.amount > 0
        party = "Dbtr" if credit else "Cdtr"
        parties = ""
        if line.counterparty_name or line.counterparty_account:
            parties = "<RltdPties>"
            if line.counterparty_name:
                parties += f"<{party}><Nm>{escape(line.counterparty_name)}</Nm></{party}>"
            if line.counterparty_account:
                parties += (
                    f"<{party}Acct><Id>{_account_xml(line.counterparty_account)}</Id></{party}Acct>"
                )
            parties += "</RltdPties>"
        remittance = ""
        if line.remittance or line.creditor_reference:
            remittance = "<RmtInf>"
            if line.remittance:
                remittance += f"<Ustrd>{escape(line.remittance)}</Ustrd>"
            if line.creditor_reference:
                remittance += (
                    "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                    "<Issr>ISO</Issr></Tp>"
                    f"<Ref>{escape(line.creditor_reference)}</Ref></CdtrRefInf></Strd>"
                )
            remittance += "</RmtInf>"
        e2e = line.end_to_end_id or "NOTPROVIDED"
        out.append(
            f'<Ntry><Amt Ccy="{cur}">{_amt(line.amount, cur)}</Amt>'
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{line.booking_date.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{line.value_date.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{escape(line.bank_reference)}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly>"
            f"<Cd>{'RCDT' if credit else 'CCRD'}</Cd>"
            f"<SubFmlyCd>{'ESCT' if credit else 'CHRG'}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            "<NtryDtls><TxDtls><Refs>"
            f"<AcctSvcrRef>{escape(line.bank_reference)}</AcctSvcrRef>"
            f"<EndToEndId>{escape(e2e)}</EndToEndId></Refs>"
            f"{parties}{remittance}</TxDtls></NtryDtls></Ntry>"
        )
    out += ["</Stmt>", "</BkToCstmrStmt>", "</Document>", ""]
    return "\n".join(out).encode("utf-8")


def _account_xml(account: str) -> str:
    if account[:2].isalpha() and account[2:4].isdigit() and len(account) >= 15:
        return f"<IBAN>{escape(account)}</IBAN>"
    return f"<Othr><Id>{escape(account)}</Id></Othr>"


def _swift(text: str) -> str:
    """The SWIFT character set: letters, digits and a few signs; nothing else survives."""
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-?:().,'+ ")
    import unicodedata

    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if ch in allowed)


def _mt_amount(value: Decimal, currency: str) -> str:
    return _amt(value, currency).replace(".", ",")


def write_mt940(statement: GeneratedStatement) -> bytes:
    """SWIFT MT940 with the SEPA-style :86: layout (/EREF/ /ORDP//NAME/ /IBAN/ /REMI/)."""
    cur = statement.currency

    def bal(tag: str, value: Decimal, day: dt.date) -> str:
        mark = "C" if value >= 0 else "D"
        return f":{tag}:{mark}{day:%y%m%d}{cur}{_mt_amount(value, cur)}"

    out = [
        f":20:{statement.statement_id[:16]}",
        f":25:{statement.account}",
        f":28C:{statement.closing_date:%j}/1",
        bal("60F", statement.opening_balance, statement.opening_date),
    ]
    for line in statement.lines:
        mark = "C" if line.amount > 0 else "D"
        out.append(
            f":61:{line.value_date:%y%m%d}{line.booking_date:%m%d}{mark}"
            f"{_mt_amount(line.amount, cur)}NTRFNONREF//{line.bank_reference[:16]}"
        )
        details = ""
        if line.end_to_end_id:
            details += f"/EREF/{line.end_to_end_id}"
        if line.counterparty_name:
            details += f"/ORDP//NAME/{_swift(line.counterparty_name)}"
        if line.counterparty_account:
            details += f"/IBAN/{line.counterparty_account}"
        remi = line.remittance or (
            f"RFB {line.creditor_reference}" if line.creditor_reference else ""
        )
        details += f"/REMI/{_swift(remi).replace('/', ' ')}" if remi else "/REMI/"
        chunks = [details[i : i + 65] for i in range(0, len(details), 65)][:6]
        out.append(":86:" + "\n".join(chunks))
    out.append(bal("62F", statement.closing_balance, statement.closing_date))
    out.append("-")
    return ("\r\n".join(out) + "\r\n").encode("ascii", "replace")


def write_bai2(statements: Sequence[GeneratedStatement], *, created: dt.datetime) -> bytes:
    """BAI2 with one group per statement date and one account per statement; control totals,
    record counts and 88 continuations as banks send them."""
    records: list[str] = [f"01,OPENAR,DEMOBANK,{created:%y%m%d},{created:%H%M},1,,,2/"]
    file_total = 0
    groups = 0
    for statement in statements:
        cur = statement.currency
        scale = 10 ** minor_units(cur)

        def minor(value: Decimal, scale: int = scale) -> int:
            return int(value * scale)

        group = [f"02,OPENAR,DEMOBANK,1,{statement.closing_date:%y%m%d},,{cur},2/"]
        opening, closing = minor(statement.opening_balance), minor(statement.closing_balance)
        account = [f"03,{statement.account},{cur},010,{opening},,,015,{closing},,/"]
        total = opening + closing
        for line in statement.lines:
            amount = abs(minor(line.amount))
            total += amount
            code = "195" if line.amount > 0 else "698"
            text = " ".join(
                x
                for x in (
                    line.counterparty_name,
                    f"ACCT {line.counterparty_account}" if line.counterparty_account else "",
                    line.remittance,
                    line.creditor_reference,
                )
                if x
            )
            words = _swift(text).replace("/", " ").replace(",", " ").split()
            first = f"16,{code},{amount},0,{line.bank_reference},{line.end_to_end_id},"
            # Continuations break between words (the parser joins them with a space).
            chunks: list[str] = []
            for word in words:
                if chunks and len(chunks[-1]) + len(word) < 70:
                    chunks[-1] += " " + word
                else:
                    chunks.append(word)
            account.append(first + (chunks[0] if chunks else ""))
            account.extend(f"88,{chunk}" for chunk in chunks[1:])
        account.append(f"49,{total},{len(account) + 1}/")
        group += account
        group.append(f"98,{total},1,{len(group) + 1}/")
        records += group
        file_total += total
        groups += 1
    records.append(f"99,{file_total},{groups},{len(records) + 1}/")
    return ("\n".join(records) + "\n").encode("ascii", "replace")


def write_files(
    result: Generated, out: Path, *, formats: Iterable[str] = ("camt", "mt940", "bai2")
) -> list[Path]:
    """Write each statement once, in the formats in turn (camt, then MT940, then BAI2...)."""
    out.mkdir(parents=True, exist_ok=True)
    formats = list(formats)
    written: list[Path] = []
    bai2: list[GeneratedStatement] = []
    for i, statement in enumerate(result.statements):
        fmt = formats[i % len(formats)]
        stem = f"{statement.statement_id}"
        if fmt == "camt":
            path = out / f"{stem}.camt053.xml"
            path.write_bytes(write_camt053(statement))
            written.append(path)
        elif fmt == "mt940":
            path = out / f"{stem}.sta"
            path.write_bytes(write_mt940(statement))
            written.append(path)
        elif fmt == "bai2":
            bai2.append(statement)
        else:
            raise ValueError(f"unknown statement format {fmt!r}")
    if bai2:
        path = out / f"{bai2[0].statement_id}.bai2"
        created = dt.datetime.combine(bai2[0].closing_date, dt.time(20, 0))
        path.write_bytes(write_bai2(bai2, created=created))
        written.append(path)
    return written


def seed_payer_accounts(result: Generated) -> int:
    """Store the payer accounts the generator says were learnt from earlier applications."""
    from openar.cashapp.models import PayerAccount
    from openar.ledger.models import Customer

    ids = dict(
        Customer.objects.filter(customer_ref__in=set(result.payer_accounts.values())).values_list(
            "customer_ref", "id"
        )
    )
    rows = [
        PayerAccount(account=a, customer_id=ids[c], learnt_from="application")
        for a, c in result.payer_accounts.items()
        if c in ids
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
    for e2e, t in result.truth.items():
        pk, status = lines.get(e2e, (None, None))
        stats = by_scenario[t.scenario]
        stats[0] += 1
        if status != LineStatus.AUTO_APPLIED or pk is None:
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
    return {
        "lines": total,
        "auto_applied": auto,
        "correct": correct,
        "auto_rate": auto / total if total else 0.0,
        "precision": correct / auto if auto else 1.0,
        "by_scenario": {
            k: {"lines": v[0], "auto": v[1], "correct": v[2]}
            for k, v in sorted(by_scenario.items())
        },
        "wrong": wrong,
    }


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
    for written in write_files(result, out, formats=("camt",)):
        try:
            imported.append(statement_import(path=written, actor=actor).as_dict())
        except Conflict:
            continue  # loaded by an earlier demo run
    summary = lines_match(as_of=as_of, actor=actor)
    return {"files": imported, "match": summary.as_dict()}
