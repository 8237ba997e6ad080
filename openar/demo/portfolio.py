"""The demo portfolio: a realistic, deterministic AR ledger written as OpenAR CSV files.

``demo_data`` writes customers, items (two years of invoices, credit and debit memos with their
payment history), receipts, applications and daily FX rates, then optionally loads them through the
ordinary importer. Everything derives from ``random.Random(seed)`` and ``as_of`` (never the wall
clock), so the same seed and date give byte-identical files. Rows are streamed to disk one customer
at a time, which keeps memory flat up to 100,000 customers (~1M open items).

Amounts are handled as integers of the currency's minor units inside the generator: exact, fast,
and formatted once when written. The random numbers only choose values; the written strings are the
data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openar.core.money import minor_units
from openar.demo.addresses import postal_address
from openar.ingest.choices import ImportKind
from openar.ingest.formats import LAYOUT_COLUMNS

# Bump when the generator's output changes, so cached benchmark data is regenerated.
GENERATOR_VERSION = 4
CUSTOMERS_PER_COLLECTOR = 600
# About $1M of open balance per 600-account portfolio.
TARGET_OPEN_USD_PER_CUSTOMER = 1_000_000 / CUSTOMERS_PER_COLLECTOR
HISTORY_DAYS = 730

# The postal address is an extra column: the importer keeps it in the customer's attributes.
CUSTOMER_HEADER = [*LAYOUT_COLUMNS[ImportKind.CUSTOMERS], "address"]
# About one customer in twelve has no email address on file: it gets letters.
NO_EMAIL_SHARE = 1 / 12
ITEM_HEADER = LAYOUT_COLUMNS[ImportKind.ITEMS]
RECEIPT_HEADER = LAYOUT_COLUMNS[ImportKind.RECEIPTS]
APPLICATION_HEADER = LAYOUT_COLUMNS[ImportKind.APPLICATIONS]
FX_HEADER = LAYOUT_COLUMNS[ImportKind.FX_RATES]

# File names in load order (open-items.csv is a copy of the open rows, for benchmarks).
FILES = {
    "fx-rates": "fx-rates.csv",
    "customers": "customers.csv",
    "items": "items.csv",
    "receipts": "receipts.csv",
    "applications": "applications.csv",
}
OPEN_ITEMS_FILE = "open-items.csv"


@dataclass(frozen=True)
class EntitySpec:
    code: str
    name: str
    currency: str
    country: str
    language: str
    weight: int
    # Share of this entity's customers billed in USD rather than the local currency.
    usd_share: float
    terms: tuple[int, ...]  # payment terms to draw from (30/45/60 days)
    methods: tuple[str, ...]
    legal_suffixes: tuple[str, ...]
    phone_prefix: str


ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec("US01", "OpenAR Demo Inc.", "USD", "US", "en", 40, 0.0, (30, 30, 30, 45, 60),
               ("ACH", "ACH", "wire", "check", "card"), ("Inc.", "LLC", "Corp.", "Co."), "+1"),
    EntitySpec("MX01", "OpenAR Demo México S.A. de C.V.", "MXN", "MX", "es", 20, 0.25,
               (30, 45, 60, 60), ("SPEI", "SPEI", "SPEI", "wire", "check"),
               ("S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V."), "+52"),
    EntitySpec("ES01", "OpenAR Demo España S.L.", "EUR", "ES", "es", 15, 0.0, (30, 45, 60, 60),
               ("SEPA", "SEPA", "SEPA", "wire"), ("S.L.", "S.A.", "S.L.U."), "+34"),
    EntitySpec("CR01", "OpenAR Demo Costa Rica S.A.", "CRC", "CR", "es", 10, 0.35, (30, 30, 45),
               ("SINPE", "SINPE", "wire", "check"), ("S.A.", "S.R.L.", "Ltda."), "+506"),
    EntitySpec("PH01", "OpenAR Demo Philippines Inc.", "PHP", "PH", "en", 15, 0.0, (30, 45, 60),
               ("PESONet", "InstaPay", "check", "check", "wire"), ("Inc.", "Corp.", "Co."), "+63"),
)  # fmt: skip

# Units of USD per unit of currency around which the daily rates wander, and daily volatility.
FX_CENTERS = {"MXN": 0.055, "CRC": 0.0019, "PHP": 0.0175, "EUR": 1.08}
FX_VOLATILITY = {"MXN": 0.006, "CRC": 0.003, "PHP": 0.003, "EUR": 0.004}

# segment: (share of customers, relative size, invoices per month)
SEGMENTS = {
    "strategic": (0.02, 12.0, 8.0),
    "key": (0.10, 3.5, 4.0),
    "standard": (0.48, 1.0, 2.0),
    "small": (0.40, 0.35, 1.3),
}

# behaviour: share of customers
BEHAVIOURS = {
    "prompt": 0.27,
    "normal": 0.22,
    "late": 0.19,
    "seasonal": 0.08,
    "deteriorating": 0.08,
    "disputer": 0.10,
    "stopped": 0.03,
    "new": 0.03,
}

_WORDS_EN = (
    "Acme", "Apex", "Atlas", "Beacon", "Blue", "Bright", "Cedar", "Coastal", "Crest", "Delta",
    "Eagle", "Evergreen", "Falcon", "Frontier", "Golden", "Granite", "Harbor", "Horizon", "Iron",
    "Keystone", "Lakeside", "Liberty", "Maple", "Meridian", "Northern", "Oak", "Pacific", "Peak",
    "Pioneer", "Prairie", "Redwood", "Ridge", "River", "Summit", "Sun", "Titan", "Union", "Valley",
    "Vista", "Western",
)  # fmt: skip
_TRADES_EN = (
    "Foods", "Logistics", "Supply", "Industries", "Distributors", "Retail", "Pharma", "Motors",
    "Electric", "Builders", "Textiles", "Packaging", "Hardware", "Beverages", "Health", "Systems",
    "Trading", "Farms", "Plastics", "Steel",
)  # fmt: skip
_WORDS_ES = (
    "Águila", "Alameda", "Andes", "Aurora", "Azteca", "Bahía", "Cántabra", "Caribe", "Cielo",
    "Cordillera", "Costa", "Del Valle", "Estrella", "Galicia", "Guadalupe", "Horizonte", "Ibérica",
    "Laguna", "Levante", "Luna", "Maya", "Mediterránea", "Monterrey", "Nogal", "Norte", "Olivo",
    "Pacífico", "Palma", "Peninsular", "Pirineo", "Puerto", "Roble", "Sierra", "Sol", "Sur",
    "Tierra", "Toledo", "Volcán",
)  # fmt: skip
_TRADES_ES = (
    "Alimentos", "Logística", "Suministros", "Industrias", "Distribuidora", "Comercial",
    "Farmacéutica", "Motores", "Eléctrica", "Constructora", "Textil", "Empaques", "Ferretería",
    "Bebidas", "Salud", "Sistemas", "Agrícola", "Plásticos", "Aceros", "Transportes",
)  # fmt: skip


@dataclass(slots=True)
class _Doc:
    ref: str
    doc_type: str
    date: int  # ordinal
    due: int
    amount: int  # minor units, negative for credit memos
    open: int
    cleared: int | None = None
    reference: str = ""
    po: str = ""
    disputed: bool = False


@dataclass
class _Counters:
    documents: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    open_minor: dict[str, int] = field(default_factory=dict)
    open_usd: float = 0.0

    def next_doc(self, entity: str) -> int:
        n = self.documents.get(entity, 0) + 1
        self.documents[entity] = n
        return n

    def next_receipt(self, entity: str) -> int:
        n = self.receipts.get(entity, 0) + 1
        self.receipts[entity] = n
        return n

    def add(self, name: str, n: int = 1) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


def default_collectors(customers: int) -> int:
    return max(1, math.ceil(customers / CUSTOMERS_PER_COLLECTOR))


def format_minor(value: int, places: int) -> str:
    """Integer minor units to a plain decimal string with exactly ``places`` decimals."""
    if places == 2 and value >= 0:  # the common case, kept short because it runs ~10M times
        return f"{value // 100}.{value % 100:02d}"
    sign = "-" if value < 0 else ""
    if places == 0:
        return f"{sign}{abs(value)}"
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


class _Generator:
    """Writes one portfolio. One instance per run; holds only per-customer state plus counters."""

    def __init__(self, *, customers: int, collectors: int, seed: int, as_of: dt.date) -> None:
        self.n_customers = customers
        self.n_collectors = collectors
        self.rng = random.Random(seed)
        # Addresses and missing emails draw from their own stream: the rest of the portfolio is
        # the same with or without them.
        self.address_rng = random.Random(f"addresses-{seed}")
        self.as_of = as_of.toordinal()
        self.start = self.as_of - HISTORY_DAYS
        # ISO strings for every day a document may carry (history start .. due dates after as_of).
        self._iso_base = self.start - 400
        self._iso = [
            dt.date.fromordinal(o).isoformat() for o in range(self._iso_base, self.as_of + 400)
        ]
        self._mid_or_month_end = [
            self._next_run_day(o) for o in range(self._iso_base, self.as_of + 400)
        ]
        self.rates = self._fx_paths()
        self.counters = _Counters()
        self.entity_weights = [e.weight for e in ENTITIES]
        self.segment_names = list(SEGMENTS)
        self.segment_weights = [SEGMENTS[s][0] for s in SEGMENTS]
        self.behaviour_names = list(BEHAVIOURS)
        self.behaviour_weights = list(BEHAVIOURS.values())
        self.places = {e.currency: minor_units(e.currency) for e in ENTITIES} | {"USD": 2}
        # Monthly sales of a standard account. The divisor is calibrated by measurement (open
        # balance is ~6 months of a standard account's sales across the behaviour mix), so the
        # portfolio lands near $1M of open items per 600 accounts.
        self._base_monthly_usd = TARGET_OPEN_USD_PER_CUSTOMER / 6.0

    # -- dates and FX -------------------------------------------------------------------------
    def iso(self, ordinal: int) -> str:
        return self._iso[ordinal - self._iso_base]

    @staticmethod
    def _next_run_day(ordinal: int) -> int:
        d = dt.date.fromordinal(ordinal)
        if d.day <= 15:
            return dt.date(d.year, d.month, 15).toordinal()
        return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1).toordinal() - 1

    def _fx_paths(self) -> dict[str, list[float]]:
        """A mean-reverting random walk per currency, one rate per day from history start."""
        days = self.as_of - self.start + 1
        paths: dict[str, list[float]] = {}
        for cur in sorted(FX_CENTERS):
            center = math.log(FX_CENTERS[cur])
            level = center + self.rng.gauss(0, 0.03)
            sigma = FX_VOLATILITY[cur]
            path = []
            for _ in range(days):
                level += 0.02 * (center - level) + self.rng.gauss(0, sigma)
                path.append(math.exp(level))
            paths[cur] = path
        return paths

    def usd_rate(self, currency: str, ordinal: int) -> float:
        if currency == "USD":
            return 1.0
        index = min(max(ordinal - self.start, 0), self.as_of - self.start)
        return self.rates[currency][index]

    def write_fx(self, writer: Any) -> None:
        writer.writerow(FX_HEADER)
        for offset in range(self.as_of - self.start + 1):
            day = self.iso(self.start + offset)
            for cur in sorted(self.rates):
                writer.writerow([day, cur, "USD", f"{self.rates[cur][offset]:.10f}"])
                self.counters.add("fx-rates")

    # -- customers ------------------------------------------------------------------------------
    def _name(self, spec: EntitySpec, index: int) -> str:
        rng = self.rng
        if spec.language == "es":
            base = f"{rng.choice(_TRADES_ES)} {rng.choice(_WORDS_ES)}"
        else:
            base = f"{rng.choice(_WORDS_EN)} {rng.choice(_TRADES_EN)}"
        # Names may repeat across a 100k-account portfolio, as in real ledgers; the customer
        # number is what identifies an account.
        return f"{base} {rng.choice(spec.legal_suffixes)}"

    def customers(self) -> Iterator[dict[str, Any]]:
        """Yield customer profiles in file order (a parent always comes before its children)."""
        rng = self.rng
        parent: dict[str, Any] | None = None
        children_left = 0
        for index in range(self.n_customers):
            ref = f"C{index + 1:07d}"
            if children_left > 0 and parent is not None:
                spec = parent["spec"]
                collector = parent["collector"]
                parent_ref = parent["ref"]
                children_left -= 1
            else:
                spec = rng.choices(ENTITIES, weights=self.entity_weights)[0]
                collector = f"collector{index * self.n_collectors // self.n_customers + 1}"
                parent_ref = ""
            segment = rng.choices(self.segment_names, weights=self.segment_weights)[0]
            behaviour = rng.choices(self.behaviour_names, weights=self.behaviour_weights)[0]
            currency = "USD" if rng.random() < spec.usd_share else spec.currency
            profile = {
                "ref": ref,
                "index": index + 1,
                "spec": spec,
                "currency": currency,
                "collector": collector,
                "parent_ref": parent_ref,
                "segment": segment,
                "behaviour": behaviour,
                "terms": rng.choice(spec.terms),
                "name": self._name(spec, index + 1),
            }
            # About 5% of accounts head a group of 2-4 subsidiaries listed right after them.
            if not parent_ref and rng.random() < 0.05 and index + 3 < self.n_customers:
                parent = profile
                children_left = rng.randint(2, 4)
                profile["segment"] = rng.choice(("strategic", "key", "key"))
            yield profile

    def customer_row(self, p: dict[str, Any], monthly_minor: int) -> list[str]:
        spec: EntitySpec = p["spec"]
        places = self.places[p["currency"]]
        # Credit limit: a round figure covering about terms + 5 months of sales, so most
        # accounts sit inside their line and the late and stopped payers run over it.
        raw = monthly_minor * (p["terms"] / 30 + 5) / 10**places
        magnitude = 10 ** max(0, int(math.log10(max(raw, 1))) - 1)
        limit = int(math.ceil(raw / magnitude) * magnitude) * 10**places
        slug = "".join(ch for ch in p["name"].lower() if ch.isalnum())[:24]
        no_email = self.address_rng.random() < NO_EMAIL_SHARE
        phone = (
            f"{spec.phone_prefix} {self.rng.randint(200, 999)} {self.rng.randint(1000000, 9999999)}"
        )
        return [
            p["ref"],
            p["name"],
            p["parent_ref"],
            spec.code,
            p["currency"],
            format_minor(limit, places),
            str(p["terms"]),
            spec.language,
            spec.country,
            p["collector"],
            p["segment"],
            "" if no_email else f"ap{p['index']}@{slug or 'customer'}.example.com",
            phone,
            postal_address(spec.country, self.address_rng),
        ]

    # -- history ----------------------------------------------------------------------------------
    def _delay(self, p: dict[str, Any], due: int) -> int | None:
        """Days after the due date the customer pays, or None when it never pays."""
        rng = self.rng
        behaviour = p["behaviour"]
        if behaviour == "prompt":
            return rng.randint(-6, 3)
        if behaviour in ("normal", "new"):
            return int(rng.triangular(0, 45, 12))
        if behaviour == "late":
            return int(rng.triangular(15, 100, 40))
        if behaviour == "seasonal":
            month = dt.date.fromordinal(due).month
            if month in p["slow_months"]:
                return int(rng.triangular(25, 90, 50))
            return int(rng.triangular(-3, 15, 2))
        if behaviour == "deteriorating":
            progress = (due - self.start) / HISTORY_DAYS
            return int(rng.triangular(0, 20, 5) + 140 * progress**2 * p["steepness"])
        if behaviour == "disputer":
            return int(rng.triangular(0, 40, 10))
        if behaviour == "stopped":
            if due >= p["stop"]:
                return None
            return int(rng.triangular(5, 60, 20))
        raise AssertionError(behaviour)

    def _pay_day(self, p: dict[str, Any], day: int) -> int:
        """Snap a payment to the customer's payment run (a weekday, or the 15th/month end)."""
        run = p["run"]
        if run < 7:
            # (ordinal - 1) % 7 is the weekday, Monday = 0.
            return day + (run - (day - 1) % 7) % 7
        return self._mid_or_month_end[day - self._iso_base]

    def history(
        self, p: dict[str, Any]
    ) -> tuple[list[_Doc], dict[int, list[tuple[str, int]]], float]:
        """One customer's documents and its payments grouped by receipt date."""
        rng = self.rng
        spec: EntitySpec = p["spec"]
        currency = p["currency"]
        places = self.places[currency]
        _, size, per_month = SEGMENTS[p["segment"]]
        per_month *= rng.uniform(0.7, 1.3)
        monthly_usd = self._base_monthly_usd * size * math.exp(rng.gauss(0, 0.5))
        gap = 30.4 / per_month
        p["slow_months"] = {(p["index"] % 12) + 1, (p["index"] % 12 + 1) % 12 + 1}
        p["steepness"] = rng.uniform(0.6, 1.4)
        # Payment runs: a weekday (0-4) or twice a month (7); monthly runs mean fewer receipts.
        p["run"] = rng.choice((0, 1, 2, 3, 4, 4, 7, 7, 7, 7))
        first = self.start + rng.randint(0, int(gap))
        if p["behaviour"] == "new":
            first = self.as_of - rng.randint(60, 300)
        last = self.as_of
        if p["behaviour"] == "stopped":
            p["stop"] = self.as_of - rng.randint(120, 420)
            # Invoicing stops a few weeks after payments do (the account goes on credit hold).
            last = p["stop"] + rng.randint(30, 90)
            monthly_usd *= 1.6
        unit = 10**places
        p_dispute = 0.18 if p["behaviour"] == "disputer" else 0.008
        p_short = 0.14 if p["behaviour"] == "disputer" else 0.035
        docs: list[_Doc] = []
        payments: dict[int, list[tuple[str, int]]] = {}

        def pay(day: int, ref: str, amount: int) -> None:
            payments.setdefault(day, []).append((ref, amount))

        path = self.rates.get(currency)
        start = self.start
        top = self.as_of - start
        average = monthly_usd / per_month
        minimum = 25 * unit
        code = spec.code
        numbers = self.counters.documents
        random_ = rng.random
        gauss = rng.gauss
        exp = math.exp
        day = first
        while day <= last:
            rate = path[min(max(day - start, 0), top)] if path else 1.0
            debit = random_() < 0.012
            amount_usd = average * exp(gauss(-0.1, 0.45))
            if debit:
                amount_usd *= 0.08
            amount = max(int(amount_usd / rate * unit), minimum)
            n = numbers[code] = numbers.get(code, 0) + 1
            doc = _Doc(
                ref=f"{'DM' if debit else 'INV'}{spec.code[:2]}{n:08d}",
                doc_type="debit_memo" if debit else "invoice",
                date=day,
                due=day + p["terms"],
                amount=amount,
                open=amount,
                reference=f"SO{spec.code[:2]}{n:08d}",
                po=f"PO-{int(random_() * 990000) + 10000}" if random_() < 0.6 else "",
            )
            docs.append(doc)
            credit: _Doc | None = None
            if not debit and random_() < 0.03:
                cm_amount = -max(int(amount * rng.uniform(0.03, 0.2)), unit)
                cm_day = day + rng.randint(5, 40)
                if cm_day <= self.as_of:
                    m = self.counters.next_doc(spec.code)
                    credit = _Doc(
                        ref=f"CM{spec.code[:2]}{m:08d}",
                        doc_type="credit_memo",
                        date=cm_day,
                        due=cm_day,
                        amount=cm_amount,
                        open=cm_amount,
                        reference=doc.ref,
                    )
                    docs.append(credit)
            self._settle(p, doc, credit, random_() < p_dispute, p_short, pay)
            # The business grows: invoices come 0.45x as often two years ago as on average and
            # 1.55x as often now, which also keeps ~10 recent items open per account.
            growth = 0.45 + 1.1 * (day - self.start) / HISTORY_DAYS
            day += max(1, round(gap / growth * rng.uniform(0.5, 1.5)))
        return docs, payments, monthly_usd

    def _settle(
        self,
        p: dict[str, Any],
        doc: _Doc,
        credit: _Doc | None,
        disputed: bool,
        p_short: float,
        pay: Any,
    ) -> None:
        """Decide how (and whether, by as_of) the customer paid this document."""
        rng = self.rng
        as_of = self.as_of
        unit = 10 ** self.places[p["currency"]]
        if disputed:
            if doc.date > as_of - 240:
                doc.disputed = True  # still being worked: stays open, unpaid
                return
            delay: int | None = rng.randint(60, 160)  # resolved long ago, paid late
        else:
            delay = self._delay(p, doc.due)
        if delay is None:
            return
        day = self._pay_day(p, doc.due + delay)
        if day > as_of:
            return
        roll = rng.random()
        if credit is not None and credit.date <= day and roll >= p_short:
            # The customer nets the credit memo; the ERP clears both with the payment.
            paid = doc.amount + credit.amount
            pay(day, doc.ref, paid)
            doc.open = credit.open = 0
            doc.cleared = credit.cleared = day
            return
        if roll < p_short:
            # Short payment: a deduction stays open until someone chases it.
            deduction = max(int(doc.amount * rng.uniform(0.01, 0.08)), unit)
            pay(day, doc.ref, doc.amount - deduction)
            doc.open = deduction
            later = self._pay_day(p, day + rng.randint(30, 150))
            if rng.random() < 0.45 and later <= as_of:
                pay(later, doc.ref, deduction)
                doc.open, doc.cleared = 0, later
            elif p["behaviour"] != "disputer" and rng.random() < 0.8:
                # Researched and accepted: billing credits it, the ERP clears it with no cash.
                settled = day + rng.randint(60, 150)
                if settled <= as_of:
                    doc.open, doc.cleared = 0, settled
            return
        if roll < p_short + 0.03:
            # Partial payments: part now, the rest a few weeks later.
            first_part = int(doc.amount * rng.uniform(0.3, 0.7))
            pay(day, doc.ref, first_part)
            doc.open = doc.amount - first_part
            later = self._pay_day(p, day + rng.randint(14, 50))
            if later <= as_of:
                pay(later, doc.ref, doc.open)
                doc.open, doc.cleared = 0, later
            return
        pay(day, doc.ref, doc.amount)
        doc.open, doc.cleared = 0, day

    def _remittance(self, p: dict[str, Any], refs: list[str]) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return ""
        if roll < 0.25:
            return f"{p['name'].split(' (')[0].upper()} PAYMENT"
        shown = " ".join(refs[:12])
        lead = "PAGO FACTURAS" if p["spec"].language == "es" else "PAYMENT INV"
        return f"{lead} {shown}"

    # -- the run --------------------------------------------------------------------------------
    def run(self, out: Path) -> dict[str, Any]:
        out.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:

            def opened(name: str) -> Any:
                handle = stack.enter_context(
                    open(out / name, "w", encoding="utf-8", newline="", buffering=1 << 20)
                )
                return csv.writer(handle, lineterminator="\n")

            fx = opened(FILES["fx-rates"])
            customers = opened(FILES["customers"])
            items = opened(FILES["items"])
            open_items = opened(OPEN_ITEMS_FILE)
            receipts = opened(FILES["receipts"])
            applications = opened(FILES["applications"])
            self.write_fx(fx)
            customers.writerow(CUSTOMER_HEADER)
            items.writerow(ITEM_HEADER)
            open_items.writerow(ITEM_HEADER)
            receipts.writerow(RECEIPT_HEADER)
            applications.writerow(APPLICATION_HEADER)
            for p in self.customers():
                self._write_customer(p, customers, items, open_items, receipts, applications)
        return {"files": {kind: str(out / name) for kind, name in FILES.items()}}

    def _write_customer(
        self,
        p: dict[str, Any],
        customers: Any,
        items: Any,
        open_items: Any,
        receipts: Any,
        applications: Any,
    ) -> None:
        rng = self.rng
        spec: EntitySpec = p["spec"]
        currency = p["currency"]
        places = self.places[currency]
        docs, payments, monthly_usd = self.history(p)
        monthly_minor = int(monthly_usd / self.usd_rate(currency, self.as_of) * 10**places)
        customers.writerow(self.customer_row(p, monthly_minor))
        self.counters.add("customers")
        code = spec.code
        iso = self.iso
        as_of_rate = self.usd_rate(currency, self.as_of)
        fmt = format_minor
        item_rows = []
        open_rows = []
        open_sum = 0
        for doc in docs:
            row = [
                code,
                p["ref"],
                doc.ref,
                doc.doc_type,
                iso(doc.date),
                iso(doc.due),
                currency,
                fmt(doc.amount, places),
                fmt(doc.open, places),
                iso(doc.cleared) if doc.cleared is not None else "",
                doc.reference,
                doc.po,
                "true" if doc.disputed else "false",
            ]
            item_rows.append(row)
            if doc.cleared is None:
                open_rows.append(row)
                open_sum += doc.open
        items.writerows(item_rows)
        open_items.writerows(open_rows)
        counters = self.counters
        counters.add("items", len(item_rows))
        counters.add("open_items", len(open_rows))
        counters.open_minor[currency] = counters.open_minor.get(currency, 0) + open_sum
        counters.open_usd += open_sum / 10**places * as_of_rate
        method = rng.choice(spec.methods)
        receipt_rows = []
        application_rows = []
        for day in sorted(payments):
            lines = payments[day]
            n = self.counters.next_receipt(code)
            receipt_ref = f"RC{code[:2]}{n:09d}"
            total = sum(amount for _, amount in lines)
            remittance = self._remittance(p, [ref for ref, _ in lines])
            day_iso = iso(day)
            receipt_rows.append(
                [code, receipt_ref, p["ref"], day_iso, currency, fmt(total, places), method,
                 remittance]
            )  # fmt: skip
            for ref, amount in lines:
                application_rows.append([code, receipt_ref, ref, fmt(amount, places), day_iso])
        receipts.writerows(receipt_rows)
        applications.writerows(application_rows)
        counters.add("receipts", len(receipt_rows))
        counters.add("applications", len(application_rows))
        # Cash nobody has applied yet: unidentified receipts (no customer) that name one of this
        # customer's open invoices, and the odd payment on account.
        open_docs = [d for d in docs if d.cleared is None and d.open > 0]
        if open_docs and (p["index"] % 40 == 1 or rng.random() < 0.01):
            target = rng.choice(open_docs)
            n = self.counters.next_receipt(code)
            known = rng.random() < 0.3
            receipts.writerow(
                [code, f"RC{code[:2]}{n:09d}", p["ref"] if known else "",
                 iso(self.as_of - rng.randint(0, 20)), currency,
                 format_minor(target.open, places), rng.choice(spec.methods),
                 f"TRF {rng.randint(100000, 999999)} {target.ref}" if rng.random() < 0.7 else ""]
            )  # fmt: skip
            self.counters.add("receipts")
            self.counters.add("unapplied_receipts")


