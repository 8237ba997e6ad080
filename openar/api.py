"""REST API root (django-ninja): OpenAPI 3.1 at /api/openapi.json, interactive docs at /api/docs.

Machines authenticate with ``Authorization: Bearer <token>`` (``openar token create``); people
with their browser session (unsafe methods need the CSRF token). Every 4xx answer has the shape
``{"code", "message", "field"}``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from openar.api_auth.security import api_auth
from openar.core.errors import OpenARError

api = NinjaAPI(
    title="OpenAR API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    auth=api_auth,
)

_HTTP_CODES = {
    401: "unauthorized",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
}


def _error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "field": field}, status=status
    )


@api.exception_handler(OpenARError)
def _openar_error(request: HttpRequest, exc: OpenARError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    # ninja prefixes the parameter source ("query", "path", "body", "form", "file").
    names = [str(part) for part in loc[1:] if not isinstance(part, int)] or [
        str(part) for part in loc
    ]
    return names[-1] if names else None


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "invalid input"))
    return _error(request, 400, "invalid", f"{field}: {message}" if field else message, field)


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "unauthorized",
        "authentication required: send 'Authorization: Bearer <token>' or log in",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or "not found")


def _add_routers() -> None:
    from openar.activity.api import router as activity_router
    from openar.cashapp.api import router as cashapp_router
    from openar.comms.api import router as comms_router
    from openar.credit.api import router as credit_router
    from openar.disputes.api import router as disputes_router
    from openar.ingest.api import router as ingest_router
    from openar.jobs.api import router as jobs_router
    from openar.ledger.api import router as ledger_router
    from openar.risk.api import router as risk_router
    from openar.strategy.api import router as strategy_router
    from openar.worklist.api import router as worklist_router

    api.add_router("", ledger_router)
    api.add_router("", ingest_router)
    api.add_router("", risk_router)
    api.add_router("", worklist_router)
    api.add_router("", strategy_router)
    api.add_router("", credit_router)
    api.add_router("", disputes_router)
    api.add_router("", activity_router)
    api.add_router("", jobs_router)
    api.add_router("", cashapp_router)
    api.add_router("", comms_router)


_add_routers()
