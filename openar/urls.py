from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from openar.core.login import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm
from openar.core.views import home_view

# Both sign-in pages refuse for a while after too many wrong passwords (docs/security.md).
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("home/", home_view, name="home"),
    path("admin/", admin.site.urls),
    path("", include("openar.ledger.urls")),
    path("imports/", include("openar.ingest.urls")),
    path("risk/", include("openar.risk.urls")),
    path("promises/", include("openar.activity.urls")),
    path("disputes/", include("openar.disputes.urls")),
    path("credit/", include("openar.credit.urls")),
    path("cash/", include("openar.cashapp.urls")),
    path("strategies/", include("openar.strategy.urls")),
    path("queue/", include("openar.worklist.urls")),
    path("outbox/", include("openar.comms.urls")),
    path("templates/", include("openar.comms.template_urls")),
    path("inbox/", include("openar.comms.inbound.urls")),
    path("reports/", include("openar.reports.urls")),
    path("jobs/", include("openar.jobs.urls")),
    path("api/", include("openar.api_urls")),
]
