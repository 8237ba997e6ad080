"""Orchestration: the daily cycle, task definitions, schedules, and the job pages and API.

Top of the layers with demo: it wires the domain apps together; no domain app imports it."""
