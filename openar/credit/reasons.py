"""The texts of credit's reason codes (``core.reasons``), in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from openar.core.reasons import register_reason
from openar.credit.choices import ReleaseCondition


def _requested(params: Mapping[str, Any]) -> str:
    return _("Asked for by %(user)s") % {"user": params.get("user", "")}


def _text(params: Mapping[str, Any]) -> str:
    return str(params.get("text", ""))


def _condition_met(params: Mapping[str, Any]) -> str:
    value = str(params.get("condition", ""))
    label = ReleaseCondition(value).label if value in ReleaseCondition.values else value
    return _("Release condition met: %(condition)s") % {"condition": label}


def register() -> None:
    register_reason("requested", _requested, lead=True)
    register_reason("text", _text)
    register_reason("release_condition_met", _condition_met)
