from django.urls import path

from openar.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("mine/", views.my_dashboard_view, name="mine"),
]
