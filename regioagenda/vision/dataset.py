"""Load a region's data set: one folder of versioned YAML and CSV files.

    region.yaml          the region, its ambition and the source document
    municipalities.csv   one row per municipality (CBS code, name, population with its source)
    themes.yaml          the themes, each with its strategic-agenda topics (required)
    qualities.yaml, principles.yaml, agreements.yaml   (optional)
    organisations.csv    partners such as the university or the province (optional)
    joint_bodies.yaml    the register of joint bodies, each fact with its source (optional)
    policy_domains.yaml, places.csv, competences.yaml
                         who decides what, where (optional; see regioagenda/competences/dataset.py)
    monitor/             indicators, targets and figures (optional; see monitor/dataset.py)
    gazetteer.yaml, terms.yaml
                         places and curated words for the suggestions of the regional impact
                         check (optional; see regioagenda/proposals/dataset.py)
    calendar.yaml        event categories and audiences, clash rules, bordering municipalities
                         and the region's own meeting bodies (optional; see events/dataset.py)

Everything is validated before anything is written; errors name the file, the item and the
field, in Dutch. Loading is one transaction and idempotent: items are matched on their stable
slug (municipalities on their CBS code), only what changed is saved, and items that left the
files are removed (organisations, policy domains, places and competences excepted: those are
also kept in the back office).
"""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from django.db import models, transaction
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from regioagenda.regions.models import Municipality, Organisation, Region
from regioagenda.registry.models import (
    Contribution,
    JointBody,
    LegalForm,
    Participation,
    Source,
    overlaps,
)
from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic

if TYPE_CHECKING:
    from regioagenda.competences.dataset import CompetenceData

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Section = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60),
]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]


def _url_or_empty(value: str) -> str:
    if value:
        HttpUrl(value)
    return value


