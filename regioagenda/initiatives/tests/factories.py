import datetime
from typing import Any

from django.utils import timezone

from regioagenda.initiatives.models import Initiative, InitiativeEvent, Status
from regioagenda.regions.models import Region


def make_initiative(region: Region, status: str = Status.PUBLISHED, **values: Any) -> Initiative:
    values.setdefault("title", "Meer bankjes in het park")
    values.setdefault("description", "Oudere bewoners willen onderweg kunnen rusten.")
    values.setdefault("submitter_name", "Anna de Vries")
    values.setdefault("submitter_email", "anna@example.org")
    if status != Status.SUBMITTED and status != Status.REJECTED:
        values.setdefault("published_at", timezone.now())
    competences = values.pop("competences", [])
    initiative = Initiative.objects.create(region=region, status=status, **values)
    initiative.competences.set(competences)
    InitiativeEvent.objects.create(
        initiative=initiative,
        status=Status.SUBMITTED,
        happened_on=datetime.date(2026, 3, 1),
        public=False,
    )
    if initiative.is_public:
        InitiativeEvent.objects.create(
            initiative=initiative,
            status=Status.PUBLISHED,
            happened_on=datetime.date(2026, 3, 2),
            note="Gepubliceerd na controle.",
        )
    return initiative
