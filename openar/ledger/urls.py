from django.urls import path

from openar.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("customers/<str:customer_ref>/", views.customer_detail_view, name="customer_detail"),
    path("aging/", views.aging_view, name="aging"),
    path("aging/items/", views.aging_items_view, name="aging_items"),
    path("aging/export.csv", views.aging_export_csv, name="aging_export_csv"),
    path("aging/export.xlsx", views.aging_export_xlsx, name="aging_export_xlsx"),
]
