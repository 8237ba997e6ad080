"""`openar comms fetch`: the JSON summary's keys, exit 0 when the mailbox was read, exit 1 with a
clear message when it cannot be; the task worker reads the mailbox on a schedule."""

from __future__ import annotations

import json

import pytest
from django_tasks_db.models import DBTaskResult

from openar.cli import main
from openar.comms.models import InboundMessage
from openar.jobs.tasks import FETCH_TASK_PATH, fetch_mail, fetch_schedule_ensure
from tests.clock import ON_TODAY
from tests.comms import mail_samples as mail
from tests.comms.test_inbound_fetch import _acme, _sent

pytestmark = [pytest.mark.django_db, ON_TODAY]


def test_fetch_prints_the_five_counts_and_exits_0(imap, capsys):
    customer = _acme()
    _sent(customer)
    imap.deliver(mail.outlook_promise())
    imap.deliver(mail.stranger())

    code = main(["comms", "fetch", "--json"])

    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["fetched", "threaded", "unmatched", "bounces", "failed"]
    assert out == {"fetched": 2, "threaded": 1, "unmatched": 1, "bounces": 0, "failed": 0}
    assert code == 0


def test_fetch_in_words(imap, capsys):
    imap.deliver(mail.stranger())
    assert main(["comms", "fetch"]) == 0
    out = capsys.readouterr().out
    assert "fetched          1" in out and "unmatched        1" in out


def test_fetch_exits_1_when_the_login_is_refused(imap, settings, capsys):
    settings.OPENAR_IMAP_URL = imap.url(password="wrong")
    code = main(["comms", "fetch", "--json"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert "refused the login of 'ar@example.com'" in captured.err
    assert "wrong" not in captured.err


def test_fetch_exits_1_when_the_server_is_down_or_not_set(imap, settings, capsys):
    imap.stop()
    assert main(["comms", "fetch"]) == 1
    assert "cannot connect to the mail server 127.0.0.1" in capsys.readouterr().err
    settings.OPENAR_IMAP_URL = ""
    assert main(["comms", "fetch"]) == 1
    assert "set OPENAR_IMAP_URL" in capsys.readouterr().err


def test_the_worker_reads_the_mailbox_and_queues_the_next_run(imap):
    imap.deliver(mail.stranger())

    assert fetch_mail.call() == {
        "fetched": 1,
        "threaded": 0,
        "unmatched": 1,
        "bounces": 0,
        "failed": 0,
    }
    assert InboundMessage.objects.count() == 1
    waiting = DBTaskResult.objects.filter(task_path=FETCH_TASK_PATH, status="READY")
    assert waiting.count() == 1 and waiting.get().run_after is not None
    assert fetch_schedule_ensure() is False
    # A mailbox that cannot be read: the run says why and the schedule goes on.
    imap.stop()
    assert "cannot connect" in fetch_mail.call()["error"]
    assert waiting.count() == 1


def test_no_schedule_without_a_mailbox(settings):
    settings.OPENAR_IMAP_URL = ""
    assert fetch_schedule_ensure() is False
    assert not DBTaskResult.objects.filter(task_path=FETCH_TASK_PATH).exists()