OptionalUrl = Annotated[OptionalText, AfterValidator(_url_or_empty)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceSchema(Schema):
    title: Title
    publisher: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    url: OptionalUrl = ""


class AmbitionSchema(Schema):
    title: Title
    title_en: Title
    summary: Text
    summary_en: Text
    section: Section


class RegionSchema(Schema):
    slug: Slug
    name: Title
    name_en: Title
    summary: Text
    summary_en: Text
    ambition: AmbitionSchema
    source: SourceSchema


class ItemSchema(Schema):
    slug: Slug
    title: Title
    title_en: Title
    summary: Text
    summary_en: Text
    section: Section


class ThemeSchema(ItemSchema):
    ambition: Text
    ambition_en: Text
    governance: bool = False
    topics: list[ItemSchema] = Field(min_length=1)


class MunicipalitySchema(Schema):
    code: Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
    name: Title
    slug: Slug
    population: int | None = Field(default=None, ge=0)
    population_date: datetime.date | None = None
    population_source: OptionalText = ""
    population_source_url: OptionalUrl = ""
    website: OptionalUrl = ""
    summary: OptionalText = ""
    summary_en: OptionalText = ""


# Built once: creating a validator is costly, using one is cheap.
LIST_ADAPTERS: dict[type[Schema], TypeAdapter[Any]] = {
    schema: TypeAdapter(list[schema])  # type: ignore[valid-type]
    for schema in (ItemSchema, ThemeSchema)
}


class OrganisationSchema(Schema):
    slug: Slug
    name: Title
    kind: Annotated[
        str, StringConstraints(pattern="^(" + "|".join(Organisation.Kind.values) + ")$")
    ]
    website: OptionalUrl = ""


MunicipalityCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^GM\d{4}$")]


class FactSourceSchema(Schema):
    fact: Annotated[str, StringConstraints(pattern="^(" + "|".join(Source.Fact.values) + ")$")]
    title: Title
    url: OptionalUrl = ""
    section: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""


class ContributionSchema(Schema):
    year: int = Field(ge=1900, le=2100)
    amount_eur: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    source: Title
    source_url: OptionalUrl = ""


class MemberSchema(Schema):
    code: MunicipalityCode | None = None
    name: OptionalText = ""
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    source: Title
    source_url: OptionalUrl = ""
    contributions: list[ContributionSchema] = []


class JointBodySchema(Schema):
    slug: Slug
    name: Title
    abbreviations: OptionalText = ""
    legal_form: Annotated[
        str, StringConstraints(pattern="^(" + "|".join(LegalForm.values) + ")?$")
    ] = ""
    summary: OptionalText = ""
    summary_en: OptionalText = ""
    tasks: OptionalText = ""
    powers: OptionalText = ""
    lead: MunicipalityCode | None = None
    lead_note: OptionalText = ""
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    successor_note: OptionalText = ""
    website: OptionalUrl = ""
    themes: list[Slug] = []
    sources: list[FactSourceSchema] = Field(min_length=1)
    members: list[MemberSchema] = []


LIST_ADAPTERS[JointBodySchema] = TypeAdapter(list[JointBodySchema])


class DataSetError(Exception):
    """The data set cannot be loaded; `problems` lists every problem found, in Dutch."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    region: Region
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    changes: list[str] = field(default_factory=list)


# How the files call their items, for messages ("thema 2 ('economie')").
ITEM_NOUNS = {
    "qualities": "kwaliteit",
    "themes": "thema",
    "topics": "onderwerp",
    "principles": "uitgangspunt",
    "agreements": "afspraak",
    "joint_bodies": "verbonden partij",
    "sources": "bron",
    "members": "deelnemer",
    "contributions": "bijdrage",
}

ERROR_MESSAGES = {
    "missing": "ontbreekt",
    "string_too_short": "is leeg",
    "string_too_long": "is te lang (hoogstens {max_length} tekens)",
    "string_pattern_mismatch": "heeft niet de juiste vorm ({hint})",
    "string_type": "moet tekst zijn",
    "extra_forbidden": "is onbekend (tikfout?)",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "greater_than_equal": "mag niet negatief zijn",
    "less_than_equal": "is te groot (hoogstens {le})",
    "decimal_parsing": "moet een bedrag zijn, zoals 1234.50",
    "decimal_type": "moet een bedrag zijn, zoals 1234.50",
    "decimal_max_places": "heeft te veel decimalen (hoogstens {decimal_places})",
    "decimal_max_digits": "heeft te veel cijfers",
    "date_from_datetime_parsing": "moet een datum zijn in de vorm JJJJ-MM-DD",
    "date_parsing": "moet een datum zijn in de vorm JJJJ-MM-DD",
    "date_type": "moet een datum zijn in de vorm JJJJ-MM-DD",
    "bool_parsing": "moet true of false zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "too_short": "moet minstens één item bevatten",
    "model_type": "moet een reeks velden zijn",
    "url_parsing": "is geen geldig webadres",
    "url_scheme": "is geen geldig webadres (begin met https://)",
    "value_error": "is geen geldig webadres",
    "enum": "is geen van: {expected}",
}

PATTERN_HINTS = {
    "kind": "een van: " + ", ".join(Organisation.Kind.values),
    "code": "GM en vier cijfers, zoals GM0546",
    "lead": "GM en vier cijfers, zoals GM0546",
    "legal_form": "een van: " + ", ".join(LegalForm.values),
    "fact": "een van: " + ", ".join(Source.Fact.values),
    "slug": "kleine letters, cijfers en streepjes, zoals wonen-en-groen",
}


def _describe(error: dict[str, Any], field_name: str) -> str:
    template = ERROR_MESSAGES.get(error["type"])
    if template is None:
        return error["msg"]
    context = dict(error.get("ctx") or {})
    context.setdefault("hint", PATTERN_HINTS.get(field_name, context.get("pattern", "")))
    if error["type"] == "enum":
        context["expected"] = str(context.get("expected", "")).replace("' or '", "', '")
    return template.format(**context)


def _item_label(noun: str, index: int, item: Any) -> str:
    slug = item.get("slug") if isinstance(item, dict) else None
    label = f"{noun} {index + 1}"
    return f"{label} ('{slug}')" if slug else label


def _explain(file_name: str, error: dict[str, Any], data: Any) -> str:
    """Turn one pydantic error into a sentence naming the file, the item and the field."""
    location = list(error["loc"])
    parts: list[str] = []
    node = data
    field_path: list[str] = []
    while location:
        step = location.pop(0)
        if isinstance(step, int) and parts and parts[-1].startswith("@"):
            list_name = parts.pop()[1:]
            noun = ITEM_NOUNS.get(list_name, "item")
            node = node[step] if isinstance(node, list) and step < len(node) else None
            parts.append(_item_label(noun, step, node))
            field_path = []
        elif (
            isinstance(step, str)
            and step in ITEM_NOUNS
            and isinstance(node.get(step) if isinstance(node, dict) else None, list)
        ):
            node = node[step]
            parts.append(f"@{step}")
        else:
            field_path.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    parts = [part for part in parts if not part.startswith("@")]
    field_name = field_path[-1] if field_path else ""
    where = ", ".join([file_name, *parts])
    message = _describe(error, field_name)
    if field_path:
        return f"{where}: veld '{'.'.join(field_path)}' {message}."
    return f"{where}: {message}."


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        # A safe loader (CSafeLoader where libyaml is present: ten times faster than SafeLoader).
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)  # noqa: S506 # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        problems.append(f"{path.name}: geen geldige YAML{where}.")
    except UnicodeDecodeError:
        problems.append(f"{path.name}: het bestand is niet in UTF-8 opgeslagen.")
    return None


def _validate_list(
    folder: Path,
    file_name: str,
    key: str,
    schema: type[Schema],
    problems: list[str],
    required: bool,
) -> list[Any]:
    path = folder / file_name
    if not path.exists():
        if required:
            problems.append(f"{file_name}: bestand ontbreekt in {folder}.")
        return []
    known_problems = len(problems)
    data = _read_yaml(path, problems)
    if data is None:
        if len(problems) == known_problems:
            problems.append(f"{file_name}: het bestand is leeg.")
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(f"{file_name}: verwacht een lijst onder '{key}:'.")
        return []

    try:
        return LIST_ADAPTERS[schema].validate_python(data[key])
    except ValidationError as exc:
        for error in exc.errors():
            located = {**error, "loc": (key, *error["loc"])}
            problems.append(_explain(file_name, located, data))
        return []


def _validate_region(folder: Path, problems: list[str]) -> RegionSchema | None:
    path = folder / "region.yaml"
    if not path.exists():
        problems.append(f"region.yaml: bestand ontbreekt in {folder}.")
        return None
    data = _read_yaml(path, problems)
    if data is None:
        return None
    try:
        return RegionSchema.model_validate(data)
    except ValidationError as exc:
        problems.extend(_explain("region.yaml", dict(error), data) for error in exc.errors())
        return None


def _validate_rows[RowSchema: Schema](
    folder: Path,
    file_name: str,
    schema: type[RowSchema],
    key: str,
    problems: list[str],
    *,
    required: bool,
    noun: str,
) -> list[RowSchema]:
    """Validate a CSV file row by row; problems name the row (counting the header as 1)."""
    path = folder / file_name
    if not path.exists():
        if required:
            problems.append(f"{file_name}: bestand ontbreekt in {folder}.")
        return []
    rows: list[RowSchema] = []
    known_problems = len(problems)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            known = set(schema.model_fields)
            unknown = [name for name in reader.fieldnames or [] if name not in known]
            if unknown:
                problems.append(f"{file_name}: onbekende kolom(men) {', '.join(unknown)}.")
                return []
            for line_number, row in enumerate(reader, start=2):
                values = {name: value for name, value in row.items() if value not in ("", None)}
                try:
                    rows.append(schema.model_validate(values))
                except ValidationError as exc:
                    label = f" ({row[key]})" if row.get(key) else ""
                    for error in exc.errors():
                        field_name = str(error["loc"][-1])
                        problems.append(
                            f"{file_name}, rij {line_number}{label}: "
                            f"kolom '{field_name}' {_describe(dict(error), field_name)}."
                        )
    except UnicodeDecodeError:
        problems.append(f"{file_name}: het bestand is niet in UTF-8 opgeslagen.")
    if required and not rows and len(problems) == known_problems:
        problems.append(f"{file_name}: het bestand bevat geen {noun}.")
    return rows


def _check_unique(file_name: str, noun: str, keys: list[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            problems.append(f"{file_name}: {noun} '{key}' komt meer dan één keer voor.")
        seen.add(key)


@dataclass
class DataSet:
    region: RegionSchema
    municipalities: list[MunicipalitySchema]
    qualities: list[ItemSchema]
    themes: list[ThemeSchema]
    principles: list[ItemSchema]
    agreements: list[ItemSchema]
    organisations: list["OrganisationSchema"]
    joint_bodies: list[JointBodySchema] = field(default_factory=list)
    competences: "CompetenceData | None" = None


def _period(started_on: datetime.date | None, ended_on: datetime.date | None) -> str:
    return f"{started_on or 'onbekend'} tot {ended_on or 'heden'}"


def _check_joint_bodies(
    bodies: list[JointBodySchema],
    municipality_codes: set[str],
    theme_slugs: set[str],
    problems: list[str],
) -> None:
    """The rules that a single item's schema cannot see: members, periods and contributions."""
    file_name = "joint_bodies.yaml"
    _check_unique(file_name, "verbonden partij", [b.slug for b in bodies], problems)
    for index, body in enumerate(bodies):
        where = f"{file_name}, verbonden partij {index + 1} ('{body.slug}')"
        if body.started_on and body.ended_on and body.ended_on <= body.started_on:
            problems.append(f"{where}: veld 'ended_on' ligt niet na 'started_on'.")
        if body.lead and body.lead not in municipality_codes:
            problems.append(f"{where}: veld 'lead' is geen gemeente van de regio ({body.lead}).")
        for slug in body.themes:
            if slug not in theme_slugs:
                problems.append(f"{where}: veld 'themes' noemt een onbekend thema ('{slug}').")
        for number, source in enumerate(body.sources, start=1):
            if not source.url and not source.section:
                problems.append(f"{where}, bron {number}: vul veld 'url' of 'section' in.")
        for number, member in enumerate(body.members, start=1):
            member_where = f"{where}, deelnemer {number}"
            if bool(member.code) == bool(member.name):
                problems.append(
                    f"{member_where}: vul 'code' in (gemeente van de regio) óf 'name' "
                    "(deelnemer buiten de regio)."
                )
            elif member.code and member.code not in municipality_codes:
                problems.append(
                    f"{member_where}: veld 'code' is geen gemeente van de regio ({member.code}); "
                    "noem een deelnemer buiten de regio met 'name'."
                )
            if member.started_on and member.ended_on and member.ended_on <= member.started_on:
                problems.append(f"{member_where}: veld 'ended_on' ligt niet na 'started_on'.")
            for earlier_number, earlier in enumerate(body.members[: number - 1], start=1):
                same = (member.code or member.name.casefold()) == (
                    earlier.code or earlier.name.casefold()
                )
                period = (member.started_on, member.ended_on)
                if same and overlaps(period, (earlier.started_on, earlier.ended_on)):
                    problems.append(
                        f"{member_where} ({member.code or member.name}): de periode "
                        f"{_period(*period)} overlapt met deelnemer {earlier_number} "
                        f"({_period(earlier.started_on, earlier.ended_on)})."
                    )
            for contribution_number, contribution in enumerate(member.contributions, start=1):
                year = (
                    datetime.date(contribution.year, 1, 1),
                    datetime.date(contribution.year + 1, 1, 1),
                )
                if not overlaps((member.started_on, member.ended_on), year):
                    problems.append(
                        f"{member_where}, bijdrage {contribution_number}: veld 'year' "
                        f"({contribution.year}) valt buiten de deelname "
                        f"({_period(member.started_on, member.ended_on)})."
                    )
            _check_unique(
                file_name,
                f"bijdrage van {member.code or member.name} aan '{body.slug}' voor jaar",
                [str(c.year) for c in member.contributions],
                problems,
            )


def read_data_set(folder: Path) -> DataSet:
    """Read and validate every file; raise DataSetError listing all problems at once."""
    problems: list[str] = []
    if not folder.is_dir():
        raise DataSetError([f"Map {folder} bestaat niet."])
    region = _validate_region(folder, problems)
    municipalities = _validate_rows(
        folder,
        "municipalities.csv",
        MunicipalitySchema,
        "code",
        problems,
        required=True,
        noun="gemeenten",
    )
    organisations = _validate_rows(
        folder,
        "organisations.csv",
        OrganisationSchema,
        "slug",
        problems,
        required=False,
        noun="organisaties",
    )
    qualities = _validate_list(folder, "qualities.yaml", "qualities", ItemSchema, problems, False)
    themes = _validate_list(folder, "themes.yaml", "themes", ThemeSchema, problems, True)
    principles = _validate_list(
        folder, "principles.yaml", "principles", ItemSchema, problems, False
    )
    agreements = _validate_list(
        folder, "agreements.yaml", "agreements", ItemSchema, problems, False
    )

    problems_elsewhere = bool(problems)
    joint_bodies = _validate_list(
        folder, "joint_bodies.yaml", "joint_bodies", JointBodySchema, problems, False
    )
    if not problems_elsewhere:
        # Members and themes are checked against the other files only once those are sound.
        _check_joint_bodies(
            joint_bodies,
            {m.code for m in municipalities},
            {t.slug for t in themes},
            problems,
        )

    _check_unique("municipalities.csv", "code", [m.code for m in municipalities], problems)
    _check_unique("municipalities.csv", "korte naam", [m.slug for m in municipalities], problems)
    _check_unique("qualities.yaml", "kwaliteit", [q.slug for q in qualities], problems)
    _check_unique("themes.yaml", "thema", [t.slug for t in themes], problems)
    _check_unique(
        "themes.yaml", "onderwerp", [topic.slug for t in themes for topic in t.topics], problems
    )
    _check_unique("principles.yaml", "uitgangspunt", [p.slug for p in principles], problems)
    _check_unique("agreements.yaml", "afspraak", [a.slug for a in agreements], problems)
    _check_unique("organisations.csv", "organisatie", [o.slug for o in organisations], problems)

    if region is not None:
        taken = Municipality.objects.filter(code__in=[m.code for m in municipalities]).exclude(
            region__slug=region.slug
        )
        for municipality in taken.select_related("region"):
            problems.append(
                f"municipalities.csv: gemeente {municipality.code} hoort al bij regio "
                f"'{municipality.region.slug}'."
            )

    # Imported here: the competences module builds on this one's schemas and helpers.
    from regioagenda.competences.dataset import known_joint_bodies, read_competences

    # The register is checked against the other files only once those are sound.
    problems_before_register = bool(problems)
    competences = read_competences(
        folder,
        problems,
        municipality_codes={m.code for m in municipalities},
        theme_slugs={t.slug for t in themes},
        topic_slugs={topic.slug for t in themes for topic in t.topics},
        joint_body_slugs=known_joint_bodies(
            folder, [b.slug for b in joint_bodies], region.slug if region else ""
        ),
        check_references=not problems_before_register,
    )

    if problems or region is None:
        raise DataSetError(problems)
    return DataSet(
        region,
        municipalities,
        qualities,
        themes,
        principles,
        agreements,
        organisations,
        joint_bodies,
        competences,
    )


class _Writer:
    """Create or update rows matched on a key, saving only what changed."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report

    def upsert(
        self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
    ) -> Any:
        # Unordered: the lookup names one row at most, and sorting costs more than the query.
        instance = next(iter(model._default_manager.filter(**lookup).order_by()[:1]), None)
        if instance is None:
            instance = model(**lookup, **values)
            instance.full_clean()
            instance.save()
            self.report.created += 1
            self.report.changes.append(f"+ {model._meta.verbose_name} {instance}")
            return instance
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if not changed:
            self.report.unchanged += 1
            return instance
        for name in changed:
            setattr(instance, name, values[name])
        if hasattr(instance, "version"):
            instance.version += 1
        instance.full_clean()
        instance.save()
        self.report.updated += 1
        self.report.changes.append(f"~ {model._meta.verbose_name} {instance}: {', '.join(changed)}")
        return instance

    def remove_others(self, queryset: models.QuerySet, keep: list[Any], key: str) -> None:
        for instance in queryset.exclude(**{f"{key}__in": keep}):
            self.report.changes.append(f"- {instance._meta.verbose_name} {instance}")
            instance.delete()
            self.report.deleted += 1


def _item_values(item: ItemSchema, position: int) -> dict[str, Any]:
    return {
        "position": position,
        "title": item.title,
        "title_en": item.title_en,
        "summary": item.summary,
        "summary_en": item.summary_en,
        "source_section": item.section,
    }


def _load_joint_bodies(
    writer: _Writer, region: Region, bodies: list[JointBodySchema], folder: Path
) -> None:
    """Write the register; the file, when present, is the register: what left it is removed."""
    if not (folder / "joint_bodies.yaml").exists():
        return
    municipalities = {m.code: m for m in Municipality.objects.filter(region=region)}
    themes = {t.slug: t for t in Theme.objects.filter(region=region)}
    writer.remove_others(JointBody.objects.filter(region=region), [b.slug for b in bodies], "slug")
    for data in bodies:
        body = writer.upsert(
            JointBody,
            {"region": region, "slug": data.slug},
            {
                "name": data.name,
                "abbreviations": data.abbreviations,
                "legal_form": data.legal_form,
                "summary": data.summary,
                "summary_en": data.summary_en,
                "tasks": data.tasks,
                "powers": data.powers,
                "lead_municipality": municipalities[data.lead] if data.lead else None,
                "lead_note": data.lead_note,
                "started_on": data.started_on,
                "ended_on": data.ended_on,
                "successor_note": data.successor_note,
                "website": data.website,
            },
        )
        wanted_themes = {themes[slug].pk for slug in data.themes}
        if set(body.themes.values_list("pk", flat=True)) != wanted_themes:
            body.themes.set(wanted_themes)

        source_keys = {(s.fact, s.title) for s in data.sources}
        for source in body.sources.all():
            if (source.fact, source.title) not in source_keys:
                writer.report.changes.append(f"- bron {source}")
                source.delete()
                writer.report.deleted += 1
        for source_data in data.sources:
            writer.upsert(
                Source,
                {"body": body, "fact": source_data.fact, "title": source_data.title},
                {"url": source_data.url, "section": source_data.section},
            )

        def member_key(municipality: Any, name: str, started_on: Any) -> tuple[Any, ...]:
            return (municipality.pk if municipality else None, name, started_on)

        member_keys = {
            member_key(
                municipalities[m.code] if m.code else None, "" if m.code else m.name, m.started_on
            )
            for m in data.members
        }
        # Periods that left the file go first, so that a moved period never meets its old self.
        for participation in body.participations.all():
            key = member_key(
                participation.municipality, participation.outside_name, participation.started_on
            )
            if key not in member_keys:
                writer.report.changes.append(f"- deelname {participation}")
                participation.delete()
                writer.report.deleted += 1
        for member in data.members:
            municipality = municipalities[member.code] if member.code else None
            participation = writer.upsert(
                Participation,
                {
                    "body": body,
                    "municipality": municipality,
                    "outside_name": "" if municipality else member.name,
                    "started_on": member.started_on,
                },
                {
                    "ended_on": member.ended_on,
                    "source_title": member.source,
                    "source_url": member.source_url,
                },
            )
            writer.remove_others(
                participation.contributions.all(), [c.year for c in member.contributions], "year"
            )
            for contribution in member.contributions:
                writer.upsert(
                    Contribution,
                    {"participation": participation, "year": contribution.year},
                    {
                        "amount_eur": contribution.amount_eur,
                        "source_title": contribution.source,
                        "source_url": contribution.source_url,
                    },
                )


@transaction.atomic
def load_region(folder: Path) -> LoadReport:
    """Validate the data set in `folder` and write it in one transaction."""
    data = read_data_set(folder)
    region_values = {
        "name": data.region.name,
        "name_en": data.region.name_en,
        "summary": data.region.summary,
        "summary_en": data.region.summary_en,
        "ambition_title": data.region.ambition.title,
        "ambition_title_en": data.region.ambition.title_en,
        "ambition": data.region.ambition.summary,
        "ambition_en": data.region.ambition.summary_en,
        "ambition_section": data.region.ambition.section,
        "source_title": data.region.source.title,
        "source_publisher": data.region.source.publisher,
        "source_url": data.region.source.url,
    }
    existing = Region.objects.filter(slug=data.region.slug).first()
    report = LoadReport(region=existing or Region(slug=data.region.slug))
    writer = _Writer(report)
    region = writer.upsert(Region, {"slug": data.region.slug}, region_values)
    report.region = region

    for row in data.municipalities:
        writer.upsert(
            Municipality,
            {"code": row.code},
            {
                "region": region,
                "name": row.name,
                "slug": row.slug,
                "population": row.population,
                "population_date": row.population_date,
                "population_source": row.population_source,
                "population_source_url": row.population_source_url,
                "website": row.website,
                "summary": row.summary,
                "summary_en": row.summary_en,
            },
        )
    writer.remove_others(
        Municipality.objects.filter(region=region), [m.code for m in data.municipalities], "code"
    )

    # Topics go first when removing: a theme that left the files may still hold them.
    topic_slugs = [topic.slug for theme in data.themes for topic in theme.topics]
    writer.remove_others(Topic.objects.filter(region=region), topic_slugs, "slug")
    for model, items in (
        (Quality, data.qualities),
        (Principle, data.principles),
        (Agreement, data.agreements),
    ):
        writer.remove_others(
            model._default_manager.filter(region=region), [i.slug for i in items], "slug"
        )
        for position, item in enumerate(items, start=1):
            writer.upsert(
                model, {"region": region, "slug": item.slug}, _item_values(item, position)
            )

    # Organisations are also added by hand in the back office, so none is removed here.
    for organisation in data.organisations:
        writer.upsert(
            Organisation,
            {"region": region, "slug": organisation.slug},
            {"name": organisation.name, "kind": organisation.kind, "website": organisation.website},
        )

    writer.remove_others(Theme.objects.filter(region=region), [t.slug for t in data.themes], "slug")
    for position, theme_data in enumerate(data.themes, start=1):
        theme = writer.upsert(
            Theme,
            {"region": region, "slug": theme_data.slug},
            {
                **_item_values(theme_data, position),
                "ambition": theme_data.ambition,
                "ambition_en": theme_data.ambition_en,
                "is_governance": theme_data.governance,
            },
        )
        for topic_position, topic in enumerate(theme_data.topics, start=1):
            writer.upsert(
                Topic,
                {"region": region, "slug": topic.slug},
                {"theme": theme, **_item_values(topic, topic_position)},
            )
    _load_joint_bodies(writer, region, data.joint_bodies, folder)
    if data.competences is not None:
        from regioagenda.competences.dataset import load_competences

        load_competences(writer, region, data.competences)
    # The monitor's files are read once the region, its municipalities and its themes exist;
    # a problem there raises inside this transaction, so nothing of the folder is written.
    from regioagenda.monitor.dataset import load_monitor

    load_monitor(region, folder, report)
    from regioagenda.proposals.dataset import load_proposals

    load_proposals(region, folder, report)
    from regioagenda.events.dataset import load_calendar

    load_calendar(region, folder, report)
    return report
