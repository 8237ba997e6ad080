from django.urls import path

from openar.comms import template_views as views

app_name = "templates"
urlpatterns = [
    path("", views.template_list_view, name="list"),
    path("new/", views.template_new_view, name="new"),
    path("customers/", views.customer_options_view, name="customer_options"),
    path("<slug:code>/", views.template_edit_view, name="edit"),
    path("<slug:code>/preview/", views.template_preview_view, name="preview"),
    path("<slug:code>/letter.pdf", views.template_preview_pdf_view, name="preview_pdf"),
    path("<slug:code>/letter.docx", views.template_preview_docx_view, name="preview_docx"),
    path(
        "<slug:code>/<str:language>/versions/<int:number>/restore/",
        views.template_restore_view,
        name="restore",
    ),
]
