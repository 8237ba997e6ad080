"""`openar demo-data` loads strategies and a promise and call history the daily cycle can use."""

from __future__ import annotations

import json

import pytest

from openar.activity.models import ContactLog, PromiseToPay
from openar.cli import main
from openar.strategy.models import Strategy

pytestmark = pytest.mark.django_db


def test_demo_data_then_run_daily(tmp_path, capsys):
    args = ["demo-data", "--customers", "60", "--collectors", "1", "--seed", "7"]
    args += ["--as-of", "2026-06-30", "--output-dir", str(tmp_path), "--json"]
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["strategies_loaded"] >= 1
    assert Strategy.objects.filter(active=True).count() == Strategy.objects.count() > 0
    activity = summary["activity"]
    assert activity["promises"] == PromiseToPay.objects.count() > 0
    assert activity["contacts"] == ContactLog.objects.count() >= activity["promises"]
    # Every promise was taken by the account's collector on or before the portfolio date.
    for promise in PromiseToPay.objects.select_related("customer"):
        assert promise.taken_by_id == promise.customer.collector_id
        assert promise.taken_on <= promise.promised_date
    assert not PromiseToPay.objects.filter(status="open", promised_date__lt="2026-06-28").exists()

    # A second load without --reset adds no more history.
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["activity"]["promises"] == 0

    assert main(["run-daily", "--as-of", "2026-06-30", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["actions_created"] > 0
    assert result["customers"] == 60


def test_demo_sends_the_days_reminders_to_its_folder_and_the_timeline(tmp_path, settings, capsys):
    """What `make demo` does after the daily cycle: `openar comms send --ignore-window`."""
    from openar.comms.models import Letterhead, OutboxMessage
    from openar.core.email_url import email_url_config

    settings.MAILERS = {"default": email_url_config(f"file://{tmp_path / 'mail'}")}
    settings.OPENAR_LETTER_DIR = tmp_path / "letters"
    args = ["demo-data", "--customers", "60", "--collectors", "1", "--seed", "7"]
    args += ["--as-of", "2026-06-30", "--output-dir", str(tmp_path / "files"), "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["letterheads"] == Letterhead.objects.count() > 0
    assert main(["run-daily", "--as-of", "2026-06-30", "--json"]) == 0
    capsys.readouterr()

    code = main(["comms", "send", "--as-of", "2026-06-30", "--ignore-window", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["sent"] > 0
    emails = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(emails) == result["sent"]
    letters = sorted((tmp_path / "letters" / "2026-06-30").glob("*.pdf"))
    assert len(letters) == result["letters"]
    sent = OutboxMessage.objects.filter(status="sent")
    assert sent.count() == result["sent"] + result["letters"]
    # Each one is on its account's timeline.
    for message in sent.select_related("contact"):
        assert message.contact is not None
        assert message.contact.customer_id == message.customer_id
        assert message.contact.outcome == "sent"
