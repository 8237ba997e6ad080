from django.apps import AppConfig


class ApiAuthConfig(AppConfig):
    name = "openar.api_auth"
    label = "api_auth"
    verbose_name = "API tokens"
