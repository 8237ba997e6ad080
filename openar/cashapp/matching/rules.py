"""The ladder of named situations and their confidence, the settings, and what matching
reads (``LineFacts``) and proposes (``Proposal``): shared by the other matching modules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from openar.cashapp.matching.index import Item

ZERO = Decimal(0)

# Named situations and their confidence (0..1). Kept in one table so docs and tests read it.
CONFIDENCE = {
    "remittance_advice": Decimal("0.99"),  # X12 820 RMR lines: the payer's own split
    "ref_exact": Decimal("0.99"),
    "ref_fuzzy": Decimal("0.97"),
    "ref_typo": Decimal("0.95"),
    "ref_typo_amount": Decimal("0.93"),  # one digit off an item that pays the amount exactly
    "name_exact_amount": Decimal("0.92"),  # the one same-named account paid to the cent
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
    # Through FX: the line's amount at the stored rate pays items in another currency. Named
    # by their references and within the ledger's FX tolerance (core.money.FX_TOLERANCE), the
    # items clear and the gap is the application's FX difference; found by amount alone, or a
    # short payment, a person decides.
    "fx_ref": Decimal("0.93"),
    "fx": Decimal("0.90"),
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
    "name_prefix": Decimal("0.95"),  # the start of a name a bank cut short
    "name_in_text": Decimal("0.96"),  # words of the free text that are a customer's name
    # The name, but with another legal form than the payer wrote ("ATLAS CORP" for Atlas LLC,
    # beside an Atlas Corp.): looked at only when no account of the form written fits.
    "name_other_form": Decimal("0.90"),
    # A form that begins with the one the payer wrote whole ("S.L.U." for "S.L.", Corp. for
    # "CO."): looked at when no account of the very form written fits.
    "name_near_form": Decimal("0.95"),
    "assigned": Decimal("1.00"),
}

MAX_SUBSET_ITEMS = 25  # open items a subset search looks at (oldest first)
MAX_SUBSET_SIZE = 5
SUBSET_BUDGET = 60_000  # search nodes per line: the bound that keeps matching linear


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
    # Stored rates from the line's currency: item currency -> (units per unit of the line's
    # currency, the rate's date). Empty: only items in the line's currency are looked at.
    fx: dict[str, tuple[Decimal, dt.date]] = field(default_factory=dict)


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
