from django.urls import path

from openar.comms import views

app_name = "comms"
urlpatterns = [
    path("", views.outbox_view, name="outbox"),
    path("<int:pk>/", views.message_preview_view, name="message_preview"),
    path("<int:pk>/cancel/", views.message_cancel_view, name="message_cancel"),
]
