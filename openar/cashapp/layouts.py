"""Saved CSV/XLSX bank layouts (``BankLayout``): the one write and the reads the CLI and the
layout form share. The column mapping and options are checked by ``parsers.csvbank.spec_from``
before anything is stored, so a saved layout always reads a file or says which field is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from openar.cashapp.models import BankAccount, BankLayout
from openar.cashapp.parsers.csvbank import spec_from
from openar.core.audit import audit_record
from openar.core.errors import NotFound, ValidationError


@transaction.atomic
def layout_save(
    *,
    code: str,
    name: str,
    columns: Mapping[str, Any],
    options: Mapping[str, Any] | None,
    actor: Any,
    bank_account: BankAccount | str | None = None,
) -> BankLayout:
    """Create or update the layout ``code`` (a slug); refuses a mapping that cannot read a file."""
    clean = slugify(code or "")
    if not clean or clean != code:
        raise ValidationError(
            f"layout code {code!r} must be a slug (letters, digits, - and _)", field="code"
        )
    if not (name or "").strip():
        raise ValidationError("give the layout a name", field="name")
    account = _bank_account(bank_account)
    probe = dict(options or {})
    if account is not None:
        probe.setdefault("currency", account.currency)
    spec = spec_from(columns, probe)
    stored_options = spec.options()
    follows_account = account is not None and "currency" not in (options or {})
    if follows_account and stored_options.get("currency") == getattr(account, "currency", ""):
        stored_options.pop("currency")  # it follows the bank account
    layout = BankLayout.objects.select_for_update().filter(code=code).first()
    before = _snapshot(layout) if layout is not None else None
    if layout is None:
        layout = BankLayout(code=code)
    layout.name = name.strip()
    layout.bank_account = account
    layout.columns = spec.columns_json()
    layout.options = stored_options
    layout.save()
    audit_record(
        actor=actor,
        action="bank_layout.save",
        object_type="bank_layout",
        object_id=layout.pk,
        summary=f"{'updated' if before else 'created'} layout {code}",
        before=before,
        after=_snapshot(layout),
    )
    return layout


def _bank_account(value: BankAccount | str | None) -> BankAccount | None:
    if value is None or isinstance(value, BankAccount):
        return value
    number = value.replace(" ", "").upper()
    if not number:
        return None
    account = BankAccount.objects.filter(account_number__iexact=number).first()
    if account is None:
        raise NotFound(f"no bank account {value!r}", field="bank_account")
    return account


def _snapshot(layout: BankLayout) -> dict[str, Any]:
    return {
        "name": layout.name,
        "bank_account": layout.bank_account.account_number if layout.bank_account else None,
        "columns": layout.columns,
        "options": layout.options,
    }


def layout_list() -> list[BankLayout]:
    return list(BankLayout.objects.select_related("bank_account").order_by("code"))


def layout_get(code: str) -> BankLayout:
    layout = BankLayout.objects.select_related("bank_account").filter(code=code).first()
    if layout is None:
        raise NotFound(f"no bank layout {code!r}", field="layout")
    return layout


def layout_as_json(layout: BankLayout) -> dict[str, Any]:
    """The JSON that ``openar cashapp layout save --from-json`` reads back."""
    return {"code": layout.code, **_snapshot(layout)}
