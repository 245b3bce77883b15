"""Observations: every figure with its source and revision, and recording one through the API.

A figure is never overwritten: recording a different value for the same indicator, area and
period adds the next revision (monitor.importing.record_observation, the rule every import
follows), and the current figure is the highest revision.
"""

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import rules
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from regioagenda.api.auth import token_auth
from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, IsoDate, ItemId
from regioagenda.api.writing import References, audited, payload_checks, require
from regioagenda.competences.models import Place
from regioagenda.monitor.api.routing import (
    figure,
    indicator_path,
    links,
    region_or_404,
    router,
)
from regioagenda.monitor.importing import (
    CODE_LIKE,
    SIGNIFICANT_DIGITS,
    VALUE_LIMIT,
    parse_decimal,
    record_observation,
    too_precise,
)
from regioagenda.monitor.models import Indicator, Observation
from regioagenda.monitor.series import current
from regioagenda.regions.models import Municipality, Region


class ObservationSourceOut(ApiSchema):
    title: str = Field(description="Naam van de bron.")
    table: str | None = Field(description="Tabel in de bron.")
    url: str | None = Field(description="Adres van de bron.")
    retrieved_on: datetime.date = Field(
        description="Dag waarop het cijfer is opgehaald.", json_schema_extra={"format": "date"}
    )


class ObservationLinks(ApiSchema):
    self_: str = Field(alias="self")
    indicator: str
    municipality: str | None


class ObservationOut(ApiSchema):
    id: int
    indicator: str = Field(description="Korte naam van de indicator.")
    municipality: str | None = Field(
        description="CBS-code van de gemeente; bij een wijk of buurt de gemeente waarin die "
        "ligt; leeg bij een gebied zonder CBS-code."
    )
    place: str | None = Field(description="CBS-code van de wijk of buurt, zoals WK054600.")
    area: str = Field(description="Naam van het gebied.")
    area_key: str = Field(
        description="Vaste code van het gebied: de CBS-code, of 'gebied:' en de naam in kleine "
        "letters voor een gebied zonder CBS-code."
    )
    period_start: datetime.date = Field(json_schema_extra={"format": "date"})
    period_end: datetime.date = Field(
        description="Gelijk aan het begin bij een peildatum.", json_schema_extra={"format": "date"}
    )
    period_label: str = Field(description="De periode zoals de bron haar noemt.")
    value: Decimal = Field(description="Het cijfer.")
    revision: int = Field(description="Volgnummer van de herziening; 1 voor het eerste cijfer.")
    current: bool = Field(
        description="Of dit de huidige herziening is (de hoogste). Zonder revisions=true staan "
        "alleen huidige cijfers in de lijst."
    )
    source: ObservationSourceOut
    note: str | None = Field(description="Toelichting bij het cijfer.")
    recorded_at: datetime.datetime = Field(description="Wanneer het cijfer is vastgelegd.")
    links: ObservationLinks

    @staticmethod
    def resolve_indicator(observation: Observation) -> str:
        return observation.indicator.slug

    @staticmethod
    def resolve_municipality(observation: Observation) -> str | None:
        municipality = _municipality_of(observation)
        return municipality.code if municipality else None

    @staticmethod
    def resolve_place(observation: Observation) -> str | None:
        return observation.place.code if observation.place else None

    @staticmethod
    def resolve_area(observation: Observation) -> str:
        return observation.area_name

    @staticmethod
    def resolve_value(observation: Observation) -> Decimal | None:
        return figure(observation.value)

    @staticmethod
    def resolve_current(observation: Observation) -> bool:
        return bool(getattr(observation, "is_current", True))

    @staticmethod
    def resolve_source(observation: Observation) -> ObservationSourceOut:
        return ObservationSourceOut(
            title=observation.source_title,
            table=observation.source_table or None,
            url=observation.source_url or None,
            retrieved_on=observation.retrieved_on,
        )

    @staticmethod
    def resolve_note(observation: Observation) -> str | None:
        return observation.note or None

    @staticmethod
    def resolve_links(observation: Observation) -> dict[str, str | None]:
        indicator = observation.indicator
        municipality = _municipality_of(observation)
        return links(
            self_=f"/regions/{indicator.region.slug}/observations/{observation.pk}",
            indicator=indicator_path(indicator),
            municipality=f"/municipalities/{municipality.code}" if municipality else None,
        )


