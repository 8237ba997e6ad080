from django.urls import path

from openar.activity import views

app_name = "activity"
urlpatterns = [
    path("", views.promise_list_view, name="promise_list"),
    path("<int:pk>/cancel/", views.promise_cancel_view, name="promise_cancel"),
    path("customers/<str:customer_ref>/promise/", views.promise_record_view, name="promise_record"),
    path("customers/<str:customer_ref>/contact/", views.contact_record_view, name="contact_record"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("customers/<str:customer_ref>/timeline/", views.timeline_view, name="timeline"),
]
