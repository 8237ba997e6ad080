"""The `openar` command as deployment scripts and shells use it: `openar migrate` takes Django's
migrate options, and output piped into a reader that stops early (`| head -1`) ends quietly with
141 (128 + SIGPIPE), never a BrokenPipeError traceback. The real entry point runs in a subprocess
on its own SQLite file; the option handling is also checked in process, where it is cheap."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from openar.cli import main

OPENAR = str(Path(sys.executable).with_name("openar"))
LEDGER_MIGRATIONS = Path(__file__).resolve().parents[2] / "openar" / "ledger" / "migrations"
EXIT_BROKEN_PIPE = 141
ROLES = ["admin", "cashapp", "collector", "credit", "manager", "research"]


def _env(directory: Path) -> dict[str, str]:
    """A deployment's environment: its own SQLite file and var directory."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environ["DATABASE_URL"] = f"sqlite:///{directory / 'openar.sqlite3'}"
    environ["OPENAR_VAR_DIR"] = str(directory / "var")
    return environ


def _db(env: dict[str, str]) -> Path:
    return Path(env["DATABASE_URL"].removeprefix("sqlite:///"))


def openar(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OPENAR, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def query(env: dict[str, str], sql: str) -> list[tuple]:
    with sqlite3.connect(_db(env)) as conn:
        return conn.execute(sql).fetchall()


def tables(env: dict[str, str]) -> set[str]:
    if not _db(env).exists():
        return set()
    return {name for (name,) in query(env, "SELECT name FROM sqlite_master WHERE type='table'")}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """`openar migrate --noinput` on a fresh SQLite file, as a deployment script runs it."""
    directory = tmp_path_factory.mktemp("migrated")
    env = _env(directory)
    return env, openar(env, "migrate", "--noinput")


@pytest.fixture
def deployment(migrated, tmp_path) -> dict[str, str]:
    """A copy of the migrated database for a test to change."""
    env = _env(tmp_path)
    shutil.copyfile(_db(migrated[0]), _db(env))
    return env


def test_migrate_noinput_on_a_fresh_sqlite_file(migrated):
    env, done = migrated
    assert done.returncode == 0, done.stderr
    assert "Applying ledger.0001_initial... OK" in done.stdout
    assert "Traceback" not in done.stderr
    assert {"ledger_document", "cashapp_statementline", "auth_group"} <= tables(env)
    assert sorted(name for (name,) in query(env, "SELECT name FROM auth_group")) == ROLES
    ledger_migrations = len(list(LEDGER_MIGRATIONS.glob("0*.py")))
    assert query(env, "SELECT count(*) FROM django_migrations WHERE app = 'ledger'") == [
        (ledger_migrations,)
    ]


def _pipe_into(env: dict[str, str], args: list[str], reader: list[str]) -> tuple[int, str, bytes]:
    """`openar ARGS | READER` wired as a shell does: openar's exit status and standard error, and
    what the reader printed."""
    writer = subprocess.Popen(
        [OPENAR, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stderr is not None
    head = subprocess.Popen(reader, stdin=writer.stdout, stdout=subprocess.PIPE)
    writer.stdout.close()  # only the reader holds the pipe now
    printed, _ = head.communicate(timeout=600)
    errors = writer.stderr.read().decode()
    writer.stderr.close()
    return writer.wait(timeout=600), errors, printed


def test_output_into_a_reader_that_stops_early_ends_quietly(deployment, tmp_path):
    env = deployment
    customers = tmp_path / "customers.csv"
    rows = [f"C{i:05d},Customer number {i} of the pipe test,US01,USD" for i in range(1200)]
    customers.write_text("customer_ref,name,entity,currency\n" + "\n".join(rows) + "\n")
    added = openar(env, "entity", "add", "US01", "--name", "Demo US", "--currency", "USD")
    assert added.returncode == 0, added.stderr
    assert openar(env, "import", "customers", str(customers)).returncode == 0

    # `openar export customers --output - | head -1`: about 80 kB, more than a pipe holds, so
    # openar is still writing when head has gone.
    status, errors, printed = _pipe_into(
        env, ["export", "customers", "--output", "-"], ["head", "-1"]
    )
    assert printed.startswith(b"customer_ref,name,")
    assert printed.count(b"\n") == 1
    assert (status, errors) == (EXIT_BROKEN_PIPE, "")

    # `openar run-daily --json | true`: the reader is gone before openar writes a byte.
    status, errors, printed = _pipe_into(
        env, ["run-daily", "--as-of", "2026-06-30", "--json"], ["true"]
    )
    assert printed == b""
    assert (status, errors) == (EXIT_BROKEN_PIPE, "")
    # The work was done and recorded; only its summary was lost.
    assert query(env, "SELECT kind, as_of, status FROM core_jobrun") == [
        ("daily", "2026-06-30", "done")
    ]


# In process, on the test database: the options reach Django's migrate as given.


@pytest.mark.django_db
def test_migrate_passes_app_label_migration_name_and_plan(capsys):
    assert main(["migrate", "ledger", "0001", "--plan", "--noinput"]) == 0
    out = capsys.readouterr().out
    # Back to ledger 0001: the ledger migrations after it are unapplied (newest first), and
    # only planned.
    later = sorted(p.stem for p in LEDGER_MIGRATIONS.glob("0*.py") if p.stem[:4] != "0001")
    assert out.startswith("Planned operations:\n")
    planned = [x for x in out.splitlines() if x.startswith("ledger.")]
    assert planned == [f"ledger.{name}" for name in reversed(later)]
    assert main(["migrate", "--plan"]) == 0
    assert capsys.readouterr().out == "Planned operations:\n  No planned migration operations.\n"


@pytest.mark.django_db
def test_migrate_check_and_verbosity(capsys):
    assert main(["migrate", "--check", "--database", "default", "-v", "0"]) == 0
    assert main(["migrate", "--no-input", "--verbosity", "0"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.django_db
def test_export_to_standard_output(capsys):
    from tests.factories import CustomerFactory

    CustomerFactory(customer_ref="C1", name="Acme")
    assert main(["export", "customers", "--output", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0].startswith("customer_ref,name,")
    assert captured.out.splitlines()[1].startswith("C1,Acme,")
    assert captured.err == "1 customers rows written to standard output\n"


def test_migrate_refuses_an_unknown_option(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["migrate", "--no-such-option"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


@pytest.mark.django_db
def test_migrate_reports_djangos_refusal_in_one_line(capsys):
    assert main(["migrate", "demo", "zero", "--noinput"]) == 1
    assert capsys.readouterr().err == "openar: error: App 'demo' does not have migrations.\n"
