import datetime

from django.utils import timezone

from regioagenda.prioritisation.models import Candidate, Round
from regioagenda.regions.models import Region
from regioagenda.vision.models import Topic

TOPICS = ["woningbouwprogramma", "economie071", "stadswarmtenet", "lucht-en-waterkwaliteit"]


def make_round(
    region: Region,
    *,
    ballot_type: str = "ranking",
    rule: str = "borda",
    topics: list[str] = TOPICS,
    opened_days_ago: int = 1,
    closes_in_days: int = 14,
    **values,
) -> Round:
    now = timezone.now()
    round = Round.objects.create(
        region=region,
        slug=values.pop("slug", "uitvoeringsagenda-2027"),
        title=values.pop("title", "Uitvoeringsagenda 2027-2030"),
        ballot_type=ballot_type,
        rule=rule,
        opens_at=now - datetime.timedelta(days=opened_days_ago),
        deadline=now + datetime.timedelta(days=closes_in_days),
        **values,
    )
    round.participants.set(region.municipalities.all())
    for position, slug in enumerate(topics, start=1):
        Candidate.objects.create(
            round=round, position=position, topic=Topic.objects.get(region=region, slug=slug)
        )
    return round