def _municipality_of(observation: Observation) -> Municipality | None:
    if observation.place is not None:
        return observation.place.municipality
    return observation.municipality


class ObservationFilter(ApiSchema):
    indicator: str | None = Field(None, description="Korte naam van de indicator.")
    municipality: str | None = Field(
        None,
        description="CBS-code van de gemeente, zoals GM0546: haar cijfers en die van haar wijken "
        "en buurten.",
    )
    area: str | None = Field(
        None,
        description="Code van één gebied (areaKey): een CBS-code, of 'gebied:' en de naam, zoals "
        "'gebied:leiden bio science park'.",
    )
    period_from: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen cijfers over een periode die op of na deze dag eindigt.",
        json_schema_extra={"format": "date"},
    )
    period_to: IsoDate = Field(  # type: ignore[assignment]  # no date: no filter
        None,
        description="Alleen cijfers over een periode die op of voor deze dag begint.",
        json_schema_extra={"format": "date"},
    )
    revisions: bool = Field(
        False,
        description="Ook eerdere herzieningen; zonder deze parameter alleen het huidige cijfer "
        "(de hoogste herziening) per indicator, gebied en periode.",
    )


def observations() -> QuerySet[Observation]:
    return Observation.objects.select_related(
        "indicator__region", "municipality", "place__municipality"
    ).order_by(
        "indicator__position",
        "indicator__name",
        "indicator_id",
        "period_start",
        "period_end",
        "area_key",
        "revision",
        "pk",
    )


def _with_current_flag(found: QuerySet[Observation]) -> QuerySet[Observation]:
    # The same rule as series.current(), asked per row instead of used as a filter.
    is_current = Exists(current(Observation.objects.filter(pk=OuterRef("pk"))))
    return found.annotate(is_current=is_current)


@router.get(
    "/regions/{region}/observations",
    response=list[ObservationOut],
    by_alias=True,
    operation_id="listObservations",
    summary="Cijfers van de monitor, met bron en herziening",
    description="Geordend op indicator, periode en gebied. Een cijfer valt in de periode "
    "periodFrom–periodTo als zijn eigen periode die overlapt.",
)
@paginate(Pagination)
def list_observations(
    request: HttpRequest, region: str, filters: Query[ObservationFilter]
) -> QuerySet[Observation]:
    found = observations().filter(indicator__region__slug=region)
    if filters.indicator:
        found = found.filter(indicator__slug=filters.indicator)
    if filters.municipality:
        code = filters.municipality.upper()
        found = found.filter(Q(municipality__code=code) | Q(place__municipality__code=code))
    if filters.area:
        found = found.filter(area_key=filters.area)
    if filters.period_from:
        found = found.filter(period_end__gte=filters.period_from)
    if filters.period_to:
        found = found.filter(period_start__lte=filters.period_to)
    if filters.revisions:
        return _with_current_flag(found)
    return current(found).annotate(is_current=Value(True, output_field=BooleanField()))


@router.get(
    "/regions/{region}/observations/{id}",
    response=ObservationOut,
    by_alias=True,
    operation_id="getObservation",
    summary="Eén cijfer",
)
def get_observation(request: HttpRequest, region: str, id: Path[ItemId]) -> Observation:
    return get_object_or_404(
        _with_current_flag(observations()), indicator__region__slug=region, pk=id
    )


# Recording a figure ----------------------------------------------------------------------------


# Fourteen digits before the point at most, as Observation.value holds; a decimal point, or the
# Dutch way with a comma and points between the thousands.
NUMBER_PATTERN = r"^[-+]?(\d{1,14}(\.\d+)?|\d{1,14},\d+|\d{1,3}(\.\d{3}){1,4},\d+)$"
LIMIT = float(VALUE_LIMIT)


