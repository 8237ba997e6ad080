"""The ``openar`` command: one entry point for operators, scripts and schedulers.

Each app contributes its subcommands from ``openar/<app>/commands.py`` via ``register(sub)``;
a handler returns the process exit status. Exit codes: 0 done, 1 rejected/failed (nothing written
unless the command says otherwise), 2 usage error, 141 (128 + SIGPIPE, quietly) when the reader of
the output went away first, as in ``openar ... --json | head -1``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from django.core.management import CommandError

from openar.core.errors import OpenARError, UsageError

COMMAND_MODULES = [
    "openar.core.commands",
    "openar.ledger.commands",
    "openar.jobs.commands",
    "openar.demo.commands",
    "openar.ingest.commands",
    "openar.ingest.export_commands",
    "openar.api_auth.commands",
    "openar.cashapp.commands",
    "openar.worklist.commands",
    "openar.strategy.commands",
    "openar.risk.commands",
    "openar.comms.commands",
]

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openar", description="OpenAR accounts-receivable collections."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        import_module(module_name).register(sub)
    return parser


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openar.settings")
    import django

    django.setup()


# How a command ends when the reader of its output goes away first (`openar ... | head`): quietly,
# with the status of a process killed by SIGPIPE, as the shell tools do.
EXIT_BROKEN_PIPE = 128 + 13


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _run(list(sys.argv[1:] if argv is None else argv))
        finally:
            sys.stdout.flush()  # here, where a closed pipe can still be caught
    except BrokenPipeError:
        _stdout_to_devnull()
        return EXIT_BROKEN_PIPE


def _run(args_list: list[str]) -> int:
    # `openar manage ...` hands everything after it to Django untouched.
    if args_list[:1] == ["manage"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openar.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["openar manage", *args_list[1:]])
        return 0
    setup_django()
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        parser.error(str(exc))  # exits 2
    except OpenARError as exc:
        where = f" ({exc.field})" if exc.field else ""
        print(f"openar: error{where}: {exc.message}", file=sys.stderr)
        return 1
    except CommandError as exc:  # from the Django commands ours run (migrate)
        print(f"openar: error: {exc}", file=sys.stderr)
        return exc.returncode
    except KeyboardInterrupt:
        return 130
    return 0


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush of what is still buffered does
    not fail a second time on the closed pipe and print a traceback after all."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout (embedded, captured)
        pass


if __name__ == "__main__":
    sys.exit(main())
