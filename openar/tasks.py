"""Old home of the background tasks, kept so queued rows still run after an upgrade.

django-tasks-db stores each queued task by its import path; a daily job queued before the tasks
moved to ``openar.jobs.tasks`` names ``openar.tasks.run_daily_job``. This alias lets a worker of
the new version run it. New tasks are queued under ``openar.jobs.tasks``.
"""

from openar.jobs.tasks import run_daily_job

__all__ = ["run_daily_job"]