def _number(value: Any) -> Any:
    """A JSON number, or a string with a decimal point or a Dutch comma (1234.5, 1.234,5)."""
    if isinstance(value, bool):
        value = None
    elif isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, float):
        value = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, str):
        value = parse_decimal(value) if re.fullmatch(NUMBER_PATTERN, value.strip()) else None
    elif not isinstance(value, Decimal):
        value = None
    if value is None or not value.is_finite():
        raise PydanticCustomError("decimal_parsing", _("moet een getal zijn, zoals 1234.5"))
    if abs(value) >= VALUE_LIMIT:
        raise PydanticCustomError("decimal_parsing", _("is te groot"))
    if too_precise(value):
        raise PydanticCustomError(
            "decimal_parsing",
            _("heeft te veel cijfers (hoogstens {digits})"),
            {"digits": SIGNIFICANT_DIGITS},
        )
    return value


Number = Annotated[
    Decimal,
    BeforeValidator(_number),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": -LIMIT, "exclusiveMaximum": LIMIT},
                {"type": "string", "pattern": NUMBER_PATTERN},
            ],
            "description": "Het cijfer: een getal, of een tekst met een decimale punt (1234.5) "
            "of op zijn Nederlands met een komma (1.234,5); hoogstens 15 cijfers, waarvan 6 na "
            "de komma (meer decimalen worden afgerond).",
        }
    ),
]


def _text(limit: int, *, required: bool = False) -> Any:
    """Dutch refusals for a text that is not one, is empty where it is required, or too long."""

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", _("moet een tekst zijn"))
        if required and not value.strip():
            raise PydanticCustomError("string_too_short", _("is leeg"))
        if len(value) > limit:
            raise PydanticCustomError(
                "string_too_long", _("is te lang (hoogstens {limit} tekens)"), {"limit": limit}
            )
        return value.strip()

    return BeforeValidator(check)


class ObservationSourceIn(ApiSchema):
    title: Annotated[str, _text(300, required=True)] = Field(
        min_length=1, max_length=300, description="Naam van de bron."
    )
    table: Annotated[str, _text(50)] = Field("", max_length=50, description="Tabel in de bron.")
    url: Annotated[str, _text(500)] = Field("", max_length=500, description="Adres van de bron.")
    retrieved_on: IsoDate | None = Field(
        None,
        description="Dag waarop het cijfer is opgehaald; leeg: vandaag.",
        json_schema_extra={"format": "date"},
    )


# Other fields (a revision, who recorded it) are ignored: the API decides those.
class ObservationIn(ApiSchema):
    indicator: str = Field(description="Korte naam van de indicator.")
    municipality: str | None = Field(
        None, description="CBS-code van de gemeente, zoals GM0546 (of die van de wijk of buurt)."
    )
    place: str | None = Field(
        None, description="CBS-code van een wijk of buurt van de gemeente, zoals WK054600."
    )
    area: Annotated[str, _text(200)] | None = Field(
        None,
        max_length=200,
        description="Naam van een gebied zonder CBS-code, zoals Leiden Bio Science Park; alleen "
        "de coördinator van de regio legt daarvoor cijfers vast.",
    )
    period_start: IsoDate = Field(json_schema_extra={"format": "date"})
    period_end: IsoDate | None = Field(
        None,
        description="Laatste dag van de periode; leeg bij een peildatum.",
        json_schema_extra={"format": "date"},
    )
    period_label: Annotated[str, _text(30, required=True)] = Field(
        min_length=1,
        max_length=30,
        description="De periode zoals de bron haar noemt, zoals 2024JJ00.",
    )
    value: Number = Field(
        description="Het cijfer, met hoogstens 15 significante cijfers (meer is niet exact op "
        "te slaan)."
    )
    source: ObservationSourceIn
    note: Annotated[str, _text(500)] = Field(
        "", max_length=500, description="Toelichting bij het cijfer."
    )


@dataclass
class FigureOwner:
    """What the rule `monitor.record_observation` is tested on: whose figure it is."""

    municipality_id: int | None
    region_id: int


# The field each check constraint is about, to name it in a refusal.
CHECKED_FIELDS = {
    "observation_period_in_order": "period_end",
    "observation_names_one_area": "municipality",
}

