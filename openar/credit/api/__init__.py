"""Credit REST endpoints, one module per seam: recommendations and holds (``holds``), limits and
exposure (``limits``), limit reviews (``reviews``), write-offs (``writeoffs``). Each adds its
operations to ``router``."""

from ninja import Router

router = Router(tags=["credit"])

from openar.credit.api import holds, limits, reviews, writeoffs  # noqa: E402,F401  (registers the operations)
