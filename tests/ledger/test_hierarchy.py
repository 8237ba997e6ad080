"""The customer hierarchy read with recursive CTEs: roots, subtrees and whole groups."""

from __future__ import annotations

import pytest

from openar.ledger.hierarchy import customer_family_ids, customer_roots, customer_subtree_ids
from openar.ledger.models import Customer
from openar.ledger.selectors import group_member_ids
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """holding -> (north -> (store1, store2), south); loner stands alone."""
    holding = CustomerFactory(customer_ref="HOLD")
    north = CustomerFactory(customer_ref="NORTH", parent=holding)
    south = CustomerFactory(customer_ref="SOUTH", parent=holding)
    store1 = CustomerFactory(customer_ref="S1", parent=north)
    store2 = CustomerFactory(customer_ref="S2", parent=north)
    loner = CustomerFactory(customer_ref="LONE")
    return {c.customer_ref: c.pk for c in (holding, north, south, store1, store2, loner)}


def test_roots_map_every_account_to_the_top_of_its_chain(tree):
    roots = customer_roots()
    assert roots == {
        tree["HOLD"]: tree["HOLD"],
        tree["NORTH"]: tree["HOLD"],
        tree["SOUTH"]: tree["HOLD"],
        tree["S1"]: tree["HOLD"],
        tree["S2"]: tree["HOLD"],
        tree["LONE"]: tree["LONE"],
    }


def test_subtree_is_the_account_and_everything_below_it(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert customer_subtree_ids([tree["NORTH"]]) == sorted(
            [tree["NORTH"], tree["S1"], tree["S2"]]
        )
    assert customer_subtree_ids([tree["S1"], tree["SOUTH"]]) == sorted([tree["S1"], tree["SOUTH"]])
    assert customer_subtree_ids([]) == []
    assert group_member_ids("HOLD") == sorted(v for k, v in tree.items() if k != "LONE")


@pytest.mark.parametrize("member", ["HOLD", "NORTH", "SOUTH", "S1", "S2"])
def test_family_is_the_whole_group_from_any_member(tree, member, django_assert_num_queries):
    with django_assert_num_queries(1):
        family = customer_family_ids(tree[member])
    assert family == sorted(v for k, v in tree.items() if k != "LONE")


def test_an_account_alone_is_a_family_of_one(tree):
    assert customer_family_ids(tree["LONE"]) == [tree["LONE"]]


def test_a_cycle_ends_the_walk(tree):
    # Imports refuse cycles; a database edited by hand could still hold one.
    Customer.objects.filter(pk=tree["HOLD"]).update(parent_id=tree["S1"])
    everyone_but_loner = sorted(v for k, v in tree.items() if k != "LONE")
    assert customer_family_ids(tree["SOUTH"]) == everyone_but_loner
    assert customer_subtree_ids([tree["NORTH"]]) == everyone_but_loner
    roots = customer_roots()
    assert roots[tree["LONE"]] == tree["LONE"]
    assert roots[tree["S1"]] == tree["S1"]  # no top: each account of the cycle is its own
