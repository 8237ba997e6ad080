"""Every list page on the kit (core.lists.ObjectListView): the query count does not grow with
the rows shown, every sortable column sorts, an htmx request gets the results alone, and the
headers are in Spanish for a Spanish reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openar.activity.models import PromiseToPay
from openar.cashapp.models import BankAccount, BankLayout, StatementFile
from openar.comms.models import (
    InboundMessage,
    MessageTemplate,
    StatementRun,
    StatementRunLine,
    TemplateVersion,
)
from openar.core.models import JobRun
from openar.core.roles import Role
from openar.credit.models import Recommendation
from openar.ingest.models import ImportBatch
from openar.ledger.models import CustomerAging
from openar.strategy.models import Action, Strategy, StrategyStep
from openar.worklist.models import Absence, WorkItem
from tests.clock import ON_TODAY
from tests.factories import BASE_DATE, CustomerFactory, EntityFactory, UserFactory

pytestmark = [pytest.mark.django_db, ON_TODAY]


def _promises(n: int, start: int) -> None:
    for i in range(start, start + n):
        PromiseToPay.objects.create(
            customer=CustomerFactory(customer_ref=f"P{i:04}"),
            amount=Decimal("125.50"),
            currency="USD",
            promised_date=BASE_DATE + dt.timedelta(days=i % 9),
            taken_on=BASE_DATE,
            taken_by=UserFactory(username=f"taker{i}"),
            status=("open", "kept", "broken")[i % 3],
            note="Will pay on Friday",
        )


def _recommendations(n: int, start: int) -> None:
    decider = UserFactory(username=f"decider{start}")
    for i in range(start, start + n):
        Recommendation.objects.create(
            customer=CustomerFactory(customer_ref=f"R{i:04}"),
            kind=("credit_hold", "agency")[i % 2],
            status="pending",
            as_of=BASE_DATE,
            reason="oldest item 95 days past due",
            decided_by=decider if i % 4 == 0 else None,
        )


def _actions(n: int, start: int) -> None:
    strategy, _ = Strategy.objects.get_or_create(code="std", defaults={"name": "Standard"})
    for i in range(start, start + n):
        step = StrategyStep.objects.create(
            strategy=strategy, code=f"s{i}", name=f"Step {i}", kind="call", owner_role="collector"
        )
        Action.objects.create(
            customer=CustomerFactory(customer_ref=f"A{i:04}"),
            strategy=strategy,
            step=step,
            kind="call",
            owner_role="collector",
            assigned_to=UserFactory(username=f"owner{i}"),
            as_of=BASE_DATE,
            due_date=BASE_DATE,
            days_past_due=20 + i,
            reason="first collection call",
            dedupe_key=f"k{i}",
        )


def _statements(n: int, start: int) -> None:
    entity = EntityFactory(code=f"E{start}", name=f"Entity {start}")
    for i in range(start, start + n):
        account = BankAccount.objects.create(
            entity=entity, name=f"Main {i}", account_number=f"ACC{i:05}", currency="USD"
        )
        StatementFile.objects.create(
            bank_account=account,
            sha256=f"{i:064}",
            filename=f"statement-{i}.xml",
            file_format="camt.053",
            currency="USD",
            period_start=BASE_DATE,
            period_end=BASE_DATE,
            imported_by=UserFactory(username=f"importer{i}"),
        )


def _imports(n: int, start: int) -> None:
    user = UserFactory(username=f"loader{start}")
    for i in range(start, start + n):
        ImportBatch.objects.create(
            kind=("customers", "items", "receipts")[i % 3],
            format="openar",
            file_name=f"batch-{i}.csv",
            status=("loaded", "partial", "rejected")[i % 3],
            rows=10,
            created=8,
            rejected=i % 3,
            actor=user,
            actor_label=user.username,
            started_at=dt.datetime(2026, 3, 1 + i % 28, 9, tzinfo=dt.UTC),
        )


def _strategies(n: int, start: int) -> None:
    for i in range(start, start + n):
        strategy = Strategy.objects.create(
            code=f"strat-{i}",
            name=f"Treatment {i}",
            priority=10 + i,
            active=i % 2 == 0,
            criteria={"segment": ["key", "strategic"], "min_balance": 1000 + i},
        )
        for j in range(2):
            StrategyStep.objects.create(
                strategy=strategy, code=f"s{j}", name=f"Step {j}", kind="call"
            )


def _layouts(n: int, start: int) -> None:
    entity = EntityFactory(code=f"L{start}", name=f"Entity {start}")
    for i in range(start, start + n):
        account = BankAccount.objects.create(
            entity=entity, name=f"Lockbox {i}", account_number=f"LBX{i:05}", currency="USD"
        )
        BankLayout.objects.create(
            code=f"layout-{i}",
            name=f"Lockbox export {i}",
            bank_account=account if i % 2 else None,
            columns={"date": "Date", "amount": "Amount", "reference": "Ref"},
        )


def _collectors(n: int, start: int) -> None:
    strategy, _ = Strategy.objects.get_or_create(code="std", defaults={"name": "Standard"})
    for i in range(start, start + n):
        collector = UserFactory(username=f"coll{i:03}", first_name="Ana", last_name=f"Ruiz {i}")
        customer = CustomerFactory(customer_ref=f"Q{i:04}", collector=collector)
        CustomerAging.objects.create(
            customer=customer,
            as_of=BASE_DATE,
            currency="USD",
            balance=Decimal("900.00"),
            past_due=Decimal("400.00") + i,
            computed_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
        )
        # One item per account: the waiting escalation is on a second account of theirs.
        second = CustomerFactory(customer_ref=f"Q{i:04}B", collector=collector)
        for j, (slot, kind) in enumerate((("today", "call"), ("waiting", "escalation"))):
            account = (customer, second)[j]
            action = Action.objects.create(
                customer=account,
                strategy=strategy,
                kind=kind,
                owner_role="collector",
                as_of=BASE_DATE,
                due_date=BASE_DATE,
                reason="first collection call",
                dedupe_key=f"q{i}-{j}",
            )
            WorkItem.objects.create(
                action=action,
                customer=account,
                collector=collector,
                kind=kind,
                as_of=BASE_DATE,
                due_date=BASE_DATE,
                priority=100 * j + i,
                rank=j + 1,
                slot=slot,
                past_due_amount=Decimal("400.00"),
                currency="USD",
                built_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
            )
        if i % 2:
            Absence.objects.create(
                collector=collector,
                cover=UserFactory(username="cover"),
                start_date=BASE_DATE - dt.timedelta(days=400),
                end_date=BASE_DATE + dt.timedelta(days=400),
            )


def _templates(n: int, start: int) -> None:
    strategy, _ = Strategy.objects.get_or_create(code="tmpl", defaults={"name": "Letters"})
    editor = UserFactory(username=f"editor{start}")
    for i in range(start, start + n):
        template = MessageTemplate.objects.create(
            code=f"tmpl-{i}", name=f"Letter {i}", channel=("email", "letter")[i % 2]
        )
        for lang in ("en", "es")[: 1 + i % 2]:
            TemplateVersion.objects.create(
                template=template,
                language=lang,
                number=1,
                subject="Hello {{ customer_ref }}",
                body="{{ items }}",
                is_active=True,
                created_by=editor,
                created_at=dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC),
            )
        StrategyStep.objects.create(
            strategy=strategy, code=f"t{i}", name=f"Step {i}", kind="letter", template=template.code
        )


def _jobs(n: int, start: int) -> None:
    starter = UserFactory(username=f"starter{start}", first_name="Marta", last_name="Lind")
    for i in range(start, start + n):
        status = ("done", "failed", "queued")[i % 3]
        JobRun.objects.create(
            kind="daily",
            as_of=BASE_DATE - dt.timedelta(days=i),
            status=status,
            steps_done=6 if status == "done" else 4 * (status == "failed"),
            steps_total=6,
            current_step="outbox" if status == "failed" else "",
            result={"seconds": 2.5, "actions_created": 10 + i, "queue_items": 40}
            if status == "done"
            else None,
            error="the outbox is on fire" if status == "failed" else "",
            started_by=starter if i % 2 else None,
        )


def _cases(n: int, start: int) -> None:
    from django.utils import timezone

    from openar.disputes.models import CreditMemoRequest, DisputeCase, DisputeItem, ReasonCode
    from openar.disputes.services import reasons_ensure
    from tests.factories import DocumentFactory

    reasons_ensure()
    reasons = list(ReasonCode.objects.order_by("code"))
    owner = UserFactory(username=f"owner{start}", first_name="Ravi")
    for i in range(start, start + n):
        customer = CustomerFactory(customer_ref=f"D{i:04}")
        doc = DocumentFactory(customer=customer, document_ref=f"DINV{i:04}")
        case = DisputeCase.objects.create(
            customer=customer,
            entity=customer.entity,
            reason=reasons[i % len(reasons)],
            amount=Decimal("40.00") + i,
            currency="USD",
            status=("open", "research", "waiting", "credit_pending")[i % 4],
            owner_team=("research", "billing")[i % 2],
            owner=owner if i % 3 else None,
            opened_on=BASE_DATE - dt.timedelta(days=i),
            due_on=BASE_DATE + dt.timedelta(days=10 - i),
        )
        DisputeItem.objects.create(case=case, document=doc, amount=case.amount, currency="USD")
        CreditMemoRequest.objects.create(
            case=case, document=doc, amount=case.amount, currency="USD",
            requested_at=timezone.now(),
        )  # fmt: skip


def _inbound(n: int, start: int) -> None:
    for i in range(start, start + n):
        InboundMessage.objects.create(
            mailbox="ar@example.com@127.0.0.1:143/INBOX",
            uidvalidity=1,
            uid=i + 1,
            message_id=f"<m{i}@example.com>",
            from_address=f"ap{i}@example.com",
            subject=f"Re: reminder {i}",
            received_at=dt.datetime(2026, 6, 30, 9, i % 60, tzinfo=dt.UTC),
            kind=("promise", "dispute", "other")[i % 3],
            customer=CustomerFactory(customer_ref=f"M{i:04}") if i % 2 else None,
        )


def _statement_runs(n: int, start: int) -> None:
    starter = UserFactory(username=f"starter{start}")
    for i in range(start, start + n):
        StatementRun.objects.create(
            as_of=BASE_DATE - dt.timedelta(days=i),
            scope=("all", "entity", "region")[i % 3],
            scope_value=("", "US01", "MX,CR")[i % 3],
            status=("review", "done", "cancelled")[i % 3],
            created_by=starter,
        )


def _statement_lines(n: int, start: int) -> None:
    run, _ = StatementRun.objects.get_or_create(pk=9001, defaults={"as_of": BASE_DATE})
    for i in range(start, start + n):
        StatementRunLine.objects.create(
            run=run,
            customer=CustomerFactory(customer_ref=f"S{i:04}"),
            channel=("email", "letter")[i % 2],
            to_address=f"ap{i}@example.com" if i % 2 == 0 else f"Customer {i}\n{i} Main St\nAustin",
            language="en",
            status=("ready", "excluded", "skipped")[i % 3],
            items=i % 7 + 1,
            balance=f"USD {i}.00",
            pdf=b"%PDF-1.7",
        )


PAGES: list[tuple[str, Callable[[int, int], None], str, str]] = [
    ("/disputes/", _cases, "case-table", "Fecha límite"),
    ("/disputes/credit-requests/", _cases, "credit-request-table", "Nota de crédito"),
    ("/promises/", _promises, "promise-table", "Fecha prometida"),
    ("/credit/", _recommendations, "recommendation-table", "Decisión"),
    ("/strategies/actions/", _actions, "action-table", "Días de atraso"),
    ("/cash/statements/", _statements, "statement-table", "Importado"),
    ("/imports/", _imports, "batch-table", "Sin cambios"),
    ("/strategies/", _strategies, "strategy-table", "Criterios"),
    ("/cash/layouts/", _layouts, "layout-table", "Cuenta bancaria"),
    ("/queue/collectors/", _collectors, "collectors-table", "Vencido de la cartera"),
    ("/templates/", _templates, "template-table", "Pasos de estrategia"),
    ("/jobs/", _jobs, "job-table", "Acciones creadas"),
    ("/inbox/", _inbound, "inbound-table", "Remitente"),
    ("/outbox/statements/", _statement_runs, "statement-run-table", "Fecha del estado de cuenta"),
    ("/outbox/statements/9001/", _statement_lines, "statement-line-table", "Partidas abiertas"),
]

# Each page's filters narrow the rows: (url, seed, query, a row shown, a row left out).
FILTERS: list[tuple[str, Callable[[int, int], None], dict[str, str], str, str]] = [
    ("/disputes/", _cases, {"q": "D0001"}, "D0001<", "D0002<"),
    ("/disputes/", _cases, {"owner_team": "billing"}, "D0001<", "D0002<"),
    ("/imports/", _imports, {"kind": "items"}, "batch-1.csv", "batch-0.csv"),
    ("/imports/", _imports, {"status": "rejected", "q": "batch-"}, "batch-2.csv", "batch-1.csv"),
    ("/imports/", _imports, {"date_from": "2026-03-02"}, "batch-1.csv", "batch-0.csv"),
    ("/strategies/", _strategies, {"q": "Treatment 1"}, "strat-1<", "strat-2<"),
    ("/strategies/", _strategies, {"status": "inactive"}, "strat-1<", "strat-0<"),
    ("/cash/layouts/", _layouts, {"q": "export 1"}, "layout-1<", "layout-2<"),
    ("/cash/layouts/", _layouts, {"account": "__LBX00003"}, "layout-3<", "layout-1<"),
    ("/queue/collectors/", _collectors, {"q": "ruiz 2"}, "coll002<", "coll001<"),
    ("/queue/collectors/", _collectors, {"presence": "away"}, "coll001<", "coll002<"),
    ("/queue/collectors/", _collectors, {"presence": "working"}, "coll002<", "coll003<"),
    ("/templates/", _templates, {"q": "Letter 1"}, "tmpl-1<", "tmpl-2<"),
    ("/templates/", _templates, {"channel": "letter"}, "tmpl-1<", "tmpl-2<"),
    ("/jobs/", _jobs, {"status": "failed"}, ">2026-06-29<", ">2026-06-30<"),
    ("/jobs/", _jobs, {"date_to": "2026-06-28"}, ">2026-06-28<", ">2026-06-29<"),
    ("/inbox/", _inbound, {"status": "", "kind": "dispute"}, "reminder 1<", "reminder 2<"),
    ("/inbox/", _inbound, {"status": "", "q": "ap3@"}, "reminder 3<", "reminder 1<"),
    ("/outbox/statements/", _statement_runs, {"status": "done"}, "Entity US01", "in MX,CR"),
    ("/outbox/statements/9001/", _statement_lines, {"channel": "letter"}, "S0001", "S0002"),
    ("/outbox/statements/9001/", _statement_lines, {"q": "S0002"}, "S0002", "S0001"),
]

# (url, a role that may not see the page, or that may see it but not post to it)
REFUSALS: list[tuple[str, str, str]] = [
    ("/disputes/settings/", Role.COLLECTOR, "post"),
    ("/imports/", Role.COLLECTOR, "post"),
    ("/strategies/import/", Role.COLLECTOR, "post"),
    ("/cash/layouts/", Role.COLLECTOR, "get"),
    ("/queue/collectors/", Role.COLLECTOR, "get"),
    ("/templates/", Role.CASHAPP, "get"),
    ("/templates/new/", Role.COLLECTOR, "get"),
    ("/jobs/", Role.COLLECTOR, "get"),
    ("/outbox/statements/", Role.CASHAPP, "get"),
]


@pytest.fixture
def admin(client: Any) -> Any:
    user = UserFactory(username="boss", roles=[Role.ADMIN])
    client.force_login(user)
    return user


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url", "seed", "table_id", "spanish"), PAGES)
def test_query_count_does_not_grow_with_rows(client, admin, url, seed, table_id, spanish):
    seed(3, 0)
    client.get(url)  # warm the session and the content types
    few = _queries(client, url)
    seed(27, 3)
    body = client.get(url).content.decode()
    assert body.count("<tr") >= 31  # the header and the thirty rows
    assert _queries(client, url) == few


@pytest.mark.parametrize(("url", "seed", "table_id", "spanish"), PAGES)
def test_every_sortable_column_sorts(client, admin, url, seed, table_id, spanish):
    seed(4, 0)
    body = client.get(url).content.decode()
    keys = sorted(set(_sort_keys(body)))
    assert keys, "no sortable column"
    for key in keys:
        for direction in (key, f"-{key}"):
            response = client.get(url, {"sort": direction})
            assert response.status_code == 200, direction
            assert f'id="{table_id}"' in response.content.decode()


@pytest.mark.parametrize(("url", "seed", "table_id", "spanish"), PAGES)
def test_htmx_gets_the_results_alone_and_headers_speak_spanish(
    client, admin, url, seed, table_id, spanish
):
    seed(2, 0)
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "results"})
    text = partial.content.decode()
    assert text.lstrip().startswith('<section id="results"') and "<html" not in text
    assert f'id="{table_id}"' in text
    assert spanish in client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()


@pytest.mark.parametrize(("url", "seed", "query", "shown", "hidden"), FILTERS)
def test_filters_narrow_the_rows(client, admin, url, seed, query, shown, hidden):
    seed(4, 0)
    body = client.get(url).content.decode()
    assert shown in body and hidden in body
    # A choice read from the data: "__<account number>" names the bank account's id.
    query = {k: _account_id(v[2:]) if v.startswith("__") else v for k, v in query.items()}
    body = client.get(url, query).content.decode()
    assert shown in body and hidden not in body
    partial = client.get(url, query, headers={"HX-Request": "true", "HX-Target": "results"})
    assert shown in partial.content.decode() and hidden not in partial.content.decode()


@pytest.mark.parametrize(("url", "role", "method"), REFUSALS)
def test_role_is_refused(client, url, role, method):
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(UserFactory(username="outsider", roles=[role]))
    response = client.get(url) if method == "get" else client.post(url, {})
    assert response.status_code == 403


def _account_id(number: str) -> str:
    return str(BankAccount.objects.get(account_number=number).pk)


def _sort_keys(body: str) -> list[str]:
    import re

    return re.findall(r"[?&]sort=([a-z_]+)", body)
