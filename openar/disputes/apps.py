from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "openar.disputes"
    label = "disputes"
    verbose_name = "Disputes and deductions"

    def ready(self) -> None:
        from openar.disputes.timeline import register as register_timeline

        register_timeline()
        from django.utils.translation import gettext_lazy as _

        from openar.core.cli_extensions import FileExportExtension, register_file_export
        from openar.core.figures import register_customer_figures
        from openar.core.nav import register_customer_panel, register_nav
        from openar.core.roles import Role
        from openar.disputes.exports import export_credit_memo_requests
        from openar.disputes.figures import customer_figures
        from openar.disputes.notes import register as register_note_texts

        register_note_texts()
        register_customer_figures("disputes", customer_figures)
        register_file_export(
            FileExportExtension(
                kind="credit-memo-requests",
                help="credit-memo-requests: the credit-memo requests for the ERP",
                layout="credit-memo request layout",
                write=export_credit_memo_requests,
            )
        )
        register_nav(
            key="disputes",
            label=_("Disputes"),
            url_name="disputes:index",
            prefix="/disputes/",
            order=35,
            roles=[Role.COLLECTOR, Role.RESEARCH, Role.MANAGER, Role.CREDIT, Role.CASHAPP],
        )
        from openar.disputes.views.panel import customer_panel

        register_customer_panel(key="disputes", order=18, render=customer_panel)
