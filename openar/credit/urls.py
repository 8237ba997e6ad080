from django.urls import path

from openar.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.recommendation_list_view, name="recommendations"),
    path("recommendations/<int:pk>/decide/", views.recommendation_decide_view, name="decide"),
]
