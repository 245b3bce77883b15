import datetime
from typing import Any

from regioagenda.competences.models import (
    Authority,
    Basis,
    Competence,
    Place,
    PolicyDomain,
    Scale,
)
from regioagenda.regions.models import Municipality, Region


def make_domain(region: Region, slug: str = "proefdomein", **values: Any) -> PolicyDomain:
    values.setdefault("name", slug.replace("-", " ").capitalize())
    topics = values.pop("topics", [])
    domain = PolicyDomain.objects.create(region=region, slug=slug, **values)
    domain.topics.set(topics)
    return domain


def make_place(
    municipality: Municipality,
    code: str,
    name: str,
    *,
    parent: Place | None = None,
) -> Place:
    kind = Place.Kind.NEIGHBOURHOOD if code.startswith("BU") else Place.Kind.DISTRICT
    return Place.objects.create(
        municipality=municipality, kind=kind, code=code, name=name, parent=parent
    )


def make_competence(
    domain: PolicyDomain,
    scale: str = Scale.MUNICIPALITY,
    authority: str = Authority.COLLEGE,
    **values: Any,
) -> Competence:
    values.setdefault("decision", f"Besluit over {domain.name.lower()}")
    values.setdefault("basis", Basis.LAW)
    values.setdefault("law", "Gemeentewet")
    values.setdefault("article", "artikel 160")
    values.setdefault("url", "https://wetten.overheid.nl/BWBR0005416/")
    values.setdefault("since", datetime.date(2020, 1, 1))
    competence = Competence(
        region=domain.region, domain=domain, scale=scale, authority=authority, **values
    )
    competence.full_clean()
    competence.save()
    return competence
