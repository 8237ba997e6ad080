from django.urls import path

from openar.api import api

urlpatterns = [path("", api.urls)]
