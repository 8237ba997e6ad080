"""`openar comms send`: the exact JSON keys and exit codes; `OPENAR_EMAIL_URL` parsing."""

from __future__ import annotations

import json
import re

import pytest

from openar.cli import main
from openar.comms.services import outbox_queue
from openar.core.email_url import email_url_config
from tests.comms.smtp import free_port
from tests.comms.test_outbox import _action
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def _queue():
    customer = CustomerFactory(email="ap@acme.example", country="US")
    DocumentFactory(customer=customer, due_date=BASE_DATE.replace(day=1))
    _action(customer, "email", dpd=29)
    outbox_queue(as_of=BASE_DATE, actor="test")


def test_send_prints_the_five_counts_and_exits_0_when_all_went(smtp, capsys):
    _queue()
    code = main(["comms", "send", "--as-of", BASE_DATE.isoformat(), "--ignore-window", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out == {"sent": 1, "deferred": 0, "failed": 0, "letters": 0, "skipped": 0}
    assert list(out) == ["sent", "deferred", "failed", "letters", "skipped"]
    assert code == 0
    assert len(smtp.recorder.messages) == 1


def test_send_exits_1_when_the_server_is_down(smtp, settings, capsys):
    _queue()
    settings.MAILERS = {"default": email_url_config(f"smtp://127.0.0.1:{free_port()}")}
    code = main(["comms", "send", "--as-of", BASE_DATE.isoformat(), "--ignore-window", "--json"])
    assert json.loads(capsys.readouterr().out)["deferred"] == 1
    assert code == 1


def test_dry_run_and_limit(smtp, capsys):
    _queue()
    _queue()
    code = main(
        [
            "comms",
            "send",
            "--as-of",
            BASE_DATE.isoformat(),
            "--ignore-window",
            "--dry-run",
            "--limit",
            "1",
            "--json",
        ]
    )
    assert json.loads(capsys.readouterr().out)["sent"] == 1
    assert code == 0
    assert smtp.recorder.messages == []
    with pytest.raises(SystemExit) as exc:
        main(["comms", "send", "--limit", "0"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        (
            "smtp://user:p%40ss@mail.example.com:587?tls=1",
            "django.core.mail.backends.smtp.EmailBackend",
            {
                "host": "mail.example.com",
                "port": 587,
                "use_tls": True,
                "use_ssl": False,
                "timeout": 30.0,
                "username": "user",
                "password": "p@ss",
            },
        ),
        (
            "smtps://mail.example.com",
            "django.core.mail.backends.smtp.EmailBackend",
            {
                "host": "mail.example.com",
                "port": 465,
                "use_tls": False,
                "use_ssl": True,
                "timeout": 30.0,
            },
        ),
        ("console://", "django.core.mail.backends.console.EmailBackend", None),
        (
            "file:///var/mail/openar",
            "openar.comms.mailbackends.FolderBackend",
            {"file_path": "/var/mail/openar"},
        ),
    ],
)
def test_email_url(url, backend, options):
    config = email_url_config(url)
    assert config["BACKEND"] == backend
    assert config.get("OPTIONS") == options


@pytest.mark.parametrize(
    ("url", "message"),
    [("http://x", "unknown scheme 'http'"), ("smtp://", "no host"), ("file://", "folder path")],
)
def test_email_url_refused(url, message):
    with pytest.raises(ValueError, match=message):
        email_url_config(url)


def test_folder_backend_writes_one_eml_per_message(settings, tmp_path, capsys):
    settings.MAILERS = {"default": email_url_config(f"file://{tmp_path / 'mail'}")}
    _queue()
    assert main(["comms", "send", "--as-of", BASE_DATE.isoformat(), "--ignore-window"]) == 0
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    assert re.search(rb"Message-ID: <[^>]+\.openar\.\d+@openar\.invalid>", eml.read_bytes())