def _reset_ledger() -> None:
    """Delete every ledger row, children before parents."""
    from openar.ingest.models import ImportBatch
    from openar.ledger.models import (
        Application,
        Customer,
        CustomerAging,
        Document,
        DocumentChange,
        Entity,
        FxRate,
        Receipt,
    )

    Application.objects.all().delete()
    Receipt.objects.all().delete()
    DocumentChange.objects.all().delete()
    Document.objects.all().delete()
    CustomerAging.objects.all().delete()
    # Parents are PROTECTed from deletion while children point at them.
    Customer.objects.filter(parent__isnull=False).update(parent=None)
    Customer.objects.all().delete()
    FxRate.objects.all().delete()
    Entity.objects.all().delete()
    ImportBatch.objects.all().delete()


def generate_files(
    *, customers: int, collectors: int | None, seed: int, as_of: dt.date, output_dir: str | Path
) -> dict[str, Any]:
    """Write the portfolio's CSV files (no database access) and return what was written."""
    n_collectors = collectors or default_collectors(customers)
    started = time.perf_counter()
    gen = _Generator(customers=customers, collectors=n_collectors, seed=seed, as_of=as_of)
    written = gen.run(Path(output_dir))
    c = gen.counters
    return {
        "customers": c.rows.get("customers", 0),
        "collectors": n_collectors,
        "entities": [e.code for e in ENTITIES],
        "as_of": as_of.isoformat(),
        "seed": seed,
        "open_items": c.rows.get("open_items", 0),
        "history_items": c.rows.get("items", 0) - c.rows.get("open_items", 0),
        "items": c.rows.get("items", 0),
        "receipts": c.rows.get("receipts", 0),
        "unapplied_receipts": c.rows.get("unapplied_receipts", 0),
        "applications": c.rows.get("applications", 0),
        "fx_rates": c.rows.get("fx-rates", 0),
        "open_totals": {
            cur: format_minor(v, gen.places[cur]) for cur, v in sorted(c.open_minor.items())
        },
        "open_total_usd_approx": f"{c.open_usd:.2f}",
        "output_dir": str(output_dir),
        "files": written["files"] | {"open-items": str(Path(output_dir) / OPEN_ITEMS_FILE)},
        "generate_seconds": round(time.perf_counter() - started, 2),
    }


