from django.urls import path

from openar.comms.inbound import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox_view, name="list"),
    path("<int:pk>/", views.message_view, name="message"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_view, name="attachment"),
    path("<int:pk>/assign/", views.assign_view, name="assign"),
    path("<int:pk>/dismiss/", views.dismiss_view, name="dismiss"),
    path("<int:pk>/confirm/", views.confirm_view, name="confirm"),
    path("<int:pk>/copies/", views.copies_view, name="copies"),
]
