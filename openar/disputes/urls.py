from django.urls import path

from openar.disputes.views import analytics, case, config, lists, open

app_name = "disputes"
urlpatterns = [
    path("", lists.CaseListView.as_view(), name="index"),
    path("queue/", lists.QueueView.as_view(), name="queue"),
    path("credit-requests/", lists.CreditRequestListView.as_view(), name="credit_requests"),
    path("analytics/", analytics.analytics_view, name="analytics"),
    path("settings/", config.settings_view, name="settings"),
    path("new/<str:customer_ref>/", open.dispute_new, name="new"),
    path("<int:pk>/", case.case_view, name="case"),
    path("<int:pk>/attachments/<int:attachment_id>/", case.attachment_view, name="attachment"),
    path("<int:pk>/<str:action>/", case.case_action, name="action"),
]
