"""The one role check: anonymous visitors go to the login page, the wrong role gets 403."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from openar.core.roles import Role, RoleRequiredMixin, role_required
from tests.factories import UserFactory


@role_required(Role.CASHAPP, Role.MANAGER, message="Cash needs the cash role.")
def cash_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


class CashPage(RoleRequiredMixin, View):
    roles = (Role.CASHAPP,)

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


class AnyonePage(RoleRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


def _request(user) -> HttpRequest:
    request = RequestFactory().get("/cash/")
    request.user = user
    return request


@pytest.mark.parametrize("view", [cash_view, CashPage.as_view(), AnyonePage.as_view()])
def test_anonymous_goes_to_login(view):
    response = view(_request(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/cash/"


@pytest.mark.django_db
def test_wrong_role_is_refused_with_the_message():
    collector = UserFactory(username="col", roles=[Role.COLLECTOR])
    with pytest.raises(PermissionDenied, match=r"Cash needs the cash role\."):
        cash_view(_request(collector))
    with pytest.raises(PermissionDenied):
        CashPage.as_view()(_request(collector))
    assert AnyonePage.as_view()(_request(collector)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("roles", [[Role.CASHAPP], [Role.MANAGER], [Role.ADMIN]])
def test_any_listed_role_or_admin_passes(roles):
    user = UserFactory(username="u", roles=roles)
    assert cash_view(_request(user)).content == b"ok"
    if roles != [Role.MANAGER]:
        assert CashPage.as_view()(_request(user)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/cash/statements/", "Cash application needs the cash application, manager or admin"),
        ("/strategies/new/", "Only a collections manager can change strategies."),
        ("/jobs/", "Your roles do not include this page."),
        ("/queue/portfolios/", "Only a collections manager can open this page."),
        ("/queue/?collector=someone", "Only a collections manager can open another queue."),
    ],
)
def test_refused_page_says_why_in_the_product_page(client, url, message):
    client.force_login(UserFactory(username="col", roles=[Role.COLLECTOR]))
    response = client.get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert message in body and 'class="topbar"' in body


@pytest.mark.django_db
def test_refused_page_in_spanish(client):
    client.force_login(UserFactory(username="col", roles=[Role.COLLECTOR]))
    body = client.get("/jobs/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "No permitido" in body and "Sus roles no incluyen esta página" in body
