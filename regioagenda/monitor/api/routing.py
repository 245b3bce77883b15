"""The monitor's router and what its endpoint modules share: paths to link, figures as the API
writes them, and the region a path names."""

import contextlib
from decimal import Decimal, InvalidOperation
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Router
from pydantic import WithJsonSchema

from regioagenda.monitor.models import Aggregation, Direction, Indicator, Trajectory
from regioagenda.regions.models import Region

router = Router(tags=["Monitor"])

API = "/api/v1"

# Observation.value keeps six decimals.
PLACES = Decimal("0.000001")

# Inline: other apps' components could take these names too.
AggregationCode = Annotated[
    Aggregation, WithJsonSchema({"type": "string", "enum": Aggregation.values})
]
DirectionCode = Annotated[Direction, WithJsonSchema({"type": "string", "enum": Direction.values})]
TrajectoryCode = Annotated[
    Trajectory, WithJsonSchema({"type": "string", "enum": Trajectory.values})
]


def links(**paths: str | None) -> dict[str, str | None]:
    return {name: f"{API}{path}" if path else None for name, path in paths.items()}


def region_path(region: Region | str) -> str:
    slug = region if isinstance(region, str) else region.slug
    return f"/regions/{slug}"


def indicator_path(indicator: Indicator) -> str:
    return f"{region_path(indicator.region)}/indicators/{indicator.slug}"


def figure(value: Decimal | None) -> Decimal | None:
    """210363 for Decimal('210363.000000'), 12.5 for a weighted mean of many digits: the
    figure to six decimals at most, without the database column's trailing zeros and never in
    exponent notation (the API writes a Decimal as a string)."""
    if value is None:
        return None
    # Unless it has more digits than a Decimal holds at six decimals (a ratio over a tiny
    # denominator): then it stays as it is.
    with contextlib.suppress(InvalidOperation):
        value = value.quantize(PLACES)
    return Decimal(format(value.normalize(), "f"))


def region_or_404(slug: str) -> Region:
    return get_object_or_404(Region, slug=slug)
