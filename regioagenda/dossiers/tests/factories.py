import datetime
from collections.abc import Sequence

from regioagenda.dossiers.models import CouncilDecision, DecisionDocument, Dossier
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Topic


def make_dossier(region: Region, *, slug: str = "regionale-woonagenda", **values) -> Dossier:
    """A dossier on which every municipality of the region decides."""
    dossier = Dossier.objects.create(
        region=region,
        slug=slug,
        title=values.pop("title", "Regionale woonagenda"),
        summary=values.pop("summary", "De gemeenten stellen samen de woonagenda vast."),
        topic=values.pop("topic", Topic.objects.filter(region=region).first()),
        **values,
    )
    dossier.municipalities.set(Municipality.objects.in_region(region))
    return dossier


def decide(
    dossier: Dossier,
    municipality: Municipality,
    outcome: str = CouncilDecision.Outcome.ADOPTED,
    *,
    body: str = CouncilDecision.Body.COUNCIL,
    on: datetime.date | None = datetime.date(2026, 10, 1),
    amendments: Sequence[tuple[str, str]] = (),
) -> CouncilDecision:
    decision = CouncilDecision.objects.create(
        dossier=dossier,
        municipality=municipality,
        body=body,
        proposal_title=f"Raadsvoorstel {dossier.title} {municipality.name}",
        meeting_date=None if outcome == CouncilDecision.Outcome.PENDING else on,
        outcome=outcome,
    )
    for title, result in amendments:
        DecisionDocument.objects.create(decision=decision, title=title, result=result)
    return decision
