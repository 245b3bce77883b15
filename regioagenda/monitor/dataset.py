"""The monitor in a region's data set: indicators, targets and figures.

    monitor/indicators.yaml      the indicators of the vision's ambitions, with their sources
    monitor/targets.yaml         targets of the region or a municipality, each with its source
    monitor/observations/*.csv   figures in the import layout (see regioagenda/monitor/importing.py)

The folder is optional: a region without it loads. Everything is validated before anything is
written, with Dutch messages naming the file, the item and the field. Loading is idempotent:
indicators are matched on their slug, targets on indicator, municipality and year, and figures go
through `import_rows`, which leaves an unchanged figure alone and keeps a changed one as a new
revision. Nothing is removed: indicators, targets and figures are also kept in the back office
and by the CBS import, and a figure's history is never deleted.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from django.db import transaction
from pydantic import Field, StringConstraints, TypeAdapter

from regioagenda.monitor.importing import ObservationRow, import_rows, read_rows
from regioagenda.monitor.models import Aggregation, Direction, Indicator, Target, Trajectory
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision import dataset as base
from regioagenda.vision.models import Theme, Topic

FOLDER = "monitor"
INDICATORS_FILE = "indicators.yaml"
TARGETS_FILE = "targets.yaml"
OBSERVATIONS_FOLDER = "observations"

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
]
MunicipalityCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^GM\d{4}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
OptionalSection = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Value = Annotated[Decimal, Field(max_digits=20, decimal_places=6)]


class IndicatorSchema(base.Schema):
    slug: Slug
    name: base.Title
    name_en: base.OptionalText = ""
    definition: base.Text
    definition_en: base.OptionalText = ""
    ambition: base.OptionalText = ""
    ambition_en: base.OptionalText = ""
    ambition_section: OptionalSection = ""
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    unit_en: Short = ""
    decimals: int = Field(default=0, ge=0, le=6)
    direction: Direction = Direction.NEUTRAL
    aggregation: Aggregation = Aggregation.SUM
    weight: Slug | None = None
    numerator: Slug | None = None
    denominator: Slug | None = None
    source_title: OptionalSection = ""
    source_table: Short = ""
    source_measure: Short = ""
    source_url: base.OptionalUrl = ""
    no_data_note: base.OptionalText = ""
    on_dashboard: bool = True
    themes: list[Slug] = []
    topics: list[Slug] = []


class TargetSchema(base.Schema):
    indicator: Slug
    municipality: MunicipalityCode | None = None
    year: int = Field(ge=1900, le=2100)
    value: Value
    base_year: int | None = Field(default=None, ge=1900, le=2100)
    base_value: Value | None = None
    trajectory: Trajectory = Trajectory.LINEAR
    milestones: dict[int, Decimal] = {}
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
    ]
    description_en: OptionalSection = ""
    source_title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
    ]
    source_section: OptionalSection = ""
    source_url: base.OptionalUrl = ""


base.LIST_ADAPTERS[IndicatorSchema] = TypeAdapter(list[IndicatorSchema])
base.LIST_ADAPTERS[TargetSchema] = TypeAdapter(list[TargetSchema])
base.ITEM_NOUNS.update({"indicators": "indicator", "targets": "doel"})
base.ERROR_MESSAGES.setdefault("dict_type", "moet een reeks van jaar: procent zijn")
base.ERROR_MESSAGES.setdefault("int_from_float", "moet een geheel getal zijn")


@dataclass
class MonitorData:
    indicators: list[IndicatorSchema] = field(default_factory=list)
    targets: list[TargetSchema] = field(default_factory=list)
    # Per file name, its rows.
    observations: dict[str, list[ObservationRow]] = field(default_factory=dict)


def read_monitor(region: Region, folder: Path) -> MonitorData | None:
    """Validate the monitor's files; None when the folder has none. Raises DataSetError."""
    monitor = folder / FOLDER
    if not monitor.is_dir():
        return None
    problems: list[str] = []
    indicators = base._validate_list(
        monitor, INDICATORS_FILE, "indicators", IndicatorSchema, problems, False
    )
    targets = base._validate_list(monitor, TARGETS_FILE, "targets", TargetSchema, problems, False)
    _check_indicators(region, indicators, problems)
    _check_targets(region, targets, {i.slug for i in indicators}, problems)
    observations: dict[str, list[ObservationRow]] = {}
    observations_folder = monitor / OBSERVATIONS_FOLDER
    for path in sorted(observations_folder.glob("*")) if observations_folder.is_dir() else []:
        if path.suffix.lower() not in (".csv", ".xlsx"):
            continue
        rows, file_problems = read_rows(path, path.name)
        problems.extend(f"{OBSERVATIONS_FOLDER}/{path.name}: {p}" for p in file_problems)
        observations[path.name] = rows
    _check_observations(observations, {i.slug for i in indicators}, problems)
    if problems:
        raise base.DataSetError(problems)
    return MonitorData(indicators, targets, observations)


