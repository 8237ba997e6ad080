"""What the disputes pages share: who may do what, reason labels, a person's teams."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from openar.core.roles import Role, has_role
from openar.disputes.choices import DEFAULT_REASONS, OwnerTeam
from openar.disputes.models import ReasonCode, Team

READERS = (Role.COLLECTOR, Role.RESEARCH, Role.MANAGER, Role.CREDIT, Role.CASHAPP)
OPENERS = READERS
RESOLVERS = (Role.RESEARCH, Role.MANAGER)
READ_MESSAGE = _("Disputes are for the collections team: collectors, research and managers.")
RESOLVE_MESSAGE = _("Only a research specialist or a manager works and resolves disputes.")
CONFIG_MESSAGE = _("Only a collections manager changes reasons and routing rules.")


def reason_label(reason: ReasonCode) -> str:
    """A default reason in the reader's language; a reason a manager added as written."""
    default = DEFAULT_REASONS.get(reason.code)
    return str(default[0]) if default else reason.label


def user_teams(user: Any) -> list[str]:
    """The owner teams a person works for: those they belong to, and research for every
    research specialist."""
    teams = set(Team.objects.filter(members=user).values_list("code", flat=True))
    if has_role(user, Role.RESEARCH):
        teams.add(OwnerTeam.RESEARCH.value)
    return sorted(teams)


def can_resolve(user: Any) -> bool:
    return has_role(user, *RESOLVERS)
