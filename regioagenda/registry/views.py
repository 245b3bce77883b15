"""Public pages of the register of joint bodies: the list, a body's page and the matrix of
municipalities and bodies."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality
from regioagenda.registry.models import (
    MEMBER_ORDER,
    Contribution,
    GoverningBody,
    JointBody,
    LegalForm,
    Participation,
    Representative,
    Source,
)

STATUSES = (("actief", gettext_lazy("actief")), ("beeindigd", gettext_lazy("beëindigd")))


def _participations() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("municipality").order_by(*MEMBER_ORDER),
    )


def body_list(request: HttpRequest) -> HttpResponse:
    region = current_region()
    municipalities = list(Municipality.objects.in_region(region))
    bodies = JointBody.objects.in_region(region).prefetch_related(_participations())
    chosen: dict[str, object] = {}
    legal_form = request.GET.get("vorm", "")
    if legal_form in LegalForm.values:
        bodies = bodies.filter(legal_form=legal_form)
        chosen["legal_form"] = legal_form
    municipality = next((m for m in municipalities if m.slug == request.GET.get("gemeente")), None)
    if municipality is not None:
        bodies = bodies.with_municipality(municipality)
        chosen["municipality"] = municipality
    status = request.GET.get("status", "")
    if status == "actief":
        bodies = bodies.active()
        chosen["status"] = status
    elif status == "beeindigd":
        bodies = bodies.ended()
        chosen["status"] = status
    return render(
        request,
        "registry/body_list.html",
        {
            "bodies": list(bodies),
            "municipalities": municipalities,
            "legal_forms": LegalForm.choices,
            "statuses": STATUSES,
            "chosen": chosen,
        },
    )


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = current_region()
    body = get_object_or_404(
        JointBody.objects.in_region(region)
        .select_related("lead_municipality")
        .prefetch_related(
            "sources",
            "themes",
            "documents",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("municipality")
                .prefetch_related(
                    Prefetch("contributions", queryset=Contribution.objects.order_by("year"))
                )
                .order_by(*MEMBER_ORDER),
            ),
            Prefetch(
                "governing_bodies",
                queryset=GoverningBody.objects.prefetch_related(
                    Prefetch(
                        "representatives",
                        queryset=Representative.objects.select_related("municipality"),
                    )
                ),
            ),
        ),
        slug=slug,
    )
    participations = list(body.participations.all())
    contributions = sorted(
        (c for p in participations for c in p.contributions.all()),
        key=lambda c: (c.year, c.participation.member_name),
    )
    return render(
        request,
        "registry/body_detail.html",
        {
            "body": body,
            "participations": participations,
            "contributions": contributions,
            "sources": {
                fact: [s for s in body.sources.all() if s.fact == fact]
                for fact in Source.Fact.values
            },
        },
    )


@dataclass
class MatrixRow:
    municipality: Municipality
    cells: list[str]


def _cell(participations: list[Participation], today: datetime.date) -> str:
    if not participations:
        return "—"
    if any(p.ended_on is None or p.ended_on > today for p in participations):
        return _("lid")
    last = max(p.ended_on for p in participations if p.ended_on is not None)
    return _("lid tot %(year)s") % {"year": last.year}


def matrix(request: HttpRequest) -> HttpResponse:
    region = current_region()
    today = datetime.date.today()
    bodies = list(
        JointBody.objects.in_region(region)
        .active(today)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(municipality__isnull=False),
            )
        )
    )
    rows = [
        MatrixRow(
            municipality,
            [
                _cell(
                    [p for p in body.participations.all() if p.municipality_id == municipality.pk],
                    today,
                )
                for body in bodies
            ],
        )
        for municipality in Municipality.objects.in_region(region)
    ]
    return render(request, "registry/matrix.html", {"bodies": bodies, "rows": rows})
