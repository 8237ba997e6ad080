"""Reasons stored as codes and values, shown in the reader's language.

A strategy action or a credit recommendation stores its reason twice: as plain words in the
default language (``reason``, for exports and the API) and as parts (``reason_parts``:
``[{"code": "days_past_due", "params": {"days": 95}}, ...]``). Each app registers the texts of
its codes in ``AppConfig.ready()``; ``reason_text`` renders the parts in the active language, so
a Spanish reader sees Spanish whichever language the daily cycle ran in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats, translation


@dataclass(frozen=True)
class ReasonCode:
    render: Callable[[Mapping[str, Any]], str]  # params -> text in the active language
    lead: bool = False  # a heading: "Standard / Credit hold: ..." (followed by a colon)


_CODES: dict[str, ReasonCode] = {}

Part = Mapping[str, Any]


def register_reason(
    code: str, render: Callable[[Mapping[str, Any]], str], *, lead: bool = False
) -> None:
    _CODES[code] = ReasonCode(render, lead)


def part(code: str, **params: Any) -> dict[str, Any]:
    """One reason part, as stored (params must be JSON values: amounts as strings)."""
    return {"code": code, "params": params}


def amount_text(value: Any, currency: str) -> str:
    """An amount with two decimals and grouping in the active language, then the currency."""
    number = formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
    return f"{number} {currency}"


def _render(item: Part) -> str:
    code = _CODES.get(str(item.get("code", "")))
    params = item.get("params") or {}
    if code is None:
        return str(params.get("text", item.get("code", "")))
    return code.render(params)


def reason_text(parts: Iterable[Part] | None, fallback: str = "") -> str:
    """The parts in the active language: a leading heading, a colon, the rest by commas;
    ``fallback`` (the stored words) when there are no parts."""
    items = list(parts or ())
    if not items:
        return fallback
    head = ""
    code = _CODES.get(str(items[0].get("code", "")))
    if code is not None and code.lead:
        head = _render(items[0])
        items = items[1:]
    body = ", ".join(_render(item) for item in items)
    if head:
        return f"{head}: {body}" if body else head
    return body


def reason_text_default(parts: Iterable[Part] | None, fallback: str = "") -> str:
    """The parts in the default language (what ``reason`` stores)."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return reason_text(parts, fallback)
