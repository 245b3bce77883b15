"""Indicators, figures and targets for tests; shared by the monitor's tests.

inhabitants = make_indicator(region, "inwoners", unit="inwoners", direction="hoger")
make_observation(inhabitants, leiden, 2024, 124_899)            # on 1 January 2024
make_observation(inhabitants, leiden, 2024, 125_000, revision=2)
make_observation(waste, "Leiden Bio Science Park", 2023, 20_000, whole_year=True)
make_target(inhabitants, 2032, 220_000, base_year=2017, base_value=200_000)
"""

import datetime
from decimal import Decimal
from typing import Any

from regioagenda.competences.models import Place
from regioagenda.monitor.models import Indicator, Observation, Target
from regioagenda.regions.models import Municipality, Region

Number = int | str | Decimal


def make_indicator(region: Region, slug: str = "inwoners", **values: Any) -> Indicator:
    values.setdefault("name", slug.replace("-", " ").capitalize())
    values.setdefault("definition", f"Definitie van {slug}.")
    values.setdefault("unit", "aantal")
    values.setdefault("source_title", "CBS StatLine")
    indicator = Indicator(region=region, slug=slug, **values)
    indicator.full_clean()
    indicator.save()
    return indicator


def make_observation(
    indicator: Indicator,
    area: Municipality | Place | str,
    year: int,
    value: Number,
    *,
    revision: int = 1,
    whole_year: bool = False,
    **values: Any,
) -> Observation:
    """A figure on 1 January of `year`, or for the whole year with `whole_year=True`."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31) if whole_year else start
    values.setdefault("period_start", start)
    values.setdefault("period_end", end)
    values.setdefault("period_label", str(year) if whole_year else f"1 januari {year}")
    values.setdefault("source_title", "CBS StatLine")
    values.setdefault("source_table", "03759ned")
    values.setdefault("source_url", "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned")
    values.setdefault("retrieved_on", datetime.date(2026, 7, 2))
    if isinstance(area, Municipality):
        values["municipality"] = area
    elif isinstance(area, Place):
        values["place"] = area
    else:
        values["area"] = area
    return Observation.objects.create(
        indicator=indicator, value=Decimal(str(value)), revision=revision, **values
    )


def make_target(indicator: Indicator, year: int, value: Number, **values: Any) -> Target:
    values.setdefault("description", f"{value} in {year}")
    values.setdefault("source_title", "Toekomstvisie 2027")
    for name in ("base_value",):
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    target = Target(indicator=indicator, year=year, value=Decimal(str(value)), **values)
    target.full_clean()
    target.save()
    return target
