from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_MEMO = "credit_memo", _("Credit memo")
    DEBIT_MEMO = "debit_memo", _("Debit memo")
    DOWN_PAYMENT = "down_payment", _("Down payment")


class AgingGroup(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    COLLECTOR = "collector", _("Collector")
    ENTITY = "entity", _("Entity")
    GROUP = "group", _("Parent group")


class PostingEffect(models.TextChoices):
    """What posting applications does to the documents (see ledger.services.applications)."""

    CASH = "cash", _("New cash: reduces what the documents have open")
    HISTORY = "history", _("The ERP's applications: open amounts come from its items")
