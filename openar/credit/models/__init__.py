"""Credit's tables, by seam: recommendations and holds (``holds``), limits and the orders and
shipments that count in exposure (``limits``), limit reviews (``reviews``), write-offs
(``writeoffs``)."""

from openar.credit.models.holds import CreditHold, HoldEvent, Recommendation
from openar.credit.models.limits import CreditLimit, OpenOrder
from openar.credit.models.reviews import LimitReview
from openar.credit.models.writeoffs import WriteOff, WriteOffItem

__all__ = [
    "CreditHold",
    "CreditLimit",
    "HoldEvent",
    "LimitReview",
    "OpenOrder",
    "Recommendation",
    "WriteOff",
    "WriteOffItem",
]
