"""The job page and the daily task: start a run, see its progress, run the task synchronously."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openar.core.errors import Conflict
from openar.core.models import JobRun
from openar.jobs.daily import JSON_KEYS
from openar.jobs.tasks import daily_job_start, run_daily_job
from tests.clock import ON_TODAY
from tests.factories import BASE_DATE, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def manager_client(client):
    client.force_login(UserFactory(username="manager", roles=["manager"]))
    return client


def test_collector_may_not_open_the_job_page(client):
    client.force_login(UserFactory(username="c1", roles=["collector"]))
    assert client.get(reverse("jobs:list")).status_code == 403
    assert client.post(reverse("jobs:start"), {"as_of": "2026-06-30"}).status_code == 403
    assert JobRun.objects.count() == 0


def test_start_queues_a_job_and_the_task_runs_it(
    portfolio, manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("jobs:start"), {"as_of": "2026-06-30"})
    assert response.status_code == 302
    job = JobRun.objects.get()
    assert (job.kind, job.as_of, job.status, job.started_by.username) == (
        "daily",
        BASE_DATE,
        "queued",
        "manager",
    )
    assert job.task_id  # enqueued on the database backend

    page = manager_client.get(reverse("jobs:list"))
    assert b'hx-trigger="every 2s"' in page.content  # polls while a run is active
    with pytest.raises(Conflict):
        daily_job_start(as_of=BASE_DATE, actor="test")

    summary = run_daily_job.call(job.pk)
    assert list(summary) == list(JSON_KEYS)
    job.refresh_from_db()
    assert job.status == "done"
    assert (job.steps_done, job.steps_total, job.percent) == (9, 9, 100)
    assert job.result["actions_created"] == summary["actions_created"] > 0
    assert job.finished_at is not None

    partial = manager_client.get(
        reverse("jobs:list") + "?partial=1", headers={"HX-Request": "true"}
    )
    assert b"every 2s" not in partial.content  # finished: polling stops
    assert b"<html" not in partial.content
    detail = manager_client.get(reverse("jobs:detail", args=[job.pk]))
    assert detail.status_code == 200
    assert str(summary["actions_created"]).encode() in detail.content


def test_failed_step_marks_the_job_failed(portfolio, monkeypatch):
    import openar.jobs.daily

    def boom(as_of, actor, out):
        raise RuntimeError("outbox is on fire")

    monkeypatch.setitem(openar.jobs.daily._RUNNERS, "outbox", boom)
    job = JobRun.objects.create(kind="daily", as_of=BASE_DATE)
    with pytest.raises(RuntimeError):
        run_daily_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "outbox is on fire" in job.error
    assert (job.steps_done, job.current_step) == (6, "outbox")


def test_bad_date_shows_a_message(manager_client):
    response = manager_client.post(reverse("jobs:start"), {"as_of": "30/06/2026"}, follow=True)
    assert b"YYYY-MM-DD" in response.content
    assert JobRun.objects.count() == 0


def test_job_list_query_count(manager_client, django_assert_max_num_queries):
    for day in range(1, 21):
        JobRun.objects.create(kind="daily", as_of=BASE_DATE.replace(day=day), status="done")
    with django_assert_max_num_queries(8):
        page = manager_client.get(reverse("jobs:list"))
    assert page.content.count(b'data-status="done"') == 20


def test_job_list_names_each_kind_of_run(manager_client):
    JobRun.objects.create(kind="statement_run", as_of=BASE_DATE, status="done")
    JobRun.objects.create(kind="statement_send", as_of=BASE_DATE, status="done")
    JobRun.objects.create(kind="ledger_export", as_of=BASE_DATE, status="done")
    english = manager_client.get(reverse("jobs:list")).content.decode()
    assert "Statement run (preparing)" in english
    assert "Statement run (sending)" in english
    assert "Ledger export" in english and "statement_run" not in english
    spanish = manager_client.get(reverse("jobs:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Emisión de estados de cuenta (preparación)" in spanish
    assert "Emisión de estados de cuenta (envío)" in spanish


def test_api_starts_and_reports_a_daily_run(
    portfolio, manager_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            "/api/jobs/daily", {"as_of": "2026-06-30"}, content_type="application/json"
        )
    assert response.status_code == 202
    job_id = response.json()["id"]
    again = manager_client.post(
        "/api/jobs/daily", {"as_of": "2026-06-30"}, content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "job_running")
    run_daily_job.call(job_id)
    body = manager_client.get(f"/api/jobs/{job_id}").json()
    assert body["status"] == "done"
    assert body["result"]["actions_created"] > 0


def test_api_jobs_need_a_manager(client):
    client.force_login(UserFactory(username="c", roles=["collector"]))
    response = client.post("/api/jobs/daily", {}, content_type="application/json")
    assert response.status_code == 403


def test_a_run_queued_under_the_old_task_path_still_runs(
    portfolio, django_capture_on_commit_callbacks
):
    """Rows queued before the tasks moved to openar.jobs name ``openar.tasks.run_daily_job``."""
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        job = daily_job_start(as_of=BASE_DATE, actor="test")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "openar.jobs.tasks.run_daily_job"
    queued.task_path = "openar.tasks.run_daily_job"
    queued.save(update_fields=["task_path"])
    queued.refresh_from_db()
    assert queued.task.func(job.pk)["as_of"] == BASE_DATE.isoformat()
