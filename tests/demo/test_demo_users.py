"""Demo logins with the password 'demo' exist only in demo mode (issue 15, defect 14)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from openar.demo.users import ensure_demo_users
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_outside_demo_mode_no_known_password_and_existing_users_untouched():
    admin = UserFactory(username="admin", password="a-long-real-secret")
    ensure_demo_users(1, demo_mode=False)
    users = get_user_model().objects
    admin.refresh_from_db()
    assert admin.check_password("a-long-real-secret") and not admin.is_superuser
    for name in ("manager", "collector1", "research", "cashapp", "credit"):
        user = users.get(username=name)
        assert not user.has_usable_password(), name
        assert user.groups.exists(), name


def test_demo_data_command_outside_demo_mode_says_how_to_set_passwords(settings, tmp_path, capsys):
    from openar.cli import main

    settings.OPENAR_DEMO_MODE = False
    args = ["demo-data", "--customers", "20", "--collectors", "1", "--seed", "3",
            "--as-of", "2026-06-30", "--output-dir", str(tmp_path), "--json"]  # fmt: skip
    assert main(args) == 0
    assert "openar manage changepassword USERNAME" in capsys.readouterr().err
    assert not any(u.check_password("demo") for u in get_user_model().objects.all())


def test_demo_mode_gives_every_demo_login_the_password_demo(settings):
    settings.OPENAR_DEMO_MODE = True
    ensure_demo_users(2)
    for name in ("admin", "manager", "collector1", "collector2", "research", "cashapp", "credit"):
        assert get_user_model().objects.get(username=name).check_password("demo"), name
