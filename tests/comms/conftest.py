from __future__ import annotations

import pytest

from openar.core.email_url import email_url_config
from tests.comms.smtp import SMTPServer
from tests.conftest import _item_uses_database


@pytest.fixture(autouse=True)
def _shipped_templates(request):
    """The shipped message templates, in each test database (the migration seeds them; a
    transactional test's flush removes them)."""
    if not _item_uses_database(request.node):
        return
    request.getfixturevalue("db")
    from openar.comms.services import templates_load_defaults

    templates_load_defaults(actor="test")


@pytest.fixture
def smtp(settings, tmp_path):
    """A real SMTP server the app sends to, with sending settings fixed for the test."""
    server = SMTPServer()
    server.start()
    settings.MAILERS = {"default": email_url_config(server.url)}
    settings.OPENAR_EMAIL_FROM = "Accounts Receivable <ar@example.com>"
    settings.OPENAR_EMAIL_REPLY_TO = "ar+{token}@example.com"
    settings.OPENAR_EMAIL_TEST_TO = ""
    settings.OPENAR_EMAIL_MAX_PER_WEEK = 2
    settings.OPENAR_EMAIL_WINDOW = "08:00-18:00"
    settings.OPENAR_EMAIL_QUIET_DAYS = "sat,sun"
    settings.OPENAR_EMAIL_ATTACH_PDF = False
    settings.OPENAR_LETTER_DIR = tmp_path / "letters"
    settings.TIME_ZONE = "UTC"
    yield server
    server.stop()


@pytest.fixture
def imap(settings):
    """A real IMAP server (tests/comms/imap.py) the app reads its mailbox from."""
    from tests.comms.imap import IMAPServer

    server = IMAPServer()
    server.start()
    settings.OPENAR_IMAP_URL = server.url()
    settings.OPENAR_INBOUND_MAX_ATTACHMENT_BYTES = 100_000
    settings.OPENAR_EMAIL_REPLY_TO = "ar+{token}@example.com"
    settings.TIME_ZONE = "UTC"
    yield server
    server.stop()
