"""Operational subcommands: migrate, serve (web + worker)."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

# What ``openar serve`` prints once the server is about to start, given its URL. Apps above core
# register here from ``AppConfig.ready()`` (the demo app prints the demo logins in demo mode).
_SERVE_BANNERS: list[Callable[[str], None]] = []


def register_serve_banner(banner: Callable[[str], None]) -> None:
    if banner not in _SERVE_BANNERS:
        _SERVE_BANNERS.append(banner)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "migrate",
        help="create or upgrade the database schema (Django's migrate options)",
        description="Django's migrate with its options (--noinput, --database, --plan, --check, "
        "APP_LABEL MIGRATION_NAME, --fake, --fake-initial, --run-syncdb, --prune), then the "
        "role groups.",
    )
    _migrate_arguments(p)
    p.set_defaults(handler=_migrate)

    p = sub.add_parser("serve", help="serve the web app with its background worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    p.set_defaults(handler=_serve)


def _migrate_arguments(parser: argparse.ArgumentParser) -> None:
    from django.core.management.commands.migrate import Command as Migrate

    # Django's own arguments, so every option it documents (and adds later) is taken as it is;
    # its add_arguments only calls add_argument, which any argparse parser has.
    Migrate().add_arguments(parser)  # type: ignore[arg-type]
    parser.add_argument(
        "-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=1, help="0 to 3 (default 1)"
    )
    # `openar migrate` never asked questions; --noinput, which deployment scripts pass, says so.
    parser.set_defaults(interactive=False)


def _migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connections

    from openar.core.roles import ensure_role_groups

    options = {k: v for k, v in vars(args).items() if k not in ("command", "handler")}
    call_command("migrate", **options)
    if args.plan or args.check_unapplied:
        return 0  # a look at the database, not a change to it
    database = args.database
    if "auth_group" in connections[database].introspection.table_names():
        ensure_role_groups(using=database)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from openar.core.roles import ensure_role_groups

    ensure_role_groups()
    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None
    if not args.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "openar.cli", "manage", "db_worker"])
    for banner in _SERVE_BANNERS:
        banner(f"http://{args.host}:{args.port}/")
    try:
        call_command(
            "runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True
        )
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0
