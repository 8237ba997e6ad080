"""Strategy pages: list, editor (validation next to fields, add/remove/reorder rows, save),
activation, import/export, simulation, actions, and who may change what."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openar.strategy.models import Action, Strategy
from openar.strategy.services import strategies_evaluate, strategies_load_defaults
from tests.clock import ON_TODAY
from tests.factories import UserFactory
from tests.strategy.helpers import AS_OF, account, make_strategy, step

pytestmark = [pytest.mark.django_db, ON_TODAY]


@pytest.fixture
def manager(client):
    client.force_login(UserFactory(username="boss", roles=["manager"]))
    return client


@pytest.fixture
def collector(client):
    client.force_login(UserFactory(username="ana", roles=["collector"]))
    return client


def _errors(response) -> list[str]:
    return re.findall(r'class="field-error">([^<]*)<', response.content.decode())


def _post_editor(client, url, steps, **values):
    data = {"code": "s1", "name": "S1", "priority": "100", "active": "on", "op": "save"}
    data.update(values)
    data["step_count"] = str(len(steps))
    for i, row in enumerate(steps):
        for key, value in row.items():
            data[f"step-{i}-{key}"] = value
    return client.post(url, data)


def test_list_shows_strategies_in_matching_order(manager, django_assert_max_num_queries):
    strategies_load_defaults(actor="test")
    with django_assert_max_num_queries(12):
        response = manager.get("/strategies/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("key-accounts") < body.index(">standard<")
    assert "segment: strategic, key" in body
    assert "New strategy" in body


def test_editor_saves_a_new_strategy(manager):
    response = _post_editor(
        manager, "/strategies/new/",
        [{"code": "call", "name": "Call", "trigger": "dpd", "days_from": "15", "kind": "call",
          "owner_role": "collector", "wait_days": "7", "skip_if_promise": "on",
          "skip_if_balance_under": "50"}],
        crit_segment="key, strategic", crit_risk_class=["D", "E"], crit_balance_min="1000",
        crit_attributes="channel=web|edi",
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/strategies/s/s1/"
    strategy = Strategy.objects.get(code="s1")
    assert strategy.active
    assert strategy.criteria == {
        "segment": ["key", "strategic"], "risk_class": ["D", "E"], "balance_min": "1000",
        "attributes": {"channel": ["web", "edi"]},
    }  # fmt: skip
    saved = strategy.steps.get()
    assert (saved.days_from, saved.wait_days, saved.conditions) == (
        15, 7, {"skip_if_promise": True, "skip_if_balance_under": "50"},
    )  # fmt: skip
    page = manager.get("/strategies/s/s1/").content.decode()
    assert 'value="key, strategic"' in page and "channel=web|edi" in page


def test_editor_shows_errors_next_to_fields_and_keeps_the_input(manager):
    response = _post_editor(
        manager, "/strategies/new/",
        [{"code": "late", "trigger": "dpd", "days_from": "30", "days_to": "10", "kind": "call",
          "owner_role": "collector"},
         {"code": "nobody", "trigger": "dpd", "days_from": "40", "kind": "call", "owner_role": ""}],
        crit_balance_min="abc",
    )  # fmt: skip
    assert response.status_code == 400
    assert _errors(response) == [
        "&#x27;abc&#x27; is not an amount",
        "days out of order: days_to 10 is before days_from 30",
        "a step needs an owner role",
    ]
    body = response.content.decode()
    assert 'name="step-1-code" value="nobody"' in body
    assert "was not saved" in body
    assert not Strategy.objects.exists()


def test_editor_rows_add_remove_and_move_without_saving(manager):
    row = {"trigger": "dpd", "kind": "call", "owner_role": "collector"}
    rows = [{**row, "code": "a", "days_from": "1"}, {**row, "code": "b", "days_from": "2"}]
    response = _post_editor(manager, "/strategies/new/", rows, op="down:0")
    body = response.content.decode()
    assert body.index('value="b"') < body.index('value="a"')
    response = _post_editor(manager, "/strategies/new/", rows, op="add")
    assert 'name="step-2-code"' in response.content.decode()
    response = _post_editor(manager, "/strategies/new/", rows, op="remove:0")
    body = response.content.decode()
    assert 'name="step-1-code"' not in body and 'value="b"' in body
    assert not Strategy.objects.exists()


def test_warnings_are_shown_after_saving(manager):
    response = _post_editor(
        manager, "/strategies/new/",
        [{"code": "c1", "trigger": "dpd", "days_from": "10", "days_to": "40", "kind": "call",
          "owner_role": "collector"},
         {"code": "c2", "trigger": "dpd", "days_from": "20", "kind": "call",
          "owner_role": "collector"}],
    )  # fmt: skip
    assert response.status_code == 302
    page = manager.get(response["Location"]).content.decode()
    assert "overlapping steps" in page


def test_activate_and_deactivate(manager):
    make_strategy("s", [step("c", "call", 1)], active=False)
    assert manager.post("/strategies/s/s/active/", {"active": "1"}).status_code == 302
    assert Strategy.objects.get().active
    manager.post("/strategies/s/s/active/", {"active": "0", "next": "https://evil.example/"})
    assert not Strategy.objects.get().active


def test_collector_reads_but_cannot_change(collector):
    make_strategy("s", [step("c", "call", 1)], active=False)
    body = collector.get("/strategies/s/s/").content.decode()
    assert "Read only" in body and '<fieldset class="plain" disabled>' in body
    assert "New strategy" not in collector.get("/strategies/").content.decode()
    assert collector.get("/strategies/new/").status_code == 403
    assert collector.post("/strategies/s/s/active/", {"active": "1"}).status_code == 403
    assert _post_editor(collector, "/strategies/s/s/", [], code="s").status_code == 403
    assert collector.post("/strategies/s/s/delete/").status_code == 403
    assert not Strategy.objects.get().active


def test_import_and_export_through_the_page(manager):
    strategies_load_defaults(actor="test")
    exported = manager.get("/strategies/export/?format=yaml")
    assert exported["Content-Disposition"] == 'attachment; filename="strategies.yaml"'
    text = exported.content.decode().replace("name: Standard collections", "name: Renamed")
    upload = SimpleUploadedFile("s.yaml", text.encode(), content_type="application/yaml")
    response = manager.post("/strategies/import/", {"file": upload, "dry_run": "on"})
    assert "0 created, 1 updated, 1 unchanged" in response.content.decode()
    assert Strategy.objects.get(code="standard").name == "Standard collections"
    upload = SimpleUploadedFile("s.yaml", text.encode(), content_type="application/yaml")
    manager.post("/strategies/import/", {"file": upload})
    assert Strategy.objects.get(code="standard").name == "Renamed"
    bad = SimpleUploadedFile("b.yaml", b"strategies:\n  - {code: x, name: X, steps: [{code: a}]}")
    response = manager.post("/strategies/import/", {"file": bad})
    assert response.status_code == 400
    assert "a step needs a kind" in response.content.decode()
    assert not Strategy.objects.filter(code="x").exists()
    json_export = manager.get("/strategies/export/?format=json&code=standard")
    assert json_export.json()["strategies"][0]["name"] == "Renamed"


def test_simulation_page(manager):
    strategy = make_strategy("s", [step("call", "call", 15)], is_default=True, active=False)
    account(days_past_due=20, customer_ref="C77", name="Zeta Corp")
    response = manager.get(f"/strategies/s/{strategy.code}/simulate/?as_of={AS_OF}")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="sim-new">1<' in body and "C77" in body and "Zeta Corp" in body
    assert not Action.objects.exists()
    bad = manager.get(f"/strategies/s/{strategy.code}/simulate/?as_of=2026-13-01")
    assert "alert-error" in bad.content.decode()


def test_actions_page_filters(manager, django_assert_max_num_queries):
    make_strategy("s", [step("notice", "email", 1), step("call", "call", 15)], is_default=True)
    account(days_past_due=5, customer_ref="C1", name="Alpha")
    account(days_past_due=20, customer_ref="C2", name="Beta")
    strategies_evaluate(as_of=AS_OF, actor="test")
    with django_assert_max_num_queries(8):
        body = manager.get("/strategies/actions/").content.decode()
    assert "2 actions" in body
    body = manager.get("/strategies/actions/?kind=call").content.decode()
    assert "1 action" in body and "C2" in body and "C1<" not in body
    body = manager.get("/strategies/actions/?customer=alpha&status=open").content.decode()
    assert "C1" in body and "C2<" not in body
    body = manager.get("/strategies/actions/?date_from=2026-07-01").content.decode()
    assert "0 actions" in body
    body = manager.get("/strategies/actions/?date_to=nonsense").content.decode()
    assert "alert-error" in body


def test_spanish(manager):
    make_strategy("s", [step("c", "call", 1)])
    body = manager.get("/strategies/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Estrategias" in body and "Nueva estrategia" in body


def test_customer_page_lists_open_actions(manager):
    make_strategy("s", [step("call", "call", 15)], is_default=True)
    account(days_past_due=20, customer_ref="C9")
    account(days_past_due=2, customer_ref="C8")
    strategies_evaluate(as_of=AS_OF, actor="test")
    body = manager.get(f"/customers/C9/?as_of={AS_OF}").content.decode()
    assert 'id="strategy-actions"' in body and "oldest item 20 days past due" in body
    assert 'id="strategy-actions"' not in manager.get("/customers/C8/").content.decode()


def test_validation_messages_in_spanish(manager):
    response = manager.post(
        "/strategies/new/",
        {"code": "s1", "name": "S1", "op": "save", "step_count": "1", "step-0-code": "a",
         "step-0-trigger": "dpd", "step-0-days_from": "3", "step-0-kind": "call"},
        HTTP_ACCEPT_LANGUAGE="es",
    )  # fmt: skip
    assert _errors(response) == ["un paso necesita un rol responsable"]


def test_delete_keeps_the_actions(manager):
    make_strategy("s", [step("call", "call", 15)], is_default=True)
    account(days_past_due=20)
    strategies_evaluate(as_of=AS_OF, actor="test")
    response = manager.post("/strategies/s/s/delete/")
    assert response.status_code == 302
    assert not Strategy.objects.exists()
    action = Action.objects.get()
    assert action.strategy is None and action.step is None and action.reason
