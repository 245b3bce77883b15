"""The region's open data as one DCAT-AP-NL catalogue, in JSON-LD, for data.overheid.nl,
data.europa.eu and anyone who harvests it.

We follow DCAT-AP-NL 3.0 (Geonovum, "versie ter vaststelling", a profile of DCAT-AP 3.0 that
succeeds DCAT-AP-DONL 2.0): https://docs.geostandaarden.nl/dcat/dcat-ap-nl30/ (sources:
https://github.com/Geonovum/DCAT-AP-NL30, doc/gen/klassen.md and 151-Waardelijsten.md). What it
makes mandatory, and what we fill in:

- dcat:Catalog: dct:title, dct:description, dct:publisher, dcat:contactPoint, dcat:dataset.
- dcat:Dataset: dct:title, dct:description, dct:identifier, dct:publisher, dct:creator,
  dcat:contactPoint, dcat:theme (at least one concept of the EU Data Theme vocabulary) and
  dct:accessRights (EU access-right list: PUBLIC).
- dcat:Distribution: dcat:accessURL and dct:license (a Creative Commons licence is required);
  dct:format (EU file-type list) and dcat:mediaType (IANA) are conditional: we give both.
- dcat:DataService: dct:title, dct:description, dct:identifier, dct:publisher,
  dcat:contactPoint, dcat:theme, dct:accessRights, dct:license, dcat:endpointURL and
  dcat:endpointDescription (our OpenAPI document).
- foaf:Agent: foaf:name. vcard:Kind (the contact point): an e-mail address or a contact page.

Recommended properties we add: keywords, landing page, language (EU language list), temporal
coverage (dcat:startDate/endDate), spatial coverage, issued/modified, source and provenance.

Choices:
- Licence: CC BY 4.0 for every dataset and distribution. Most figures come from CBS, which
  publishes under CC BY 4.0; figures derived from them keep that attribution duty, so CC0 would
  promise more than we may give. One licence for everything keeps it simple for re-users.
- Themes: the EU theme REGI ("Regions and cities") for every dataset, because each describes the
  region and its municipalities; the region's own themes are added as a second, domain-specific
  concept scheme (the profile recommends that), their IRIs being the theme pages.
- Spatial coverage: each municipality of the region by its OWMS IRI
  (http://standaarden.overheid.nl/owms/terms/<Name>_(gemeente), the form the government's
  register of organisations lists as `resourceIdentifierOWMS`) with its CBS code as
  dct:identifier, plus the Netherlands from the EU country list. The profile prefers the EU
  places list or GeoNames for named areas; we hold no such identifiers for municipalities.
  TOOI identifies the municipality as an organisation, not as an area, so it is not used here.
- Bilingual literals: titles and descriptions carry both @nl and @en in one document, so the
  catalogue's own texts are written here in both languages rather than through gettext (which
  gives one language per request).

The JSON-LD context is inline: harvesters (and rdflib) then need no network access to read it.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Prefetch
from django.urls import reverse
from django.utils import translation

from regioagenda.monitor import downloads
from regioagenda.monitor.models import Indicator, Observation
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme, Topic

PROFILE = "https://docs.geostandaarden.nl/dcat/dcat-ap-nl30/"
LICENCE = "http://creativecommons.org/licenses/by/4.0/"
LICENCE_EU = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
EU_THEMES = "http://publications.europa.eu/resource/authority/data-theme"
REGIONS_AND_CITIES = f"{EU_THEMES}/REGI"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
NETHERLANDS = "http://publications.europa.eu/resource/authority/country/NLD"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
OPENAPI = "https://spec.openapis.org/oas/v3.1.0"

# format of a download: EU file type, IANA media type, and its name in Dutch and English.
FILE_FORMATS: dict[str, tuple[str, str, str, str]] = {
    "csv": ("CSV", "text/csv", "CSV (komma-gescheiden)", "CSV (comma-separated)"),
    "xlsx": (
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
        "Excel (XLSX)",
    ),
    "ods": (
        "ODS",
        "application/vnd.oasis.opendocument.spreadsheet",
        "OpenDocument-rekenblad (ODS)",
        "OpenDocument spreadsheet (ODS)",
    ),
}
JSON = ("JSON", "application/json")

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct:issued": {"@type": "xsd:date"},
    "dct:modified": {"@type": "xsd:date"},
    "dcat:startDate": {"@type": "xsd:date"},
    "dcat:endDate": {"@type": "xsd:date"},
}

Absolute = Callable[[str], str]
Node = dict[str, Any]


def _texts(nl: str, en: str = "") -> list[Node]:
    """A literal in Dutch and, where there is one, in English."""
    texts = [{"@value": nl, "@language": "nl"}]
    if en:
        texts.append({"@value": en, "@language": "en"})
    return texts


def _ref(iri: str) -> Node:
    return {"@id": iri}


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _drop_empty(node: Node) -> Node:
    return {key: value for key, value in node.items() if value not in (None, [], "")}


def owms_uri(municipality: Municipality) -> str:
    """The municipality as an area in OWMS, the government's vocabulary for metadata."""
    name = municipality.name.replace(" ", "_")
    return f"http://standaarden.overheid.nl/owms/terms/{name}_(gemeente)"


