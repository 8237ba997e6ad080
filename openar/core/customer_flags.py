"""Flags that higher apps put on a customer (on credit hold, ...), read by ledger's customer list,
page and API without ledger importing those apps.

An app registers a flag in ``AppConfig.ready()`` with a boolean query expression over a customer
row (``Exists(...filter(customer=OuterRef("pk")))``); ledger's customer selectors annotate every
registered flag as ``flag_<name>``, so a page of customers reads its flags in the same query."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CustomerFlag:
    name: str  # "on_hold": the API field and the annotation ``flag_on_hold``
    label: Any  # a lazy translation shown as a badge
    expression: Callable[[], Any]  # a boolean expression over OuterRef("pk") of a customer
    badge: str = "badge-danger"
    order: int = 50


_FLAGS: dict[str, CustomerFlag] = {}


def register_customer_flag(
    *,
    name: str,
    label: Any,
    expression: Callable[[], Any],
    badge: str = "badge-danger",
    order: int = 50,
) -> None:
    _FLAGS[name] = CustomerFlag(name, label, expression, badge, order)


def customer_flags() -> list[CustomerFlag]:
    """The registered flags, in order."""
    return sorted(_FLAGS.values(), key=lambda f: (f.order, f.name))


def customer_flag_annotations() -> dict[str, Any]:
    """``{"flag_<name>": expression}`` for ``QuerySet.annotate`` over customers."""
    return {f"flag_{flag.name}": flag.expression() for flag in customer_flags()}


def flag_value(customer: Any, name: str) -> bool:
    """The flag as annotated on ``customer`` (False when the flag or the annotation is absent)."""
    return bool(getattr(customer, f"flag_{name}", False))


def flags_shown(customer: Any) -> list[CustomerFlag]:
    """The flags set on an annotated customer, for badges."""
    return [flag for flag in customer_flags() if flag_value(customer, flag.name)]
