"""The texts of the tasks email makes (``core.reasons``), in the reader's language: an email
read from the mailbox that needs an answer, a bounced email with no letter to fall back on.
``inbound_task_parts`` stores them; the queue, the account page and the actions list render
them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from openar.core.reasons import amount_text, part, register_reason


def _date(value: Any) -> str:
    # Dates as the Inbox and the queue write them (ISO), whatever the language.
    return str(value or "")


def _sender(params: Mapping[str, Any]) -> str:
    return str(params.get("sender") or "") or _("the customer")


def _promise(params: Mapping[str, Any]) -> str:
    amount, date = params.get("amount"), params.get("date")
    values = {"sender": _sender(params)}
    if amount:
        values["amount"] = amount_text(amount, str(params.get("currency", "")))
    if amount and date:
        values["date"] = _date(date)
        return (
            _("Email from %(sender)s: promise to pay %(amount)s by %(date)s. Confirm it") % values
        )
    if amount:
        return _("Email from %(sender)s: promise to pay %(amount)s. Confirm it") % values
    if date:
        values["date"] = _date(date)
        return _("Email from %(sender)s: promise to pay by %(date)s. Confirm it") % values
    return _("Email from %(sender)s: promise to pay. Confirm it") % values


def _dispute(params: Mapping[str, Any]) -> str:
    if params.get("case"):
        return _("Email from %(sender)s: dispute, case D-%(case)s opened. Follow it up") % {
            "sender": _sender(params),
            "case": params["case"],
        }
    return _("Email from %(sender)s: dispute. Read it and open a case") % {
        "sender": _sender(params)
    }


def _simple(text: Callable[[], str]) -> Callable[[Mapping[str, Any]], str]:
    def render(params: Mapping[str, Any]) -> str:
        return text() % {"sender": _sender(params), "address": _sender(params)}

    return render


def _bounce(params: Mapping[str, Any]) -> str:
    return _("Email to %(address)s bounced. Find another address") % {
        "address": str(params.get("address") or "") or _("the customer")
    }


def _bounce_call(params: Mapping[str, Any]) -> str:
    return _(
        "The email to %(address)s bounced and there is no postal address: call about "
        "\u201c%(subject)s\u201d"
    ) % {
        "address": str(params.get("address") or "") or _("the customer"),
        "subject": params.get("subject", ""),
    }


_KIND_CODES = {
    "promise": "inbound_promise",
    "dispute": "inbound_dispute",
    "remittance": "inbound_remittance",
    "invoice_copy": "inbound_invoice_copy",
    "auto_reply": "inbound_auto_reply",
    "bounce": "inbound_bounce",
}


def inbound_task_parts(
    *,
    kind: str,
    sender: str,
    amount: Any = None,
    currency: str = "",
    date: Any = None,
    address: str = "",
    case: int | None = None,
) -> list[dict[str, Any]]:
    """The reason of the task an email read from the mailbox becomes, as stored."""
    code = _KIND_CODES.get(kind, "inbound_other")
    params: dict[str, Any] = {"sender": sender}
    if kind == "promise":
        params |= {
            "amount": str(amount) if amount is not None else "",
            "currency": currency,
            "date": date.isoformat() if date is not None else "",
        }
    elif kind == "bounce":
        params = {"address": address}
    elif kind == "dispute" and case is not None:
        params["case"] = case
    return [part(code, **params)]


def register() -> None:
    register_reason("inbound_promise", _promise)
    register_reason("inbound_dispute", _dispute)
    register_reason(
        "inbound_remittance",
        _simple(lambda: _("Email from %(sender)s: remittance advice. Match the payment")),
    )
    register_reason(
        "inbound_invoice_copy",
        _simple(lambda: _("Email from %(sender)s: asks for a copy of an invoice. Send it")),
    )
    register_reason(
        "inbound_auto_reply",
        _simple(lambda: _("Automatic reply from %(sender)s: out of office. Try another contact")),
    )
    register_reason("inbound_bounce", _bounce)
    register_reason(
        "inbound_other", _simple(lambda: _("Email from %(sender)s: read and answer it"))
    )
    register_reason("bounce_call", _bounce_call)
