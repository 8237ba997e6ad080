"""The timed work of each benchmark scenario, run in a child process by ``benchmarks.__main__``.

Each function prints one JSON object on its last line of output: rows, seconds and details."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

MARKER = "generated.json"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openar.settings")
    import django

    django.setup()


def generate(*, customers: int, seed: int, as_of: dt.date, data_dir: Path) -> dict[str, Any]:
    """Write the portfolio files unless this N+seed+as_of is already on disk."""
    from openar.demo.portfolio import generate_files

    marker = data_dir / MARKER
    if marker.exists():
        cached = json.loads(marker.read_text())
        return {
            "rows": cached["rows"],
            "seconds": cached["seconds"],
            "cached": True,
            "open_items": cached["open_items"],
        }
    summary = generate_files(
        customers=customers, collectors=None, seed=seed, as_of=as_of, output_dir=data_dir
    )
    rows = summary["items"] + summary["receipts"] + summary["applications"] + customers
    result = {
        "rows": rows,
        "seconds": summary["generate_seconds"],
        "cached": False,
        "open_items": summary["open_items"],
        "summary": summary,
    }
    marker.write_text(json.dumps(result, indent=1))
    return result


def setup(*, data_dir: Path) -> dict[str, Any]:
    """Untimed: schema, entities, FX rates and customers into the (fresh) database."""
    _django()
    from django.core.management import call_command

    from openar.core.roles import ensure_role_groups
    from openar.demo.portfolio import ENTITIES
    from openar.ingest.services import import_file
    from openar.ledger.services import entity_add

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    ensure_role_groups()
    for spec in ENTITIES:
        entity_add(code=spec.code, name=spec.name, currency=spec.currency, actor="bench")
    loaded = {}
    for kind, name in (("fx-rates", "fx-rates.csv"), ("customers", "customers.csv")):
        result = import_file(kind=kind, path=data_dir / name, fmt="openar", actor="bench")
        loaded[kind] = result.as_dict()["rows"]
        if not result.loaded or result.rejected:
            raise SystemExit(f"setup: {kind} rejected: {result.as_dict()['errors'][:3]}")
    return {"rows": sum(loaded.values()), "seconds": time.perf_counter() - started}


def import_items(*, data_dir: Path) -> dict[str, Any]:
    """Timed: the open-items file through the ordinary importer."""
    _django()
    from openar.ingest.services import import_file

    started = time.perf_counter()
    result = import_file(
        kind="items", path=data_dir / "open-items.csv", fmt="openar", actor="bench"
    )
    seconds = time.perf_counter() - started
    info = result.as_dict()
    return {
        "rows": info["rows"],
        "seconds": seconds,
        "created": info["created"],
        "rejected": info["rejected"],
        "errors": info["errors"][:3],
    }


def aging(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: the aging report by customer over every open item."""
    _django()
    from openar.ledger.models import Document
    from openar.ledger.selectors import aging_report, open_documents_as_of

    open_items = open_documents_as_of(as_of).count()
    n_documents = Document.objects.count()
    started = time.perf_counter()
    report = aging_report(as_of=as_of, by="customer")
    seconds = time.perf_counter() - started
    return {
        "rows": open_items,
        "seconds": seconds,
        "documents": n_documents,
        "customers": len(report.rows),
        "total": str(report.total),
    }


def main(argv: list[str]) -> int:
    name, params = argv[0], json.loads(argv[1])
    if "data_dir" in params:
        params["data_dir"] = Path(params["data_dir"])
    if "as_of" in params:
        params["as_of"] = dt.date.fromisoformat(params["as_of"])
    functions = {"generate": generate, "setup": setup, "import": import_items, "aging": aging}
    if ":" in name:  # "benchmarks.risk:score": a scenario another app's benchmark module defines
        module_name, function_name = name.split(":", 1)
        _django()
        function = getattr(import_module(module_name), function_name)
    else:
        function = functions[name]
    result = function(**params)
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
