"""The main navigation and the customer page's panels, contributed by each app.

Apps register in ``AppConfig.ready()`` so that core (and ledger's customer page) never import the
apps downstream of them: the customer page shows a risk panel without ledger importing risk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    prefix: str
    order: int
    roles: frozenset[str] | None = None  # None: everyone signed in


@dataclass(frozen=True)
class CustomerPanel:
    """A section of the customer page: ``render(request, customer, as_of)`` returns HTML or ''."""

    key: str
    order: int
    render: Callable[[HttpRequest, Any, Any], str]
    roles: frozenset[str] | None = field(default=None)
    # Where it goes on the account page: "main" (the wide column: items, timeline, actions)
    # or "side" (the work column: what to do now).
    slot: str = "side"


_NAV: dict[str, NavItem] = {}
_PANELS: dict[str, CustomerPanel] = {}
# Where a person lands after signing in: (order, roles, url name); the first whose roles they
# hold wins, else the customer list.
_LANDINGS: dict[str, tuple[int, frozenset[str], str]] = {}
DEFAULT_LANDING = "ledger:customer_list"


def register_landing(*, key: str, roles: Iterable[str], url_name: str, order: int) -> None:
    """People holding one of ``roles`` land on ``url_name`` (a collector on My queue)."""
    _LANDINGS[key] = (order, frozenset(roles), url_name)


def landing_url(user: Any, user_roles: set[str]) -> str:
    for _order, roles, url_name in sorted(_LANDINGS.values(), key=lambda v: (v[0], v[2])):
        if roles & user_roles:
            return reverse(url_name)
    return reverse(DEFAULT_LANDING)


def register_nav(
    *,
    key: str,
    label: Any,
    url_name: str,
    prefix: str,
    order: int,
    roles: Iterable[str] | None = None,
) -> None:
    _NAV[key] = NavItem(key, label, url_name, prefix, order, frozenset(roles) if roles else None)


def register_customer_panel(
    *,
    key: str,
    order: int,
    render: Callable[[HttpRequest, Any, Any], str],
    roles: Iterable[str] | None = None,
    slot: str = "side",
) -> None:
    _PANELS[key] = CustomerPanel(key, order, render, frozenset(roles) if roles else None, slot)


def _allowed(roles: frozenset[str] | None, user_roles: set[str], user: Any) -> bool:
    if roles is None or getattr(user, "is_superuser", False):
        return True
    return bool(roles & user_roles)


def nav_items(user: Any, user_roles: set[str]) -> list[dict[str, str]]:
    """The entries ``user`` may open, in order, as ``{"key", "label", "url", "prefix"}``."""
    items = sorted(_NAV.values(), key=lambda item: (item.order, item.key))
    return [
        {"key": i.key, "label": str(i.label), "url": reverse(i.url_name), "prefix": i.prefix}
        for i in items
        if _allowed(i.roles, user_roles, user)
    ]


def customer_panels(request: HttpRequest, customer: Any, as_of: Any) -> list[str]:
    """Rendered HTML of every registered panel the user may see, in order; empty ones dropped."""
    slots = customer_panels_by_slot(request, customer, as_of)
    return [html for panels in slots.values() for html in panels]


def customer_panels_by_slot(
    request: HttpRequest, customer: Any, as_of: Any
) -> dict[str, list[str]]:
    """The panels' HTML per slot ("main", "side"), each in order; empty ones dropped."""
    from openar.core.roles import user_roles

    roles = user_roles(getattr(request, "user", None))
    slots: dict[str, list[str]] = {"main": [], "side": []}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if _allowed(panel.roles, roles, request.user):
            rendered = panel.render(request, customer, as_of)
            if rendered:
                slots.setdefault(panel.slot, []).append(rendered)
    return slots
