import datetime
from decimal import Decimal
from typing import Any

from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import (
    BudgetRequest,
    BudgetView,
    Contribution,
    JointBody,
    Participation,
    Source,
)


def make_body(region: Region, slug: str = "testregeling", **values: Any) -> JointBody:
    values.setdefault("name", "Testregeling")
    values.setdefault("legal_form", JointBody.LegalForm.PUBLIC_BODY)
    values.setdefault("summary", "Een regeling om mee te testen.")
    body = JointBody.objects.create(region=region, slug=slug, **values)
    Source.objects.create(
        body=body, fact=Source.Fact.BODY, title="Statuten", url="https://example.org/statuten"
    )
    return body


def join(
    body: JointBody,
    municipality: Municipality | None = None,
    *,
    outside_name: str = "",
    started_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
) -> Participation:
    participation = Participation(
        body=body,
        municipality=municipality,
        outside_name=outside_name,
        started_on=started_on,
        ended_on=ended_on,
        source_title="Deelnemerslijst",
        source_url="https://example.org/deelnemers",
    )
    participation.full_clean()
    participation.save()
    return participation


def contribute(participation: Participation, year: int, amount: str) -> Contribution:
    contribution = Contribution(
        participation=participation,
        year=year,
        amount_eur=Decimal(amount),
        source_title=f"Begroting {year}",
        source_url="https://example.org/begroting",
    )
    contribution.full_clean()
    contribution.save()
    return contribution


def make_budget_request(
    body: JointBody,
    *,
    year: int,
    sent_on: datetime.date,
    views_due_on: datetime.date | None = None,
    **values: Any,
) -> BudgetRequest:
    values.setdefault("title", f"Ontwerpbegroting {year}")
    values.setdefault("kind", BudgetRequest.Kind.DRAFT_BUDGET)
    budget_request = BudgetRequest(
        body=body,
        year=year,
        sent_on=sent_on,
        views_due_on=views_due_on or sent_on + datetime.timedelta(weeks=12),
        **values,
    )
    budget_request.full_clean()
    budget_request.save()
    return budget_request


def decide(
    budget_request: BudgetRequest,
    municipality: Municipality,
    *,
    decided_on: datetime.date,
    outcome: str = BudgetView.Outcome.NO_VIEW,
    **values: Any,
) -> BudgetView:
    view = BudgetView(
        request=budget_request,
        municipality=municipality,
        outcome=outcome,
        decided_on=decided_on,
        **values,
    )
    view.full_clean()
    view.save()
    return view
