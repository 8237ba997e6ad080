"""What the cash application pages share: the role check and the queue sizes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from openar.cashapp.choices import LineStatus
from openar.core.roles import Role, has_role

CASH_ROLES = (Role.CASHAPP, Role.MANAGER, Role.ADMIN)
QUEUE_STATUSES = {
    "review": (LineStatus.REVIEW, LineStatus.NEW),
    "unidentified": (LineStatus.UNIDENTIFIED,),
}
SETTLED_STATUSES = (LineStatus.AUTO_APPLIED, LineStatus.APPLIED, LineStatus.ON_ACCOUNT)
QUEUE_LIST_SIZE = 200
OPEN_ITEMS_SHOWN = 100
SUGGESTIONS_SHOWN = 3


def _require_cash_role(request: HttpRequest) -> None:
    if not has_role(request.user, *CASH_ROLES):
        raise PermissionDenied(
            _("Cash application needs the cash application, manager or admin role.")
        )