def _check_indicators(
    region: Region, indicators: list[IndicatorSchema], problems: list[str]
) -> None:
    base._check_unique(INDICATORS_FILE, "indicator", [i.slug for i in indicators], problems)
    slugs = {i.slug for i in indicators}
    themes = set(Theme.objects.filter(region=region).values_list("slug", flat=True))
    topics = set(Topic.objects.filter(region=region).values_list("slug", flat=True))
    for index, item in enumerate(indicators):
        where = f"{INDICATORS_FILE}, indicator {index + 1} ('{item.slug}')"
        for slug in item.themes:
            if slug not in themes:
                problems.append(f"{where}: veld 'themes' noemt een onbekend thema ('{slug}').")
        for slug in item.topics:
            if slug not in topics:
                problems.append(f"{where}: veld 'topics' noemt een onbekend onderwerp ('{slug}').")
        for name in ("weight", "numerator", "denominator"):
            other = getattr(item, name)
            if other is None:
                continue
            if other not in slugs:
                problems.append(
                    f"{where}: veld '{name}' noemt een onbekende indicator ('{other}')."
                )
            elif other == item.slug:
                problems.append(f"{where}: veld '{name}' verwijst naar de indicator zelf.")
        if item.aggregation == Aggregation.WEIGHTED_MEAN and item.weight is None:
            problems.append(
                f"{where}: een gewogen gemiddelde heeft veld 'weight' nodig (de indicator "
                "waarnaar gewogen wordt)."
            )
        if item.aggregation != Aggregation.WEIGHTED_MEAN and item.weight is not None:
            problems.append(f"{where}: veld 'weight' hoort alleen bij een gewogen gemiddelde.")
        ratio = item.aggregation == Aggregation.RATIO_OF_SUMS
        if ratio and (item.numerator is None or item.denominator is None):
            problems.append(
                f"{where}: een verhouding van sommen heeft velden 'numerator' en 'denominator' "
                "nodig."
            )
        if not ratio and (item.numerator or item.denominator):
            problems.append(
                f"{where}: velden 'numerator' en 'denominator' horen alleen bij een verhouding "
                "van sommen."
            )


def _check_targets(
    region: Region, targets: list[TargetSchema], indicator_slugs: set[str], problems: list[str]
) -> None:
    codes = set(Municipality.objects.filter(region=region).values_list("code", flat=True))
    seen: dict[tuple[str, str, int], int] = {}
    for index, item in enumerate(targets):
        where = f"{TARGETS_FILE}, doel {index + 1} ('{item.indicator}', {item.year})"
        if item.indicator not in indicator_slugs:
            problems.append(
                f"{where}: veld 'indicator' noemt een onbekende indicator ('{item.indicator}')."
            )
        if item.municipality and item.municipality not in codes:
            problems.append(
                f"{where}: veld 'municipality' is geen gemeente van de regio ({item.municipality})."
            )
        if item.base_year is not None and item.base_year >= item.year:
            problems.append(f"{where}: veld 'base_year' ligt niet voor het doeljaar.")
        if item.trajectory == Trajectory.PERCENTAGE_PATH:
            if item.base_year is None:
                problems.append(f"{where}: een procentueel pad heeft veld 'base_year' nodig.")
            if not item.milestones:
                problems.append(f"{where}: een procentueel pad heeft veld 'milestones' nodig.")
            for year in item.milestones:
                if item.base_year is not None and not item.base_year < year <= item.year:
                    problems.append(
                        f"{where}: tussendoel {year} ligt niet tussen basisjaar en doeljaar."
                    )
        key = (item.indicator, item.municipality or "", item.year)
        if key in seen:
            problems.append(f"{where}: doel {seen[key]} geeft al een doel voor dit jaar.")
        else:
            seen[key] = index + 1


def _check_observations(
    observations: dict[str, list[ObservationRow]], indicator_slugs: set[str], problems: list[str]
) -> None:
    """What one file cannot see: unknown indicators and a figure given by two files."""
    seen: dict[tuple[str, str, datetime.date, datetime.date], str] = {}
    for file_name, rows in observations.items():
        where = f"{OBSERVATIONS_FOLDER}/{file_name}"
        for row in rows:
            if row.indicator not in indicator_slugs:
                problems.append(
                    f"{where}: Rij {row.line}, kolom 'indicator': '{row.indicator}' staat niet in "
                    f"{INDICATORS_FILE}."
                )
            key = (row.indicator, row.area.strip().casefold(), row.period_start, row.period_end)
            earlier = seen.get(key)
            if earlier is not None and earlier != file_name:
                problems.append(
                    f"{where}: Rij {row.line}: dit cijfer ({row.indicator}, {row.area}, "
                    f"{row.period_label}) staat ook in {OBSERVATIONS_FOLDER}/{earlier}."
                )
            seen.setdefault(key, file_name)


