from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InboundStatus(models.TextChoices):
    # Threaded to an account: on its timeline, a task in the collector's queue.
    THREADED = "threaded", pgettext_lazy("inbound status", "On the account")
    # No account found: waits in the Inbox for a person to assign it.
    UNMATCHED = "unmatched", pgettext_lazy("inbound status", "To assign")
    # A person decided it belongs to no account (spam, a supplier's mail).
    DISMISSED = "dismissed", pgettext_lazy("inbound status", "Dismissed")


class InboundKind(models.TextChoices):
    PROMISE = "promise", _("Promise to pay")
    DISPUTE = "dispute", _("Dispute")
    REMITTANCE = "remittance", _("Remittance advice")
    INVOICE_COPY = "invoice_copy", _("Invoice copy request")
    AUTO_REPLY = "auto_reply", _("Out of office")
    BOUNCE = "bounce", _("Bounce")
    OTHER = "other", _("Reply")


class MatchedBy(models.TextChoices):
    REPLY = "reply", _("Answers our email")
    TOKEN = "token", _("Reply address")
    SENDER = "sender", _("Sender's address")
    PERSON = "person", _("Assigned by hand")
