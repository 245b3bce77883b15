import datetime

from django.utils import timezone

from regioagenda.cooperation.models import Comparison, Criterion, Option
from regioagenda.regions.models import Region
from regioagenda.vision.models import Agreement

OPTIONS = [
    ("Convenant", "Lichte samenwerking op basis van afspraken."),
    ("Gemeenschappelijke regeling", "Een openbaar lichaam met een gezamenlijk bestuur."),
    ("Centrumgemeente", "Eén gemeente voert taken uit voor de andere."),
]
CRITERIA = [
    ("Democratische legitimiteit", 3),
    ("Bestuurlijke drukte", 2),
    ("Kosten", 1),
]


def make_comparison(
    region: Region,
    *,
    rule: str = "score-mean",
    options: list[tuple[str, str]] = OPTIONS,
    criteria: list[tuple[str, int]] = CRITERIA,
    closes_in_days: int = 14,
    **values,
) -> Comparison:
    comparison = Comparison.objects.create(
        region=region,
        slug=values.pop("slug", "toekomstige-samenwerking"),
        title=values.pop("title", "Toekomstige samenwerkingsvormen"),
        agreement=Agreement.objects.filter(
            region=region, slug="toekomstige-samenwerkingsvormen"
        ).first(),
        rule=rule,
        closes_at=timezone.now() + datetime.timedelta(days=closes_in_days),
        **values,
    )
    comparison.participants.set(region.municipalities.all())
    for position, (title, description) in enumerate(options, start=1):
        Option.objects.create(
            comparison=comparison, position=position, title=title, description=description
        )
    for position, (title, weight) in enumerate(criteria, start=1):
        Criterion.objects.create(
            comparison=comparison,
            position=position,
            title=title,
            weight=weight,
            explanation=f"Uitleg bij {title.lower()}.",
        )
    return comparison


def grid(*rows: tuple[int | str, ...]) -> dict:
    """Scores per option (one row each), in the order of the criteria."""
    from decimal import Decimal

    return {
        (option, criterion): Decimal(str(value))
        for option, row in enumerate(rows, start=1)
        for criterion, value in enumerate(row, start=1)
    }