# Model fields named as the payload names them.
PAYLOAD_FIELDS = {
    "sourceTitle": "source.title",
    "sourceTable": "source.table",
    "sourceUrl": "source.url",
    "retrievedOn": "source.retrievedOn",
    "areaKey": "area",
}


def _observation(region: Region, data: ObservationIn) -> tuple[Observation, FigureOwner]:
    """The figure the payload describes, unsaved; unknown names are a 400 naming the field."""
    references = References()
    indicator = references.find(
        Indicator.objects.filter(region=region),
        "indicator",
        data.indicator,
        where=" in deze regio",
        slug=data.indicator,
    )
    municipality = references.find(
        Municipality.objects.in_region(region),
        "municipality",
        data.municipality,
        where=" in deze regio",
        code=(data.municipality or "").upper(),
    )
    place = references.find(
        Place.objects.filter(municipality__region=region).select_related("municipality"),
        "place",
        data.place,
        where=" in deze regio",
        code=(data.place or "").upper(),
    )
    area = (data.area or "").strip()
    if area and (data.municipality or data.place):
        references.problems["area"] = _(
            "Noem een gebied zonder CBS-code alleen zonder gemeente of wijk."
        )
    elif area and CODE_LIKE.match(area):
        references.problems["area"] = _("Dit is een CBS-code: geef die als municipality of place.")
    elif not (area or data.municipality or data.place):
        references.problems["municipality"] = _(
            "Noem een gemeente, een wijk of buurt (place) of een gebied zonder CBS-code (area)."
        )
    if place is not None and municipality is not None and place.municipality_id != municipality.pk:
        references.problems["place"] = _("Deze wijk of buurt ligt in een andere gemeente.")
    if data.period_end is not None and data.period_end < data.period_start:
        references.problems["periodEnd"] = _("Het einde van de periode ligt voor het begin.")
    references.check()
    observation = Observation(
        indicator=indicator,
        # A figure of a district names the district only, as an import writes it.
        municipality=municipality if place is None else None,
        place=place,
        area=area,
        period_start=data.period_start,
        period_end=data.period_end or data.period_start,
        period_label=data.period_label,
        value=data.value,
        source_title=data.source.title,
        source_table=data.source.table,
        source_url=data.source.url,
        retrieved_on=data.source.retrieved_on or datetime.date.today(),
        note=data.note,
    )
    owner = place.municipality if place is not None else municipality
    return observation, FigureOwner(
        municipality_id=owner.pk if owner else None, region_id=region.pk
    )


def _named_as_payload(error: ValidationError) -> ValidationError:
    return ValidationError(
        {PAYLOAD_FIELDS.get(name, name): messages for name, messages in error.message_dict.items()}
    )


@router.post(
    "/regions/{region}/observations",
    response={200: ObservationOut, 201: ObservationOut},
    by_alias=True,
    auth=token_auth,
    operation_id="createObservation",
    summary="Cijfer vastleggen (een nieuwe herziening als de waarde verandert)",
    description="Legt één cijfer vast voor een gemeente, een wijk of buurt, of (alleen de "
    "coördinator) een gebied zonder CBS-code. Een redacteur legt alleen cijfers van de eigen "
    "gemeente vast. Een nieuw cijfer wordt herziening 1 (201); een andere waarde voor dezelfde "
    "indicator, hetzelfde gebied en dezelfde periode wordt de volgende herziening (201), de "
    "eerdere blijft bewaard; dezelfde waarde als het huidige cijfer verandert niets en geeft "
    "dat cijfer terug (200). De herziening en wie het cijfer vastlegde volgen niet uit het "
    "verzoek: die bepaalt de API.",
)
def post_observation(request: HttpRequest, region: str, data: ObservationIn) -> Status[Observation]:
    found = region_or_404(region)
    observation, owner = _observation(found, data)
    require(rules.test_rule("monitor.record_observation", request.user, owner))
    try:
        with (
            audited(request),
            payload_checks(Observation, fallback="period_start", checks=CHECKED_FIELDS),
        ):
            recorded, written = record_observation(observation, by=request.user)
    except ValidationError as error:
        raise _named_as_payload(error) from error
    return Status(
        201 if written else 200,
        get_object_or_404(_with_current_flag(observations()), pk=recorded.pk),
    )
