from django.urls import path

from openar.comms import views

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
