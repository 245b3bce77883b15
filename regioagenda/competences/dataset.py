"""The competences register in a region's data set: policy domains, places and competences.

    policy_domains.yaml   the region's taxonomy of policy domains, linked to themes and topics
    places.csv            districts ("wijken") and neighbourhoods ("buurten") by CBS code
    competences.yaml      who decides what, at which scale, on which legal basis

All three files are optional. They are read and checked by `read_competences` together with the
rest of the data set (messages in Dutch, naming the file, the item and the field) and written by
`load_competences` inside the loader's transaction. Loading adds and updates, never removes:
editors add local mandates, domains and places in the back office, and those survive a reload.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import StringConstraints, TypeAdapter

from regioagenda.competences.models import (
    JOINT_BODY_AUTHORITIES,
    Authority,
    Basis,
    Competence,
    Place,
    PolicyDomain,
    Scale,
)
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody
from regioagenda.vision import dataset as base
from regioagenda.vision.models import Theme, Topic

MunicipalityCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^GM\d{4}$")]
PlaceCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^(WK|BU)\d{6,8}$")]
Slug = base.Slug
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class PolicyDomainSchema(base.Schema):
    slug: Slug
    name: base.Title
    name_en: base.Title
    description: base.Text
    description_en: base.Text
    parent: Slug | None = None
    keywords: base.OptionalText = ""
    themes: list[Slug] = []
    topics: list[Slug] = []


class PlaceSchema(base.Schema):
    code: PlaceCode
    kind: Place.Kind
    municipality_code: MunicipalityCode
    name: base.Title
    parent_code: PlaceCode | None = None
    source: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""


class CompetenceSchema(base.Schema):
    domain: Slug
    scale: Scale
    decision: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    decision_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    authority: Authority
    joint_body: Slug | None = None
    municipality: MunicipalityCode | None = None
    basis: Basis
    law: base.Title
    article: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    url: Url
    since: datetime.date | None = None
    note: base.OptionalText = ""
    note_en: base.OptionalText = ""


base.LIST_ADAPTERS[PolicyDomainSchema] = TypeAdapter(list[PolicyDomainSchema])
base.LIST_ADAPTERS[CompetenceSchema] = TypeAdapter(list[CompetenceSchema])
base.ITEM_NOUNS.update({"policy_domains": "beleidsdomein", "competences": "bevoegdheid"})
base.PATTERN_HINTS.update(
    {
        "municipality": "GM en vier cijfers, zoals GM0546",
        "municipality_code": "GM en vier cijfers, zoals GM0546",
        "parent_code": "WK of BU en cijfers, zoals WK054600 of BU05460000",
    }
)

DOMAINS_FILE = "policy_domains.yaml"
PLACES_FILE = "places.csv"
COMPETENCES_FILE = "competences.yaml"


@dataclass
class CompetenceData:
    """The three files, validated; a file that is absent gives an empty list."""

    domains: list[PolicyDomainSchema] = field(default_factory=list)
    places: list[PlaceSchema] = field(default_factory=list)
    competences: list[CompetenceSchema] = field(default_factory=list)


def natural_key(item: CompetenceSchema) -> tuple[str, str, str, str, str, str]:
    """What makes a competence the same one on a reload; the other fields may change."""
    return (
        item.domain,
        item.scale.value,
        item.authority.value,
        item.joint_body or "",
        item.municipality or "",
        item.decision,
    )


def read_competences(
    folder: Path,
    problems: list[str],
    *,
    municipality_codes: set[str],
    theme_slugs: set[str],
    topic_slugs: set[str],
    joint_body_slugs: set[str],
    check_references: bool,
) -> CompetenceData:
    """Validate the files; references to the other files are checked when those are sound."""
    domains = base._validate_list(
        folder, DOMAINS_FILE, "policy_domains", PolicyDomainSchema, problems, False
    )
    places = base._validate_rows(
        folder, PLACES_FILE, PlaceSchema, "code", problems, required=False, noun="plaatsen"
    )
    competences = base._validate_list(
        folder, COMPETENCES_FILE, "competences", CompetenceSchema, problems, False
    )
    _check_domains(domains, theme_slugs, topic_slugs, problems, check_references)
    _check_places(places, municipality_codes, problems, check_references)
    if competences and not (folder / DOMAINS_FILE).exists():
        problems.append(f"{COMPETENCES_FILE}: bevoegdheden hebben {DOMAINS_FILE} nodig.")
    elif domains or not (folder / DOMAINS_FILE).exists():
        _check_competences(
            competences,
            {d.slug for d in domains},
            municipality_codes,
            joint_body_slugs,
            problems,
            check_references,
        )
    return CompetenceData(domains, places, competences)


def _check_domains(
    domains: list[PolicyDomainSchema],
    theme_slugs: set[str],
    topic_slugs: set[str],
    problems: list[str],
    check_references: bool,
) -> None:
    base._check_unique(DOMAINS_FILE, "beleidsdomein", [d.slug for d in domains], problems)
    parents = {d.slug: d.parent for d in domains}
    for index, domain in enumerate(domains):
        where = f"{DOMAINS_FILE}, beleidsdomein {index + 1} ('{domain.slug}')"
        if domain.parent is not None and domain.parent not in parents:
            problems.append(
                f"{where}: veld 'parent' noemt een onbekend beleidsdomein ('{domain.parent}')."
            )
        elif _in_a_cycle(domain.slug, parents):
            problems.append(
                f"{where}: veld 'parent' maakt een kring; een domein kan niet onder zichzelf "
                "vallen."
            )
        if check_references:
            for slug in domain.themes:
                if slug not in theme_slugs:
                    problems.append(f"{where}: veld 'themes' noemt een onbekend thema ('{slug}').")
            for slug in domain.topics:
                if slug not in topic_slugs:
                    problems.append(
                        f"{where}: veld 'topics' noemt een onbekend onderwerp ('{slug}')."
                    )


def _in_a_cycle(slug: str, parents: dict[str, str | None]) -> bool:
    seen = {slug}
    current = parents.get(slug)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _check_places(
    places: list[PlaceSchema],
    municipality_codes: set[str],
    problems: list[str],
    check_references: bool,
) -> None:
    base._check_unique(PLACES_FILE, "code", [p.code for p in places], problems)
    by_code = {p.code: p for p in places}
    for line_number, place in enumerate(places, start=2):
        where = f"{PLACES_FILE}, rij {line_number} ({place.code})"
        if check_references and place.municipality_code not in municipality_codes:
            problems.append(
                f"{where}: kolom 'municipality_code' is geen gemeente van de regio "
                f"({place.municipality_code})."
            )
        if place.parent_code is None:
            if place.kind == Place.Kind.NEIGHBOURHOOD:
                problems.append(
                    f"{where}: kolom 'parent_code' ontbreekt; een buurt ligt in een wijk."
                )
            continue
        parent = by_code.get(place.parent_code)
        if parent is None:
            problems.append(
                f"{where}: kolom 'parent_code' noemt een onbekende plaats ({place.parent_code})."
            )
        elif place.kind != Place.Kind.NEIGHBOURHOOD or parent.kind != Place.Kind.DISTRICT:
            problems.append(
                f"{where}: kolom 'parent_code' mag alleen een buurt in een wijk leggen."
            )
        elif parent.municipality_code != place.municipality_code:
            problems.append(
                f"{where}: kolom 'parent_code' noemt een wijk van een andere gemeente "
                f"({place.parent_code})."
            )


def _check_competences(
    competences: list[CompetenceSchema],
    domain_slugs: set[str],
    municipality_codes: set[str],
    joint_body_slugs: set[str],
    problems: list[str],
    check_references: bool,
) -> None:
    seen: dict[tuple[str, ...], int] = {}
    for index, item in enumerate(competences):
        where = f"{COMPETENCES_FILE}, bevoegdheid {index + 1}"
        if item.domain not in domain_slugs:
            problems.append(
                f"{where}: veld 'domain' noemt een onbekend beleidsdomein ('{item.domain}')."
            )
        is_board = item.authority.value in JOINT_BODY_AUTHORITIES
        if is_board and not item.joint_body:
            problems.append(
                f"{where}: veld 'joint_body' ontbreekt; '{item.authority.value}' is het bestuur "
                "van een verbonden partij."
            )
        elif not is_board and item.joint_body:
            problems.append(
                f"{where}: veld 'joint_body' hoort alleen bij algemeen-bestuur of "
                f"dagelijks-bestuur, niet bij '{item.authority.value}'."
            )
        elif item.joint_body and check_references and item.joint_body not in joint_body_slugs:
            problems.append(
                f"{where}: veld 'joint_body' noemt een onbekende verbonden partij "
                f"('{item.joint_body}')."
            )
        if check_references and item.municipality and item.municipality not in municipality_codes:
            problems.append(
                f"{where}: veld 'municipality' is geen gemeente van de regio ({item.municipality})."
            )
        parts = urlsplit(item.url)
        if parts.scheme != "https" or not parts.netloc or " " in item.url:
            problems.append(
                f"{where}: veld 'url' is geen geldig webadres (begin met https://): {item.url}"
            )
        key = natural_key(item)
        if key in seen:
            problems.append(
                f"{where}: dezelfde bevoegdheid staat al als bevoegdheid {seen[key]} "
                "(zelfde domein, schaal, wie beslist, verbonden partij, gemeente en besluit)."
            )
        seen.setdefault(key, index + 1)


def _in_tree_order(domains: list[PolicyDomainSchema]) -> list[PolicyDomainSchema]:
    """Parents before their children, otherwise in file order."""
    ordered: list[PolicyDomainSchema] = []
    placed: set[str | None] = {None}
    remaining = list(domains)
    while remaining:
        ready = [d for d in remaining if d.parent in placed]
        if not ready:  # a cycle or an unknown parent; read_competences has refused those
            raise ValueError("policy domains do not form a tree")
        ordered.extend(ready)
        placed.update(d.slug for d in ready)
        remaining = [d for d in remaining if d.slug not in placed]
    return ordered


def load_competences(writer: "base._Writer", region: Region, data: CompetenceData) -> None:
    """Write the three files: add and update, never remove (see the module's docstring)."""
    _load_domains(writer, region, data.domains)
    _load_places(writer, region, data.places)
    _load_register(writer, region, data.competences)


class _Rows[Key]:
    """The stored rows of one model, read in one query, written one by one as the files say.

    Like the loader's writer, it saves only what changed and counts it in the report, but it
    skips the per-row lookups and the database checks of `full_clean` (foreign keys, unique
    and check constraints): `read_competences` has checked all of those in the files already.
    """

    def __init__(
        self, writer: "base._Writer", model: type[Any], rows: Any, key: Callable[[Any], Key]
    ) -> None:
        self.writer = writer
        self.model = model
        self.key = key
        self.stored: dict[Key, Any] = {key(row): row for row in rows}
        self.unchecked = [f.name for f in model._meta.get_fields() if f.many_to_one or f.one_to_one]

    def write(self, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        report = self.writer.report
        instance = self.stored.get(self.key(self.model(**lookup)))
        if instance is None:
            instance = self.model(**lookup, **values)
            self._check(instance)
            instance.save()
            self.stored[self.key(instance)] = instance
            report.created += 1
            report.changes.append(f"+ {self.model._meta.verbose_name} {instance}")
            return instance
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if not changed:
            report.unchanged += 1
            return instance
        for name in changed:
            setattr(instance, name, values[name])
        if hasattr(instance, "version"):
            instance.version += 1
        self._check(instance)
        instance.save()
        report.updated += 1
        report.changes.append(f"~ {self.model._meta.verbose_name} {instance}: {', '.join(changed)}")
        return instance

    def _check(self, instance: Any) -> None:
        instance.full_clean(
            exclude=self.unchecked, validate_unique=False, validate_constraints=False
        )


def _load_domains(writer: "base._Writer", region: Region, items: list[PolicyDomainSchema]) -> None:
    if not items:
        return
    positions = {item.slug: position for position, item in enumerate(items, start=1)}
    themes = {t.slug: t.pk for t in Theme.objects.filter(region=region)}
    topics = {t.slug: t.pk for t in Topic.objects.filter(region=region)}
    rows = _Rows(
        writer,
        PolicyDomain,
        PolicyDomain.objects.filter(region=region).select_related("parent"),
        lambda domain: domain.slug,
    )
    links: dict[str, dict[int, set[int]]] = {"themes": {}, "topics": {}}
    for name, field_name in (("themes", "theme_id"), ("topics", "topic_id")):
        through = getattr(PolicyDomain, name).through
        for domain_id, linked_id in through.objects.filter(policydomain__region=region).values_list(
            "policydomain_id", field_name
        ):
            links[name].setdefault(domain_id, set()).add(linked_id)

    for item in _in_tree_order(items):
        unchanged_before = writer.report.unchanged
        domain = rows.write(
            {"region": region, "slug": item.slug},
            {
                "name": item.name,
                "name_en": item.name_en,
                "description": item.description,
                "description_en": item.description_en,
                "parent": rows.stored[item.parent] if item.parent else None,
                "keywords": item.keywords,
                "position": positions[item.slug],
            },
        )
        counted_unchanged = writer.report.unchanged > unchanged_before
        for name, wanted in (
            ("themes", {themes[slug] for slug in item.themes}),
            ("topics", {topics[slug] for slug in item.topics}),
        ):
            if links[name].get(domain.pk, set()) == wanted:
                continue
            getattr(domain, name).set(wanted)
            if counted_unchanged:
                writer.report.changes.append(f"~ beleidsdomein {domain}: {name}")
                writer.report.updated += 1
                writer.report.unchanged -= 1
                counted_unchanged = False


def _load_places(writer: "base._Writer", region: Region, items: list[PlaceSchema]) -> None:
    if not items:
        return
    municipalities = {m.code: m for m in Municipality.objects.filter(region=region)}
    rows = _Rows(
        writer,
        Place,
        Place.objects.filter(municipality__region=region).select_related("municipality"),
        lambda place: (place.municipality_id, place.code),
    )
    written: dict[str, Place] = {}
    # Districts first: a neighbourhood names the district it lies in.
    for item in sorted(items, key=lambda place: place.kind != Place.Kind.DISTRICT):
        written[item.code] = rows.write(
            {"municipality": municipalities[item.municipality_code], "code": item.code},
            {
                "kind": item.kind.value,
                "name": item.name,
                "parent": written[item.parent_code] if item.parent_code else None,
                "source": item.source,
            },
        )


def _load_register(writer: "base._Writer", region: Region, items: list[CompetenceSchema]) -> None:
    if not items:
        return
    domains = {d.slug: d for d in PolicyDomain.objects.filter(region=region)}
    bodies = {b.slug: b for b in JointBody.objects.filter(region=region)}
    municipalities = {m.code: m for m in Municipality.objects.filter(region=region)}
    rows = _Rows(
        writer,
        Competence,
        Competence.objects.filter(region=region).select_related(
            "domain", "joint_body", "municipality"
        ),
        lambda competence: (
            competence.domain_id,
            competence.scale,
            competence.authority,
            competence.joint_body_id,
            competence.municipality_id,
            competence.decision,
        ),
    )
    for item in items:
        rows.write(
            {
                "region": region,
                "domain": domains[item.domain],
                "scale": item.scale.value,
                "authority": item.authority.value,
                "joint_body": bodies[item.joint_body] if item.joint_body else None,
                "municipality": municipalities[item.municipality] if item.municipality else None,
                "decision": item.decision,
            },
            {
                "decision_en": item.decision_en,
                "basis": item.basis.value,
                "law": item.law,
                "article": item.article,
                "url": item.url,
                "since": item.since,
                "note": item.note,
                "note_en": item.note_en,
            },
        )


def known_joint_bodies(folder: Path, slugs_in_file: list[str], region_slug: str) -> set[str]:
    """The joint bodies a competence may name: the register file's, or the stored ones."""
    if (folder / "joint_bodies.yaml").exists():
        return set(slugs_in_file)
    return set(JointBody.objects.filter(region__slug=region_slug).values_list("slug", flat=True))
