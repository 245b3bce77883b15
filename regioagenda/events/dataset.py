"""The calendar's part of a region's data set (`calendar.yaml`), and the bodies that meet.

    calendar.yaml   the event categories and audiences, the clash rules' thresholds, which
                    municipalities of the region border each other (with the source), and the
                    region's own bodies that meet (a regional council conference…)

The file is optional. Whatever it says, every municipality gets its council and its college as
meeting bodies, and every joint body of the register its board, so that meetings can belong to
them from the start. Validation happens inside the loader's transaction, with Dutch messages
naming the file, the item and the field; loading adds and updates, never removes (the
coordinator also keeps categories, audiences and neighbours in the back office).
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints

from regioagenda.competences.dataset import _Rows
from regioagenda.events.models import Audience, Category, ClashRules, Neighbour
from regioagenda.meetings.models import Body, BodyKind
from regioagenda.proposals.dataset import _read_mapping, _validate
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody
from regioagenda.vision import dataset as base

CALENDAR_FILE = "calendar.yaml"

MunicipalityCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^GM\d{4}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
BodyName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class LabelSchema(base.Schema):
    slug: base.Slug
    name: Name
    name_en: Name | None = None


class ClashRulesSchema(base.Schema):
    large_attendance: int = Field(default=2000, ge=1)
    venue_similarity: int = Field(default=90, ge=50, le=100)


class NeighboursSchema(base.Schema):
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    pairs: list[list[MunicipalityCode]] = []


class RegionalBodySchema(base.Schema):
    slug: base.Slug
    name: BodyName
    name_en: BodyName | None = None


class CalendarSchema(base.Schema):
    categories: list[LabelSchema] = []
    audiences: list[LabelSchema] = []
    clash_rules: ClashRulesSchema = ClashRulesSchema()
    neighbours: NeighboursSchema | None = None
    regional_bodies: list[RegionalBodySchema] = []


base.ITEM_NOUNS.update(
    {"categories": "categorie", "audiences": "doelgroep", "regional_bodies": "orgaan"}
)


def council_slug(municipality: Municipality) -> str:
    return f"gemeenteraad-{municipality.slug}"


def college_slug(municipality: Municipality) -> str:
    return f"college-{municipality.slug}"


def load_calendar(region: Region, folder: Path, report: base.LoadReport) -> None:
    """Validate `calendar.yaml` and write it, with the bodies every region has."""
    problems: list[str] = []
    municipalities = {m.code: m for m in Municipality.objects.filter(region=region)}
    calendar = CalendarSchema()
    data = _read_mapping(folder, CALENDAR_FILE, problems)
    if data is not None:
        calendar = _validate(CALENDAR_FILE, CalendarSchema, data, problems) or calendar
    for noun, items in (("categorie", calendar.categories), ("doelgroep", calendar.audiences)):
        base._check_unique(CALENDAR_FILE, noun, [item.slug for item in items], problems)
    pairs: list[tuple[Municipality, Municipality]] = []
    for index, pair in enumerate(calendar.neighbours.pairs if calendar.neighbours else []):
        where = f"{CALENDAR_FILE}, buurgemeenten, paar {index + 1}"
        if len(pair) != 2 or pair[0] == pair[1]:
            problems.append(f"{where}: geef twee verschillende gemeenten, zoals [GM0546, GM0547].")
            continue
        unknown = [code for code in pair if code not in municipalities]
        if unknown:
            problems.append(
                f"{where}: {', '.join(unknown)} is geen gemeente van de regio "
                "(zie municipalities.csv)."
            )
            continue
        pairs.append((municipalities[pair[0]], municipalities[pair[1]]))
    body_slugs = [b.slug for b in calendar.regional_bodies]
    taken = {council_slug(m) for m in municipalities.values()} | {
        college_slug(m) for m in municipalities.values()
    }
    for slug in body_slugs:
        if slug in taken or slug.startswith("bestuur-"):
            problems.append(
                f"{CALENDAR_FILE}, orgaan '{slug}': veld 'slug' is voorbehouden aan de raden, "
                "colleges en besturen van verbonden partijen; kies een andere."
            )
    base._check_unique(CALENDAR_FILE, "orgaan", body_slugs, problems)
    if problems:
        raise base.DataSetError(problems)

    writer = base._Writer(report)
    for model, items in ((Category, calendar.categories), (Audience, calendar.audiences)):
        rows = _Rows(writer, model, model.objects.filter(region=region), lambda row: row.slug)
        for item in items:
            rows.write(
                {"region": region, "slug": item.slug},
                {"name": item.name, "name_en": item.name_en or ""},
            )
    writer.upsert(
        ClashRules,
        {"region": region},
        {
            "large_attendance": calendar.clash_rules.large_attendance,
            "venue_similarity": calendar.clash_rules.venue_similarity,
        },
    )
    for first, second in pairs:
        for a, b in ((first, second), (second, first)):
            writer.upsert(Neighbour, {"municipality": a, "neighbour": b}, {})
    _load_bodies(writer, region, municipalities.values(), calendar.regional_bodies)


def _load_bodies(
    writer: base._Writer,
    region: Region,
    municipalities: Iterable[Municipality],
    regional: list[RegionalBodySchema],
) -> None:
    for municipality in municipalities:
        writer.upsert(
            Body,
            {"region": region, "kind": BodyKind.COUNCIL, "municipality": municipality},
            {
                "slug": council_slug(municipality),
                "name": f"Gemeenteraad {municipality.name}",
                "name_en": f"Municipal council of {municipality.name}",
            },
        )
        writer.upsert(
            Body,
            {"region": region, "kind": BodyKind.COLLEGE, "municipality": municipality},
            {
                "slug": college_slug(municipality),
                "name": f"College van B&W {municipality.name}",
                "name_en": f"Executive board of {municipality.name}",
            },
        )
    for joint_body in JointBody.objects.filter(region=region):
        writer.upsert(
            Body,
            {"region": region, "kind": BodyKind.JOINT_BODY, "joint_body": joint_body},
            {
                "slug": f"bestuur-{joint_body.slug}"[:120],
                "name": f"Bestuur {joint_body.name}",
            },
        )
    for body in regional:
        writer.upsert(
            Body,
            {"region": region, "slug": body.slug},
            {"kind": BodyKind.REGIONAL, "name": body.name, "name_en": body.name_en or ""},
        )
