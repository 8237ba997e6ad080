"""The notes the system writes on a case's thread (routed, escalated, a credit memo applied, a
request cancelled, opened from an email), stored as codes and values (``core.reasons``) and
shown in the reader's language; a person's own notes are kept as written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from openar.core.reasons import amount_text, part, register_reason
from openar.disputes.choices import OwnerTeam


def routed_parts(owner_team: str, owner: Any) -> list[dict[str, Any]]:
    who = (owner.get_full_name() or owner.get_username()) if owner is not None else ""
    return [part("case_routed", team=owner_team, owner=who)]


def _routed(params: Mapping[str, Any]) -> str:
    team = str(params.get("team", ""))
    label = str(OwnerTeam(team).label) if team in OwnerTeam.values else team
    who = params.get("owner") or ""
    return f"{label}: {who}" if who else label


def _escalated(params: Mapping[str, Any]) -> str:
    return _("%(days)s days past the SLA date: escalated to %(who)s") % {
        "days": params.get("days", 0),
        "who": params.get("to") or "-",
    }


def _memo_applied(params: Mapping[str, Any]) -> str:
    return _("%(memo)s: %(amount)s applied to %(document)s") % {
        "memo": params.get("memo", ""),
        "amount": amount_text(params.get("amount", "0"), str(params.get("currency", ""))),
        "document": params.get("document", ""),
    }


def _request_cancelled(params: Mapping[str, Any]) -> str:
    text = _("%(request)s for %(amount)s on %(document)s cancelled") % {
        "request": params.get("request", ""),
        "amount": amount_text(params.get("amount", "0"), str(params.get("currency", ""))),
        "document": params.get("document", ""),
    }
    why = str(params.get("why") or "")
    return f"{text}: {why}" if why else text


def _from_email(params: Mapping[str, Any]) -> str:
    return _("Opened from the email of %(sender)s \u201c%(subject)s\u201d (attached)") % {
        "sender": params.get("sender", ""),
        "subject": params.get("subject", ""),
    }


def register() -> None:
    register_reason("case_routed", _routed)
    register_reason("case_escalated", _escalated)
    register_reason("credit_memo_applied", _memo_applied)
    register_reason("credit_request_cancelled", _request_cancelled)
    register_reason("case_from_email", _from_email)
