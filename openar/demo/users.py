"""Demo logins: one user per role, all with the password ``demo``.

Only for demo mode (``OPENAR_DEMO_MODE``) and the explicit ``openar demo-data`` command: a
production database must never get users with a known password.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from openar.core.roles import Role, ensure_role_groups

DEMO_PASSWORD = "demo"

# Collectors get names from this list in order (cycling with a number when there are more).
_COLLECTOR_NAMES = [
    ("Ana", "García"), ("Ben", "Carter"), ("Chloe", "Nguyen"), ("Diego", "Morales"),
    ("Erin", "O'Brien"), ("Farah", "Haddad"), ("Gabriel", "Santos"), ("Hana", "Kim"),
    ("Isabel", "Reyes"), ("Jamal", "Owens"), ("Kavya", "Iyer"), ("Lucas", "Ferreira"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    superuser: bool = False


def demo_users(collectors: int) -> list[DemoUser]:
    """The demo logins for a portfolio worked by ``collectors`` collectors."""
    users = [
        DemoUser("admin", "Ada", "Admin", (Role.ADMIN,), superuser=True),
        DemoUser("manager", "Marta", "Lindqvist", (Role.MANAGER,)),
    ]
    for i in range(1, max(collectors, 0) + 1):
        first, last = _COLLECTOR_NAMES[(i - 1) % len(_COLLECTOR_NAMES)]
        if i > len(_COLLECTOR_NAMES):
            last = f"{last} {i}"
        users.append(DemoUser(f"collector{i}", first, last, (Role.COLLECTOR,)))
    users += [
        DemoUser("research", "Ravi", "Patel", (Role.RESEARCH,)),
        DemoUser("cashapp", "Carmen", "Ruiz", (Role.CASHAPP,)),
        DemoUser("credit", "Chris", "Taylor", (Role.CREDIT,)),
    ]
    return users


@transaction.atomic
def ensure_demo_users(collectors: int, *, demo_mode: bool = True) -> list[str]:
    """Create or refresh the demo users and their role groups; returns the usernames.

    In demo mode an existing demo user is re-activated and gets its roles and the password
    ``demo``. Outside it no known password is ever set: missing users are created without a
    usable password (an administrator sets one) and existing users are left as they are."""
    ensure_role_groups()
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    # One hash for all: hashing is deliberately slow and these accounts are public anyway.
    password = make_password(DEMO_PASSWORD if demo_mode else None)
    user_model = get_user_model()
    names = []
    for spec in demo_users(collectors):
        user, created = user_model.objects.get_or_create(username=spec.username)
        if not demo_mode and not created:
            names.append(spec.username)
            continue
        user.first_name = spec.first_name
        user.last_name = spec.last_name
        user.email = f"{spec.username}@demo.openar.example"
        user.is_active = True
        user.is_staff = spec.superuser
        user.is_superuser = spec.superuser
        user.password = password
        user.save()
        user.groups.add(*(groups[str(role)] for role in spec.roles))
        names.append(spec.username)
    return names


def print_demo_logins(url: str) -> None:
    """Print the demo URL and logins (``openar serve`` in demo mode, ``make demo``)."""
    user_model = get_user_model()
    usernames = list(
        user_model.objects.filter(
            username__regex=r"^(admin|manager|collector\d+|research|cashapp|credit)$"
        )
        .order_by("username")
        .values_list("username", flat=True)
    )
    collectors = sorted(
        (u for u in usernames if u.startswith("collector")), key=lambda u: int(u[9:])
    )
    others = [u for u in ("admin", "manager", "research", "cashapp", "credit") if u in usernames]
    line = "=" * 64
    print(line)
    print(f"  OpenAR demo: {url}")
    print(f"  Every demo login uses the password: {DEMO_PASSWORD}")
    print("")
    roles = {
        "admin": "administrator",
        "manager": "collections manager",
        "research": "research specialist (disputes)",
        "cashapp": "cash application specialist",
        "credit": "credit analyst",
    }
    for username in others:
        print(f"  {username:<14} {roles[username]}")
    if collectors:
        shown = collectors[0] if len(collectors) == 1 else f"{collectors[0]} .. {collectors[-1]}"
        print(f"  {shown:<14} collectors ({len(collectors)})")
    if not usernames:
        print("  (no demo users yet: run `openar demo-data`)")
    print(line, flush=True)
