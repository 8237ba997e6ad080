from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    ITEMS = "items", _("Open items")
    RECEIPTS = "receipts", _("Receipts")
    APPLICATIONS = "applications", _("Applications")
    FX_RATES = "fx-rates", _("FX rates")


class ImportFormat(models.TextChoices):
    OPENAR = "openar", _("OpenAR CSV/XLSX")
    SAP = "sap", _("SAP FBL5N export")
    ORACLE = "oracle", _("Oracle Receivables export")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    LOADED = "loaded", _("Loaded")
    PARTIAL = "partial", _("Loaded with rejected rows")
    REJECTED = "rejected", _("Rejected")
