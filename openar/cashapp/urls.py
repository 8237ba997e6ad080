from django.urls import path

from openar.cashapp import views

app_name = "cashapp"
urlpatterns = [
    path("", views.review, name="review"),
    path("unidentified/", views.unidentified, name="unidentified"),
    path("applied/", views.applied, name="applied"),
    path("statements/", views.statement_list, name="statements"),
    path("lines/<int:pk>/", views.line_view, name="line"),
    path("lines/<int:pk>/apply/", views.line_apply, name="line_apply"),
    path("lines/<int:pk>/assign/", views.line_assign, name="line_assign"),
    path("lines/<int:pk>/on-account/", views.line_on_account, name="line_on_account"),
    path("lines/<int:pk>/unidentified/", views.line_unidentified, name="line_unidentified"),
    path("lines/<int:pk>/match/", views.line_match, name="line_match"),
    path("customers/search/", views.customer_search, name="customer_search"),
    path("layouts/", views.layout_list, name="layouts"),
    path("layouts/new/", views.layout_edit, name="layout_new"),
    path("layouts/<slug:code>/", views.layout_edit, name="layout_edit"),
]
