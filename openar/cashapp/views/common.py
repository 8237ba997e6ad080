"""What the cash application pages share: the role check and the queue sizes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from openar.cashapp.choices import LineStatus
from openar.cashapp.selectors import SETTLED_STATUSES
from openar.core.roles import Role, role_required

CASH_ROLES = (Role.CASHAPP, Role.MANAGER, Role.ADMIN)
QUEUE_STATUSES = {
    "review": (LineStatus.REVIEW, LineStatus.NEW),
    "unidentified": (LineStatus.UNIDENTIFIED,),
}
__all__ = ["SETTLED_STATUSES"]  # the workbench reads it from here
QUEUE_LIST_SIZE = 200
OPEN_ITEMS_SHOWN = 100
SUGGESTIONS_SHOWN = 3


# Every cash application page: sign in first, then one of these roles.
CASH_ROLE_MESSAGE = _("Cash application needs the cash application, manager or admin role.")
cash_role_required = role_required(*CASH_ROLES, message=CASH_ROLE_MESSAGE)
