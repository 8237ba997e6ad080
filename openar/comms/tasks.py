"""Background tasks of communications (run by the ``db_worker``): preparing and sending a
statement run."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def prepare_statement_run(run_id: int) -> dict[str, Any]:
    """Worker entry point: write the statements of run ``run_id`` for review."""
    from openar.comms.models import StatementRun
    from openar.comms.services.statement_runs import statement_run_prepare

    run = StatementRun.objects.select_related("job").get(pk=run_id)
    statement_run_prepare(run=run)
    return {"run": run_id, "status": run.status}


@task()
def send_statement_run(run_id: int) -> dict[str, Any]:
    """Worker entry point: send the reviewed statements of run ``run_id``."""
    from openar.comms.models import StatementRun
    from openar.comms.services.statement_runs import REPORT_KEYS, statement_run_send

    run = StatementRun.objects.select_related("job", "sent_by").get(pk=run_id)
    report = statement_run_send(run=run, actor=run.sent_by or "statement-run")
    return {"run": run_id} | {key: report[key] for key in REPORT_KEYS}
