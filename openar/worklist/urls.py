from django.urls import path

from openar.worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("items/<int:pk>/log/", views.log_call_view, name="log_call"),
    path("collectors/", views.collectors_view, name="collectors"),
    path("portfolios/", views.portfolios_view, name="portfolios"),
    path("cover/", views.cover_view, name="cover"),
    path("weights/", views.weights_view, name="weights"),
    path("productivity/", views.productivity_view, name="productivity"),
]
