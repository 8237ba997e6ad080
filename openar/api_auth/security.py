"""django-ninja authentication: bearer tokens for machines, the browser session for people."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from openar.api_auth.services import token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` (create one with ``openar token create``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        return token_authenticate(token.strip())


class SessionCsrfAuth(SessionAuth):
    """The logged-in browser session; unsafe methods must carry the CSRF token.

    An anonymous request is simply not authenticated by this scheme (401), instead of failing
    the CSRF check (403) before the bearer scheme had a say."""

    def __call__(self, request: HttpRequest) -> Any | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


api_auth = [TokenAuth(), SessionCsrfAuth()]
