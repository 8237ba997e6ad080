"""Credit's tables, by seam: recommendations and holds (``holds``), limits and the orders and
shipments that count in exposure (``limits``)."""

from openar.credit.models.holds import CreditHold, HoldEvent, Recommendation
from openar.credit.models.limits import CreditLimit, OpenOrder

__all__ = ["CreditHold", "CreditLimit", "HoldEvent", "OpenOrder", "Recommendation"]
