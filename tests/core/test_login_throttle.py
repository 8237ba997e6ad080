"""Sign-in throttling at /login/ and /admin/login/ (issue 15, defect 6): after N wrong passwords
for a username, or M from one address, the right password is refused for a while; failures and
the lock-out are in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from openar.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.OPENAR_LOGIN_MAX_FAILURES = 5
    settings.OPENAR_LOGIN_MAX_FAILURES_ADDRESS = 8
    settings.OPENAR_LOGIN_LOCKOUT_MINUTES = 15


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _try(path: str, username: str, password: str, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(path, {"username": username, "password": password})
    return client


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_right_password_refused_after_too_many_wrong_ones(path):
    UserFactory(username="ana", password="right-one", roles=["collector"])
    user = UserFactory(username="root", password="right-one")
    user.is_staff = user.is_superuser = True
    user.save()
    name = "root" if "admin" in path else "ana"
    with time_machine.travel(NOW, tick=False):
        for _ in range(20):
            _try(path, name, "wrong")
        client = _try(path, name, "right-one")
        assert not _signed_in(client)
        response = Client(REMOTE_ADDR="10.9.9.9").post(path, {"username": name, "password": "x"})
        assert "Too many failed sign-ins" in response.content.decode()
    # After the lock-out window the right password works again.
    with time_machine.travel(NOW + dt.timedelta(minutes=16), tick=False):
        assert _signed_in(_try(path, name, "right-one", address="10.0.0.2"))


def test_failures_and_the_lockout_are_audited():
    UserFactory(username="ana", password="right-one")
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            _try("/login/", "ana", "wrong", address="192.0.2.7")
    failed = AuditEvent.objects.filter(action="login.failed", object_id="ana")
    assert failed.count() == 5
    assert failed.first().after == {"address": "192.0.2.7"}
    locked = AuditEvent.objects.get(action="login.locked")
    assert "'ana' from 192.0.2.7" in locked.summary


def test_one_address_guessing_many_usernames_is_locked_out():
    UserFactory(username="bob", password="right-one")
    with time_machine.travel(NOW, tick=False):
        for i in range(8):
            _try("/login/", f"user{i}", "wrong", address="198.51.100.1")
        assert not _signed_in(_try("/login/", "bob", "right-one", address="198.51.100.1"))
        assert _signed_in(_try("/login/", "bob", "right-one", address="198.51.100.2"))


def test_a_success_starts_the_count_again():
    UserFactory(username="ana", password="right-one")
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            _try("/login/", "ana", "wrong")
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert _signed_in(_try("/login/", "ana", "right-one"))
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        for _ in range(4):
            _try("/login/", "ana", "wrong", address="10.0.0.3")  # the address counts on
        assert _signed_in(_try("/login/", "ana", "right-one", address="10.0.0.3"))
