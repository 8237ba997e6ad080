from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openar.core"
    label = "core"
    verbose_name = "OpenAR core"

    def ready(self) -> None:
        from openar.core.login import connect
        from openar.core.lookups import register

        connect()  # wrong passwords are audited and counted (sign-in throttling)
        register()
