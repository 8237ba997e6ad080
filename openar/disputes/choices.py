from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DeductionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_RESEARCH = "research", _("In research")
    RESOLVED = "resolved", _("Resolved")


class CaseKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    DEDUCTION = "deduction", _("Deduction")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    RESEARCH = "research", pgettext_lazy("case status", "In research")
    WAITING = "waiting", pgettext_lazy("case status", "Waiting for information")
    CREDIT_PENDING = "credit_pending", pgettext_lazy("case status", "Credit memo requested")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


# Statuses in which the amount is still disputed (kept apart from what is collectible).
ACTIVE_STATUSES = (
    CaseStatus.OPEN,
    CaseStatus.RESEARCH,
    CaseStatus.WAITING,
    CaseStatus.CREDIT_PENDING,
)


class Outcome(models.TextChoices):
    VALID = "valid", _("Valid: credit the customer")
    INVALID = "invalid", _("Invalid: the customer must pay")
    PARTIAL = "partial", _("Partly valid")
    WRITE_OFF = "write_off", _("Written off")


class OwnerTeam(models.TextChoices):
    """Who a case is routed to when no person is named (the owner role)."""

    RESEARCH = "research", _("Research")
    BILLING = "billing", _("Billing")
    SALES = "sales", _("Sales")
    LOGISTICS = "logistics", _("Logistics")


class InfoParty(models.TextChoices):
    """Whom research asks for information while the case waits."""

    SALES = "sales", _("Sales")
    CUSTOMER = "customer", _("Customer")


class NoteKind(models.TextChoices):
    NOTE = "note", _("Note")
    REQUEST = "request", _("Information requested")
    ANSWER = "answer", _("Information received")
    ROUTED = "routed", _("Routed")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPLIED = "applied", _("Credit memo applied")
    CANCELLED = "cancelled", pgettext_lazy("credit memo request", "Cancelled")


# The reason codes every installation starts with (a manager adds more on the Reasons page).
DEFAULT_REASONS = {
    "pricing": (_("Pricing"), 20),
    "quantity": (_("Quantity"), 20),
    "damaged": (_("Damaged goods"), 30),
    "not_received": (_("Not received"), 30),
    "duplicate": (_("Duplicate billing"), 10),
    "tax": (_("Tax error"), 20),
    "promotion": (_("Promotion not applied"), 30),
    "other": (_("Other"), 30),
}
