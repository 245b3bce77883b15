"""The regional impact check's part of a region's data set: the gazetteer and curated terms.

    gazetteer.yaml   the places the suggestions recognise: each municipality's kernen, its CBS
                     wijken and buurten and well-known named areas, and the municipalities
                     around the region ("buurgemeenten"), each name with its source
    terms.yaml       curated words and phrases that point to a theme or a topic, with a weight

Both files are optional. They are validated when the region, its municipalities and its themes
have been written (inside the loader's transaction, like the monitor), with Dutch messages naming
the file, the item and the field; a problem raises `DataSetError`, so nothing of the folder is
stored. Loading adds and updates, never removes: the coordinator also keeps places and terms in
the back office, and those survive a reload. Places are matched on name, kind and municipality,
terms on text and theme or topic.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationError

from regioagenda.competences.dataset import _Rows
from regioagenda.proposals.models import GazetteerEntry, PlaceKind, Term
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision import dataset as base
from regioagenda.vision.models import Theme, Topic

GAZETTEER_FILE = "gazetteer.yaml"
TERMS_FILE = "terms.yaml"

MunicipalityCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^GM\d{4}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
SourceText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
AreaCode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^((WK|BU)\d{6,8}|none)$")
]
TermText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class KernKind(StrEnum):
    # Only for the reader: a kern is a kern, whether the source calls it dorp or buurtschap.
    KERN = "kern"
    VILLAGE = "dorp"
    HAMLET = "buurtschap"
    TOWN = "stad"


class AreaKind(StrEnum):
    DISTRICT = "wijk"
    NEIGHBOURHOOD = "buurt"
    AREA = "gebied"


class SourceSchema(base.Schema):
    id: base.Slug
    title: Name
    url: base.OptionalUrl = ""
    note: Note = ""


class KernSchema(base.Schema):
    name: Name
    kind: KernKind = KernKind.KERN
    variants: list[Name] = []
    ambiguous: bool = False
    source: SourceText
    note: Note = ""


class AreaSchema(base.Schema):
    name: Name
    kind: AreaKind
    code: AreaCode | None = None
    cbs_name: Name | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    code_2024: AreaCode | None = None
    wijk: AreaCode | None = None
    variants: list[Name] = []
    ambiguous: bool = False
    # False for code-like CBS names ("Wijk 00") that no text uses as a place name.
    matchable: bool = True
    source: SourceText
    note: Note = ""


class UnnamedDistrictSchema(base.Schema):
    code: AreaCode
    year: int = Field(ge=1900, le=2100)
    inhabitants_2024: int | None = Field(default=None, ge=0)
    source: SourceText


class MunicipalityPlacesSchema(base.Schema):
    name: Name
    variants: list[Name] = []
    kernen: list[KernSchema] = []
    areas: list[AreaSchema] = []
    wijken_2024_unnamed: list[UnnamedDistrictSchema] = []


class NeighbourSchema(base.Schema):
    code: MunicipalityCode
    name: Name
    variants: list[Name] = []
    borders: list[MunicipalityCode] = []
    touches: list[MunicipalityCode] = []
    kernen: list[Name] = []
    source: SourceText
    holland_rijnland: bool = False
    note: Note = ""


class GazetteerSchema(base.Schema):
    sources: list[SourceSchema] = Field(min_length=1)
    # Checked per municipality, so that a message names the municipality (see _read_gazetteer).
    municipalities: dict[str, Any] = {}
    neighbours: list[NeighbourSchema] = []


class TermGroupSchema(base.Schema):
    theme: base.Slug | None = None
    topic: base.Slug | None = None
    weight: Decimal = Field(default=Decimal(1), ge=Decimal("0.1"), le=5, decimal_places=2)
    terms: list[TermText] = Field(min_length=1)


class TermsSchema(base.Schema):
    groups: list[TermGroupSchema] = Field(min_length=1)


base.ITEM_NOUNS.update(
    {
        "kernen": "kern",
        "areas": "gebied",
        "neighbours": "buurgemeente",
        "groups": "groep",
        "wijken_2024_unnamed": "wijk",
    }
)


@dataclass
class PlaceRow:
    """One row of the gazetteer as it will be stored."""

    name: str
    kind: PlaceKind
    municipality_code: str
    municipality_name: str
    variants: str = ""
    code: str = ""
    ambiguous: bool = False
    source: str = ""

    def key(self) -> tuple[str, str, str]:
        return (self.name, self.kind.value, self.municipality_code)


@dataclass
class TermRow:
    text: str
    weight: Decimal
    theme: str | None = None
    topic: str | None = None


@dataclass
class ProposalData:
    places: list[PlaceRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)


def read_proposal_data(region: Region, folder: Path) -> ProposalData:
    """Validate both files against the region as stored; raise DataSetError listing problems."""
    problems: list[str] = []
    municipalities = {m.code: m.name for m in Municipality.objects.filter(region=region)}
    places = _read_gazetteer(folder, municipalities, problems)
    terms = _read_terms(
        folder,
        set(Theme.objects.filter(region=region).values_list("slug", flat=True)),
        set(Topic.objects.filter(region=region).values_list("slug", flat=True)),
        problems,
    )
    if problems:
        raise base.DataSetError(problems)
    return ProposalData(places, terms)


def _read_mapping(folder: Path, file_name: str, problems: list[str]) -> dict[str, Any] | None:
    path = folder / file_name
    if not path.exists():
        return None
    known = len(problems)
    data = base._read_yaml(path, problems)
    if not isinstance(data, dict):
        if len(problems) == known:
            problems.append(f"{file_name}: verwacht velden zoals 'sources:' bovenaan het bestand.")
        return None
    return data


def _validate[S: base.Schema](
    file_name: str, schema: type[S], data: dict[str, Any], problems: list[str]
) -> S | None:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        problems.extend(base._explain(file_name, dict(error), data) for error in exc.errors())
        return None


def _source_ids(source: str) -> list[str]:
    """The source ids a `source` field names: "a; b (note)" names a and b."""
    return [part.strip().split(" ")[0] for part in source.split(";") if part.strip()]


def _read_gazetteer(
    folder: Path, municipalities: dict[str, str], problems: list[str]
) -> list[PlaceRow]:
    data = _read_mapping(folder, GAZETTEER_FILE, problems)
    if data is None:
        return []
    gazetteer = _validate(GAZETTEER_FILE, GazetteerSchema, data, problems)
    if gazetteer is None:
        return []
    file = GAZETTEER_FILE
    source_ids = {s.id for s in gazetteer.sources}
    base._check_unique(file, "bron", [s.id for s in gazetteer.sources], problems)

    def check_source(where: str, source: str) -> None:
        unknown = [i for i in _source_ids(source) if i not in source_ids]
        if unknown:
            problems.append(
                f"{where}: veld 'source' noemt een onbekende bron ('{', '.join(unknown)}'); "
                "zet die onder 'sources:'."
            )

    validated: dict[str, MunicipalityPlacesSchema] = {}
    for code, raw in gazetteer.municipalities.items():
        where = f"{file}, gemeente {code}"
        if code not in municipalities:
            problems.append(f"{where}: is geen gemeente van de regio (zie municipalities.csv).")
            continue
        places = _validate(
            where, MunicipalityPlacesSchema, raw if isinstance(raw, dict) else {}, problems
        )
        if places is not None:
            validated[code] = places

    rows: list[PlaceRow] = []
    for code, name in municipalities.items():
        own = validated.get(code)
        rows.append(
            PlaceRow(
                name=name,
                kind=PlaceKind.MUNICIPALITY,
                municipality_code=code,
                municipality_name=name,
                variants=", ".join(own.variants) if own else "",
                code=code,
                source="municipalities.csv",
            )
        )
    for code, places in validated.items():
        where = f"{file}, gemeente {code}"
        if places.name != municipalities[code]:
            problems.append(
                f"{where}: veld 'name' ('{places.name}') wijkt af van municipalities.csv "
                f"('{municipalities[code]}')."
            )
        for index, kern in enumerate(places.kernen):
            check_source(f"{where}, kern {index + 1} ('{kern.name}')", kern.source)
            rows.append(
                PlaceRow(
                    name=kern.name,
                    kind=PlaceKind.SETTLEMENT,
                    municipality_code=code,
                    municipality_name=municipalities[code],
                    variants=", ".join(kern.variants),
                    ambiguous=kern.ambiguous,
                    source=kern.source,
                )
            )
        for index, area in enumerate(places.areas):
            area_where = f"{where}, gebied {index + 1} ('{area.name}')"
            check_source(area_where, area.source)
            if area.kind in ("wijk", "buurt") and area.matchable and not area.code:
                problems.append(
                    f"{area_where}: veld 'code' ontbreekt; een {area.kind} heeft een CBS-code."
                )
            if area.code and area.code != "none" and code[2:] not in area.code[2:6]:
                problems.append(
                    f"{area_where}: veld 'code' ({area.code}) ligt niet in gemeente {code}."
                )
            if not area.matchable:
                continue
            rows.append(
                PlaceRow(
                    name=area.name,
                    kind=PlaceKind(area.kind.value),
                    municipality_code=code,
                    municipality_name=municipalities[code],
                    variants=", ".join(area.variants),
                    code=area.code if area.code and area.code != "none" else "",
                    ambiguous=area.ambiguous,
                    source=area.source,
                )
            )
    for index, neighbour in enumerate(gazetteer.neighbours):
        where = f"{file}, buurgemeente {index + 1} ('{neighbour.name}')"
        check_source(where, neighbour.source)
        if neighbour.code in municipalities:
            problems.append(
                f"{where}: veld 'code' ({neighbour.code}) is een gemeente van de regio zelf."
            )
            continue
        for name in ("borders", "touches"):
            for other in getattr(neighbour, name):
                if other not in municipalities:
                    problems.append(
                        f"{where}: veld '{name}' noemt een gemeente buiten de regio ({other})."
                    )
        rows.append(
            PlaceRow(
                name=neighbour.name,
                kind=PlaceKind.NEIGHBOUR,
                municipality_code=neighbour.code,
                municipality_name=neighbour.name,
                variants=", ".join(neighbour.variants),
                code=neighbour.code,
                source=neighbour.source,
            )
        )
        rows.extend(
            PlaceRow(
                name=kern,
                kind=PlaceKind.SETTLEMENT,
                municipality_code=neighbour.code,
                municipality_name=neighbour.name,
                source=neighbour.source,
            )
            for kern in neighbour.kernen
        )
    base._check_unique(
        file,
        "plaatsnaam (naam, soort en gemeente)",
        [f"{r.name}, {r.kind.value}, {r.municipality_code}" for r in rows],
        problems,
    )
    for row in rows:
        if len(row.variants) > 500 or len(row.source) > 300:
            problems.append(
                f"{file}, plaats '{row.name}': schrijfwijzen of bron te lang "
                "(hoogstens 500 en 300 tekens)."
            )
    return rows


def _read_terms(
    folder: Path, theme_slugs: set[str], topic_slugs: set[str], problems: list[str]
) -> list[TermRow]:
    data = _read_mapping(folder, TERMS_FILE, problems)
    if data is None:
        return []
    terms = _validate(TERMS_FILE, TermsSchema, data, problems)
    if terms is None:
        return []
    rows: list[TermRow] = []
    seen: dict[tuple[str, str], int] = {}
    for index, group in enumerate(terms.groups):
        target = f"thema '{group.theme}'" if group.theme else f"onderwerp '{group.topic}'"
        where = f"{TERMS_FILE}, groep {index + 1} ({target})"
        if (group.theme is None) == (group.topic is None):
            problems.append(
                f"{TERMS_FILE}, groep {index + 1}: geef veld 'theme' óf veld 'topic' (één van "
                "beide)."
            )
            continue
        if group.theme is not None and group.theme not in theme_slugs:
            problems.append(f"{where}: veld 'theme' noemt een onbekend thema ('{group.theme}').")
            continue
        if group.topic is not None and group.topic not in topic_slugs:
            problems.append(
                f"{where}: veld 'topic' noemt een onbekend onderwerp ('{group.topic}')."
            )
            continue
        for text in group.terms:
            key = (text.casefold(), group.theme or f"/{group.topic}")
            if key in seen:
                problems.append(
                    f"{where}: veld 'terms': '{text}' staat al in groep {seen[key]} bij "
                    f"hetzelfde {'thema' if group.theme else 'onderwerp'}."
                )
                continue
            seen[key] = index + 1
            rows.append(TermRow(text, group.weight, theme=group.theme, topic=group.topic))
    return rows


def load_proposals(region: Region, folder: Path, report: base.LoadReport) -> None:
    """Validate and write the gazetteer and the terms: add and update, never remove."""
    data = read_proposal_data(region, folder)
    writer = base._Writer(report)
    if data.places:
        places = _Rows(
            writer,
            GazetteerEntry,
            GazetteerEntry.objects.filter(region=region),
            lambda entry: (entry.name, entry.kind, entry.municipality_code),
        )
        for row in data.places:
            places.write(
                {
                    "region": region,
                    "name": row.name,
                    "kind": row.kind.value,
                    "municipality_code": row.municipality_code,
                },
                {
                    "municipality_name": row.municipality_name,
                    "variants": row.variants,
                    "code": row.code,
                    "ambiguous": row.ambiguous,
                    "source": row.source,
                },
            )
    if data.terms:
        themes = {t.slug: t for t in Theme.objects.filter(region=region)}
        topics = {t.slug: t for t in Topic.objects.filter(region=region)}
        terms = _Rows(
            writer,
            Term,
            Term.objects.filter(region=region),
            lambda term: (term.text, term.theme_id, term.topic_id),
        )
        for term in data.terms:
            terms.write(
                {
                    "region": region,
                    "text": term.text,
                    "theme": themes[term.theme] if term.theme else None,
                    "topic": topics[term.topic] if term.topic else None,
                },
                {"weight": term.weight},
            )
