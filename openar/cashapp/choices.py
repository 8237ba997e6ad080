from django.db import models
from django.utils.translation import gettext_lazy as _


class LineStatus(models.TextChoices):
    NEW = "new", _("New")  # imported, not matched yet
    AUTO_APPLIED = "auto", _("Applied automatically")
    REVIEW = "review", _("Waiting for review")
    APPLIED = "applied", _("Applied by a person")
    ON_ACCOUNT = "on_account", _("On account")
    UNIDENTIFIED = "unidentified", _("Unidentified")
    DEBIT = "debit", _("Debit (not a receipt)")


class ApplicationMode(models.TextChoices):
    AUTO = "auto", _("Automatic")
    MANUAL = "manual", _("Manual")


# How a proposal was found, as the review screen names it (codes from ``matching``).
METHOD_LABELS = {
    "remittance_advice": _("remittance advice"),
    "ref": _("invoice number"),
    "ref_exact": _("invoice number"),
    "ref_fuzzy": _("invoice number, misspelt"),
    "ref_typo": _("invoice number, one digit off"),
    "ref_partial": _("invoice number, part paid"),
    "ref_short": _("invoice number, short paid"),
    "ref_short_many": _("invoice numbers, short paid"),
    "ref_overpaid": _("invoice number, overpaid"),
    "ref_subset": _("invoice numbers, some of them"),
    "ref_plus_amount": _("invoice number and amount"),
    "ref_discount": _("invoice number, discount taken"),
    "ref_charges": _("invoice number, bank charges"),
    "amount_single": _("amount of one item"),
    "amount_all": _("amount of all open items"),
    "amount_oldest": _("amount of the oldest items"),
    "amount_subset": _("amount of several items"),
    "amount_discount": _("amount, discount taken"),
    "amount_charges": _("amount, bank charges"),
    "amount_ambiguous": _("amount fits several items"),
    "customer_only": _("customer only"),
    "customer_number": _("customer number"),
    "payer_account": _("known payer account"),
    "name_fuzzy": _("payer name, similar"),
    "name_shared": _("payer name, shared"),
}
