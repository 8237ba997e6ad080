from django.urls import path

from openar.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("confirm/", views.import_confirm, name="import_confirm"),
]
