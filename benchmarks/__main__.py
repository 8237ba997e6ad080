"""Run the scale benchmarks and print one line per scenario:

    scenario=<name> db=<sqlite|postgresql|none> rows=<n> seconds=<s> rows_per_s=<r> peak_mb=<m>
    target=<...> ok=<yes|no>

Usage: ``python -m benchmarks [--customers N] [--seed S] [--db sqlite|postgresql|all]``.
SQLite always runs (a fresh file under var/bench/); PostgreSQL runs when DATABASE_URL points at
one, in a fresh database ``openar_bench`` created on that server. Every scenario runs in its own
process so its peak memory (VmHWM / ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("OPENAR_VAR_DIR", ROOT / "var")) / "bench"
# Several benchmark runs on one server (or one checkout) keep apart by naming their own database.
PG_BENCH_DB = os.environ.get("OPENAR_BENCH_DB", "openar_bench")
MEMORY_LIMIT_MB = 1024

# Scenarios run after "aging" on the imported portfolio, in order: (name, "module:function").
# Each function takes ``as_of`` (a date) and returns at least {"rows", "seconds"}.
LATER_SCENARIOS: list[tuple[str, str]] = []
LATER_SCENARIOS.append(("daily", "benchmarks.daily:daily_cycle"))

# Targets: (seconds, peak MB) per scenario and database; None = no target.
TARGETS: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("generate", "none"): (300.0, MEMORY_LIMIT_MB),
    ("import", "sqlite"): (120.0, MEMORY_LIMIT_MB),
    ("import", "postgresql"): (60.0, MEMORY_LIMIT_MB),
    ("aging", "sqlite"): (None, MEMORY_LIMIT_MB),
    ("aging", "postgresql"): (5.0, MEMORY_LIMIT_MB),
    ("daily", "postgresql"): (120.0, MEMORY_LIMIT_MB),
}

# Work queues (benchmarks/worklist.py): rebuild every queue; one collector's after a logged call.
LATER_SCENARIOS.append(("worklist_all", "benchmarks.worklist:rebuild_all"))
LATER_SCENARIOS.append(("worklist_one", "benchmarks.worklist:rebuild_one"))
TARGETS[("worklist_all", "postgresql")] = (30.0, MEMORY_LIMIT_MB)
TARGETS[("worklist_one", "postgresql")] = (0.2, MEMORY_LIMIT_MB)
TARGETS[("worklist_one", "sqlite")] = (0.2, MEMORY_LIMIT_MB)

# Cash application (benchmarks/cashapp.py): 20,000 bank lines matched against the open items.
LATER_SCENARIOS.append(("cashapp", "benchmarks.cashapp:cashapp_match"))
TARGETS[("cashapp", "postgresql")] = (60.0, MEMORY_LIMIT_MB)

# The same payments as camt.053, MT940 and BAI2, each matched on its own: auto rate and
# precision per format on the line (target: >= 95% of lines, >= 99.7% precision, 2 points apart).
LATER_SCENARIOS.append(("cashapp_formats", "benchmarks.cashapp:cashapp_formats"))

# Strategy engine (benchmarks/strategy.py): every active strategy over the whole portfolio.
LATER_SCENARIOS.append(("strategies", "benchmarks.strategy:strategies"))
TARGETS[("strategies", "postgresql")] = (40.0, MEMORY_LIMIT_MB)

# Communications (benchmarks/comms.py): one collector's monthly statement run (600 customers) as
# PDF, on 2 cores; 10,000 queued emails sent to a local SMTP server (aiosmtpd).
LATER_SCENARIOS.append(("statement_run", "benchmarks.comms:statement_run"))
LATER_SCENARIOS.append(("smtp_send", "benchmarks.comms:smtp_send"))
for _db in ("sqlite", "postgresql"):
    TARGETS[("statement_run", _db)] = (60.0, MEMORY_LIMIT_MB)
    TARGETS[("smtp_send", _db)] = (120.0, MEMORY_LIMIT_MB)

# Reporting (benchmarks/reports.py): a year of daily snapshots rebuilt from history, then the
# manager's dashboard on it (the issue: under 300 ms; the snapshot tables under 2 GB).
LATER_SCENARIOS.append(("snapshots", "benchmarks.reports:snapshots"))
LATER_SCENARIOS.append(("dashboard", "benchmarks.reports:dashboard"))
TARGETS[("dashboard", "postgresql")] = (0.3, MEMORY_LIMIT_MB)

# Risk (benchmarks/risk.py): adds ~2M paid invoices of history once (untimed), then trains the
# model on it and scores every customer and open item. Last, so the history does not change
# the other scenarios' data.
LATER_SCENARIOS.append(("risk_train", "benchmarks.risk:train"))
LATER_SCENARIOS.append(("risk_score", "benchmarks.risk:score"))
TARGETS[("risk_train", "postgresql")] = (180.0, 4096.0)
TARGETS[("risk_score", "postgresql")] = (60.0, 4096.0)


@dataclass
class Outcome:
    result: dict
    peak_mb: float
    returncode: int
    stderr: str


def run_child(name: str, params: dict, env: dict[str, str]) -> Outcome:
    """Run one scenario in a fresh interpreter and read its peak resident memory."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.scenarios", name, json.dumps(params)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # communicate() would reap the child; wait4 reaps it and returns its own rusage.
    out_chunks: list[str] = []
    err_chunks: list[str] = []

    def drain(stream, sink) -> None:
        for line in stream:
            sink.append(line)

    threads = [
        threading.Thread(target=drain, args=(proc.stdout, out_chunks)),
        threading.Thread(target=drain, args=(proc.stderr, err_chunks)),
    ]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join()
    lines = [line for line in "".join(out_chunks).splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines and proc.returncode == 0 else {}
    # ru_maxrss is in kilobytes on Linux.
    return Outcome(result, usage.ru_maxrss / 1024, proc.returncode, "".join(err_chunks))


def report(name: str, db: str, outcome: Outcome, note: str = "") -> bool:
    rows = int(outcome.result.get("rows", 0))
    seconds = float(outcome.result.get("seconds", 0.0))
    rate = rows / seconds if seconds else 0.0
    max_seconds, max_mb = TARGETS.get((name, db), (None, None))
    targets = []
    ok = outcome.returncode == 0 and not outcome.result.get("rejected")
    if max_seconds is not None:
        targets.append(f"seconds<={max_seconds:g}")
        ok = ok and seconds <= max_seconds
    if max_mb is not None:
        targets.append(f"peak_mb<{max_mb:g}")
        ok = ok and outcome.peak_mb < max_mb
    if "figures_ok" in outcome.result:  # quality targets a scenario checks itself
        targets.append("figures")
        ok = ok and bool(outcome.result["figures_ok"])
    line = (
        f"scenario={name} db={db} rows={rows} seconds={seconds:.2f} rows_per_s={rate:.0f} "
        f"peak_mb={outcome.peak_mb:.0f} target={','.join(targets) or 'none'} "
        f"ok={'yes' if ok else 'no'}"
    )
    if note:
        line += f" {note}"
    if outcome.result.get("note"):
        line += f" {outcome.result['note']}"
    print(line, flush=True)
    if outcome.returncode != 0:
        print(outcome.stderr.strip()[-2000:], file=sys.stderr)
    elif outcome.result.get("errors"):
        print(f"  errors: {outcome.result['errors']}", file=sys.stderr)
    return ok


def fresh_postgres(url: str) -> str:
    """Drop and create the benchmark database on the server of ``url``; return its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{PG_BENCH_DB}"))


def database_targets(choice: str) -> list[tuple[str, str]]:
    """(label, DATABASE_URL) for every database to benchmark."""
    url = os.environ.get("DATABASE_URL", "")
    is_pg = url.startswith(("postgres://", "postgresql://", "pgsql://"))
    wanted = []
    if choice in ("sqlite", "all"):
        wanted.append("sqlite")
    if choice in ("postgresql", "all") and is_pg:
        wanted.append("postgresql")
    if choice == "postgresql" and not is_pg:
        raise SystemExit("--db postgresql needs DATABASE_URL=postgres://...")
    result = []
    for label in wanted:
        if label == "sqlite":
            path = BENCH_DIR / f"{PG_BENCH_DB}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            result.append((label, f"sqlite:///{path}"))
        else:
            result.append((label, fresh_postgres(url)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default="2026-06-30", help="the portfolio's date")
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgresql", "all"],
        default="all",
        help="all = SQLite, plus PostgreSQL when DATABASE_URL names one",
    )
    parser.add_argument(
        "--scenarios",
        default=None,
        help="comma-separated subset (default: all: generate, import, aging and the later ones)",
    )
    args = parser.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of)
    every = ["generate", "import", "aging", *(name for name, _ in LATER_SCENARIOS)]
    wanted = args.scenarios.split(",") if args.scenarios else every
    scenarios = {s.strip() for s in wanted if s.strip()}
    from openar.demo.portfolio import GENERATOR_VERSION

    data_dir = (
        BENCH_DIR
        / f"data-v{GENERATOR_VERSION}-{args.customers}-seed{args.seed}-{as_of.isoformat()}"
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    all_ok = True

    gen = run_child(
        "generate",
        {"customers": args.customers, "seed": args.seed, "as_of": args.as_of,
         "data_dir": str(data_dir)},
        base_env,
    )  # fmt: skip
    if "generate" in scenarios or gen.returncode != 0:
        cached = gen.result.get("cached")
        note = "cached=yes(seconds from the first run)" if cached else "cached=no"
        all_ok &= report("generate", "none", gen, note)
    if gen.returncode != 0:
        return 1
    if not scenarios & ({"import", "aging"} | {name for name, _ in LATER_SCENARIOS}):
        return 0 if all_ok else 1

    for label, url in database_targets(args.db):
        env = base_env | {"DATABASE_URL": url}
        setup = run_child("setup", {"data_dir": str(data_dir)}, env)
        if setup.returncode != 0:
            all_ok &= report("setup", label, setup)
            continue
        imported = run_child("import", {"data_dir": str(data_dir)}, env)
        if "import" in scenarios or imported.returncode != 0:
            all_ok &= report("import", label, imported)
        if imported.returncode != 0:
            continue
        if "aging" in scenarios:
            all_ok &= report("aging", label, run_child("aging", {"as_of": args.as_of}, env))
        for name, target in LATER_SCENARIOS:
            if name in scenarios:
                all_ok &= report(name, label, run_child(target, {"as_of": args.as_of}, env))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
