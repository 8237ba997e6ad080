"""`openar cashapp layout save CODE --from-json F` and `openar cashapp layout list [--json]`.

The JSON file holds ``{"name", "columns", "options", "bank_account"}`` (``bank_account`` the
account number, optional); see docs/bank-statements.md for the fields and options."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from openar.core.errors import UsageError


def register(actions: Any) -> None:
    layout = actions.add_parser("layout", help="saved CSV/XLSX bank layouts")
    sub = layout.add_subparsers(dest="layout_command", metavar="ACTION", required=True)
    save = sub.add_parser(
        "save",
        help="create or update a layout from a JSON file",
        description='Save a CSV/XLSX bank layout. The JSON holds {"name", "columns", "options", '
        '"bank_account"}.',
    )
    save.add_argument("code", help="layout code (a slug), used by `import statement --layout`")
    save.add_argument("--from-json", required=True, metavar="FILE")
    save.set_defaults(handler=_save)
    listing = sub.add_parser("list", help="list saved layouts")
    listing.add_argument("--json", action="store_true", help="print the layouts as JSON")
    listing.set_defaults(handler=_list)


def _save(args: argparse.Namespace) -> int:
    from openar.cashapp.layouts import layout_save

    path = Path(args.from_json)
    if not path.is_file():
        raise UsageError(f"no such file: {args.from_json}")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path.name}: not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise UsageError(f"{path.name}: expected a JSON object")
    layout = layout_save(
        code=args.code,
        name=str(payload.get("name") or args.code),
        columns=payload.get("columns") or {},
        options=payload.get("options") or {},
        bank_account=payload.get("bank_account") or None,
        actor="cli",
    )
    print(f"saved layout {layout.code} ({layout.name}): {len(layout.columns)} columns")
    return 0


def _list(args: argparse.Namespace) -> int:
    from openar.cashapp.layouts import layout_as_json, layout_list

    layouts = layout_list()
    if args.json:
        print(json.dumps([layout_as_json(x) for x in layouts], indent=2, ensure_ascii=False))
        return 0
    if not layouts:
        print("no layouts saved (openar cashapp layout save CODE --from-json FILE)")
        return 0
    for layout in layouts:
        account = layout.bank_account.account_number if layout.bank_account else "-"
        sign = (layout.options or {}).get("sign", "signed")
        print(f"{layout.code:<20} {layout.name:<30} account {account:<28} sign {sign}")
    return 0