def demo_data(
    *,
    customers: int,
    collectors: int | None,
    seed: int,
    as_of: dt.date,
    output_dir: str | None,
    load: bool,
    reset: bool,
) -> dict[str, Any]:
    """Generate the demo portfolio as OpenAR CSV files and (``load``) import it with demo users."""
    from django.conf import settings

    out = Path(output_dir) if output_dir else Path(settings.VAR_DIR) / "demo" / f"seed{seed}"
    summary = generate_files(
        customers=customers, collectors=collectors, seed=seed, as_of=as_of, output_dir=out
    )
    if not load:
        summary["seconds"] = summary["generate_seconds"]
        return summary
    summary.update(load_files(summary, as_of=as_of, reset=reset))
    summary["seconds"] = round(summary["generate_seconds"] + summary["load_seconds"], 2)
    return summary


def load_files(summary: dict[str, Any], *, as_of: dt.date, reset: bool) -> dict[str, Any]:
    """Create entities and demo users, import the files in order and refresh the aging."""
    from django.conf import settings
    from django.db import transaction

    from openar.core.errors import OpenARError
    from openar.demo.users import ensure_demo_users
    from openar.ingest.services import import_file
    from openar.ledger.models import Entity
    from openar.ledger.services import aging_refresh, entity_add

    started = time.perf_counter()
    demo_mode = bool(settings.OPENAR_DEMO_MODE)
    if not demo_mode:
        print(
            "note: OPENAR_DEMO_MODE is off, so the demo users (admin, manager, collector1...) get "
            "no password and cannot sign in; existing users are left unchanged. Set a password "
            "with `openar manage changepassword USERNAME`, or run with OPENAR_DEMO_MODE=1 for "
            "the password 'demo'.",
            file=sys.stderr,
        )
    if reset:
        with transaction.atomic():
            _reset_ledger()
    ensure_demo_users(summary["collectors"], demo_mode=demo_mode)
    existing = set(Entity.objects.values_list("code", flat=True))
    for spec in ENTITIES:
        if spec.code not in existing:
            entity_add(code=spec.code, name=spec.name, currency=spec.currency, actor="demo-data")
    loaded: dict[str, Any] = {}
    for kind in FILES:
        result = import_file(
            kind=kind, path=summary["files"][kind], fmt="openar", actor="demo-data"
        )
        info = result.as_dict()
        if not result.loaded or info.get("rejected"):
            raise OpenARError(
                f"demo {kind} file was rejected: {info.get('errors', [])[:5]}",
                code="demo_load_failed",
            )
        loaded[kind] = {k: info[k] for k in ("rows", "created", "updated", "unchanged", "rejected")}
    aged = aging_refresh(as_of=as_of, actor="demo-data")
    return {
        "loaded": loaded,
        "customers_with_balance": aged,
        "load_seconds": round(time.perf_counter() - started, 2),
    }
