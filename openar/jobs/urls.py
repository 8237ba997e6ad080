from django.urls import path

from openar.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list_view, name="list"),
    path("start/", views.job_start_view, name="start"),
    path("<int:pk>/", views.job_detail_view, name="detail"),
]
