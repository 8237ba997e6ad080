from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "openar.ledger"
    label = "ledger"
    verbose_name = "Ledger"