def _indicator_values(
    item: IndicatorSchema, position: int, known: dict[str, Indicator]
) -> dict[str, Any]:
    return {
        "name": item.name,
        "name_en": item.name_en,
        "definition": item.definition,
        "definition_en": item.definition_en,
        "ambition": item.ambition,
        "ambition_en": item.ambition_en,
        "ambition_section": item.ambition_section,
        "unit": item.unit,
        "unit_en": item.unit_en,
        "decimals": item.decimals,
        "direction": item.direction.value,
        "aggregation": item.aggregation.value,
        "weight": known[item.weight] if item.weight else None,
        "numerator": known[item.numerator] if item.numerator else None,
        "denominator": known[item.denominator] if item.denominator else None,
        "source_title": item.source_title,
        "source_table": item.source_table,
        "source_measure": item.source_measure,
        "source_url": item.source_url,
        "no_data_note": item.no_data_note,
        "on_dashboard": item.on_dashboard,
        "position": position,
    }


def _in_dependency_order(indicators: list[IndicatorSchema]) -> list[tuple[int, IndicatorSchema]]:
    """Indicators after those they refer to (weight, numerator, denominator)."""
    ordered: list[tuple[int, IndicatorSchema]] = []
    done: set[str] = set()
    waiting = list(enumerate(indicators, start=1))
    while waiting:
        ready = [
            (position, item)
            for position, item in waiting
            if all(ref in done for ref in (item.weight, item.numerator, item.denominator) if ref)
        ]
        if not ready:
            names = ", ".join(item.slug for _, item in waiting)
            raise base.DataSetError(
                [f"{INDICATORS_FILE}: de indicatoren {names} verwijzen in een kring naar elkaar."]
            )
        ordered.extend(ready)
        done.update(item.slug for _, item in ready)
        waiting = [entry for entry in waiting if entry not in ready]
    return ordered


@transaction.atomic
def load_monitor(region: Region, folder: Path, report: base.LoadReport) -> None:
    """Validate and write the monitor's part of the data set in `folder`, if it has one."""
    data = read_monitor(region, folder)
    if data is None:
        return
    writer = base._Writer(report)
    indicators: dict[str, Indicator] = {}
    themes = {t.slug: t.pk for t in Theme.objects.filter(region=region)}
    topics = {t.slug: t.pk for t in Topic.objects.filter(region=region)}
    for position, item in _in_dependency_order(data.indicators):
        indicator = writer.upsert(
            Indicator,
            {"region": region, "slug": item.slug},
            _indicator_values(item, position, indicators),
        )
        indicators[item.slug] = indicator
        wanted_themes = {themes[slug] for slug in item.themes}
        if set(indicator.themes.values_list("pk", flat=True)) != wanted_themes:
            indicator.themes.set(wanted_themes)
        wanted_topics = {topics[slug] for slug in item.topics}
        if set(indicator.topics.values_list("pk", flat=True)) != wanted_topics:
            indicator.topics.set(wanted_topics)

    municipalities = {m.code: m for m in Municipality.objects.filter(region=region)}
    for target in data.targets:
        writer.upsert(
            Target,
            {
                "indicator": indicators[target.indicator],
                "municipality": municipalities[target.municipality]
                if target.municipality
                else None,
                "year": target.year,
            },
            {
                "value": target.value,
                "base_year": target.base_year,
                "base_value": target.base_value,
                "trajectory": target.trajectory.value,
                "milestones": {str(year): float(pct) for year, pct in target.milestones.items()},
                "description": target.description,
                "description_en": target.description_en,
                "source_title": target.source_title,
                "source_section": target.source_section,
                "source_url": target.source_url,
            },
        )

    problems: list[str] = []
    for file_name, rows in data.observations.items():
        result = import_rows(region, rows)
        problems.extend(f"{OBSERVATIONS_FOLDER}/{file_name}: {p}" for p in result.problems)
        report.created += result.created
        report.updated += result.revised
        report.unchanged += result.unchanged
        if result.created or result.revised:
            report.changes.append(f"{OBSERVATIONS_FOLDER}/{file_name}: {result.summary()}")
    if problems:
        # Raised inside the transaction: the indicators and targets written above roll back.
        raise base.DataSetError(problems)
