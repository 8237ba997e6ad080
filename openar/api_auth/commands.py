"""Token subcommands: ``openar token create|revoke|list``."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    token = sub.add_parser("token", help="REST API tokens")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    p = token_sub.add_parser("create", help="create a token (printed once, never again)")
    p.add_argument("--user", required=True, help="username the token acts as")
    p.add_argument("--name", required=True, help="a unique name, e.g. the integration using it")
    p.set_defaults(handler=_create)
    p = token_sub.add_parser("revoke", help="revoke a token by name")
    p.add_argument("name")
    p.set_defaults(handler=_revoke)
    p = token_sub.add_parser("list", help="list tokens (never their secret)")
    p.set_defaults(handler=_list)


def _create(args: argparse.Namespace) -> int:
    from openar.api_auth.services import token_create

    _row, token = token_create(username=args.user, name=args.name, actor="cli")
    # The token goes alone on standard output so a script can capture it.
    print(token)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from openar.api_auth.services import token_revoke

    row = token_revoke(name=args.name, actor="cli")
    print(f"token {row.name} revoked")
    return 0


def _list(args: argparse.Namespace) -> int:
    from openar.api_auth.models import ApiToken

    for row in ApiToken.objects.select_related("user").order_by("name"):
        used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
        state = "revoked" if row.revoked else "active"
        print(f"{row.name}\t{row.prefix}...\t{row.user.username}\t{state}\tlast used {used}")
    return 0
