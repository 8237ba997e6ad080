from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "openar.jobs"
    label = "jobs"
    verbose_name = "Jobs"

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
