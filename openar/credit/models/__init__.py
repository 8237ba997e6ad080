"""Credit's tables, by seam: recommendations and holds (``holds``), limits and the orders and
shipments that count in exposure (``limits``), limit reviews (``reviews``)."""

from openar.credit.models.holds import CreditHold, HoldEvent, Recommendation
from openar.credit.models.limits import CreditLimit, OpenOrder
from openar.credit.models.reviews import LimitReview

__all__ = ["CreditHold", "CreditLimit", "HoldEvent", "LimitReview", "OpenOrder", "Recommendation"]
