from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openar.core"
    label = "core"
    verbose_name = "OpenAR core"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openar.core.nav import register_nav
        from openar.core.roles import Role

        register_nav(
            key="jobs",
            label=_("Jobs"),
            url_name="jobs:list",
            prefix="/jobs/",
            order=80,
            roles=[Role.MANAGER, Role.ADMIN],
        )
