from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "openar.disputes"
    label = "disputes"
    verbose_name = "Disputes and deductions"

    def ready(self) -> None:
        from openar.core.cli_extensions import FileExportExtension, register_file_export
        from openar.core.figures import register_customer_figures
        from openar.disputes.exports import export_credit_memo_requests
        from openar.disputes.figures import customer_figures

        register_customer_figures("disputes", customer_figures)
        register_file_export(
            FileExportExtension(
                kind="credit-memo-requests",
                help="credit-memo-requests: the credit-memo requests for the ERP",
                layout="credit-memo request layout",
                write=export_credit_memo_requests,
            )
        )
