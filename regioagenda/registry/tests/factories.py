import datetime
from decimal import Decimal
from typing import Any

from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import Contribution, JointBody, Participation, Source


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
