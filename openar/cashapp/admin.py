"""Django admin for the cash-application reference data: our bank accounts (statements for
unknown accounts are refused), saved CSV/XLSX layouts, learnt payer accounts and aliases."""

from __future__ import annotations

from django.contrib import admin

from openar.cashapp.models import BankAccount, BankLayout, CustomerAlias, PayerAccount


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = (
        "account_number",
        "name",
        "entity",
        "currency",
        "currencies",
        "accept_unbalanced",
        "bank_name",
        "active",
    )
    list_filter = ("entity", "currency", "accept_unbalanced", "active")
    search_fields = ("account_number", "name", "bank_name")


@admin.register(BankLayout)
class BankLayoutAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "bank_account", "updated_at")
    search_fields = ("code", "name")


@admin.register(PayerAccount)
class PayerAccountAdmin(admin.ModelAdmin):
    list_display = ("account", "customer", "times_seen", "last_seen", "learnt_from")
    search_fields = ("account", "customer__customer_ref", "customer__name")
    raw_id_fields = ("customer",)


@admin.register(CustomerAlias)
class CustomerAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "customer", "created_at")
    search_fields = ("alias", "normalized", "customer__customer_ref")
    raw_id_fields = ("customer",)
