from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "openar.demo"
    label = "demo"
    verbose_name = "Demo portfolio"

    def ready(self) -> None:
        from openar.core.commands import register_serve_banner

        register_serve_banner(_demo_logins_banner)


def _demo_logins_banner(url: str) -> None:
    """``openar serve`` in demo mode prints the demo URL and logins."""
    from django.conf import settings

    if settings.OPENAR_DEMO_MODE:
        from openar.demo.users import print_demo_logins

        print_demo_logins(url)
