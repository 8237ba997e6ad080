from django.urls import path

from openar.worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("items/<int:pk>/log/", views.log_call_view, name="log_call"),
    path("items/<int:pk>/close/", views.close_view, name="close"),
    path("collectors/", views.collectors_view, name="collectors"),
    path("portfolios/", views.portfolios_view, name="portfolios"),
    path("portfolios/assign/", views.portfolio_assign_view, name="portfolio_assign"),
    path("portfolios/rules/", views.portfolio_rule_add_view, name="portfolio_rule_add"),
    path(
        "portfolios/rules/<int:pk>/delete/",
        views.portfolio_rule_delete_view,
        name="portfolio_rule_delete",
    ),
    path("portfolios/rules/apply/", views.portfolio_rules_apply_view, name="portfolio_rules_apply"),
    path("portfolios/balance/", views.portfolio_balance_view, name="portfolio_balance"),
    path("cover/", views.cover_view, name="cover"),
    path("weights/", views.weights_view, name="weights"),
    path("productivity/", views.productivity_view, name="productivity"),
]
