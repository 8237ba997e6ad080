"""The home address: each person lands on the page of their daily work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from openar.core.nav import landing_url
from openar.core.roles import user_roles


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """A collector lands on My queue; everyone else on the customer list (or what their role's
    app registered with ``register_landing``)."""
    return redirect(landing_url(request.user, user_roles(request.user)))
