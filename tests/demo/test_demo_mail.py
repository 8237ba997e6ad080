"""`make demo` after sending: `openar demo-mail` writes what customers answer into the demo's
mailbox folder and `openar comms fetch` reads it like any mailbox: threaded replies (promises,
an invoice-copy request, disputes that open cases, a remittance advice, an out-of-office), a
bounce that flags its address, and mail no account matches waiting in the Inbox."""

from __future__ import annotations

import json

import pytest

from openar.cli import main
from openar.comms.models import BouncedAddress, InboundMessage

pytestmark = pytest.mark.django_db


def test_the_demo_inbox_is_read_through_the_mailbox(tmp_path, settings, capsys, client):
    from openar.core.email_url import email_url_config

    settings.MAILERS = {"default": email_url_config(f"file://{tmp_path / 'mail'}")}
    settings.OPENAR_LETTER_DIR = tmp_path / "letters"
    settings.OPENAR_IMAP_URL = f"file://{tmp_path / 'inbox'}"
    args = ["demo-data", "--customers", "120", "--collectors", "1", "--seed", "7"]
    args += ["--as-of", "2026-06-30", "--output-dir", str(tmp_path / "files"), "--json"]
    assert main(args) == 0
    assert main(["run-daily", "--as-of", "2026-06-30", "--json"]) == 0
    assert main(["comms", "send", "--as-of", "2026-06-30", "--ignore-window", "--json"]) == 0
    capsys.readouterr()

    assert main(["demo-mail", "--as-of", "2026-06-30", "--seed", "7", "--json"]) == 0
    written = json.loads(capsys.readouterr().out)
    # The small portfolio emails seven customers with items to answer about: one reply each.
    assert written["kinds"] == {
        "promise": 1, "dispute": 2, "invoice_copy": 1, "auto_reply": 1, "remittance": 1,
        "bounce": 1, "unmatched": 3,
    }  # fmt: skip
    assert len(list((tmp_path / "inbox").glob("*.eml"))) == written["written"] == 10

    assert main(["comms", "fetch", "--json"]) == 0
    fetched = json.loads(capsys.readouterr().out)
    assert fetched == {"fetched": 10, "threaded": 7, "unmatched": 3, "bounces": 1, "failed": 0}
    kinds = {}
    for m in InboundMessage.objects.filter(status="threaded"):
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
    assert kinds == {
        "promise": 1, "dispute": 2, "invoice_copy": 1, "auto_reply": 1, "remittance": 1,
        "bounce": 1,
    }  # fmt: skip
    # Replies are threaded to the reminder they answer; promises carry amount and date.
    for m in InboundMessage.objects.filter(kind="promise", status="threaded"):
        assert m.matched_by == "reply" and m.original is not None
        assert m.promise_amount and m.promise_date
    # Each dispute opened its case, with the email attached.
    for m in InboundMessage.objects.filter(kind="dispute"):
        assert m.dispute_case is not None
        assert m.dispute_case.attachments.filter(filename__endswith=".eml").exists()
    assert BouncedAddress.objects.count() == 1
    # What no account matched waits in the Inbox for a person.
    unmatched = InboundMessage.objects.filter(status="unmatched")
    assert unmatched.count() == 3
    assert {m.kind for m in unmatched} >= {"other", "promise"}
    # A second read finds nothing new; another demo-mail run adds new files past the last read.
    assert main(["comms", "fetch", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fetched"] == 0
