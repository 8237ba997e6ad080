"""A folder of .eml files named by number as the mailbox (``OPENAR_IMAP_URL=file:///path``): the
demo's, or mail exported from elsewhere. Read in order, each once, through the same fetch."""

from __future__ import annotations

import pytest

from openar.comms.inbound.imap_url import imap_url_config
from openar.comms.models import InboundMessage, MailboxState
from openar.comms.services.inbound import MailboxError, inbound_fetch
from tests.clock import ON_TODAY
from tests.comms import mail_samples as mail

pytestmark = [pytest.mark.django_db, ON_TODAY]


def test_file_url():
    config = imap_url_config("file:///var/openar/inbox")
    assert (config.path, config.key) == ("/var/openar/inbox", "file:/var/openar/inbox")
    with pytest.raises(ValueError, match="no folder"):
        imap_url_config("file:///")
    with pytest.raises(ValueError, match="expected imap, imaps or file"):
        imap_url_config("pop3://u@host/")


def test_a_folder_is_read_in_order_once(tmp_path, settings):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "000002.eml").write_bytes(mail.stranger())
    (folder / "000001.eml").write_bytes(mail.out_of_office(sender="nobody@else.example"))
    (folder / "notes.txt").write_text("not mail")
    settings.OPENAR_IMAP_URL = f"file://{folder}"

    first = inbound_fetch(actor="test")

    assert (first.fetched, first.unmatched, first.failed) == (2, 2, 0)
    assert list(InboundMessage.objects.order_by("uid").values_list("uid", "subject")) == [
        (1, "Automatic reply: Payment reminder: Acme Inc. has 1,200.00 USD past due"),
        (2, "Your quote for office chairs"),
    ]
    assert MailboxState.objects.get(key=f"file:{folder}").last_uid == 2
    assert inbound_fetch(actor="test").fetched == 0  # nothing is read twice
    (folder / "000003.eml").write_bytes(mail.invoice_copy_request_pt(sender="x@y.example"))
    assert inbound_fetch(actor="test").fetched == 1


def test_a_missing_folder_is_a_mailbox_error(tmp_path, settings):
    settings.OPENAR_IMAP_URL = f"file://{tmp_path / 'nowhere'}"
    with pytest.raises(MailboxError, match="no mail folder"):
        inbound_fetch(actor="test")