def catalogue_for(region: Region, *, absolute: Absolute) -> Node:
    """The catalogue of `region`: its monitor's indicators with figures, the strategic agenda and
    the register of joint bodies, and the API that serves them. `absolute` turns a path into
    an absolute URL (the view passes `request.build_absolute_uri`)."""
    # Stable IRIs: whatever language the request came in, identifiers are the Dutch URLs.
    with translation.override(settings.LANGUAGE_CODE):
        return _Catalogue(region, absolute).build()


class _Catalogue:
    def __init__(self, region: Region, absolute: Absolute) -> None:
        self.region = region
        self.absolute = absolute
        self.url = absolute(reverse("opendata:catalogue"))
        self.home = absolute(reverse("website:home"))
        self.api = absolute(reverse("api-v1:api-root"))
        self.publisher_id = f"{self.home}#regio"
        self.contact_id = f"{self.home}#contact"
        self.municipalities = list(Municipality.objects.in_region(region).order_by("name"))

    def build(self) -> Node:
        indicators = [self.indicator_dataset(i, s) for i, s in self.indicators_with_sources()]
        datasets = [*indicators, self.agenda_dataset(), self.joint_bodies_dataset()]
        modified = max((d["dct:modified"] for d in indicators if "dct:modified" in d), default=None)
        catalogue = {
            "@id": self.url,
            "@type": "dcat:Catalog",
            "dct:title": _texts(
                f"Open data van de {self.region.name}",
                f"Open data of the {self.region.name_en or self.region.name}",
            ),
            "dct:description": _texts(
                "De open data van Regio-agenda: de cijfers van de monitor van de ambities, de "
                "thema's en onderwerpen van de strategische agenda en het register van "
                "verbonden partijen, als bestanden en via de API.",
                "The open data of Regio-agenda: the figures of the monitor of the region's "
                "ambitions, the themes and topics of the strategic agenda and the register of "
                "joint bodies, as files and through the API.",
            ),
            "dct:publisher": self.publisher(),
            "dcat:contactPoint": self.contact_point(),
            "foaf:homepage": _ref(self.absolute(reverse("opendata:index"))),
            "dct:language": [_ref(f"{LANGUAGE}NLD"), _ref(f"{LANGUAGE}ENG")],
            "dct:license": self.licence(),
            "dct:spatial": self.spatial(),
            "dct:modified": modified,
            "dct:conformsTo": _ref(PROFILE),
            "dcat:themeTaxonomy": [_ref(EU_THEMES), self.theme_scheme()],
            "dcat:dataset": datasets,
            "dcat:service": [self.api_service(datasets[len(indicators) :])],
        }
        return {"@context": CONTEXT, **_drop_empty(catalogue)}

    # -- the monitor --------------------------------------------------------------------------

    def indicators_with_sources(self) -> list[tuple[Indicator, list[str]]]:
        """Indicators with figures, and the sources their figures name: three queries."""
        indicators = list(
            Indicator.objects.filter(region=self.region, no_data_note="")
            .annotate(
                first_day=Min("observations__period_start"),
                last_day=Max("observations__period_end"),
                first_retrieved=Min("observations__retrieved_on"),
                last_retrieved=Max("observations__retrieved_on"),
            )
            .filter(first_day__isnull=False)
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.order_by("position")),
                Prefetch("topics", queryset=Topic.objects.order_by("position")),
            )
            .order_by("position", "name")
        )
        sources: dict[int, list[str]] = defaultdict(list)
        for indicator_id, url in (
            Observation.objects.filter(indicator__in=indicators)
            .exclude(source_url="")
            .values_list("indicator_id", "source_url")
            .distinct()
            .order_by("indicator_id", "source_url")
        ):
            sources[indicator_id].append(url)
        return [
            (i, list(dict.fromkeys(([i.source_url] if i.source_url else []) + sources[i.pk])))
            for i in indicators
        ]

    def indicator_dataset(self, indicator: Indicator, sources: list[str]) -> Node:
        page = self.absolute(indicator.get_absolute_url())
        identifier = f"{page}#dataset"
        themes = list(indicator.themes.all())
        topics = list(indicator.topics.all())
        dataset = {
            "@id": identifier,
            "@type": "dcat:Dataset",
            "dct:identifier": identifier,
            "dct:title": _texts(indicator.name, indicator.name_en),
            "dct:description": _texts(indicator.definition, indicator.definition_en),
            "dcat:keyword": self.keywords([*themes, *topics]),
            "dcat:theme": [_ref(REGIONS_AND_CITIES)] + [self.theme(t) for t in themes],
            "dcat:landingPage": _ref(page),
            "dct:publisher": _ref(self.publisher_id),
            "dct:creator": _ref(self.publisher_id),
            "dcat:contactPoint": _ref(self.contact_id),
            "dct:accessRights": _ref(PUBLIC),
            "dct:license": _ref(LICENCE),
            "dct:language": _ref(f"{LANGUAGE}NLD"),
            "dct:spatial": [_ref(owms_uri(m)) for m in self.municipalities] + [_ref(NETHERLANDS)],
            "dct:temporal": {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": _date(indicator.first_day),  # type: ignore[attr-defined]
                "dcat:endDate": _date(indicator.last_day),  # type: ignore[attr-defined]
            },
            # Issued: when the first figures were taken from their source; modified: the latest.
            "dct:issued": _date(indicator.first_retrieved),  # type: ignore[attr-defined]
            "dct:modified": _date(indicator.last_retrieved),  # type: ignore[attr-defined]
            "dct:source": [_ref(url) for url in sources],
            "dct:provenance": self.provenance(indicator),
            "dcat:distribution": self.indicator_distributions(indicator),
        }
        return _drop_empty(dataset)

    def provenance(self, indicator: Indicator) -> Node | None:
        if not indicator.source_title:
            return None
        table = indicator.source_table
        return {
            "@type": "dct:ProvenanceStatement",
            "rdfs:label": _texts(
                f"Cijfers uit {indicator.source_title}{f', tabel {table}' if table else ''}. "
                f"De waarde van de regio: {indicator.get_aggregation_display()}.",
                f"Figures from {indicator.source_title}{f', table {table}' if table else ''}. "
                "The region's value is computed from the municipalities' figures.",
            ),
        }

    def indicator_distributions(self, indicator: Indicator) -> list[Node]:
        csvw = self.absolute(reverse("monitor:metadata", kwargs={"slug": indicator.slug}))
        distributions = []
        for fmt in downloads.FORMATS:
            file_type, media_type, name_nl, name_en = FILE_FORMATS[fmt]
            url = self.absolute(
                reverse("monitor:download", kwargs={"slug": indicator.slug, "format": fmt})
            )
            distribution = self.distribution(url, file_type, media_type, name_nl, name_en)
            distribution["dcat:downloadURL"] = _ref(url)
            if fmt == "csv":
                # The CSVW description is the CSV's schema: its columns, types and meaning.
                distribution["dct:conformsTo"] = _ref(csvw)
                distribution["foaf:page"] = _ref(csvw)
            distributions.append(distribution)
        return distributions

    # -- the strategic agenda and the register, through the API -------------------------------

    def agenda_dataset(self) -> Node:
        identifier = f"{self.absolute(reverse('website:themes'))}#dataset"
        themes = list(Theme.objects.in_region(self.region).order_by("position"))
        return self.api_dataset(
            identifier,
            title=(
                "Thema's en onderwerpen van de strategische agenda",
                "Themes and topics of the strategic agenda",
            ),
            description=(
                f"De thema's van de toekomstvisie van de {self.region.name} en de onderwerpen "
                "van de strategische agenda, met samenvattingen in het Nederlands en het Engels.",
                f"The themes of the joint vision of the {self.region.name_en or self.region.name} "
                "and the topics of the strategic agenda, summarised in Dutch and English.",
            ),
            landing_page=self.absolute(reverse("website:themes")),
            themes=[self.theme(t) for t in themes],
            distributions=[
                ("list_themes", "Thema's (JSON)", "Themes (JSON)"),
                ("list_topics", "Onderwerpen (JSON)", "Topics (JSON)"),
            ],
        )

    def joint_bodies_dataset(self) -> Node:
        identifier = f"{self.absolute(reverse('registry:list'))}#dataset"
        return self.api_dataset(
            identifier,
            title=("Register van verbonden partijen", "Register of joint bodies"),
            description=(
                "De gemeenschappelijke regelingen en andere verbonden partijen van de gemeenten "
                "in de regio.",
                "The joint arrangements and other joint bodies of the region's municipalities.",
            ),
            landing_page=self.absolute(reverse("registry:list")),
            themes=[],
            distributions=[
                ("list_joint_bodies", "Verbonden partijen (JSON)", "Joint bodies (JSON)")
            ],
        )

    def api_dataset(
        self,
        identifier: str,
        *,
        title: tuple[str, str],
        description: tuple[str, str],
        landing_page: str,
        themes: list[Node],
        distributions: Iterable[tuple[str, str, str]],
    ) -> Node:
        return {
            "@id": identifier,
            "@type": "dcat:Dataset",
            "dct:identifier": identifier,
            "dct:title": _texts(*title),
            "dct:description": _texts(*description),
            "dcat:theme": [_ref(REGIONS_AND_CITIES), *themes],
            "dcat:landingPage": _ref(landing_page),
            "dct:publisher": _ref(self.publisher_id),
            "dct:creator": _ref(self.publisher_id),
            "dcat:contactPoint": _ref(self.contact_id),
            "dct:accessRights": _ref(PUBLIC),
            "dct:license": _ref(LICENCE),
            "dct:language": [_ref(f"{LANGUAGE}NLD"), _ref(f"{LANGUAGE}ENG")],
            "dct:spatial": [_ref(owms_uri(m)) for m in self.municipalities],
            "dcat:distribution": [
                self.api_distribution(operation, name_nl, name_en)
                for operation, name_nl, name_en in distributions
            ],
        }

    def api_distribution(self, operation: str, name_nl: str, name_en: str) -> Node:
        url = self.absolute(reverse(f"api-v1:{operation}", kwargs={"region": self.region.slug}))
        file_type, media_type = JSON
        distribution = self.distribution(url, file_type, media_type, name_nl, name_en)
        distribution["dcat:accessService"] = _ref(self.api)
        return distribution

    def api_service(self, datasets: list[Node]) -> Node:
        openapi = self.absolute(reverse("api-v1:openapi-json"))
        return {
            "@id": self.api,
            "@type": "dcat:DataService",
            "dct:identifier": self.api,
            "dct:title": _texts("Regio-agenda API", "Regio-agenda API"),
            "dct:description": _texts(
                "Een REST-API (OpenAPI 3.1) met de regio, haar gemeenten, de toekomstvisie, de "
                "uitvoeringsagenda en de registers. Lezen kan zonder sleutel.",
                "A REST API (OpenAPI 3.1) with the region, its municipalities, the joint vision, "
                "the execution agenda and the registers. Reading needs no key.",
            ),
            "dcat:endpointURL": _ref(self.api),
            "dcat:endpointDescription": _ref(openapi),
            "dct:conformsTo": _ref(OPENAPI),
            "dct:format": _ref(FILE_TYPE + JSON[0]),
            "dcat:theme": [_ref(REGIONS_AND_CITIES)],
            "dct:publisher": _ref(self.publisher_id),
            "dcat:contactPoint": _ref(self.contact_id),
            "dct:accessRights": _ref(PUBLIC),
            "dct:license": _ref(LICENCE),
            "dcat:servesDataset": [_ref(d["@id"]) for d in datasets],
        }

    # -- shared nodes -------------------------------------------------------------------------

    def distribution(
        self, url: str, file_type: str, media_type: str, name_nl: str, name_en: str
    ) -> Node:
        return {
            "@id": f"{url}#distributie",
            "@type": "dcat:Distribution",
            "dct:title": _texts(name_nl, name_en),
            "dcat:accessURL": _ref(url),
            "dct:format": _ref(FILE_TYPE + file_type),
            "dcat:mediaType": _ref(IANA + media_type),
            "dct:license": _ref(LICENCE),
        }

    def publisher(self) -> Node:
        return {
            "@id": self.publisher_id,
            "@type": "foaf:Agent",
            "foaf:name": _texts(self.region.name, self.region.name_en),
            "foaf:homepage": _ref(self.home),
            "foaf:mbox": _ref(f"mailto:{settings.CONTACT_EMAIL}"),
        }

    def contact_point(self) -> Node:
        return {
            "@id": self.contact_id,
            # vcard:Organization is a vcard:Kind; both are stated for readers without inference.
            "@type": ["vcard:Kind", "vcard:Organization"],
            "vcard:fn": f"Regio-agenda {self.region.name}",
            "vcard:hasEmail": _ref(f"mailto:{settings.CONTACT_EMAIL}"),
            "vcard:hasURL": _ref(self.absolute(reverse("website:contact"))),
        }

    def licence(self) -> Node:
        return {
            "@id": LICENCE,
            "@type": "dct:LicenseDocument",
            "skos:exactMatch": _ref(LICENCE_EU),
        }

    def spatial(self) -> list[Node]:
        return [self.municipality_location(m) for m in self.municipalities] + [_ref(NETHERLANDS)]

    def municipality_location(self, municipality: Municipality) -> Node:
        return {
            "@id": owms_uri(municipality),
            "@type": "dct:Location",
            "dct:identifier": municipality.code,
            "skos:prefLabel": municipality.name,
        }

    def theme_scheme(self) -> Node:
        return {
            "@id": self.absolute(reverse("website:themes")),
            "@type": "skos:ConceptScheme",
            "dct:title": _texts(
                f"Thema's van de {self.region.name}",
                f"Themes of the {self.region.name_en or self.region.name}",
            ),
        }

    def theme(self, theme: Theme) -> Node:
        return {
            "@id": self.absolute(theme.get_absolute_url()),
            "@type": "skos:Concept",
            "skos:prefLabel": _texts(theme.title, theme.title_en),
            "skos:inScheme": _ref(self.absolute(reverse("website:themes"))),
        }

    def keywords(self, items: Iterable[Theme | Topic]) -> list[Node]:
        words = [word for item in items for word in _texts(item.title, item.title_en)]
        return list({(w["@value"], w["@language"]): w for w in words}.values())
