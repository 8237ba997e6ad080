"""Credit REST endpoints, one module per seam: recommendations and holds (``holds``), limits and
exposure (``limits``). Each module adds its operations to ``router``."""

from ninja import Router

router = Router(tags=["credit"])

from openar.credit.api import holds, limits  # noqa: E402,F401  (registers the operations)
