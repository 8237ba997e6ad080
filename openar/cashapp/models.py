"""Bank statements imported into OpenAR, the receipts they become and how they were matched.

A statement file is imported once (``sha256`` of its bytes is unique, whatever its name); each line
keeps what the bank said. Credit lines become ``ledger.Receipt`` rows; debits are kept with status
``debit`` and never matched. Matching writes ``MatchProposal`` rows (ranked, with confidence and an
explanation) and, above the threshold or when a person confirms, ``ledger.Application`` rows that
``CashApplication`` links back to the line with their mode (auto or manual).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from openar.cashapp.choices import METHOD_LABELS, ApplicationMode, LineStatus
from openar.core.fields import AmountField

# ISO 20022 amounts have up to 5 fraction digits (18 digits in all): statement lines and
# balances keep them exactly; the receipt made of a line is rounded to the currency
# (docs/cash-application.md).
STATEMENT_AMOUNT_MAX_DIGITS = 23
STATEMENT_AMOUNT_DECIMAL_PLACES = 5


def StatementAmountField(**kwargs):
    return models.DecimalField(
        max_digits=STATEMENT_AMOUNT_MAX_DIGITS,
        decimal_places=STATEMENT_AMOUNT_DECIMAL_PLACES,
        **kwargs,
    )


class BankAccount(models.Model):
    """One of our own bank accounts: statements for an account we don't know are refused.

    ``currency`` is the account's main currency; ``currencies`` lists the other currencies a
    multi-currency account holds (lines and balances in any other currency are refused), and
    ``accept_unbalanced`` imports statements whose balances do not add up, with a warning."""

    entity = models.ForeignKey(
        "ledger.Entity", on_delete=models.PROTECT, related_name="bank_accounts"
    )
    name = models.CharField(max_length=120)
    bank_name = models.CharField(max_length=120, blank=True)
    account_number = models.CharField(max_length=64, unique=True)  # IBAN or local number, no spaces
    bic = models.CharField(max_length=11, blank=True)
    currency = models.CharField(max_length=3)
    currencies = models.JSONField(default=list, blank=True)  # ["SEK", "EUR"]: the other ones
    accept_unbalanced = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} {self.account_number}"

    @property
    def allowed_currencies(self) -> list[str]:
        """The main currency first, then the others of a multi-currency account."""
        return [self.currency, *(c for c in self.currencies or [] if c != self.currency)]


class BankLayout(models.Model):
    """A saved column mapping for a bank's CSV/XLSX export (lockbox or portal download).

    ``columns`` maps OpenAR fields to the file's headers: {"booking_date": "Fecha", "amount":
    "Importe", "remittance": ["Concepto", "Referencia"], ...}; ``options`` holds the date format,
    decimal separator, delimiter, encoding, header row and sign convention."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    bank_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="layouts"
    )
    columns = models.JSONField(default=dict)
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class StatementFile(models.Model):
    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.PROTECT, related_name="statement_files"
    )
    sha256 = models.CharField(max_length=64, unique=True)
    # The whole file's hash: a file holding several statements (a zip, a multi-account BAI2)
    # gives one row per statement, all with this hash; ``sha256`` is the file's own hash for the
    # first statement and a hash of (file hash, index) for the others.
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    statement_index = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    statement_id = models.CharField(max_length=80, blank=True)  # the bank's id for the statement
    opening_balance = StatementAmountField(null=True, blank=True)
    closing_balance = StatementAmountField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    # Per currency, for a multi-currency statement: [{"currency", "opening_balance",
    # "closing_balance", "opening_date", "closing_date"}], amounts as exact decimal strings.
    balances = models.JSONField(default=list, blank=True)
    # What the parser warned about and the import accepted: [{"code": "unbalanced",
    # "message", "position", "statement_id", "currency"}].
    warnings = models.JSONField(default=list, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class StatementLine(models.Model):
    statement = models.ForeignKey(StatementFile, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    booking_date = models.DateField(null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    amount = StatementAmountField()  # signed: credits positive; exactly as the bank wrote it
    currency = models.CharField(max_length=3)  # the line's own (multi-currency accounts)
    bank_reference = models.CharField(max_length=120, blank=True)
    end_to_end_id = models.CharField(max_length=120, blank=True)
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_account = models.CharField(max_length=64, blank=True)
    remittance = models.TextField(blank=True)
    creditor_reference = models.CharField(max_length=64, blank=True)
    transaction_code = models.CharField(max_length=40, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    receipt = models.OneToOneField(
        "ledger.Receipt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_line",
    )
    status = models.CharField(max_length=15, choices=LineStatus.choices, default=LineStatus.NEW)
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["statement", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "line_no"], name="statement_line_no"),
        ]
        indexes = [models.Index(fields=["status"], name="statement_line_status")]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.line_no} {self.amount} {self.currency}"


class MatchProposal(models.Model):
    """A suggested match for a line: a customer and how to split the amount over its items.

    ``allocations`` is [{"document_id": 1, "document_ref": "INV-1", "amount": "100.00"}, ...];
    what is left over (short/over payment, charges) is described in ``explanation``."""

    line = models.ForeignKey(StatementLine, on_delete=models.CASCADE, related_name="proposals")
    rank = models.PositiveSmallIntegerField()
    customer = models.ForeignKey(
        "ledger.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    allocations = models.JSONField(default=list)
    confidence = models.DecimalField(max_digits=5, decimal_places=4)  # 0..1
    method = models.CharField(max_length=40)  # e.g. "invoice_ref", "amount_subset", "payer_account"
    explanation = models.TextField()
    difference_amount = AmountField(default=0)  # paid minus allocated: < 0 short, > 0 over
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["line", "rank"], name="match_proposal_rank"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="match_confidence_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}#{self.rank} {self.method} {self.confidence}"

    @property
    def method_label(self) -> str:
        if self.method.startswith("fx_"):
            inner = METHOD_LABELS.get(self.method[3:], self.method[3:])
            return str(_("through exchange rate: %(how)s") % {"how": inner})
        return str(METHOD_LABELS.get(self.method, self.method))


class CashApplication(models.Model):
    """Links a ledger application to the statement line it came from, with auto/manual mode."""

    line = models.ForeignKey(StatementLine, on_delete=models.PROTECT, related_name="applications")
    application = models.OneToOneField(
        "ledger.Application", on_delete=models.CASCADE, related_name="cash_application"
    )
    mode = models.CharField(max_length=10, choices=ApplicationMode.choices)
    confidence = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.line_id} {self.mode} {self.application_id}"


class PayerAccount(models.Model):
    """A payer bank account learnt from past applications (or assigned by a person)."""

    account = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="payer_accounts"
    )
    times_seen = models.PositiveIntegerField(default=1)
    last_seen = models.DateField(null=True, blank=True)
    learnt_from = models.CharField(max_length=20, default="application")  # or "assigned"
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.account} -> {self.customer_id}"


class CustomerAlias(models.Model):
    """Another name a customer pays under (a parent, a trading name, a factoring company)."""

    alias = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, db_index=True)
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="aliases"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["normalized", "customer"], name="customer_alias_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alias} -> {self.customer_id}"
