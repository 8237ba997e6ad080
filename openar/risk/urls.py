from django.urls import path

from openar.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.risk_index_view, name="index"),
    path("scorecard/", views.scorecard_view, name="scorecard"),
]
