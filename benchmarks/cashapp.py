"""Benchmark: cash application on the imported portfolio (~1M open items at 100k customers).

Untimed preparation: a bank account per entity and currency, 20,000 generated bank lines against
the portfolio's open items (camt.053, MT940 and BAI2 files, with the generator's truth), payer
accounts learnt "earlier", and the import of the files (timed separately, reported as
``import_seconds``). Timed: ``lines_match`` over every line, which loads its candidates in bulk
and applies, queues or leaves unidentified each line. Reported beside the time: the auto-match
rate (share of lines applied with no human touch) and its precision against the truth.

``cashapp_formats``: the same payments in each of camt.053, MT940 and BAI2 on its own, with the
auto rate and precision per format and the gap between formats (targets: >= 95% of all lines,
>= 99.7% precision, <= 2 points apart); details in ``var/bench/cashapp-formats-last.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

LINES = int(os.environ.get("OPENAR_BENCH_CASH_LINES", "20000"))
SEED = int(os.environ.get("OPENAR_BENCH_CASH_SEED", "42"))
FORMAT_LINES = int(os.environ.get("OPENAR_BENCH_FORMAT_LINES", "5000"))
# The figures per format: share of all lines applied with no human touch, precision,
# and how far apart the formats may be.
MIN_AUTO_RATE, MIN_PRECISION, MAX_GAP = 0.95, 0.997, 0.02


def cashapp_match(*, as_of: dt.date, lines: int = LINES, seed: int = SEED) -> dict[str, Any]:
    from openar.cashapp.services import lines_match, statement_import
    from openar.core.errors import Conflict
    from openar.demo import bank_formats
    from openar.demo import bank_statements as generator
    from openar.ledger.models import Document

    prep = time.perf_counter()
    accounts = generator.ensure_bank_accounts(actor="benchmark")
    result = generator.generate(as_of=as_of, lines=lines, seed=seed, accounts=accounts)
    generator.seed_payer_accounts(result)
    generate_seconds = time.perf_counter() - prep
    with tempfile.TemporaryDirectory(prefix="openar-cash-") as tmp:
        files = bank_formats.write_files(result, Path(tmp), formats=("camt", "mt940", "bai2"))
        started = time.perf_counter()
        imported = []
        for path in files:
            try:
                imported.append(statement_import(path=path, actor="benchmark").lines)
            except Conflict:  # a rerun on the same database: the files are in already
                imported.append(0)
        import_seconds = time.perf_counter() - started
    open_items = Document.objects.filter(cleared_date__isnull=True).exclude(open_amount=0).count()
    started = time.perf_counter()
    summary = lines_match(as_of=as_of, actor="benchmark")
    seconds = time.perf_counter() - started
    quality = generator.evaluate(result)
    outcome = {
        "rows": summary.lines,
        "seconds": seconds,
        "open_items": open_items,
        "statement_lines": sum(imported),
        "files": len(files),
        "generate_seconds": round(generate_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "cpu_seconds": round(summary.cpu_seconds, 2),
        "timings": summary.timings,
        "load_average": os.getloadavg()[0],
        "auto_applied": summary.auto_applied,
        "review": summary.review,
        "unidentified": summary.unidentified,
        "auto_rate": round(quality["auto_rate"], 4),
        "precision": round(quality["precision"], 4),
        "by_scenario": quality["by_scenario"],
        "wrong": quality["wrong"][:5],
    }
    outcome["note"] = (
        f"auto_rate={outcome['auto_rate']:.2%} precision={outcome['precision']:.2%} "
        f"review={summary.review} unidentified={summary.unidentified}"
    )
    # The runner prints one line; the details (phases, quality by scenario) go beside the data.
    from django.conf import settings

    report = Path(settings.VAR_DIR) / "bench" / "cashapp-last.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(outcome, indent=1, default=str))
    return outcome


_KEPT = ("lines", "auto_applied", "correct", "auto_rate", "auto_rate_payable", "precision",
         "import_seconds", "seconds", "by_scenario", "wrong", "missed")  # fmt: skip


def cashapp_formats(
    *, as_of: dt.date, lines: int = FORMAT_LINES, seed: int = SEED
) -> dict[str, Any]:
    """The same generated payments written as camt.053, MT940 and BAI2 in turn, each imported
    and matched on its own (rolled back after), measured against the truth: auto rate over all
    lines and over the lines a person could apply, and precision, per format."""
    from django.conf import settings

    from openar.demo import bank_formats
    from openar.demo import bank_statements as generator

    accounts = generator.ensure_bank_accounts(actor="benchmark")
    result = generator.generate(as_of=as_of, lines=lines, seed=seed, accounts=accounts)
    generator.seed_payer_accounts(result)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="openar-formats-") as tmp:
        per_format = bank_formats.measure_formats(result, Path(tmp), as_of=as_of)
    seconds = time.perf_counter() - started
    rates = {fmt: q["auto_rate"] for fmt, q in per_format.items()}
    gap = max(rates.values()) - min(rates.values())
    ok = gap <= MAX_GAP and all(
        q["auto_rate"] >= MIN_AUTO_RATE and q["precision"] >= MIN_PRECISION
        for q in per_format.values()
    )
    unknown = sum(1 for t in result.truth.values() if t.customer_ref is None)
    note = " ".join(
        f"{fmt}=auto:{q['auto_rate']:.2%}/payable:{q['auto_rate_payable']:.2%}"
        f"/precision:{q['precision']:.2%}"
        for fmt, q in per_format.items()
    )
    outcome: dict[str, Any] = {
        "rows": sum(q["lines"] for q in per_format.values()),
        "seconds": seconds,
        "lines": len(result.truth),
        "unknown_payers": unknown,
        "figures_ok": ok,
        "note": f"{note} gap={gap:.2%} unknown_payers={unknown}/{len(result.truth)}",
        "formats": {fmt: {k: q[k] for k in _KEPT} for fmt, q in per_format.items()},
    }
    report = Path(settings.VAR_DIR) / "bench" / "cashapp-formats-last.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(outcome, indent=1, default=str))
    return outcome
