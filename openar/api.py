"""REST API root (django-ninja): OpenAPI 3.1 at /api/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="OpenAR API", version="1", urls_namespace="api")
