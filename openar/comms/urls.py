from django.urls import path

from openar.comms import copy_views, statement_views, views

app_name = "comms"
urlpatterns = [
    path("", views.outbox_view, name="outbox"),
    path("<int:pk>/", views.message_preview_view, name="message_preview"),
    path("<int:pk>/letter.pdf", views.message_pdf_view, name="message_pdf"),
    path("<int:pk>/letter.docx", views.message_docx_view, name="message_docx"),
    path("<int:pk>/send/", views.message_send_view, name="message_send"),
    path("<int:pk>/hold/", views.message_hold_view, name="message_hold"),
    path("<int:pk>/release/", views.message_release_view, name="message_release"),
    path("<int:pk>/resend/", views.message_resend_view, name="message_resend"),
    path("<int:pk>/cancel/", views.message_cancel_view, name="message_cancel"),
]

urlpatterns += [
    path("statements/", statement_views.statement_runs_view, name="statement_runs"),
    path("statements/<int:pk>/", statement_views.statement_run_view, name="statement_run"),
    path(
        "statements/<int:pk>/send/", statement_views.statement_run_send_view, name="statement_send"
    ),
    path(
        "statements/<int:pk>/cancel/",
        statement_views.statement_run_cancel_view,
        name="statement_cancel",
    ),
    path(
        "statements/<int:pk>/<int:line>/statement.pdf",
        statement_views.statement_line_pdf_view,
        name="statement_pdf",
    ),
    path(
        "statements/<int:pk>/<int:line>/exclude/",
        statement_views.statement_line_exclude_view,
        name="statement_exclude",
    ),
    path(
        "statements/<int:pk>/<int:line>/include/",
        statement_views.statement_line_include_view,
        name="statement_include",
    ),
]
urlpatterns += [
    path("copies/<str:ref>/", copy_views.invoice_copy_view, name="invoice_copy"),
]
