from django.urls import path

from openar.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.strategy_list_view, name="list"),
    path("new/", views.strategy_new_view, name="new"),
    path("import/", views.strategy_import_view, name="import"),
    path("export/", views.strategy_export_view, name="export"),
    path("actions/", views.action_list_view, name="actions"),
    path("s/<slug:code>/", views.strategy_edit_view, name="edit"),
    path("s/<slug:code>/simulate/", views.strategy_simulate_view, name="simulate"),
    path("s/<slug:code>/active/", views.strategy_active_view, name="active"),
    path("s/<slug:code>/delete/", views.strategy_delete_view, name="delete"),
]
