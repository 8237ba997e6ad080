"""The customer hierarchy: ``Customer.parent`` links accounts into groups, read with recursive
CTEs (``WITH RECURSIVE``, on SQLite and PostgreSQL alike) instead of walking parents in Python.

One definition of each question, used by every app: the top of each account's chain (roots), an
account with everything below it (subtree), and the whole group an account belongs to (family: the
top of its chain and everything below it). ``UNION`` (not ``UNION ALL``) ends each walk even if
the data held a cycle, which imports refuse."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from openar.ledger.models import Customer


def _table() -> str:
    return connection.ops.quote_name(Customer._meta.db_table)


def _ids(sql: str, params: list[int]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def customer_roots() -> dict[int, int]:
    """Map every customer id to the id of the top of its parent chain (an account in a cycle,
    which has no top, maps to itself)."""
    table = _table()
    sql = (
        f"WITH RECURSIVE tree(id, root) AS ("
        f" SELECT id, id FROM {table} WHERE parent_id IS NULL"
        f" UNION SELECT c.id, t.root FROM {table} c JOIN tree t ON c.parent_id = t.id)"
        f" SELECT c.id, COALESCE(t.root, c.id) FROM {table} c LEFT JOIN tree t ON t.id = c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def customer_subtree_ids(customer_ids: Iterable[int]) -> list[int]:
    """The accounts given and every account below them, sorted."""
    start = sorted(set(customer_ids))
    if not start:
        return []
    table = _table()
    marks = ", ".join("%s" for _ in start)
    return _ids(
        f"WITH RECURSIVE down(id) AS ("
        f" SELECT id FROM {table} WHERE id IN ({marks})"
        f" UNION SELECT c.id FROM {table} c JOIN down d ON c.parent_id = d.id)"
        f" SELECT id FROM down ORDER BY id",
        start,
    )


def customer_family_ids(customer_id: int) -> list[int]:
    """The whole group ``customer_id`` belongs to: the top of its chain and every account below
    that top (so parents, children and siblings), sorted. An account with no parent and no
    children is a group of one."""
    table = _table()
    # Walking down from every account on the way up reaches exactly what lies below the top.
    return _ids(
        f"WITH RECURSIVE up(id, parent_id) AS ("
        f" SELECT id, parent_id FROM {table} WHERE id = %s"
        f" UNION SELECT c.id, c.parent_id FROM {table} c JOIN up u ON c.id = u.parent_id),"
        f" down(id) AS (SELECT id FROM up"
        f" UNION SELECT c.id FROM {table} c JOIN down d ON c.parent_id = d.id)"
        f" SELECT id FROM down ORDER BY id",
        [customer_id],
    )


def customer_subtrees(head_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each account given, itself and every account below it (sorted): the members a
    group-level figure (a group credit limit) covers. One query for any number of heads."""
    heads = sorted(set(head_ids))
    if not heads:
        return {}
    table = _table()
    marks = ", ".join("%s" for _ in heads)
    sql = (
        f"WITH RECURSIVE down(id, head) AS ("
        f" SELECT id, id FROM {table} WHERE id IN ({marks})"
        f" UNION SELECT c.id, d.head FROM {table} c JOIN down d ON c.parent_id = d.id)"
        f" SELECT head, id FROM down ORDER BY head, id"
    )
    out: dict[int, list[int]] = {head: [] for head in heads}
    with connection.cursor() as cursor:
        cursor.execute(sql, heads)
        for head, member in cursor.fetchall():
            out[head].append(member)
    return out
