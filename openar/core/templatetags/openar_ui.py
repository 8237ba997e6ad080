"""Template helpers for amounts and dates in the OpenAR UI."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats

from openar.core.money import minor_units, quantize

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    """An amount with the currency's decimals and the active language's separators."""
    if value is None or value == "":
        return "—"
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    try:
        places = minor_units(currency) if currency else 2
        amount = quantize(amount, currency) if currency else amount.quantize(Decimal("0.01"))
    except Exception:  # an unknown currency code still shows its amount, unrounded
        places = max(0, -int(amount.as_tuple().exponent))
    return formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def is_negative(value: Any) -> bool:
    return value is not None and value != "" and Decimal(str(value)) < 0


@register.simple_tag(takes_context=True)
def nav_active(context: template.Context, prefix: str) -> str:
    """'active' when the current path starts with ``prefix`` (the customer list owns '/')."""
    path = context["request"].path
    if prefix == "/":
        return "active" if path == "/" or path.startswith("/customers/") else ""
    return "active" if path.startswith(prefix) else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.simple_tag
def role_labels(roles: Any) -> list[str]:
    """Translated role names in the fixed order of ``Role``."""
    from openar.core.roles import Role

    held = set(roles or ())
    return [str(role.label) for role in Role if role.value in held]


_DEMO_ORDER = ["admin", "manager", "collector", "research", "cashapp", "credit"]


@register.simple_tag
def demo_logins() -> list[dict[str, str]]:
    """The demo accounts that exist (demo mode only), in role order, with their role name."""
    from django.contrib.auth import get_user_model

    from openar.core.roles import Role

    labels = {role.value: str(role.label) for role in Role}
    pattern = r"^(admin|manager|collector\d+|research|cashapp|credit)$"
    users = get_user_model().objects.filter(is_active=True, username__regex=pattern)
    rows = []
    for user in users:
        base = user.username.rstrip("0123456789")
        number = int(user.username[len(base) :] or 0)
        role = "admin" if user.is_superuser else base
        rows.append(
            (
                _DEMO_ORDER.index(base),
                number,
                {"username": user.username, "role": labels.get(role, "")},
            )
        )
    return [row for _, _, row in sorted(rows, key=lambda r: (r[0], r[1]))]


@register.filter
def reason(obj: Any) -> str:
    """An action's or a recommendation's reason in the reader's language (its ``reason_parts``),
    or its stored words."""
    from openar.core.reasons import reason_text

    return reason_text(getattr(obj, "reason_parts", None), getattr(obj, "reason", "") or "")
